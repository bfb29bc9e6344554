"""Sigmoid and its relatives: sigmoid, tanh, logsigmoid, softplus, softsign, silu and mish.

Every form here is chosen so that exp never overflows and no difference of nearly
equal numbers is taken in a tail: the tails are where torch's own values go wrong.
"""

import numpy as np

from . import exact
from .numerics import (
    dd_add,
    dd_div,
    dd_mul,
    exp2k,
    nan_safe,
    near_zero,
    one_plus,
    sech2,
    sigmoid,
    sigmoid_d,
    sigmoid_d2,
    sigmoid_d_dd,
    sigmoid_dd,
    signed_zero,
    two_prod,
    two_sum,
)
from .record import Activation, ParamError, torch_constant

__all__ = ["ENTRIES"]

_TAILS = (-37.0, -5.0, 37.0)
_SAVED = "torch computes the backward from its saved, rounded output"
_COMPOSED_FWD_AD = "torch's forward-mode derivative is composed of ops that each round"


def _mp_silu_d(mp, x):
    return exact.sigmoid(mp, x) * mp.fsum([1, x * exact.sigmoid(mp, -x)])


def _mp_silu_d2(mp, x):
    return exact.sigmoid_d(mp, x) * mp.fsum([2, -x * mp.tanh(x / 2)])


def _mp_mish_parts(mp, x):
    sp = exact.softplus(mp, x)
    return mp.tanh(sp), exact.sech2(mp, sp), exact.sigmoid(mp, x)


def _mp_mish_d(mp, x):
    t, s2, s = _mp_mish_parts(mp, x)
    return mp.fsum([t, x * s * s2])


def _mp_mish_d2(mp, x):
    t, s2, s = _mp_mish_parts(mp, x)
    return s * s2 * mp.fsum([2, x * exact.sigmoid(mp, -x), -2 * x * s * t])


SIGMOID = Activation(
    name="sigmoid",
    formula="1 / (1 + exp(-x))",
    forward=sigmoid,
    derivative=sigmoid_d,
    second=sigmoid_d2,
    torch=lambda T, x: T.sigmoid(x),
    exact=exact.sigmoid,
    exact_d=exact.sigmoid_d,
    exact_d2=exact.sigmoid_d2,
    aliases=("logistic", "expit"),
    extra_points=_TAILS,
    stepwise=_SAVED,
)

TANH = Activation(
    name="tanh",
    formula="tanh(x)",
    forward=np.tanh,
    derivative=sech2,
    second=lambda x: -2 * np.tanh(x) * sech2(x),
    torch=lambda T, x: T.tanh(x),
    exact=lambda mp, x: mp.tanh(x),
    exact_d=exact.sech2,
    exact_d2=lambda mp, x: -2 * mp.tanh(x) * exact.sech2(mp, x),
    extra_points=(-37.0, 1e-9),
    span=(-4, 4),
    stepwise=_SAVED,
)


def _softplus_arg(x, beta, threshold):
    """beta*x as hi + lo (x clipped where nothing changes) and where torch's linear branch applies (exactly).

    beta*x rounds: exp(beta x) would turn that into |beta x| ULP (219 at beta = 0.3, x = -1868.6).
    """
    lim = max(1e4, 2 * abs(threshold)) / abs(beta)
    xc = np.clip(x, -lim, lim)
    u, ul = two_prod(xc, np.float64(beta))
    lin = (u > threshold) | ((u == threshold) & (ul > 0))
    return xc, u, ul, lin


def _log1pexp(u, ul, div):
    """log(1 + e^(u+ul)) / div, without overflow, cancellation or a subnormal e^u."""
    neg = u <= 0
    e, el, k = exp2k(-np.abs(u), np.where(neg, ul, -ul))
    big, bigl = np.ldexp(e, k), np.ldexp(el, k)
    lp = np.log1p(big) + bigl / (1 + big)
    deep = u < -36  # log1p(E) = E(1 - E/2) to 2**-106: keep E's mantissa, scale at the end
    tail = np.ldexp(dd_div(*dd_mul(e, el, 1 - big / 2), div), k)
    pos = dd_div(*dd_add(u, ul, lp), div)
    return np.where(deep, tail, np.where(neg, lp / div, pos))


@nan_safe
def _softplus(x, beta=1.0, threshold=20.0):
    _, u, ul, lin = _softplus_arg(x, beta, threshold)
    return np.where(lin, x, _log1pexp(u, ul, np.float64(beta)))


