"""Numerical helpers both registries share: a stable sigmoid, sech², Φ and φ, exact products.

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
    "ndtr_pdf",
    "xexp_tail",
    "pick",
    "zero",
    "two_prod",
    "two_sum",
    "EXP_M100",
    "SQRT1_2",
    "SQRT_2_OVER_PI",
    "RSQRT_2PI",
]

# Constants as (hi, lo) with hi + lo correct to about 2**-106, from mpmath at 50 digits.
SQRT1_2 = (0.7071067811865476, -4.833646656726457e-17)
SQRT_2_OVER_PI = (0.7978845608028654, -4.98465440455546e-17)
RSQRT_2PI = (0.3989422804014327, -2.49232720227773e-17)
SQRT_PI = 1.7724538509055159
EXP_M100 = np.exp(-100.0)


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
    """sigmoid''(x) = e(1-e)/(1+e)^3, odd in x; -expm1 keeps 1-e exact near 0."""
    e = np.exp(-np.abs(x))
    return -np.sign(x) * (e * -np.expm1(-np.abs(x)) / (1 + e) ** 3)


def sech2(x):
    """sech^2(x) = 4e/(1+e)^2 with e = exp(-2|x|): 1 - tanh^2 loses everything in the tails."""
    e = np.exp(-2 * np.minimum(np.abs(x), 400.0))  # exp underflows to 0 long before; 2|x| stays finite
    return 4 * e / (1 + e) ** 2


def ndtr_pdf(x):
    """Phi(x), phi(x) and a scale: the true values are the first two times the third.

    scipy's erfc and erfcx are 4-10 ULP off for arguments in [0.5, 2] (erfc also rounds
    u*u inside exp: hundreds of ULP in [20, 27]), so: Phi = (1 + erf(|u|))/2 on the right,
    (1 - erf(u))/2 just left of 0, and below x = -0.5 Laplace's continued fraction
    erfc(u) = exp(-u*u) / (sqrt(pi) K(u)), whose terms are all positive, with
    exp(-x*x/2) taken from x*x carried as hi + lo (u = -x/sqrt(2)). Where exp(-x*x/2)
    would be subnormal (and keep few bits) both are returned times e^100, the scale
    being e^-100: callers multiply by it last.
    """
    from scipy.special import erf

    xc = np.clip(x, -60.0, 60.0)  # beyond this Phi is 0 or 1; keeps the exact products finite
    sq, sql = two_prod(xc, xc)
    deep = (x < 0) & (-0.5 * sq < -700)
    gauss = np.exp(-0.5 * sq + np.where(deep, 100.0, 0.0)) * (1 - 0.5 * sql)  # x*x's rounding carried
    u = -xc * SQRT1_2[0]
    left = 0.5 * gauss / (SQRT_PI * _laplace_cf(np.maximum(u, 0.35)))
    near = 0.5 * (1 - erf(u))
    right = 0.5 * (1 + erf(-u))
    cdf = np.where(x >= 0, right, np.where(x > -0.5, near, left))
    cdf = np.where(x > 60, 1.0, np.where(x < -60, 0.0, cdf))
    return cdf, np.where(np.abs(x) > 60, 0.0, gauss * RSQRT_2PI[0]), np.where(deep, EXP_M100, 1.0)


def _laplace_cf(u):
    """K(u) = u + (1/2)/(u + 1/(u + (3/2)/(u + ...))), so that erfc(u) = exp(-u*u)/(sqrt(pi) K(u)).

    Depth by u: 2000 terms reach 2**-53 at u = 0.35, 100 suffice beyond u = 2.
    """
    k_out = np.array(u, copy=True)
    for lo, hi, depth in ((0.0, 1.1, 2000), (1.1, 2.0, 400), (2.0, np.inf, 100)):
        band = (u >= lo) & (u < hi)
        if band.any():
            ub = u[band]
            k = ub.copy()
            for n in range(depth, 0, -1):
                k = ub + (n / 2) / k
            k_out[band] = k
    return k_out


def xexp_tail(x):
    """x*e^x and (1+x)*e^x, what silu and mish (and their derivatives) are below x = -700.

    e^x is subnormal there and keeps few bits; e^(x+100) is not (x + 100 is exact).
    """
    e = np.exp(np.clip(x, -800.0, -600.0) + 100.0)
    return (x * e) * EXP_M100, ((1 + x) * e) * EXP_M100


def zero(x, **_):
    """0 in x's dtype, nan where x is nan (the derivative of a piecewise-linear function's pieces)."""
    return np.where(np.isnan(x), x, 0).astype(x.dtype)


def pick(cond, x, a=1.0, b=0.0):
    """a where cond else b, in x's dtype, nan where x is nan."""
    return np.where(np.isnan(x), x, np.where(cond, a, b)).astype(x.dtype)
