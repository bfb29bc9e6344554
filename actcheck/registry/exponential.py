"""The exponential family: elu, selu and celu, one formula with alpha, scale and input_scale."""

import numpy as np

from . import exact
from .numerics import dd_mul, exp2k, ldexp_once, nan_safe, signed_zero, two_prod
from .record import Activation, ParamError

__all__ = ["ENTRIES", "SELU_ALPHA", "SELU_SCALE"]


def _expm1_dd(q, ql):
    """expm1(q + ql) as hi + lo (q <= 0)."""
    em = np.expm1(q)
    return em, (1 + em) * ql


def _elu_all(x, c, cl, sc, scl, inscale=1.0, alpha=None):
    """(f, f', f'') of scale*(x if x > 0 else alpha*expm1(x*inscale)); c = scale*alpha, sc = scale, as hi + lo.

    celu's x/alpha is carried as hi + lo (exp turns its rounding into |x/alpha| ULP: 294 at alpha = 3,
    x = -1940.57), and exp(q) as (e + el) 2**k so a subnormal f' is rounded once.
    """
    xn = np.minimum(x, 0.0)
    if alpha is None:
        q, ql = xn, np.zeros_like(xn)
    else:  # x / alpha as hi + lo
        q = xn / alpha
        p, pe = two_prod(np.maximum(q, -1e300), np.float64(alpha))
        ql = np.where(np.abs(q) < 1e300, ((np.maximum(xn, -1e300) - p) - pe) / alpha, 0.0)
    f = dd_mul(c, cl, *_expm1_dd(q, ql))
    if alpha is not None:  # x/alpha subnormal has lost its bits: alpha*expm1(x/alpha) is x to 2**-60 there
        tiny = np.abs(q) < 2.0**-60
        f = tuple(np.where(tiny, v, w) for v, w in zip(dd_mul(np.where(tiny, xn, 0.0), 0.0, sc, scl), f, strict=True))
    e, el, k = exp2k(np.maximum(q, -1e4), np.where(q < -1e4, 0.0, ql))  # e**-1e4 is 0 whatever ql adds
    # celu's scale*alpha*inscale is alpha/alpha = 1 exactly (alpha*fl(1/alpha) is not, and overflows two_prod's
    # split for a tiny alpha); inscale's power of two joins 2**k, so a huge 1/alpha does not overflow it either
    d1 = dd_mul(e, el, *((1.0, 0.0) if alpha is not None else dd_mul(c, cl, inscale)))
    m, j = np.frexp(inscale)
    d2 = dd_mul(*d1, m)
    pos = x > 0
    xp = np.where(pos, np.minimum(x, 1e300), 0.0)  # two_prod's split needs headroom; beyond, scale*x is one rounding
    lin = np.where(x > 1e300, x * sc, sum(dd_mul(xp, 0.0, sc, scl)))
    # torch takes the exponential branch at 0 (f'(0) = alpha*scale*inscale) and its f'' is 0 there
    slope = np.where(np.signbit(x), c * inscale, sc)  # f ~ slope * x beside 0 (celu: alpha * x/alpha: x)
    return (
        signed_zero(x, np.where(pos, lin, f[0] + f[1]), slope),
        np.where(pos, sc, ldexp_once(*d1, k)),
        np.where(x < 0, ldexp_once(*d2, k + j), 0.0),
    )


def _elu_parts(i):
    """The i-th of (f, f', f'') of ELU with alpha."""
    return nan_safe(lambda x, alpha: _elu_all(x, np.float64(alpha), 0.0, 1.0, 0.0)[i])


def _selu_parts(i):
    return nan_safe(lambda x: _elu_all(x, *_SELU_SA, *_SELU_SCALE)[i])


def _celu_parts(i):
    def part(x, alpha):
        a = np.float64(alpha)
        return _elu_all(x, a, 0.0, 1.0, 0.0, 1 / a, alpha=a)[i]

    return nan_safe(part)


