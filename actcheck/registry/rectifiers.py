"""Rectifiers: relu, relu6, leaky_relu, rrelu, prelu and threshold, piecewise linear.

At a kink NumPy follows torch's reverse mode: the branch torch's kernel takes at the
point itself (relu'(0) = 0, leaky_relu'(0) = the slope).
"""

import numpy as np

from .numerics import pick, zero
from .record import Activation, ParamError, torch_constant

__all__ = ["ENTRIES"]


def _leaky(x, negative_slope):
    # by x's sign bit: +0 is the identity's (+0), -0 the slope's (+0 for a negative slope)
    return np.where(np.signbit(x), x * negative_slope, x)


def _leaky_d(x, negative_slope):
    # torch: slope at 0 (x > 0 takes the identity branch)
    return pick(x > 0, x, 1.0, negative_slope)


def _mp_leaky(x, slope):
    return x if x > 0 else slope * x


def _mp_leaky_d(mp, x, slope):
    return mp.mpf(1) if x > 0 else mp.mpf(slope)


def _mp_zero(mp, x, **_):
    return mp.mpf(0)


RELU = Activation(
    name="relu",
    formula="max(0, x)",
    forward=lambda x: np.maximum(x, 0),
    derivative=lambda x: pick(x > 0, x),
    second=zero,
    torch=lambda T, x: T.relu(x),
    exact=lambda mp, x: max(x, 0),
    exact_d=lambda mp, x: mp.mpf(x > 0),
    exact_d2=_mp_zero,
    kinks=lambda: (0.0,),
    span=(-3, 3),
)


def _relu6_d(x):
    # torch: 0 at both ends
    return pick((x > 0) & (x < 6), x)


RELU6 = Activation(
    name="relu6",
    formula="min(max(0, x), 6)",
    forward=lambda x: np.clip(x, 0, 6),
    derivative=_relu6_d,
    second=zero,
    torch=lambda T, x: T.nn.functional.relu6(x),
    exact=lambda mp, x: min(max(x, 0), 6),
    exact_d=lambda mp, x: mp.mpf(0 < x < 6),
    exact_d2=_mp_zero,
    kinks=lambda: (0.0, 6.0),
    span=(-2, 8),
)

LEAKY_RELU = Activation(
    name="leaky_relu",
    formula="x if x > 0 else negative_slope * x",
    forward=_leaky,
    derivative=_leaky_d,
    second=zero,
    torch=lambda T, x, negative_slope: T.nn.functional.leaky_relu(x, negative_slope),
    exact=lambda mp, x, negative_slope: _mp_leaky(x, negative_slope),
    exact_d=lambda mp, x, negative_slope: _mp_leaky_d(mp, x, negative_slope),
    exact_d2=_mp_zero,
    params={"negative_slope": 0.01},
    aliases=("leakyrelu", "lrelu"),
    kinks=lambda negative_slope: (0.0,),
    span=(-3, 3),
)


def _rrelu_slope(lower, upper):
    return (lower + upper) / 2


def _check_rrelu(lower, upper):
    if lower > upper:
        raise ParamError(f"lower ({lower}) cannot be greater than upper ({upper})")


RRELU = Activation(
    name="rrelu",
    formula="x if x >= 0 else (lower + upper)/2 * x  (evaluation mode)",
    forward=lambda x, lower, upper: _leaky(x, _rrelu_slope(lower, upper)),
    derivative=lambda x, lower, upper: _leaky_d(x, _rrelu_slope(lower, upper)),
    second=zero,
    torch=lambda T, x, lower, upper: T.nn.functional.rrelu(x, lower, upper, training=False),
    exact=lambda mp, x, lower, upper: _mp_leaky(x, (mp.mpf(lower) + upper) / 2),
    exact_d=lambda mp, x, lower, upper: _mp_leaky_d(mp, x, (mp.mpf(lower) + upper) / 2),
    exact_d2=_mp_zero,
    params={"lower": 1 / 8, "upper": 1 / 3},
    validate=_check_rrelu,
    kinks=lambda lower, upper: (0.0,),
    span=(-3, 3),
)

PRELU = Activation(
    name="prelu",
    formula="x if x > 0 else weight * x  (one shared weight)",
    forward=lambda x, weight: _leaky(x, weight),
    derivative=lambda x, weight: _leaky_d(x, weight),
    second=zero,
    # the weight as a zero-tangent dual in forward mode keeps torch on its own prelu kernel
    torch=lambda T, x, weight: T.nn.functional.prelu(x, torch_constant(T, x, [weight])),
    exact=lambda mp, x, weight: _mp_leaky(x, weight),
    exact_d=lambda mp, x, weight: _mp_leaky_d(mp, x, weight),
    exact_d2=_mp_zero,
    params={"weight": 0.25},
    kinks=lambda weight: (0.0,),
    span=(-3, 3),
)

THRESHOLD = Activation(
    name="threshold",
    formula="x if x > threshold else value",
    forward=lambda x, threshold, value: np.where(x <= threshold, value, x).astype(x.dtype),  # nan passes
    derivative=lambda x, threshold, value: pick(x > threshold, x),
    second=zero,
    torch=lambda T, x, threshold, value: T.nn.functional.threshold(x, threshold, value),
    exact=lambda mp, x, threshold, value: mp.mpf(value) if x <= threshold else x,
    exact_d=lambda mp, x, threshold, value: mp.mpf(x > threshold),
    exact_d2=_mp_zero,
    # torch has no defaults here; these are the ones from torch's docs example
    params={"threshold": 0.1, "value": 20.0},
    kinks=lambda threshold, value: (threshold,),
    span=(-3, 3),
)

ENTRIES = (RELU, RELU6, LEAKY_RELU, RRELU, PRELU, THRESHOLD)
