"""GELU, exact (x Φ(x)) and its tanh approximation, accurate into both tails.

The left tail is where x·Φ(x) is a tiny number computed from a product of a large x
and an exponentially small Φ: every rounding inside exp's argument becomes |x|² ULP.
"""

import numpy as np

from . import exact
from .numerics import (
    RSQRT_2PI,
    SQRT_2_OVER_PI,
    dd_add,
    dd_div,
    dd_mul,
    exp2k,
    nan_safe,
    near_zero,
    one_plus,
    signed_zero,
    two_prod,
    two_sum,
)
from .record import Activation, ParamError
from .tables import MILLS, MILLS_CF_TERMS, MILLS_TOP, MILLS_WIDTH

__all__ = ["ENTRIES"]

_K2 = (2 * SQRT_2_OVER_PI[0], 2 * SQRT_2_OVER_PI[1])  # 2 sqrt(2/pi)
_C = (0.044715, 2.1960211427085595e-18)  # the decimal 0.044715 as hi + lo
_MILLS = np.array(MILLS)


def _mills(t):
    """R(t) = Phi(-t)/phi(t) for t >= 0: polynomial pieces on [0, 8], Laplace's continued fraction beyond.

    scipy's erfc and erfcx are 4-10 ULP off for arguments in [0.5, 2]: Phi = phi R avoids them.
    """
    i = np.minimum((t / MILLS_WIDTH).astype(np.int64), len(_MILLS) - 1)
    d = t - (i + 0.5) * MILLS_WIDTH
    c = _MILLS[i]
    v = c[:, 0]
    for j in range(1, c.shape[1]):
        v = v * d + c[:, j]
    far = t > MILLS_TOP
    if far.any():
        tf = t[far]
        kf = tf.copy()
        for n in range(MILLS_CF_TERMS, 0, -1):
            kf = tf + n / kf
        v[far] = 1 / kf
    return v


def _erf_parts(x):
    """x clipped to [-40, 40], phi(x) = (p + pl) * 2**k (x*x carried: exp(-x*x/2) turns its rounding into x*x ULP)."""
    xc = np.clip(x, -40.0, 40.0)
    sq, sql = two_prod(xc, xc)
    e, el, k = exp2k(-0.5 * sq, -0.5 * sql)
    p, pl = dd_mul(e, el, *RSQRT_2PI)
    return xc, sq, sql, p, pl, k, _mills(np.abs(xc))


@nan_safe
def _gelu_erf(x):
    """x Phi(x): x phi R(-x) on the left, x (1 - phi R(x)) on the right; -0 at -inf (x * 0 was nan)."""
    xc, _, _, p, pl, k, r = _erf_parts(x)
    pr = dd_mul(p, pl, r)
    left = np.ldexp(sum(dd_mul(xc, 0.0, *pr)), k)
    one_minus = dd_add(1.0, 0.0, -np.ldexp(pr[0], k), -np.ldexp(pr[1], k))
    right = xc * one_minus[0] + xc * one_minus[1]
    return signed_zero(x, np.where(x > 40, x, np.where(xc < 0, left, right)))


@nan_safe
def _gelu_erf_d(x):
    """Phi + x phi: phi (R(-x) + x) on the left, 1 - phi (R(x) - x) on the right; Taylor about the zero of f'."""
    xc, _, _, p, pl, k, r = _erf_parts(x)
    left = np.ldexp(sum(dd_mul(p, pl, *two_sum(r, xc))), k)
    t = dd_mul(p, pl, *two_sum(r, -xc))
    right = 1.0 - np.ldexp(t[0] + t[1], k)
    return near_zero(x, np.where(xc < 0, left, right), "gelu")


@nan_safe
def _gelu_erf_d2(x):
    """phi(x)(2 - x^2), x^2 carried; phi kept at full precision where it is subnormal and 2 - x^2 is 1e3."""
    xc, sq, sql, p, pl, k, _ = _erf_parts(x)
    m = dd_mul(p, pl, *dd_add(2.0, 0.0, -sq, -sql))
    return np.ldexp(m[0] + m[1], k)


def _tanh_parts(x):
    """u = 2 sqrt(2/pi)(x + 0.044715 x^3) and v = x u' as hi + lo, with e^-|u| = (e + el) 2**k."""
    xc = np.clip(x, -25.0, 25.0)  # sigmoid(u) is 0 or 1 well before
    sq = two_prod(xc, xc)
    cx2 = dd_mul(*_C, *sq)
    kx = dd_mul(*_K2, xc)
    u = dd_mul(*kx, *dd_add(1.0, 0.0, *cx2))
    du = dd_add(*dd_mul(*_K2, 1.0), *dd_mul(*_K2, *dd_mul(3.0, 0.0, *cx2)))
    v = dd_mul(xc, 0.0, *du)
    neg = u[0] < 0
    e, el, k = exp2k(-np.abs(u[0]), np.where(neg, u[1], -u[1]))
    return xc, u, du, v, neg, e, el, k


@nan_safe
def _gelu_tanh(x):
    """x sigmoid(u): x E/(1+E) scaled by 2**k (u < 0), x/(1+E) (u >= 0), E = e^-|u|."""
    xc, _, _, _, neg, e, el, k = _tanh_parts(x)
    a, al, _ = one_plus(e, el, k)
    p = dd_mul(xc, 0.0, e, el)
    q = dd_div(np.where(neg, p[0], xc), np.where(neg, p[1], 0.0), a, al)
    return signed_zero(x, np.where(x > 25, x, np.where(neg, np.ldexp(q, k), q)))


