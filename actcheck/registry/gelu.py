"""GELU, exact (x Φ(x)) and its tanh approximation, accurate into both tails.

The left tail is where x·Φ(x) is a tiny number computed from a product of a large x
and an exponentially small Φ: every rounding inside exp's argument becomes |x|² ULP.
"""

import numpy as np

from . import exact
from .numerics import EXP_M100, SQRT_2_OVER_PI, ndtr_pdf, sigmoid, two_prod, two_sum
from .record import Activation, ParamError

__all__ = ["ENTRIES"]

_GELU_C = (0.044715, 2.1960211427085595e-18)


def _tanh_parts(x):
    """sigmoid(t), sigmoid(-t), t', t'' and a scale for t = 2*sqrt(2/pi)*(x + 0.044715 x^3).

    0.5*(1 + tanh(t/2)) = sigmoid(t) avoids the 1 + tanh cancellation of the left tail,
    and t is carried as hi + lo because sigmoid(t) ~ exp(t) turns its rounding into
    |t| ULP.
    """
    xc = np.clip(x, -100.0, 100.0)  # sigmoid(t) is 0 or 1 long before; keeps x^3 finite
    sq, sql = two_prod(xc, xc)
    q, ql = two_prod(np.asarray(_GELU_C[0], dtype=x.dtype), sq)
    ql = ql + _GELU_C[0] * sql + _GELU_C[1] * sq
    a, al = two_sum(np.ones_like(xc), q)
    al = al + ql
    kx, kxl = two_prod(xc, np.asarray(2 * SQRT_2_OVER_PI[0], dtype=x.dtype))
    kxl = kxl + xc * (2 * SQRT_2_OVER_PI[1])
    t, tl = two_prod(kx, a)
    tl = tl + kx * al + kxl * a
    deep = t < -700  # sigmoid(t) = e^t would be subnormal: return it times e^100 (exact shift)
    t = np.where(deep, t + 100.0, t)
    s, sm = sigmoid(t), np.where(deep, 1.0, sigmoid(-t))
    # first-order correction for the low part: sigmoid(t+d) = s*(1 + d*sigmoid(-t))
    s, sm = s * (1 + tl * sm), sm * (1 - tl * s)
    k2 = 2 * SQRT_2_OVER_PI[0]
    xc2 = xc * xc
    dt = k2 * (1 + 3 * _GELU_C[0] * xc2)
    ddt = k2 * 6 * _GELU_C[0] * xc
    return s, sm, dt, ddt, np.where(deep, EXP_M100, 1.0)


def _gelu(x, approximate="none"):
    parts = _tanh_parts(x) if approximate == "tanh" else ndtr_pdf(x)
    return (x * parts[0]) * parts[-1]


def _gelu_d(x, approximate="none"):
    if approximate == "tanh":
        s, sm, dt, _, scale = _tanh_parts(x)
        return (s + x * (s * sm) * dt) * scale
    cdf, pdf, scale = ndtr_pdf(x)
    return (cdf + x * pdf) * scale


def _gelu_d2(x, approximate="none"):
    if approximate == "tanh":
        s, sm, dt, ddt, scale = _tanh_parts(x)
        ds = s * sm
        return (2 * ds * dt + x * (ds * (sm - s) * dt * dt + ds * ddt)) * scale
    xc = np.clip(x, -60.0, 60.0)  # phi(x) is 0 beyond; keeps x*x finite
    _, pdf, scale = ndtr_pdf(x)
    return (pdf * (2 - xc * xc)) * scale


def _mp_tanh_u(mp, x):
    """u, u', u'' for the tanh form x*sigmoid(u), u = 2 sqrt(2/pi) (x + 0.044715 x^3) (the decimal 0.044715)."""
    k, c = 2 * mp.sqrt(2 / mp.pi), mp.mpf("0.044715")
    return k * (x + c * x**3), k * (1 + 3 * c * x * x), 6 * k * c * x


def _mp_gelu(mp, x, approximate="none"):
    if approximate == "tanh":  # x/2 (1 + tanh(u/2)) = x sigmoid(u): no 1 + tanh cancellation
        return x * exact.sigmoid(mp, _mp_tanh_u(mp, x)[0])
    return x * exact.ndtr(mp, x)


def _mp_gelu_d(mp, x, approximate="none"):
    if approximate == "tanh":
        u, du, _ = _mp_tanh_u(mp, x)
        return mp.fsum([exact.sigmoid(mp, u), x * exact.sigmoid_d(mp, u) * du])
    return mp.fsum([exact.ndtr(mp, x), x * exact.npdf(mp, x)])


def _mp_gelu_d2(mp, x, approximate="none"):
    if approximate == "tanh":
        u, du, ddu = _mp_tanh_u(mp, x)
        inner = mp.fsum([-mp.tanh(u / 2) * du * du, ddu])
        return exact.sigmoid_d(mp, u) * mp.fsum([2 * du, x * inner])
    return exact.npdf(mp, x) * mp.fsum([2, -x * x])


def _check_gelu(approximate):
    if approximate not in ("none", "tanh"):
        raise ParamError(f"approximate must be 'none' or 'tanh', got {approximate!r}")


GELU = Activation(
    name="gelu",
    formula="x * Phi(x)  (approximate='tanh': x/2 * (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))))",
    forward=_gelu,
    derivative=_gelu_d,
    second=_gelu_d2,
    torch=lambda T, x, approximate: T.nn.functional.gelu(x, approximate=approximate),
    exact=_mp_gelu,
    exact_d=_mp_gelu_d,
    exact_d2=_mp_gelu_d2,
    params={"approximate": "none"},
    validate=_check_gelu,
    extra_points=(-37.0, -10.0, -0.7517916, 1e-9),
)

ENTRIES = (GELU,)