@nan_safe
def _softplus_d(x, beta=1.0, threshold=20.0):
    _, u, ul, lin = _softplus_arg(x, beta, threshold)
    return np.where(lin, 1.0, sigmoid_dd(np.clip(u, -800, 800), ul))


@nan_safe
def _softplus_d2(x, beta=1.0, threshold=20.0):
    _, u, ul, lin = _softplus_arg(x, beta, threshold)
    # torch's double backward masks with beta*x < threshold: at the kink itself f'' is its linear side's 0
    lin |= (u == threshold) & (ul == 0)
    return np.where(lin, 0.0, sigmoid_d_dd(np.clip(u, -800, 800), ul, np.float64(beta)))


@nan_safe
def _logsigmoid(x):
    """-log(1 + e^-x), through softplus's scaled log1p(exp): min(x, 0) - log1p(exp(-|x|)) lost ~1 ULP more."""
    y = -_log1pexp(-np.clip(x, -1e4, 1e4), 0.0, 1.0)
    return np.where(x < -1e4, y + (x + 1e4), y)  # adding 0 made the -0 of x > 745 +0


LOGSIGMOID = Activation(
    name="logsigmoid",
    formula="log(sigmoid(x)) = -softplus(-x)",
    forward=_logsigmoid,
    derivative=lambda x: sigmoid(-x),
    second=lambda x: -sigmoid_d(x),
    torch=lambda T, x: T.nn.functional.logsigmoid(x),
    exact=lambda mp, x: -exact.softplus(mp, -x),
    exact_d=lambda mp, x: exact.sigmoid(mp, -x),
    exact_d2=lambda mp, x: -exact.sigmoid_d(mp, x),
    aliases=("log_sigmoid",),
    extra_points=_TAILS,
)


def _mp_softplus(mp, x, beta=1.0, threshold=20.0):
    return x if x * beta > threshold else exact.softplus(mp, beta * x) / beta


def _mp_softplus_d(mp, x, beta=1.0, threshold=20.0):
    return mp.mpf(1) if x * beta > threshold else exact.sigmoid(mp, beta * x)


def _mp_softplus_d2(mp, x, beta=1.0, threshold=20.0):
    return mp.mpf(0) if x * beta >= threshold else beta * exact.sigmoid_d(mp, beta * x)


def _check_beta(beta, threshold):
    if beta == 0:
        raise ParamError("beta cannot be 0")


SOFTPLUS = Activation(
    name="softplus",
    formula="log(1 + exp(beta x)) / beta, x where beta x > threshold",
    forward=_softplus,
    derivative=_softplus_d,
    second=_softplus_d2,
    torch=lambda T, x, beta, threshold: T.nn.functional.softplus(x, beta, threshold),
    exact=_mp_softplus,
    exact_d=_mp_softplus_d,
    exact_d2=_mp_softplus_d2,
    params={"beta": 1.0, "threshold": 20.0},
    validate=_check_beta,
    kinks=lambda beta, threshold: (threshold / beta,),
    extra_points=(-700.0, -37.0),
)


def _softsign_d(x):
    r = 1 / (1 + np.abs(x))  # squaring r, not (1+|x|), keeps subnormal results
    return r * r


def _softsign_d2(x):
    r = 1 / (1 + np.abs(x))
    return -2 * np.sign(x) * r * r * r


def _torch_softsign(T, x):
    """torch.nn.functional.softsign's own composite, x / (x.abs() + 1), op for op.

    The 1 goes in as a tensor that is a zero-tangent dual in forward mode: given as a
    Python number, torch's forward mode imports its compiler (1.35 s) to add it.
    """
    return x / (x.abs() + torch_constant(T, x, 1.0))


SOFTSIGN = Activation(
    name="softsign",
    formula="x / (1 + |x|)",
    forward=lambda x: np.where(np.isinf(x), np.sign(x), x / (1 + np.abs(x))),
    derivative=_softsign_d,
    second=_softsign_d2,
    torch=_torch_softsign,
    exact=lambda mp, x: x / (1 + abs(x)),
    exact_d=lambda mp, x: 1 / (1 + abs(x)) ** 2,
    exact_d2=lambda mp, x: None if x == 0 else -2 * mp.sign(x) / (1 + abs(x)) ** 3,  # f'' jumps at 0
    extra_points=(1e160, -1e160),
    stepwise="torch composes it of ops that each round (1 + |x| first)",
)