@nan_safe
def _gelu_tanh_d(x):
    """sigmoid(u)(1 + v sigmoid(-u)): E(1 + E + v)/(1+E)^2 (u < 0) or (1 + E(1 + v))/(1+E)^2.

    s + x s (1 - s) u' rounded a dozen times: 6.35 ULP at x = -1.566.
    """
    xc, _, _, v, neg, e, el, k = _tanh_parts(x)
    a, al, big = one_plus(e, el, k)
    bigl = np.ldexp(el, k)
    s = dd_add(1.0, 0.0, *v)
    n_neg = dd_add(*s, big, bigl)
    n_pos = dd_add(1.0, 0.0, *dd_mul(big, bigl, *s))
    q = dd_div(np.where(neg, n_neg[0], n_pos[0]), np.where(neg, n_neg[1], n_pos[1]), *dd_mul(a, al, a, al))
    y = np.where(neg, np.ldexp(e * q + el * q, k), q)
    return near_zero(x, y, "gelu_tanh")


@nan_safe
def _gelu_tanh_d2(x):
    """sigmoid'(u) (2u' + x u'' - x u'^2 tanh(u/2)), tanh(u/2) = (1-E)/(1+E), scaled by 2**k."""
    xc, u, du, _, neg, e, el, k = _tanh_parts(x)
    a, al, big = one_plus(e, el, k)
    bigl = np.ldexp(el, k)
    ddu = dd_mul(*dd_mul(*_K2, *dd_mul(*_C, 6.0)), xc)
    th = dd_div(*dd_add(1.0, 0.0, -big, -bigl), a, al) * np.where(neg, -1.0, 1.0)  # tanh(u/2)
    xdu2 = dd_mul(*dd_mul(xc, 0.0, *du), *du)
    inner = dd_add(*dd_add(2 * du[0], 2 * du[1], *dd_mul(xc, 0.0, *ddu)), -xdu2[0] * th, -xdu2[1] * th)
    q = dd_div(*inner, *dd_mul(a, al, a, al))
    return near_zero(x, np.ldexp(e * q + el * q, k), "gelu_tanh_d2+", "gelu_tanh_d2-")


def _gelu(x, approximate="none"):
    return _gelu_tanh(x) if approximate == "tanh" else _gelu_erf(x)


def _gelu_d(x, approximate="none"):
    return _gelu_tanh_d(x) if approximate == "tanh" else _gelu_erf_d(x)


def _gelu_d2(x, approximate="none"):
    return _gelu_tanh_d2(x) if approximate == "tanh" else _gelu_erf_d2(x)


def _mp_tanh_u(mp, x):
    """u, u', u'' for the tanh form x*sigmoid(u), u = 2 sqrt(2/pi) (x + 0.044715 x^3) (the decimal 0.044715)."""
    k, c = 2 * mp.sqrt(2 / mp.pi), mp.mpf("0.044715")
    return k * (x + c * x**3), k * (1 + 3 * c * x * x), 6 * k * c * x


def _mp_gelu(mp, x, approximate="none"):
    if approximate == "tanh":  # x/2 (1 + tanh(u/2)) = x sigmoid(u): no 1 + tanh cancellation
        return x * exact.sigmoid(mp, _mp_tanh_u(mp, x)[0])
    return x * exact.ndtr(mp, x)


def _mp_gelu_d(mp, x, approximate="none"):
    if approximate == "tanh":
        u, du, _ = _mp_tanh_u(mp, x)
        return mp.fsum([exact.sigmoid(mp, u), x * exact.sigmoid_d(mp, u) * du])
    if x < -exact.PHI_CLAMP:  # phi(x)(M(-x) + x), M Mills' ratio: Phi is clamped there, and so was the sign at -inf
        return exact.npdf(mp, x) * mp.fsum([exact.mills(mp, -x), x])
    return mp.fsum([exact.ndtr(mp, x), x * exact.npdf(mp, x)])


def _mp_gelu_d2(mp, x, approximate="none"):
    if approximate == "tanh":
        u, du, ddu = _mp_tanh_u(mp, x)
        inner = mp.fsum([-mp.tanh(u / 2) * du * du, ddu])
        return exact.sigmoid_d(mp, u) * mp.fsum([2 * du, x * inner])
    return exact.npdf(mp, x) * mp.fsum([2, -x * x])


def _check_gelu(approximate):
    if approximate not in ("none", "tanh"):
        raise ParamError(f"approximate must be 'none' or 'tanh', got {approximate!r}")


GELU = Activation(
    name="gelu",
    formula="x * Phi(x)  (approximate='tanh': x/2 * (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))))",
    forward=_gelu,
    derivative=_gelu_d,
    second=_gelu_d2,
    torch=lambda T, x, approximate: T.nn.functional.gelu(x, approximate=approximate),
    exact=_mp_gelu,
    exact_d=_mp_gelu_d,
    exact_d2=_mp_gelu_d2,
    params={"approximate": "none"},
    validate=_check_gelu,
    extra_points=(-37.0, -10.0, -0.7517916, 1e-9),
)

ENTRIES = (GELU,)