def _mp_elu(mp, x, alpha=1.0, scale=1.0, input_scale=1.0):
    return scale * x if x > 0 else alpha * scale * mp.expm1(max(x * input_scale, -exact.CLAMP))


def _mp_elu_d(mp, x, alpha=1.0, scale=1.0, input_scale=1.0):
    return mp.mpf(scale) if x > 0 else alpha * scale * input_scale * exact.exp(mp, x * input_scale)


def _mp_elu_d2(mp, x, alpha=1.0, scale=1.0, input_scale=1.0):
    return mp.mpf(0) if x > 0 else alpha * scale * input_scale**2 * exact.exp(mp, x * input_scale)


ELU = Activation(
    name="elu",
    formula="x if x > 0 else alpha * (exp(x) - 1)",
    forward=_elu_parts(0),
    derivative=_elu_parts(1),
    second=_elu_parts(2),
    torch=lambda T, x, alpha: T.nn.functional.elu(x, alpha),
    exact=lambda mp, x, alpha: _mp_elu(mp, x, alpha),
    exact_d=lambda mp, x, alpha: _mp_elu_d(mp, x, alpha),
    exact_d2=lambda mp, x, alpha: _mp_elu_d2(mp, x, alpha),
    params={"alpha": 1.0},
    kinks=lambda alpha: (0.0,),
    extra_points=(-1e-9, -1e-5),
)

# The SELU paper's constants to 32 digits: NumPy uses their float64 roundings, the oracle the
# decimals themselves (the rounded ones would put the exact selu(-inf) 1 ULP off the true one).
_SELU_DIGITS = {"alpha": "1.6732632423543772848170429916717", "scale": "1.0507009873554804934193349852946"}
SELU_ALPHA = float(_SELU_DIGITS["alpha"])
SELU_SCALE = float(_SELU_DIGITS["scale"])
# scale and scale*alpha from the decimals, as hi + lo
_SELU_SCALE = (1.0507009873554805, 3.9874847667154144e-17)
_SELU_SA = (1.7580993408473768, 1.41535193800845e-17)


def _mp_selu(mp):
    return {k: mp.mpf(v) for k, v in _SELU_DIGITS.items()}


SELU = Activation(
    name="selu",
    formula="scale * (x if x > 0 else alpha * (exp(x) - 1))",
    forward=_selu_parts(0),
    derivative=_selu_parts(1),
    second=_selu_parts(2),
    torch=lambda T, x: T.nn.functional.selu(x),
    exact=lambda mp, x: _mp_elu(mp, x, **_mp_selu(mp)),
    exact_d=lambda mp, x: _mp_elu_d(mp, x, **_mp_selu(mp)),
    exact_d2=lambda mp, x: _mp_elu_d2(mp, x, **_mp_selu(mp)),
    kinks=lambda: (0.0,),
    extra_points=(-1e-9, -1e-5),
)


def _check_alpha(alpha):
    if alpha == 0:
        raise ParamError("alpha cannot be 0 for celu")


CELU = Activation(
    name="celu",
    formula="max(0, x) + min(0, alpha * (exp(x / alpha) - 1))",
    forward=_celu_parts(0),
    derivative=_celu_parts(1),
    second=_celu_parts(2),
    torch=lambda T, x, alpha: T.nn.functional.celu(x, alpha),
    exact=lambda mp, x, alpha: _mp_elu(mp, x, alpha, 1, 1 / mp.mpf(alpha)),
    exact_d=lambda mp, x, alpha: _mp_elu_d(mp, x, alpha, 1, 1 / mp.mpf(alpha)),
    exact_d2=lambda mp, x, alpha: _mp_elu_d2(mp, x, alpha, 1, 1 / mp.mpf(alpha)),
    params={"alpha": 1.0},
    kinks=lambda alpha: (0.0,),
    validate=_check_alpha,
    extra_points=(-1e-9, -1e-5),
)

ENTRIES = (ELU, SELU, CELU)
