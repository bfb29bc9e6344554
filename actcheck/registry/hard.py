"""The hard ones: hardtanh, hardsigmoid and hardswish, piecewise linear (or quadratic) clips."""

import numpy as np

from .numerics import dd_div, dd_mul, nan_safe, pick, signed_zero, two_sum, zero
from .record import Activation, ParamError

__all__ = ["ENTRIES"]


def _hardtanh_d(x, min_val=-1.0, max_val=1.0):
    # torch: 0 at both ends
    return pick((x > min_val) & (x < max_val), x)


def _check_hardtanh(min_val, max_val):
    if min_val > max_val:
        raise ParamError(f"min_val ({min_val}) cannot be greater than max_val ({max_val})")


HARDTANH = Activation(
    name="hardtanh",
    formula="min(max(x, min_val), max_val)",
    forward=lambda x, min_val, max_val: np.clip(x, min_val, max_val),
    derivative=_hardtanh_d,
    second=zero,
    torch=lambda T, x, min_val, max_val: T.nn.functional.hardtanh(x, min_val, max_val),
    exact=lambda mp, x, min_val, max_val: min(max(x, min_val), max_val),
    exact_d=lambda mp, x, min_val, max_val: mp.mpf(min_val < x < max_val),
    exact_d2=lambda mp, x, min_val, max_val: mp.mpf(0),
    params={"min_val": -1.0, "max_val": 1.0},
    validate=_check_hardtanh,
    kinks=lambda min_val, max_val: (min_val, max_val),
    span=(-3, 3),
)


@nan_safe
def _hardsigmoid(x):
    """(x + 3)/6 rounded once."""
    return dd_div(*two_sum(np.clip(x, -3.0, 3.0), 3.0), 6.0)


HARDSIGMOID = Activation(
    name="hardsigmoid",
    formula="min(max(x + 3, 0), 6) / 6",
    forward=_hardsigmoid,
    # exact 1/6: torch's float64 kernel uses float32(1/6), off by 5e-9 (the oracle reports it)
    derivative=lambda x: pick((x > -3) & (x < 3), x, 1 / 6),
    second=zero,
    torch=lambda T, x: T.nn.functional.hardsigmoid(x),
    exact=lambda mp, x: min(max(x + 3, 0), 6) / 6,
    exact_d=lambda mp, x: mp.mpf(1) / 6 if -3 < x < 3 else mp.mpf(0),
    exact_d2=lambda mp, x: mp.mpf(0),
    kinks=lambda: (-3.0, 3.0),
    torch_second=False,
)


@nan_safe
def _hardswish(x):
    """x(x+3)/6 rounded once (hi + lo throughout); 0 at and below -3 (x * 0 was nan at -inf), x at and above 3.

    torch's x * relu6(x + 3) / 6 overflows for x > max/6: the identity branch does not.
    """
    xc = np.clip(x, -3.0, 3.0)
    mid = dd_div(*dd_mul(xc, 0.0, *two_sum(xc, 3.0)), 6.0)
    return signed_zero(x, np.where(x <= -3, 0.0, np.where(x >= 3, x, mid)), 0.5)


@nan_safe
def _hardswish_d(x):
    """(2x + 3)/6 rounded once; torch's 0 at -3 and 1 at 3."""
    xc = np.clip(x, -3.0, 3.0)
    mid = dd_div(*two_sum(2 * xc, 3.0), 6.0)
    return np.where(x <= -3, 0.0, np.where(x >= 3, 1.0, mid))


HARDSWISH = Activation(
    name="hardswish",
    formula="x * min(max(x + 3, 0), 6) / 6",
    forward=_hardswish,
    derivative=_hardswish_d,
    second=lambda x: pick((x > -3) & (x < 3), x, 1 / 3),
    torch=lambda T, x: T.nn.functional.hardswish(x),
    exact=lambda mp, x: x * min(max(x + 3, 0), 6) / 6,
    exact_d=lambda mp, x: mp.mpf(0) if x < -3 else (mp.mpf(1) if x > 3 else (2 * x + 3) / 6),
    exact_d2=lambda mp, x: mp.mpf(1) / 3 if -3 < x < 3 else mp.mpf(0),
    aliases=("hard_swish",),
    kinks=lambda: (-3.0, 3.0),
)

ENTRIES = (HARDTANH, HARDSIGMOID, HARDSWISH)
