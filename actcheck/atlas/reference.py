"""The exact values the atlas measures against, correctly rounded to the dtype.

In float32, float16 and bfloat16 the reference is the registry's float64 NumPy function
(double-double where float64 is not enough), rounded once to the dtype. The float64 value
is within ``BOUND_ULPS`` float64 ULP of the exact value (the README's claim for the NumPy
side, ``dtypes.numpy_ulps``, tested in tests/test_accuracy.py: 4, 8 for f''), and near a zero of a
derivative away from x = 0 within ``ZERO_ABS`` absolutely, where its terms cancel. Where
that bound straddles a rounding boundary of the dtype, the rounding is not decided by the
float64 value: the exact oracle (mpmath) decides it. In float64 every point is exact from
the oracle, rounded once from its mpf.
"""

from dataclasses import dataclass

import numpy as np

from .. import rounding
from ..opinions.oracle import exact_values
from ..rounding import BOUND_ULPS, ZERO_ABS, tolerance, zeros
from ..ulps import round_once

__all__ = [
    "Exact",
    "BOUND_ULPS",
    "ZERO_ABS",
    "round_to",
    "float64_values",
    "LowPrecision",
    "oracle_exact",
    "bounded",
]


_KEYS = {"forward": "forward", "backward": "derivative", "second": "second"}
_ORDER = {"forward": 0, "backward": 1, "second": 2}


def round_to(v, dtype):
    """float64 values ``v`` rounded once, to nearest even, to ``dtype``, as float64 (inf on overflow).

    ``dtypes.round_to`` does the rounding (bfloat16 included: ml_dtypes' own cast rounds twice).
    """
    from ..dtypes import round_to as rounded

    return rounded(np.asarray(v, dtype=np.float64), dtype).astype(np.float64)


def float64_values(act, params, x, quantity):
    """The registry's float64 NumPy value of ``quantity`` at float64 ``x``."""
    with np.errstate(all="ignore"):
        v = np.asarray(getattr(act, _KEYS[quantity])(x, **params), dtype=np.float64)
    return v if v.shape == x.shape else np.broadcast_to(v, x.shape).copy()


@dataclass
class Exact:
    """Exact values of one quantity at the points: ``value`` (float64, nearest the exact value), ``rounded``
    (correctly rounded to the dtype, as float64), ``defined`` (False at a kink); ``mp`` the mpf values
    where every one came from the oracle (float64), else None."""

    value: np.ndarray
    rounded: np.ndarray
    defined: np.ndarray
    mp: list | None = None
    inv_ulp: np.ndarray | None = None  # 1 / the dtype's spacing at each exact value
    err: np.ndarray | None = None  # the ULP error of ``rounded`` itself
    same_as: np.ndarray | None = None  # ``rounded`` in the dtype implementations' values are compared in


def _undefined(act, params, x, quantity):
    """Where the exact value does not exist: a derivative at a kink."""
    if quantity == "forward":
        return np.zeros(x.shape, bool)
    return np.isin(x, np.asarray(act.kinks(**params), dtype=np.float64))


class LowPrecision:
    """The float64 reference for one activation in float32, float16 or bfloat16 (zeros found once)."""

    def __init__(self, act, params, dtype, quantities):
        self.act, self.params, self.dtype, self.quantities = act, params, dtype, quantities
        self.zeros = {q: zeros(act, params, q) for q in quantities}
        self.oracle_points = 0  # how many points the oracle decided

    def exact(self, x):
        """{quantity: Exact} at ``x`` (float64 values of the dtype)."""
        out, doubtful = {}, {}
        for q in self.quantities:
            v = float64_values(self.act, self.params, x, q)
            e = Exact(v if v.flags.writeable else v.copy(), None, ~_undefined(self.act, self.params, x, q))
            _score(e, self.dtype, slice(None))
            with np.errstate(invalid="ignore"):
                tol = tolerance(q, self.dtype, x, e.inv_ulp, self.zeros[q])
            unsure = rounding.doubtful(e.err, e.rounded, e.value, tol)
            out[q] = e
            doubtful[q] = np.flatnonzero(unsure & e.defined)
        self._decide(x, out, doubtful)
        return out

    def at_edges(self, q, x, value, err):
        """``err`` (ULP measured in the binade of the float64 ``value``), doubled where ``value`` is a power of two
        of the dtype's normal range (or just above one) and the exact value lies below it: there the ULP is half.

        bfloat16 sigmoid'' at 2**-63 is -2**-64 (1 - 2**-126/12...) in float64, exactly -2**-64: torch's 0 there
        is 256 ULP of the exact value's binade, not 128. The oracle decides the side, at these points only.
        """
        m = np.abs(np.frexp(value)[0])
        edge = (m <= 0.5 + 2.0**-48) & (np.abs(value) > float(self.dtype.finfo().tiny)) & np.isfinite(value)
        idx = np.flatnonzero(edge & (err > 0) & np.isfinite(err))
        if idx.size == 0:
            return err
        below = [i for i in idx if self._below(q, float(x[i]), abs(float(value[i])))]
        err = err.copy()
        err[below] *= 2
        return err

    def _below(self, q, x, edge):
        """Whether the exact value at ``x`` is smaller in size than the power of two ``edge``, asked at 72 bits
        and, while it cannot tell (sigmoid''(2**-63) differs from -2**-66 by 2**-127 relative), at 256, 1024."""
        import mpmath

        for bits in (72, 256, 1024):
            e = exact_values(self.act, self.params, np.array([x]), _ORDER[q], bits)[q][0]
            if e is None:
                return False
            with mpmath.mp.workprec(bits + 64):  # abs() rounds to the working precision
                if abs(abs(e) - edge) > edge * mpmath.mpf(2) ** (8 - bits):
                    return abs(e) < edge
        return False

    def _decide(self, x, out, doubtful):
        """Let the oracle decide the rounding at the points whose float64 value cannot.

        Each point is asked only up to the derivative it is doubtful in: the forward alone is
        one exact evaluation, a derivative a numerical differentiation at high precision.
        """
        need = np.full(x.size, -1)
        for q, pts in doubtful.items():
            need[pts] = np.maximum(need[pts], _ORDER[q])
        for order in range(3):
            idx = np.flatnonzero(need == order)
            if idx.size == 0:
                continue
            exact = rounding.decided_exact(self.act, self.params, x[idx], order, self.dtype)
            self.oracle_points += idx.size
            for q, values in exact.items():
                if q not in out:
                    continue
                for i, e in zip(idx, values, strict=True):
                    if e is None:
                        out[q].defined[i] = False
                    else:
                        out[q].value[i] = round_once(e, _F64)
                        out[q].rounded[i] = round_once(e, self.dtype)
                _score(out[q], self.dtype, idx)