@nan_safe
def _silu(x):
    """x * sigmoid(x); the left tail as x e^x / (1 + e^x) scaled by 2**k, -0 below -800.

    The old tail multiplied exp(clip(x)) by the unclipped x: silu(-1e300) was -3.7e-48.
    """
    xc = np.clip(x, -800.0, 800.0)
    neg = xc < 0
    e, el, k = exp2k(-np.abs(xc))
    a, al, _ = one_plus(e, el, k)
    p, pl = dd_mul(xc, 0.0, e, el)
    q = dd_div(np.where(neg, p, xc), np.where(neg, pl, 0.0), a, al)
    return signed_zero(x, np.where(x > 800, x, np.where(neg, np.ldexp(q, k), q)))


@nan_safe
def _silu_d(x):
    """E(1 + x + E)/(1+E)^2 (x < 0) or (1 + E(1 + x))/(1+E)^2 (x >= 0), E = e^-|x|, 1 + x formed exactly.

    s + x s (1 - s) rounded five times: 5.5 ULP at x = -29.73.
    """
    xc = np.clip(x, -800.0, 800.0)
    neg = xc < 0
    e, el, k = exp2k(-np.abs(xc))
    a, al, big = one_plus(e, el, k)
    bigl = np.ldexp(el, k)
    s, sl = two_sum(1.0, xc)
    n_neg = dd_add(s, sl, big, bigl)
    n_pos = dd_add(1.0, 0.0, *dd_mul(big, bigl, s, sl))
    nh, nl = np.where(neg, n_neg[0], n_pos[0]), np.where(neg, n_neg[1], n_pos[1])
    q = dd_div(nh, nl, *dd_mul(a, al, a, al))
    y = np.where(neg, np.ldexp(e * q + el * q, k), q)
    return near_zero(x, y, "silu")


@nan_safe
def _silu_d2(x):
    """E((2 + y) + E(2 - y))/(1+E)^3 with y = -|x|, E = e^y (f'' is even): no subnormal sigmoid' times 700."""
    y = -np.minimum(np.abs(x), 800.0)
    e, el, k = exp2k(y)
    a, al, big = one_plus(e, el, k)
    bigl = np.ldexp(el, k)
    n = dd_add(*two_sum(2.0, y), *dd_mul(big, bigl, *two_sum(2.0, -y)))
    d3 = dd_mul(*dd_mul(a, al, a, al), a, al)
    q = dd_div(*n, *d3)
    return near_zero(x, np.ldexp(e * q + el * q, k), "silu_d2+", "silu_d2-")


SILU = Activation(
    name="silu",
    formula="x * sigmoid(x)",
    forward=_silu,
    derivative=_silu_d,
    second=_silu_d2,
    torch=lambda T, x: T.nn.functional.silu(x),
    exact=lambda mp, x: x * exact.sigmoid(mp, x),
    exact_d=_mp_silu_d,
    exact_d2=_mp_silu_d2,
    aliases=("swish",),
    extra_points=(-37.0, -1.2784645),
    stepwise=_COMPOSED_FWD_AD,
)


def _mish_common(x):
    xc = np.clip(x, -800.0, 800.0)
    e, el, k = exp2k(-np.abs(xc))
    big, bigl = np.ldexp(e, k), np.ldexp(el, k)
    return xc, xc <= 0, e, el, k, big, bigl


def _mish_g(m, ml):
    """g = 1 + 2m + 2m^2 = 1 + 2m(1 + m), and 1 + 2m, as hi + lo (m = e^-x, x > 0)."""
    g = dd_add(1.0, 0.0, *dd_mul(2 * m, 2 * ml, *dd_add(1.0, 0.0, m, ml)))
    return g, dd_add(1.0, 0.0, 2 * m, 2 * ml)


@nan_safe
def _mish(x):
    """x E(E+2)/(2 + E(2+E)) (x <= 0, E = e^x), x(1+2m)/(1+2m+2m^2) (x > 0, m = e^-x); -0 below -800."""
    xc, neg, e, el, k, big, bigl = _mish_common(x)
    w = dd_add(2.0, 0.0, big, bigl)
    d = dd_add(2.0, 0.0, *dd_mul(big, bigl, *w))
    left = np.ldexp(dd_div(*dd_mul(*dd_mul(xc, 0.0, e, el), *w), *d), k)
    g, n = _mish_g(big, bigl)
    right = dd_div(*dd_mul(xc, 0.0, *n), *g)
    return signed_zero(x, np.where(x > 800, x, np.where(neg, left, right)))


