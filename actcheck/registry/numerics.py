"""Numerical helpers the families share: a stable sigmoid, sech², exact products and double-double pieces.

A product like x*x or x/sqrt(2) rounds to within half an ULP, but exp(-x*x) or
erfc(x/sqrt(2)) turns that into a relative error of about x*x ULP at |x| = 37.
``two_prod`` and ``two_sum`` return the result as hi + lo with lo the exact rounding
error (Dekker/Veltkamp, since NumPy has no fused multiply-add), so the tail formulas
can correct for it to first order.
"""

import numpy as np

__all__ = [
    "sigmoid",
    "sigmoid_d",
    "sigmoid_d2",
    "sech2",
    "pick",
    "zero",
    "two_prod",
    "two_sum",
    "dd_mul",
    "dd_add",
    "dd_div",
    "exp2k",
    "one_plus",
    "ldexp_once",
    "nan_safe",
    "near_zero",
    "signed_zero",
    "sigmoid_dd",
    "sigmoid_d_dd",
    "SQRT_2_OVER_PI",
    "RSQRT_2PI",
]

# Constants as (hi, lo) with hi + lo correct to about 2**-106, from mpmath at 50 digits.
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


def sigmoid(x):
    """Sigmoid without overflow: exp only ever sees -|x|."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_d(x):
    """sigmoid'(x) = e / (1+e)^2 with e = exp(-|x|): no 1 - s cancellation in the tails."""
    e = np.exp(-np.abs(x))
    return e / (1 + e) ** 2


def sigmoid_d2(x):
    """sigmoid''(x) = e(1-e)/(1+e)^3, odd in x (so -0 at +0); -expm1 keeps 1-e exact near 0."""
    e = np.exp(-np.abs(x))
    return np.copysign(e * -np.expm1(-np.abs(x)) / (1 + e) ** 3, -x)


def sech2(x):
    """sech^2(x) = 4e/(1+e)^2 with e = exp(-2|x|): 1 - tanh^2 loses everything in the tails."""
    e = np.exp(-2 * np.minimum(np.abs(x), 400.0))  # exp underflows to 0 long before; 2|x| stays finite
    return 4 * e / (1 + e) ** 2


def zero(x, **_):
    """0 in x's dtype, nan where x is nan (the derivative of a piecewise-linear function's pieces)."""
    return np.where(np.isnan(x), x, 0).astype(x.dtype)


def pick(cond, x, a=1.0, b=0.0):
    """a where cond else b, in x's dtype, nan where x is nan."""
    return np.where(np.isnan(x), x, np.where(cond, a, b)).astype(x.dtype)


# ---------------------------------------------------------------- double-double pieces
#
# The accurate forms carry every quantity as hi + lo (an unevaluated sum) and scale
# e**u as (e + el) * 2**k, applying the power of two last, so that the only roundings
# left are exp's own and the final one, and a result in the subnormal range is rounded
# once. NumPy has no fused multiply-add: products go through two_prod.

_LN2_HI, _LN2_LO = 6.93147180369123816490e-01, 1.90821492927058770002e-10  # LN2_HI has 32 bits
_INV_LN2 = 1.4426950408889634


def dd_mul(ah, al, bh, bl=0.0):
    """(a * b) as hi + lo."""
    p, e = two_prod(ah, bh)
    return p, e + (ah * bl + al * bh)


def dd_add(ah, al, bh, bl=0.0):
    """(a + b) as hi + lo."""
    s, e = two_sum(ah, bh)
    return s, e + (al + bl)


def dd_div(nh, nl, dh, dl=0.0):
    """(nh + nl) / (dh + dl), rounded about once."""
    q = nh / dh
    p, e = two_prod(q, dh)
    return q + (((nh - p) - e) + nl - q * dl) / dh


def exp2k(h, lo=0.0):
    """exp(h + lo) = (e + el) * 2**k with e = exp(r), r in (-ln 2, 0]; |h| < 2**20."""
    k = np.ceil(h * _INV_LN2)
    r, re = two_sum(h, -k * _LN2_HI)  # k * LN2_HI is exact
    r, re2 = two_sum(r, -k * _LN2_LO)
    e = np.exp(r)
    return e, e * (re + re2 + lo), k.astype(np.int32)


def one_plus(e, el, k):
    """1 + (e + el) * 2**k as hi + lo, and (e + el) * 2**k as a plain float."""
    big = np.ldexp(e, k)
    a, al = two_sum(1.0, big)
    return a, al + np.ldexp(el, k), big


def ldexp_once(m, ml, k):
    """(m + ml) * 2**k, rounded once (also into the subnormals)."""
    return np.ldexp(m + ml, k)


def nan_safe(fn):
    """nan in, nan out; the accurate forms themselves only see finite or infinite values."""
    import functools

    @functools.wraps(fn)
    def wrapper(x, *args, **kw):
        x = np.asarray(x, dtype=np.float64)
        nan = np.isnan(x)
        with np.errstate(all="ignore"):
            out = fn(np.where(nan, 0.0, x), *args, **kw)
        return np.where(nan, np.nan, out)

    return wrapper


def near_zero(x, y, *keys):
    """y, but f' (or f'') from its Taylor polynomial about each zero z named by ``keys`` (tables.TAYLOR) where
    |x - z| < window: there the closed form cancels."""
    from .tables import TAYLOR

    for key in keys:
        z_hi, z_lo, window, c = TAYLOR[key]
        near = np.abs(x - z_hi) < window
        if not near.any():
            continue
        d = (x[near] - z_hi) - z_lo  # x - z_hi is exact (Sterbenz)
        v = np.full_like(d, c[-1])
        for ck in c[-2::-1]:
            v = v * d + ck
        y = np.array(y, copy=True)
        y[near] = v * d
    return y


def signed_zero(x, y, slope=1.0):
    """y, but where it is 0 beside x = 0 (f(x) ~ slope * x: at ±0 or underflowing), the zero of slope * x's sign.

    Sums such as -0 + 0 come out +0: silu(-0) was +0.
    """
    return np.where((y == 0) & (np.abs(x) < 1), np.copysign(0.0, x * slope), y)


def sigmoid_dd(u, ul=0.0):
    """sigmoid(u + ul) for u in [-800, 800], rounded about once (subnormal results too)."""
    neg = u < 0
    e, el, k = exp2k(-np.abs(u), np.where(neg, ul, -ul))
    a, al, _ = one_plus(e, el, k)
    q = dd_div(np.where(neg, e, 1.0), np.where(neg, el, 0.0), a, al)
    return np.where(neg, np.ldexp(q, k), q)


def sigmoid_d_dd(u, ul=0.0, scale=1.0):
    """scale * sigmoid'(u + ul) = scale * E/(1+E)**2, E = exp(-|u|), rounded about once."""
    e, el, k = exp2k(-np.abs(u), np.where(u < 0, ul, -ul))
    a, al, _ = one_plus(e, el, k)
    return np.ldexp(dd_div(*dd_mul(e, el, scale), *dd_mul(a, al, a, al)), k)