def _score(e, dtype, at):
    """Round ``e.value`` at ``at`` to the dtype and measure that rounding's own error (in place)."""
    from .measure import inverse_ulp

    if e.rounded is None:
        same = e.value.astype(np.float32) if dtype.name == "float32" else round_to(e.value, dtype)
        e.same_as = same
        e.rounded = same.astype(np.float64)
        e.inv_ulp = inverse_ulp(e.value, dtype)
        e.err = _error(e.value, e.rounded, e.inv_ulp)
        return
    v = e.value[at]
    e.same_as[at] = e.rounded[at]
    e.inv_ulp[at] = inverse_ulp(v, dtype)
    e.err[at] = _error(v, e.rounded[at], e.inv_ulp[at])


def _error(value, rounded, inv_ulp):
    """The ULP error of the rounding itself: 0 where it overflows (inf is then the right answer)."""
    err = np.abs(value - rounded) * inv_ulp
    if not np.isfinite(err.sum()):
        err[~np.isfinite(rounded)] = 0.0
    return err


def _f64():
    from ..dtypes import get_dtype

    return get_dtype("float64")


_F64 = _f64()


def oracle_exact(act, params, x, quantities):
    """{quantity: Exact} at float64 ``x``, every value from the oracle (the float64 atlas)."""
    from ..opinions.oracle import exact_values

    exact = exact_values(act, params, x, max(_ORDER[q] for q in quantities))
    out = {}
    for q in quantities:
        mp = exact[q]
        defined = np.array([e is not None for e in mp], dtype=bool)
        value = np.array([np.nan if e is None else round_once(e, _F64) for e in mp])
        out[q] = Exact(value, value.copy(), defined, mp, same_as=value.copy())
    return out


def bounded(act, params, x, quantity, dtype, upstream=None):
    """A vectorised reference for ``quantity`` at float64 ``x`` (times ``upstream``: a VJP), with its error bound.

    Returns (Exact, tol): the registry's float64 value, rounded to ``dtype``, 1/ULP of ``dtype`` at it (inf
    where float64 cannot hold it),
    ``defined`` (False at a kink), and per point how many ULP of ``dtype`` the value may be from exact
    (``BOUND_ULPS`` float64 ULP, one more for the product with ``upstream``, ``ZERO_ABS`` near a zero).
    """
    from ..dtypes import ulp

    x = np.asarray(x, dtype=np.float64)
    v = float64_values(act, params, x, quantity)
    if upstream is not None:
        v = v * np.asarray(upstream, dtype=np.float64)
    value = np.array(v, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        inv = 1 / ulp(value, dtype)  # inf below float64's 2**-1023 spacing: the absolute bound then covers all
        scale = 1.0 if upstream is None else np.maximum(1.0, np.abs(np.asarray(upstream, dtype=np.float64)))
        tol = tolerance(quantity, dtype, x, inv * scale, zeros(act, params, quantity))
        if upstream is not None:
            tol = tol + 2.0 ** (int(dtype.finfo().nmant) - 52)
    rounded = round_to(value, dtype)
    defined = ~_undefined(act, params, x, quantity)
    return Exact(value, rounded, defined, inv_ulp=inv, same_as=rounded), np.broadcast_to(tol, x.shape)
