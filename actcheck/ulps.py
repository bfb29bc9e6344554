"""Distances from the exact value in units in the last place, and who is nearer it."""

import math

import numpy as np

__all__ = ["ulp_error", "max_ulp", "closer"]


def ulp_error(values, exact, dtype):
    """|value - exact| in units in the last place of ``dtype`` at the exact value (nan where undefined)."""
    import mpmath

    from .dtypes import ulp

    out = np.full(len(exact), np.nan)
    with mpmath.mp.workdps(40):
        for i, (v, e) in enumerate(zip(values, exact, strict=True)):
            if e is None:
                continue
            v = float(v)
            if not math.isfinite(v):
                out[i] = 0.0 if v == float(e) else np.inf
                continue
            out[i] = float(abs(mpmath.mpf(v) - e) / float(ulp(float(e), dtype)))
    return out


def max_ulp(a):
    """The greatest ULP error in ``a`` (None when nothing was measured, "inf" for an infinite one)."""
    a = a[~np.isnan(a)]
    return None if a.size == 0 else (float(a.max()) if np.isfinite(a.max()) else "inf")


def closer(numpy_values, torch_values, ulps, keys):
    """Per point, 'numpy' or 'torch' where the two differ and one is nearer the exact value.

    ``keys`` in order of precedence; ``ulps[key]`` holds each side's ULP errors.
    """
    n = len(next(iter(ulps.values()))["numpy"])
    out = np.full(n, "", dtype=object)
    for key in keys:
        a, b = ulps[key]["numpy"], ulps[key]["torch"]
        differ = (numpy_values[key] != torch_values[key]) & ~np.isnan(a) & ~np.isnan(b) & (out == "")
        out[differ & (a < b)] = "numpy"
        out[differ & (b < a)] = "torch"
    return out
