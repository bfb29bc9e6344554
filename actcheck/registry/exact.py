"""Exact building blocks for the closed forms the oracle evaluates: sigmoid, sech², Φ, φ in mpmath.

Every closed form takes an mpmath context ``mp`` (the oracle passes one that records how
many bits each ``mp.fsum`` loses to cancellation, and raises the precision by that much):
a sum whose terms can have opposite signs goes through ``mp.fsum``; everything else is
products, quotients and functions of one sign. exp only ever sees arguments <= 0, clamped
at -2**16: beyond, e**u < 2**-94000, far below what any float format or any tolerance
here sees, even times the largest polynomial factor (|x| <= 2**2000, the oracle's stand-in
for infinity). Φ's argument is clamped at ±256 for the same reason (Φ(-256) < e**-32000).
Nothing here imports mpmath: ``actcheck list`` stays fast.
"""

__all__ = [
    "exp",
    "sigmoid",
    "sigmoid_d",
    "sigmoid_d2",
    "softplus",
    "sech2",
    "ndtr",
    "npdf",
    "mills",
    "CLAMP",
    "PHI_CLAMP",
]

CLAMP = 2**16
PHI_CLAMP = 256


def exp(mp, u):
    """e**u for u <= 0, clamped at -2**16 (see the module docstring)."""
    return mp.exp(max(u, -CLAMP))


def sigmoid(mp, x):
    """1/(1 + e**-x) with e**-|x|: no overflow, no cancellation."""
    e = exp(mp, -abs(x))
    return 1 / (1 + e) if x >= 0 else e / (1 + e)


def sigmoid_d(mp, x):
    """sigmoid'(x) = e/(1+e)**2, e = e**-|x|."""
    e = exp(mp, -abs(x))
    return e / (1 + e) ** 2


def sigmoid_d2(mp, x):
    """sigmoid''(x) = -sign(x) e(1-e)/(1+e)**3, e = e**-|x|, with 1-e = -expm1(-|x|)."""
    e = exp(mp, -abs(x))
    v = e * -mp.expm1(max(-abs(x), -CLAMP)) / (1 + e) ** 3
    return -v if x > 0 else v


def softplus(mp, u):
    """log(1 + e**u) = max(u, 0) + log1p(e**-|u|): both terms >= 0."""
    return max(u, 0) + mp.log1p(exp(mp, -abs(u)))


def sech2(mp, x):
    """sech(x)**2 = 4e/(1+e)**2, e = e**-2|x|."""
    e = exp(mp, -2 * abs(x))
    return 4 * e / (1 + e) ** 2


def ndtr(mp, x):
    """Φ(x) = erfc(-x/√2)/2, the argument clamped at ±256."""
    x = min(max(x, -PHI_CLAMP), PHI_CLAMP)
    return mp.erfc(-x / mp.sqrt(2)) / 2


def mills(mp, t):
    """Mills' ratio Phi(-t)/phi(t) for t >= 256 by Laplace's continued fraction (40 terms: exact far beyond 2**-72)."""
    k = t
    for j in range(40, 0, -1):
        k = t + j / k
    return 1 / k


def npdf(mp, x):
    """φ(x) = e**(-x²/2)/√(2π)."""
    return exp(mp, -(x * x) / 2) / mp.sqrt(2 * mp.pi)
