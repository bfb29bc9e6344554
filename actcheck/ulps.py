"""Distances from the exact value in units in the last place, and who is nearer it.

The exact values are mpf (the oracle's). ``round_once`` rounds one to a dtype directly
from its binary significand — mpmath's float() rounds a subnormal twice (to 53 bits,
then to the subnormal's fewer) — and ``ulp_error`` measures in the dtype's spacing at
the exact value, from its exponent (so values beyond float64's range have one too).
"""

import math

import numpy as np

__all__ = ["ulp_error", "max_ulp", "closer", "round_once", "within_ulps", "spacing"]


def _format(dtype):
    """(significand bits with the hidden one, least normal exponent, greatest exponent) of ``dtype``."""
    fi = dtype.finfo()
    return int(fi.nmant) + 1, int(fi.minexp), int(fi.maxexp) - 1


def round_once(value, dtype):
    """The exact ``value`` (mpf) rounded to nearest-even in ``dtype`` once, as a float (nan for None)."""
    import mpmath

    if value is None:
        return math.nan
    if isinstance(value, float) and value == 0:  # the oracle's signed zeros
        return value
    if not isinstance(value, mpmath.mpf):  # mpf(an mpf) would round it to the working precision first
        value = mpmath.mpf(value)
    if not mpmath.isfinite(value) or value == 0:
        return float(value)
    p, emin, emax = _format(dtype)
    sign, man, exp, bc = value._mpf_
    if exp + bc - 1 < emin - p:  # below half the least subnormal (exp(-1e300), say): 0, without the big shift
        return -0.0 if sign else 0.0
    man = int(man)
    last = max(exp + bc - 1, emin) - (p - 1)  # the exponent of the last place kept
    shift = last - exp
    if shift <= 0:
        m = man << -shift
    else:
        m, rem, half = man >> shift, man & ((1 << shift) - 1), 1 << (shift - 1)
        m += rem > half or (rem == half and m & 1)
    out = math.inf if m.bit_length() + last > emax + 1 else math.ldexp(m, last)  # exact: m has <= p bits
    return -out if sign else out


def spacing(value, dtype):
    """The dtype's spacing at the exact ``value`` (mpf): 2**(exponent - p + 1), the least subnormal's below."""
    import mpmath

    p, emin, _ = _format(dtype)
    e = emin
    if value != 0:
        _, _, exp, bc = mpmath.mpf(value)._mpf_
        e = max(exp + bc - 1, emin)
    return mpmath.mpf(2) ** (e - (p - 1))


def ulp_error(values, exact, dtype):
    """|value - exact| in units in the last place of ``dtype`` at the exact value (nan where undefined).

    A non-finite value (or exact value) is 0 ULP off when it is what the exact value rounds
    to in the dtype, and infinitely far otherwise. Where the exact value is None or nan
    (undefined) there is nothing to measure: nan.
    """
    import mpmath

    out = np.full(len(exact), np.nan)
    with mpmath.mp.workprec(256):
        for i, (v, e) in enumerate(zip(values, exact, strict=True)):
            if e is None:
                continue
            e = e if isinstance(e, mpmath.mpf) else mpmath.mpf(e)
            if mpmath.isnan(e):  # no exact value (a degenerate parameter: inf * 0): nothing to measure against
                continue
            v = float(v)
            if not (math.isfinite(v) and mpmath.isfinite(e)):
                rounded = round_once(e, dtype)
                same = v == rounded or (math.isnan(v) and math.isnan(rounded))
                out[i] = 0.0 if same else np.inf
                continue
            out[i] = float(abs(mpmath.mpf(v) - e) / spacing(e, dtype))
    return out


def within_ulps(values, exact, dtype, n=1.0):
    """Per value, whether it is within ``n`` ULP of ``dtype`` of the exact one (False where that is None)."""
    err = ulp_error(values, exact, dtype)
    return ~np.isnan(err) & (err <= n)


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
