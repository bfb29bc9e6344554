"""The exponential family: elu, selu and celu, one formula with alpha, scale and input_scale."""

import numpy as np

from . import exact
from .record import Activation, ParamError

__all__ = ["ENTRIES", "SELU_ALPHA", "SELU_SCALE"]


def _elu(x, alpha=1.0, scale=1.0, input_scale=1.0):
    return np.where(x > 0, scale * x, (alpha * scale) * np.expm1(np.minimum(x, 0) * input_scale))


def _elu_d(x, alpha=1.0, scale=1.0, input_scale=1.0):
    # torch takes the exponential branch at 0: elu'(0) = alpha*scale*input_scale
    neg = (alpha * scale * input_scale) * np.exp(np.minimum(x, 0) * input_scale)
    return np.where(x > 0, scale, neg).astype(x.dtype)


def _elu_d2(x, alpha=1.0, scale=1.0, input_scale=1.0):
    # torch's double backward is 0 at x = 0 itself
    neg = (alpha * scale * input_scale * input_scale) * np.exp(np.minimum(x, 0) * input_scale)
    return np.where(x < 0, neg, 0.0).astype(x.dtype)


def _mp_elu(mp, x, alpha=1.0, scale=1.0, input_scale=1.0):
    return scale * x if x > 0 else alpha * scale * mp.expm1(max(x * input_scale, -exact.CLAMP))


def _mp_elu_d(mp, x, alpha=1.0, scale=1.0, input_scale=1.0):
    return mp.mpf(scale) if x > 0 else alpha * scale * input_scale * exact.exp(mp, x * input_scale)


def _mp_elu_d2(mp, x, alpha=1.0, scale=1.0, input_scale=1.0):
    return mp.mpf(0) if x > 0 else alpha * scale * input_scale**2 * exact.exp(mp, x * input_scale)


ELU = Activation(
    name="elu",
    formula="x if x > 0 else alpha * (exp(x) - 1)",
    forward=lambda x, alpha: _elu(x, alpha),
    derivative=lambda x, alpha: _elu_d(x, alpha),
    second=lambda x, alpha: _elu_d2(x, alpha),
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
_SELU = dict(alpha=SELU_ALPHA, scale=SELU_SCALE)


def _mp_selu(mp):
    return {k: mp.mpf(v) for k, v in _SELU_DIGITS.items()}


SELU = Activation(
    name="selu",
    formula="scale * (x if x > 0 else alpha * (exp(x) - 1))",
    forward=lambda x: _elu(x, **_SELU),
    derivative=lambda x: _elu_d(x, **_SELU),
    second=lambda x: _elu_d2(x, **_SELU),
    torch=lambda T, x: T.nn.functional.selu(x),
    exact=lambda mp, x: _mp_elu(mp, x, **_mp_selu(mp)),
    exact_d=lambda mp, x: _mp_elu_d(mp, x, **_mp_selu(mp)),
    exact_d2=lambda mp, x: _mp_elu_d2(mp, x, **_mp_selu(mp)),
    kinks=lambda: (0.0,),
    extra_points=(-1e-9, -1e-5),
)


def _celu(alpha):
    return dict(alpha=alpha, input_scale=1 / alpha)


def _check_alpha(alpha):
    if alpha == 0:
        raise ParamError("alpha cannot be 0 for celu")


CELU = Activation(
    name="celu",
    formula="max(0, x) + min(0, alpha * (exp(x / alpha) - 1))",
    forward=lambda x, alpha: _elu(x, **_celu(alpha)),
    derivative=lambda x, alpha: _elu_d(x, **_celu(alpha)),
    second=lambda x, alpha: _elu_d2(x, **_celu(alpha)),
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
