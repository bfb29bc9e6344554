"""Sigmoid and its relatives: sigmoid, tanh, logsigmoid, softplus, softsign, silu and mish.

Every form here is chosen so that exp never overflows and no difference of nearly
equal numbers is taken in a tail: the tails are where torch's own values go wrong.
"""

import numpy as np

from . import exact
from .numerics import sech2, sigmoid, sigmoid_d, sigmoid_d2, xexp_tail
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

LOGSIGMOID = Activation(
    name="logsigmoid",
    formula="log(sigmoid(x)) = -softplus(-x)",
    forward=lambda x: np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x))),
    derivative=lambda x: sigmoid(-x),
    second=lambda x: -sigmoid_d(x),
    torch=lambda T, x: T.nn.functional.logsigmoid(x),
    exact=lambda mp, x: -exact.softplus(mp, -x),
    exact_d=lambda mp, x: exact.sigmoid(mp, -x),
    exact_d2=lambda mp, x: -exact.sigmoid_d(mp, x),
    aliases=("log_sigmoid",),
    extra_points=_TAILS,
)


def _softplus_arg(x, beta, threshold):
    bx = x * beta
    return bx, bx > threshold


def _softplus(x, beta=1.0, threshold=20.0):
    bx, lin = _softplus_arg(x, beta, threshold)
    # log1p(exp(bx)) = max(bx, 0) + log1p(exp(-|bx|)): exp never overflows
    sp = (np.maximum(bx, 0) + np.log1p(np.exp(-np.abs(bx)))) / beta
    return np.where(lin, x, sp)


def _softplus_d(x, beta=1.0, threshold=20.0):
    bx, lin = _softplus_arg(x, beta, threshold)
    return np.where(lin, 1.0, sigmoid(bx)).astype(x.dtype)


def _softplus_d2(x, beta=1.0, threshold=20.0):
    bx, lin = _softplus_arg(x, beta, threshold)
    return np.where(lin, 0.0, beta * sigmoid_d(bx)).astype(x.dtype)


def _mp_softplus(mp, x, beta=1.0, threshold=20.0):
    return x if x * beta > threshold else exact.softplus(mp, beta * x) / beta


def _mp_softplus_d(mp, x, beta=1.0, threshold=20.0):
    return mp.mpf(1) if x * beta > threshold else exact.sigmoid(mp, beta * x)


def _mp_softplus_d2(mp, x, beta=1.0, threshold=20.0):
    return mp.mpf(0) if x * beta > threshold else beta * exact.sigmoid_d(mp, beta * x)


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


def _silu(x):
    return np.where(x < -700, xexp_tail(x)[0], x * sigmoid(x))


def _silu_d(x):
    return np.where(x < -700, xexp_tail(x)[1], sigmoid(x) + x * (sigmoid(x) * sigmoid(-x)))


SILU = Activation(
    name="silu",
    formula="x * sigmoid(x)",
    forward=_silu,
    derivative=_silu_d,
    second=lambda x: sigmoid_d(x) * (2 + x * np.tanh(-x / 2)),
    torch=lambda T, x: T.nn.functional.silu(x),
    exact=lambda mp, x: x * exact.sigmoid(mp, x),
    exact_d=_mp_silu_d,
    exact_d2=_mp_silu_d2,
    aliases=("swish",),
    extra_points=(-37.0, -1.2784645),
    stepwise=_COMPOSED_FWD_AD,
)


def _mish_parts(x):
    """tanh(softplus(x)), 1 - that^2 and sigmoid(x), in forms that neither overflow nor cancel."""
    pos = x > 0
    m = np.exp(-np.abs(x))  # e^-x for x > 0, e^x otherwise
    # x > 0, in m = e^-x: t = (1+2m)/(1+2m+2m^2), 1-t^2 = 4m^2(1+m)^2/(1+2m+2m^2)^2
    den_p = 1 + 2 * m + 2 * m * m
    t_p = (1 + 2 * m) / den_p
    s2_p = 4 * (m * (1 + m) / den_p) ** 2
    # x <= 0, in e = e^x: n = e(e+2), t = n/(n+2), 1-t^2 = 4(n+1)/(n+2)^2
    n = m * (m + 2)
    t_n = n / (n + 2)
    s2_n = 4 * (n + 1) / (n + 2) ** 2
    return np.where(pos, t_p, t_n), np.where(pos, s2_p, s2_n), sigmoid(x)


def _mish(x):
    return np.where(x < -700, xexp_tail(x)[0], x * _mish_parts(x)[0])


def _mish_d(x):
    t, sech2_, s = _mish_parts(x)
    # x <= 0, in e = e^x, d = e^2 + 2e + 2: mish' = e((e+2)d + 4x(1+e))/d^2, fewer roundings
    xn = np.clip(x, -800.0, 0.0)  # below -700 the tail formula takes over
    e = np.exp(xn)
    d = e * (e + 2) + 2
    left = e * ((e + 2) * d + 4 * xn * (1 + e)) / (d * d)
    return np.where(x < -700, xexp_tail(x)[1], np.where(x > 0, t + x * sech2_ * s, left))


def _mish_d2(x):
    t, sech2_, s = _mish_parts(x)
    dt = sech2_ * s
    ddt = sech2_ * (s * sigmoid(-x) - 2 * t * s * s)
    return 2 * dt + x * ddt


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
