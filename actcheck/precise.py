"""Error-free transformations: carry the rounding error that a tail would amplify.

A product like x*x or x/sqrt(2) rounds to within half an ULP, but exp(-x*x) or
erfc(x/sqrt(2)) turns that into a relative error of about x*x ULP at |x| = 37.
These helpers return the product as hi + lo with lo the exact rounding error
(Dekker/Veltkamp, since NumPy has no fused multiply-add), so the tail formulas
can correct for it to first order.
"""

import numpy as np

__all__ = ["two_prod", "two_sum", "SQRT1_2", "SQRT_2_OVER_PI", "RSQRT_2PI"]

# Constants as (hi, lo) with hi + lo correct to about 2**-106, from mpmath at 50 digits.
SQRT1_2 = (0.7071067811865476, -4.833646656726457e-17)
SQRT_2_OVER_PI = (0.7978845608028654, -4.98465440455546e-17)
RSQRT_2PI = (0.3989422804014327, -2.49232720227773e-17)


def _split(a):
    """Veltkamp split of a into a high half and a low half that multiply exactly."""
    bits = np.finfo(a.dtype).nmant + 1
    c = a * float(2 ** ((bits + 1) // 2) + 1)
    hi = c - (c - a)
    return hi, a - hi


def two_prod(a, b):
    """Return (p, e) with p = fl(a*b) and p + e = a*b exactly (|a*b| well below overflow)."""
    a = np.asarray(a)
    b = np.asarray(b, dtype=a.dtype)
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, e


def two_sum(a, b):
    """Return (s, e) with s = fl(a+b) and s + e = a+b exactly."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)