@nan_safe
def _mish_d(x):
    """x <= 0: E(4(1+x) + E(6 + 4x + E(4 + E)))/d^2, d = 2 + E(2 + E); x > 0: ((1+2m)g + 4x m^2 (1+m))/g^2.

    t + x s sech^2 rounded a dozen times: 7 ULP at x = -4.83.
    """
    xc, neg, e, el, k, big, bigl = _mish_common(x)
    s, sl = two_sum(1.0, xc)
    inner = dd_add(*two_sum(6.0, 4 * xc), *dd_mul(big, bigl, *dd_add(4.0, 0.0, big, bigl)))
    num = dd_add(4 * s, 4 * sl, *dd_mul(big, bigl, *inner))
    d = dd_add(2.0, 0.0, *dd_mul(big, bigl, *dd_add(2.0, 0.0, big, bigl)))
    q = dd_div(*num, *dd_mul(*d, *d))
    left = np.ldexp(e * q + el * q, k)
    g, n = _mish_g(big, bigl)
    m2 = dd_mul(big, bigl, big, bigl)
    t = dd_mul(*dd_mul(4 * xc, 0.0, *m2), *dd_add(1.0, 0.0, big, bigl))
    right = dd_div(*dd_add(*dd_mul(*n, *g), *t), *dd_mul(*g, *g))
    return near_zero(x, np.where(neg, left, right), "mish")


def _horner_dd(z, zl, coeffs):
    """sum c_j z^j for hi+lo coefficients c_j (lowest first), as hi + lo."""
    acc = coeffs[-1]
    for c in coeffs[-2::-1]:
        acc = dd_add(*c, *dd_mul(z, zl, *acc))
    return acc


@nan_safe
def _mish_d2(x):
    """4E P/d^3 (x <= 0, P a polynomial in E = e^x) or 4m^2 Q/g^3 (x > 0, m = e^-x), scaled by 2**k / 2**2k."""
    xc, neg, e, el, k, big, bigl = _mish_common(x)
    t3 = two_prod(3.0, xc)
    c_neg = [(2 * v, 2 * w) for v, w in [two_sum(2.0, xc)]]
    c_neg += [two_sum(8.0, 2 * xc), dd_add(6.0, 0.0, -t3[0], -t3[1])]
    c_neg += [(2 * v, 2 * w) for v, w in [two_sum(1.0, -xc)]]
    p = _horner_dd(big, bigl, c_neg)
    d = dd_add(2.0, 0.0, *dd_mul(big, bigl, *dd_add(2.0, 0.0, big, bigl)))
    q = dd_div(*p, *dd_mul(*dd_mul(*d, *d), *d))
    left = np.ldexp(4 * (e * q + el * q), k)
    c_pos = [(2 * v, 2 * w) for v, w in [two_sum(1.0, -xc)]]
    c_pos += [dd_add(6.0, 0.0, -t3[0], -t3[1]), two_sum(8.0, 2 * xc)]
    c_pos += [(2 * v, 2 * w) for v, w in [two_sum(2.0, xc)]]
    qq = _horner_dd(big, bigl, c_pos)
    g, _ = _mish_g(big, bigl)
    e2 = dd_mul(e, el, e, el)
    r = dd_div(*dd_mul(*e2, *qq), *dd_mul(*dd_mul(*g, *g), *g))
    right = np.ldexp(4 * r, 2 * k)
    return near_zero(x, np.where(neg, left, right), "mish_d2+", "mish_d2-")


MISH = Activation(
    name="mish",
    formula="x * tanh(softplus(x))",
    forward=_mish,
    derivative=_mish_d,
    second=_mish_d2,
    torch=lambda T, x: T.nn.functional.mish(x),
    exact=lambda mp, x: x * mp.tanh(exact.softplus(mp, x)),
    exact_d=_mp_mish_d,
    exact_d2=_mp_mish_d2,
    extra_points=(-37.0, -1.1924),
    stepwise=_COMPOSED_FWD_AD,
)

ENTRIES = (SIGMOID, TANH, LOGSIGMOID, SOFTPLUS, SOFTSIGN, SILU, MISH)
