"""The shrinks: hardshrink, softshrink and tanhshrink.

torch zeroes hardshrink's and softshrink's gradient on the closed interval [-lambd, lambd].
"""

import numpy as np

from . import exact
from .numerics import pick, sech2, zero
from .record import Activation, ParamError

__all__ = ["ENTRIES"]


def _outside(x, lambd):
    return (x < -lambd) | (x > lambd)


def _shrink_d(x, lambd=0.5):
    return pick(_outside(x, lambd), x)


def _check_lambd(lambd):
    if not lambd >= 0:
        raise ParamError(f"lambd must be >= 0, got {lambd}")


HARDSHRINK = Activation(
    name="hardshrink",
    formula="x if |x| > lambd else 0",
    forward=lambda x, lambd: np.where(_inside(x, lambd), 0.0, x).astype(x.dtype),
    derivative=_shrink_d,
    second=zero,
    torch=lambda T, x, lambd: T.nn.functional.hardshrink(x, lambd),
    exact=lambda mp, x, lambd: mp.mpf(0) if abs(x) <= lambd else x,
    exact_d=lambda mp, x, lambd: mp.mpf(abs(x) > lambd),
    exact_d2=lambda mp, x, lambd: mp.mpf(0),
    params={"lambd": 0.5},
    validate=_check_lambd,
    kinks=lambda lambd: (-lambd, lambd),
    span=(-2, 2),
)


def _inside(x, lambd):
    return (x >= -lambd) & (x <= lambd)  # false at nan, which passes through as torch's kernels let it


def _softshrink(x, lambd=0.5):
    return np.where(_inside(x, lambd), 0.0, x - np.copysign(lambd, x)).astype(x.dtype)


SOFTSHRINK = Activation(
    name="softshrink",
    formula="x - lambd if x > lambd, x + lambd if x < -lambd, else 0",
    forward=_softshrink,
    derivative=_shrink_d,
    second=zero,
    torch=lambda T, x, lambd: T.nn.functional.softshrink(x, lambd),
    exact=lambda mp, x, lambd: mp.mpf(0) if abs(x) <= lambd else (x - lambd if x > lambd else x + lambd),
    exact_d=lambda mp, x, lambd: mp.mpf(abs(x) > lambd),
    exact_d2=lambda mp, x, lambd: mp.mpf(0),
    params={"lambd": 0.5},
    validate=_check_lambd,
    kinks=lambda lambd: (-lambd, lambd),
    span=(-2, 2),
)


def _tanhshrink(x):
    # Lambert's continued fraction tanh(x) = x/(1+q), q = x^2/(3+x^2/(5+...)), so
    # x - tanh(x) = x*q/(1+q) with no cancellation; direct subtraction beyond |x| = 1.5.
    small = np.abs(x) < 1.5
    xs = np.where(small, x, 0)
    x2 = xs * xs
    r = np.full_like(xs, 41.0)
    for k in range(19, 0, -1):
        r = (2 * k + 1) + x2 / r
    q = x2 / r
    return np.where(small, xs * q / (1 + q), x - np.tanh(x))


TANHSHRINK = Activation(
    name="tanhshrink",
    formula="x - tanh(x)",
    forward=_tanhshrink,
    derivative=lambda x: np.tanh(x) ** 2,
    second=lambda x: 2 * np.tanh(x) * sech2(x),
    torch=lambda T, x: T.nn.functional.tanhshrink(x),
    exact=lambda mp, x: mp.fsum([x, -mp.tanh(x)]),  # cancels near 0: the oracle raises precision
    exact_d=lambda mp, x: mp.tanh(x) ** 2,
    exact_d2=lambda mp, x: 2 * mp.tanh(x) * exact.sech2(mp, x),
    extra_points=(1e-9, 1e-3, -1e-3, 1.4999),
    stepwise="torch composes it of ops that each round (tanh(x) first, then the subtraction cancels)",
)

ENTRIES = (HARDSHRINK, SOFTSHRINK, TANHSHRINK)
