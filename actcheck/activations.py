"""The registry: every activation's NumPy forward, derivatives, torch reference and exact form.

Each entry is one declarative record. ``forward``, ``derivative`` and ``second`` take
a NumPy array (float32 or float64, computed in that dtype) and the parameters as
keywords; ``torch`` takes the torch module, a tensor and the parameters; ``exact``
takes the mpmath module, an mpf and the parameters. Nothing here imports torch,
scipy or mpmath at module level, so ``actcheck list`` stays fast.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .errors import InputError
from .precise import RSQRT_2PI, SQRT1_2, SQRT_2_OVER_PI, two_prod, two_sum

__all__ = ["Activation", "TorchDeviation", "ACTIVATIONS", "lookup", "resolve_params", "suggest", "ParamError"]


class ParamError(InputError):
    """A parameter value the activation (or torch) rejects."""


@dataclass(frozen=True)
class TorchDeviation:
    """Where torch is known to overflow: there a non-finite torch value is reported, not judged.

    ``region(x, finfo, **params)`` bounds where it happens; only points where torch's value
    is non-finite and NumPy's is finite are excused, so a loose bound hides nothing else.
    """

    quantity: str  # "forward", "backward" (also the VJP and forward mode) or "second"
    region: Callable
    reason: str


@dataclass(frozen=True)
class Activation:
    name: str
    formula: str
    forward: Callable
    derivative: Callable
    second: Callable
    torch: Callable
    exact: Callable
    params: dict = field(default_factory=dict)
    aliases: tuple = ()
    kinks: Callable = lambda **p: ()
    extra_points: tuple = ()  # places worth a look beyond the common grid (tails, zeros of f')
    validate: Callable = lambda **p: None
    span: tuple = (-6.0, 6.0)  # the interesting range, for plots
    kind: str = "elementwise"
    torch_second: bool = True  # torch implements double backward
    # why torch rounds to float16/bfloat16 part-way (then atol there is the dtype's epsilon)
    stepwise: str = ""
    torch_deviations: tuple = ()


# ---------------------------------------------------------------- shared pieces


def _sig(x):
    """Sigmoid without overflow: exp only ever sees -|x|."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _sig_d(x):
    """sigmoid'(x) = e / (1+e)^2 with e = exp(-|x|): no 1 - s cancellation in the tails."""
    e = np.exp(-np.abs(x))
    return e / (1 + e) ** 2


def _sig_d2(x):
    """sigmoid''(x) = e(1-e)/(1+e)^3, odd in x; -expm1 keeps 1-e exact near 0."""
    e = np.exp(-np.abs(x))
    return -np.sign(x) * (e * -np.expm1(-np.abs(x)) / (1 + e) ** 3)


def _sech2(x):
    """sech^2(x) = 4e/(1+e)^2 with e = exp(-2|x|): 1 - tanh^2 loses everything in the tails."""
    e = np.exp(-2 * np.minimum(np.abs(x), 400.0))  # exp underflows to 0 long before; 2|x| stays finite
    return 4 * e / (1 + e) ** 2


_EXP_M100 = np.exp(-100.0)


def _ndtr_pdf(x):
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
    left = 0.5 * gauss / (_SQRT_PI * _laplace_cf(np.maximum(u, 0.35)))
    near = 0.5 * (1 - erf(u))
    right = 0.5 * (1 + erf(-u))
    cdf = np.where(x >= 0, right, np.where(x > -0.5, near, left))
    cdf = np.where(x > 60, 1.0, np.where(x < -60, 0.0, cdf))
    return cdf, np.where(np.abs(x) > 60, 0.0, gauss * RSQRT_2PI[0]), np.where(deep, _EXP_M100, 1.0)


_SQRT_PI = 1.7724538509055159


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


def _xexp_tail(x):
    """x*e^x and (1+x)*e^x, what silu and mish (and their derivatives) are below x = -700.

    e^x is subnormal there and keeps few bits; e^(x+100) is not (x + 100 is exact).
    """
    e = np.exp(np.clip(x, -800.0, -600.0) + 100.0)
    return (x * e) * _EXP_M100, ((1 + x) * e) * _EXP_M100


def _zero(x, **_):
    return np.where(np.isnan(x), x, 0).astype(x.dtype)


def _pick(cond, x, a=1.0, b=0.0):
    """a where cond else b, in x's dtype, nan where x is nan."""
    return np.where(np.isnan(x), x, np.where(cond, a, b)).astype(x.dtype)


def _torch_constant(T, like, values):
    """A constant tensor beside ``like``; beside a forward-mode dual it gets an explicit zero tangent.

    Without one torch's forward mode takes a Python fallback that imports its compiler (1 s).
    """
    import torch.autograd.forward_ad as fwad

    c = T.tensor(values, dtype=like.dtype)
    try:
        dual = fwad.unpack_dual(like).tangent is not None
    except RuntimeError:
        dual = False
    return fwad.make_dual(c, T.zeros_like(c)) if dual else c


def _mp_sig(mp, t):
    return 1 / (1 + mp.exp(-t))


# ---------------------------------------------------------------- piecewise linear


def _relu(x):
    return np.maximum(x, 0)


def _leaky(x, negative_slope):
    return np.where(x > 0, x, x * negative_slope)


def _leaky_d(x, negative_slope):
    # torch: slope at 0 (x > 0 takes the identity branch)
    return _pick(x > 0, x, 1.0, negative_slope)


def _hardtanh(x, min_val=-1.0, max_val=1.0):
    return np.clip(x, min_val, max_val)


def _hardtanh_d(x, min_val=-1.0, max_val=1.0):
    # torch: 0 at both ends
    return _pick((x > min_val) & (x < max_val), x)


def _check_hardtanh(min_val, max_val):
    if min_val > max_val:
        raise ParamError(f"min_val ({min_val}) cannot be greater than max_val ({max_val})")


def _check_lambd(lambd):
    if not lambd >= 0:
        raise ParamError(f"lambd must be >= 0, got {lambd}")


def _check_rrelu(lower, upper):
    if lower > upper:
        raise ParamError(f"lower ({lower}) cannot be greater than upper ({upper})")


def _check_alpha(alpha):
    if alpha == 0:
        raise ParamError("alpha cannot be 0 for celu")


def _check_beta(beta):
    if beta == 0:
        raise ParamError("beta cannot be 0")


def _check_gelu(approximate):
    if approximate not in ("none", "tanh"):
        raise ParamError(f"approximate must be 'none' or 'tanh', got {approximate!r}")


def _hardsigmoid(x):
    return np.clip(x + 3, 0, 6) / 6


def _hardsigmoid_d(x):
    # exact 1/6: torch's float64 kernel uses float32(1/6), off by 5e-9 (the oracle reports it)
    return _pick((x > -3) & (x < 3), x, 1 / 6)


def _hardswish(x):
    # dividing before multiplying: torch's x * relu6(x + 3) / 6 overflows for x > max/6
    return x * (np.clip(x + 3, 0, 6) / 6)


def _hardswish_d(x):
    # torch: 0 at -3, 1 at 3
    return np.where(x <= -3, 0.0, np.where(x >= 3, 1.0, x / 3 + 0.5)).astype(x.dtype)


def _hardswish_d2(x):
    return _pick((x > -3) & (x < 3), x, 1 / 3)


def _shrink_mask(x, lambd):
    # torch zeroes the gradient on the closed interval [-lambd, lambd]
    return (x < -lambd) | (x > lambd)


def _hardshrink(x, lambd=0.5):
    return np.where(_shrink_mask(x, lambd), x, 0.0).astype(x.dtype)


def _softshrink(x, lambd=0.5):
    return np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, 0.0)).astype(x.dtype)


def _shrink_d(x, lambd=0.5):
    return _pick(_shrink_mask(x, lambd), x)


def _threshold(x, threshold, value):
    return np.where(x > threshold, x, value).astype(x.dtype)


def _threshold_d(x, threshold, value):
    return _pick(x > threshold, x)


def _rrelu_slope(lower, upper):
    return (lower + upper) / 2


def _mp_leaky(x, slope):
    return x if x > 0 else slope * x


# ---------------------------------------------------------------- exponential family


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
    return scale * x if x > 0 else alpha * scale * mp.expm1(x * input_scale)


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
_SELU = dict(alpha=SELU_ALPHA, scale=SELU_SCALE)


def _celu(alpha):
    return dict(alpha=alpha, input_scale=1 / alpha)


# ---------------------------------------------------------------- smooth


def _tanh_d2(x):
    return -2 * np.tanh(x) * _sech2(x)


def _silu(x):
    return np.where(x < -700, _xexp_tail(x)[0], x * _sig(x))


def _silu_d(x):
    return np.where(x < -700, _xexp_tail(x)[1], _sig(x) + x * (_sig(x) * _sig(-x)))


def _silu_d2(x):
    return _sig_d(x) * (2 + x * np.tanh(-x / 2))


def _mish_parts(x):
    """tanh(softplus(x)), 1 - that^2 and sigmoid(x), in forms that neither overflow nor cancel."""
    pos = x > 0
    m = np.exp(-np.abs(x))  # e^-x for x > 0, e^x otherwise
    # x > 0, in m = e^-x: t = (1+2m)/(1+2m+2m^2), 1-t^2 = 4m^2(1+m)^2/(1+2m+2m^2)^2
    den_p = 1 + 2 * m + 2 * m * m
    t_p = (1 + 2 * m) / den_p
    s2_p = 4 * (m * (1 + m) / den_p) ** 2
    # x <= 0, in e = e^x: n = e(e+2), t = n/(n+2), 1-t^2 = 4(n+1)/(n+2)^2
    n = m * (m + 2)
    t_n = n / (n + 2)
    s2_n = 4 * (n + 1) / (n + 2) ** 2
    return np.where(pos, t_p, t_n), np.where(pos, s2_p, s2_n), _sig(x)


def _mish(x):
    return np.where(x < -700, _xexp_tail(x)[0], x * _mish_parts(x)[0])


def _mish_d(x):
    t, sech2, s = _mish_parts(x)
    # x <= 0, in e = e^x, d = e^2 + 2e + 2: mish' = e((e+2)d + 4x(1+e))/d^2, fewer roundings
    xn = np.clip(x, -800.0, 0.0)  # below -700 the tail formula takes over
    e = np.exp(xn)
    d = e * (e + 2) + 2
    left = e * ((e + 2) * d + 4 * xn * (1 + e)) / (d * d)
    return np.where(x < -700, _xexp_tail(x)[1], np.where(x > 0, t + x * sech2 * s, left))


def _mish_d2(x):
    t, sech2, s = _mish_parts(x)
    dt = sech2 * s
    ddt = sech2 * (s * _sig(-x) - 2 * t * s * s)
    return 2 * dt + x * ddt


def _softplus_arg(x, beta, threshold):
    bx = x * beta
    return bx, bx > threshold


def _softplus(x, beta=1.0, threshold=20.0):
    bx, lin = _softplus_arg(x, beta, threshold)
    # log1p(exp(bx)) = max(bx, 0) + log1p(exp(-|bx|)): exp never overflows
    sp = (np.maximum(bx, 0) + np.log1p(np.exp(-np.abs(bx)))) / beta
    return np.where(lin, x, sp)


def _softplus_d(x, beta=1.0, threshold=20.0):
    bx, lin = _softplus_arg(x, beta, threshold)
    return np.where(lin, 1.0, _sig(bx)).astype(x.dtype)


def _softplus_d2(x, beta=1.0, threshold=20.0):
    bx, lin = _softplus_arg(x, beta, threshold)
    return np.where(lin, 0.0, beta * _sig_d(bx)).astype(x.dtype)


def _mp_softplus(mp, x, beta=1.0, threshold=20.0):
    return x if x * beta > threshold else mp.log1p(mp.exp(beta * x)) / beta


def _softsign(x):
    return np.where(np.isinf(x), np.sign(x), x / (1 + np.abs(x)))


def _softsign_d(x):
    r = 1 / (1 + np.abs(x))  # squaring r, not (1+|x|), keeps subnormal results
    return r * r


def _softsign_d2(x):
    r = 1 / (1 + np.abs(x))
    return -2 * np.sign(x) * r * r * r


def _logsigmoid(x):
    return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))


def _tanhshrink(x):
    # Lambert's continued fraction tanh(x) = x/(1+q), q = x^2/(3+x^2/(5+...)), so
    # x - tanh(x) = x*q/(1+q) with no cancellation; direct subtraction beyond |x| = 1.5.
    small = np.abs(x) < 1.5
    xs = np.where(small, x, 0)
    x2 = xs * xs
    r = np.full_like(xs, 41.0)
    for k in range(19, 0, -1):
        r = (2 * k + 1) + x2 / r
    q = x2 / r
    return np.where(small, xs * q / (1 + q), x - np.tanh(x))


def _tanhshrink_d2(x):
    return 2 * np.tanh(x) * _sech2(x)


def _gelu(x, approximate="none"):
    parts = _gelu_tanh_parts(x) if approximate == "tanh" else _ndtr_pdf(x)
    return (x * parts[0]) * parts[-1]


def _gelu_d(x, approximate="none"):
    if approximate == "tanh":
        s, sm, dt, _, scale = _gelu_tanh_parts(x)
        return (s + x * (s * sm) * dt) * scale
    cdf, pdf, scale = _ndtr_pdf(x)
    return (cdf + x * pdf) * scale


def _gelu_d2(x, approximate="none"):
    if approximate == "tanh":
        s, sm, dt, ddt, scale = _gelu_tanh_parts(x)
        ds = s * sm
        return (2 * ds * dt + x * (ds * (sm - s) * dt * dt + ds * ddt)) * scale
    xc = np.clip(x, -60.0, 60.0)  # phi(x) is 0 beyond; keeps x*x finite
    _, pdf, scale = _ndtr_pdf(x)
    return (pdf * (2 - xc * xc)) * scale


_GELU_C = (0.044715, 2.1960211427085595e-18)


def _gelu_tanh_parts(x):
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
    s, sm = _sig(t), np.where(deep, 1.0, _sig(-t))
    # first-order correction for the low part: sigmoid(t+d) = s*(1 + d*sigmoid(-t))
    s, sm = s * (1 + tl * sm), sm * (1 - tl * s)
    k2 = 2 * SQRT_2_OVER_PI[0]
    xc2 = xc * xc
    dt = k2 * (1 + 3 * _GELU_C[0] * xc2)
    ddt = k2 * 6 * _GELU_C[0] * xc
    return s, sm, dt, ddt, np.where(deep, _EXP_M100, 1.0)


def _mp_gelu(mp, x, approximate="none"):
    if approximate == "tanh":
        k = mp.sqrt(2 / mp.pi)
        return x / 2 * (1 + mp.tanh(k * (x + mp.mpf("0.044715") * x**3)))  # the oracle raises precision
    return x / 2 * mp.erfc(-x / mp.sqrt(2))


def _torch_gelu(T, x, approximate="none"):
    return T.nn.functional.gelu(x, approximate=approximate)


# ---------------------------------------------------------------- the registry

_TAILS = (-37.0, -5.0, 37.0)

_ENTRIES = [
    Activation(
        "relu",
        "max(0, x)",
        _relu,
        lambda x: _pick(x > 0, x),
        _zero,
        lambda T, x: T.relu(x),
        lambda mp, x: max(x, 0),
        kinks=lambda: (0.0,),
        span=(-3, 3),
    ),
    Activation(
        "relu6",
        "min(max(0, x), 6)",
        lambda x: np.clip(x, 0, 6),
        lambda x: _hardtanh_d(x, 0.0, 6.0),
        _zero,
        lambda T, x: T.nn.functional.relu6(x),
        lambda mp, x: min(max(x, 0), 6),
        kinks=lambda: (0.0, 6.0),
        span=(-2, 8),
    ),
    Activation(
        "leaky_relu",
        "x if x > 0 else negative_slope * x",
        _leaky,
        _leaky_d,
        _zero,
        lambda T, x, negative_slope: T.nn.functional.leaky_relu(x, negative_slope),
        lambda mp, x, negative_slope: _mp_leaky(x, negative_slope),
        params={"negative_slope": 0.01},
        aliases=("leakyrelu", "lrelu"),
        kinks=lambda negative_slope: (0.0,),
        span=(-3, 3),
    ),
    Activation(
        "elu",
        "x if x > 0 else alpha * (exp(x) - 1)",
        lambda x, alpha: _elu(x, alpha),
        lambda x, alpha: _elu_d(x, alpha),
        lambda x, alpha: _elu_d2(x, alpha),
        lambda T, x, alpha: T.nn.functional.elu(x, alpha),
        lambda mp, x, alpha: _mp_elu(mp, x, alpha),
        params={"alpha": 1.0},
        kinks=lambda alpha: (0.0,),
        extra_points=(-1e-9, -1e-5),
    ),
    Activation(
        "selu",
        "scale * (x if x > 0 else alpha * (exp(x) - 1))",
        lambda x: _elu(x, **_SELU),
        lambda x: _elu_d(x, **_SELU),
        lambda x: _elu_d2(x, **_SELU),
        lambda T, x: T.nn.functional.selu(x),
        lambda mp, x: _mp_elu(mp, x, **_SELU),
        kinks=lambda: (0.0,),
        extra_points=(-1e-9, -1e-5),
    ),
    Activation(
        "celu",
        "max(0, x) + min(0, alpha * (exp(x / alpha) - 1))",
        lambda x, alpha: _elu(x, **_celu(alpha)),
        lambda x, alpha: _elu_d(x, **_celu(alpha)),
        lambda x, alpha: _elu_d2(x, **_celu(alpha)),
        lambda T, x, alpha: T.nn.functional.celu(x, alpha),
        lambda mp, x, alpha: _mp_elu(mp, x, alpha, 1, 1 / mp.mpf(alpha)),
        params={"alpha": 1.0},
        kinks=lambda alpha: (0.0,),
        validate=_check_alpha,
        extra_points=(-1e-9, -1e-5),
    ),
    Activation(
        "gelu",
        "x * Phi(x)  (approximate='tanh': x/2 * (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))))",
        _gelu,
        _gelu_d,
        _gelu_d2,
        _torch_gelu,
        _mp_gelu,
        params={"approximate": "none"},
        validate=_check_gelu,
        extra_points=(-37.0, -10.0, -0.7517916, 1e-9),
        torch_deviations=(
            TorchDeviation(
                "forward",
                lambda x, fi, approximate: np.abs(x) > fi.max / 2,
                "torch computes x * (1 + erf(x / sqrt(2))) / 2 and overflows to inf",
            ),
            TorchDeviation(
                "second",
                lambda x, fi, approximate: x * x > fi.max,
                "torch's double backward overflows x*x and gives nan",
            ),
            TorchDeviation(
                "backward",
                lambda x, fi, approximate: (approximate == "tanh") & (x * x > fi.max),
                "torch's tanh-GELU backward overflows x*x and gives nan",
            ),
            TorchDeviation(
                "second",
                lambda x, fi, approximate: (approximate == "tanh") & (np.abs(x) ** 3 > fi.max),
                "torch's tanh-GELU double backward overflows x**3 and gives nan",
            ),
        ),
    ),
    Activation(
        "sigmoid",
        "1 / (1 + exp(-x))",
        _sig,
        _sig_d,
        _sig_d2,
        lambda T, x: T.sigmoid(x),
        _mp_sig,
        aliases=("logistic", "expit"),
        extra_points=_TAILS,
        stepwise="torch computes the backward from its saved, rounded output",
    ),
    Activation(
        "tanh",
        "tanh(x)",
        np.tanh,
        _sech2,
        _tanh_d2,
        lambda T, x: T.tanh(x),
        lambda mp, x: mp.tanh(x),
        extra_points=(-37.0, 1e-9),
        span=(-4, 4),
        stepwise="torch computes the backward from its saved, rounded output",
    ),
    Activation(
        "silu",
        "x * sigmoid(x)",
        _silu,
        _silu_d,
        _silu_d2,
        lambda T, x: T.nn.functional.silu(x),
        lambda mp, x: x * _mp_sig(mp, x),
        aliases=("swish",),
        extra_points=(-37.0, -1.2784645),
        stepwise="torch's forward-mode derivative is composed of ops that each round",
    ),
    Activation(
        "mish",
        "x * tanh(softplus(x))",
        _mish,
        _mish_d,
        _mish_d2,
        lambda T, x: T.nn.functional.mish(x),
        lambda mp, x: x * mp.tanh(mp.log1p(mp.exp(x))),
        extra_points=(-37.0, -1.1924),
        stepwise="torch's forward-mode derivative is composed of ops that each round",
        torch_deviations=(
            TorchDeviation(
                "second", lambda x, fi: x > np.log(fi.max), "torch's double backward overflows exp(x) and gives nan"
            ),
        ),
    ),
    Activation(
        "softplus",
        "log(1 + exp(beta x)) / beta, x where beta x > threshold",
        _softplus,
        _softplus_d,
        _softplus_d2,
        lambda T, x, beta, threshold: T.nn.functional.softplus(x, beta, threshold),
        _mp_softplus,
        params={"beta": 1.0, "threshold": 20.0},
        validate=lambda beta, threshold: _check_beta(beta),
        kinks=lambda beta, threshold: (threshold / beta,),
        extra_points=(-700.0, -37.0),
    ),
    Activation(
        "softsign",
        "x / (1 + |x|)",
        _softsign,
        _softsign_d,
        _softsign_d2,
        lambda T, x: T.nn.functional.softsign(x),
        lambda mp, x: x / (1 + abs(x)),
        extra_points=(1e160, -1e160),
        stepwise="torch composes it of ops that each round (1 + |x| first)",
    ),
    Activation(
        "logsigmoid",
        "log(sigmoid(x)) = -softplus(-x)",
        _logsigmoid,
        lambda x: _sig(-x),
        lambda x: -_sig_d(x),
        lambda T, x: T.nn.functional.logsigmoid(x),
        lambda mp, x: -mp.log1p(mp.exp(-x)),
        aliases=("log_sigmoid",),
        extra_points=_TAILS,
    ),
    Activation(
        "hardtanh",
        "min(max(x, min_val), max_val)",
        _hardtanh,
        _hardtanh_d,
        _zero,
        lambda T, x, min_val, max_val: T.nn.functional.hardtanh(x, min_val, max_val),
        lambda mp, x, min_val, max_val: min(max(x, min_val), max_val),
        params={"min_val": -1.0, "max_val": 1.0},
        validate=_check_hardtanh,
        kinks=lambda min_val, max_val: (min_val, max_val),
        span=(-3, 3),
    ),
    Activation(
        "hardsigmoid",
        "min(max(x + 3, 0), 6) / 6",
        _hardsigmoid,
        _hardsigmoid_d,
        _zero,
        lambda T, x: T.nn.functional.hardsigmoid(x),
        lambda mp, x: min(max(x + 3, 0), 6) / 6,
        kinks=lambda: (-3.0, 3.0),
        torch_second=False,
    ),
    Activation(
        "hardswish",
        "x * min(max(x + 3, 0), 6) / 6",
        _hardswish,
        _hardswish_d,
        _hardswish_d2,
        lambda T, x: T.nn.functional.hardswish(x),
        lambda mp, x: x * min(max(x + 3, 0), 6) / 6,
        aliases=("hard_swish",),
        kinks=lambda: (-3.0, 3.0),
        torch_deviations=(
            TorchDeviation(
                "forward", lambda x, fi: x > fi.max / 6, "torch computes x * relu6(x + 3) / 6 and overflows to inf"
            ),
        ),
    ),
    Activation(
        "hardshrink",
        "x if |x| > lambd else 0",
        _hardshrink,
        _shrink_d,
        _zero,
        lambda T, x, lambd: T.nn.functional.hardshrink(x, lambd),
        lambda mp, x, lambd: x if abs(x) > lambd else mp.mpf(0),
        params={"lambd": 0.5},
        validate=_check_lambd,
        kinks=lambda lambd: (-lambd, lambd),
        span=(-2, 2),
    ),
    Activation(
        "softshrink",
        "x - lambd if x > lambd, x + lambd if x < -lambd, else 0",
        _softshrink,
        _shrink_d,
        _zero,
        lambda T, x, lambd: T.nn.functional.softshrink(x, lambd),
        lambda mp, x, lambd: x - lambd if x > lambd else (x + lambd if x < -lambd else mp.mpf(0)),
        params={"lambd": 0.5},
        validate=_check_lambd,
        kinks=lambda lambd: (-lambd, lambd),
        span=(-2, 2),
    ),
    Activation(
        "tanhshrink",
        "x - tanh(x)",
        _tanhshrink,
        lambda x: np.tanh(x) ** 2,
        _tanhshrink_d2,
        lambda T, x: T.nn.functional.tanhshrink(x),
        lambda mp, x: x - mp.tanh(x),
        extra_points=(1e-9, 1e-3, -1e-3, 1.4999),
        stepwise="torch composes it of ops that each round (tanh(x) first, then the subtraction cancels)",
    ),
    Activation(
        "threshold",
        "x if x > threshold else value",
        _threshold,
        _threshold_d,
        _zero,
        lambda T, x, threshold, value: T.nn.functional.threshold(x, threshold, value),
        lambda mp, x, threshold, value: x if x > threshold else mp.mpf(value),
        # torch has no defaults here; these are the ones from torch's docs example
        params={"threshold": 0.1, "value": 20.0},
        kinks=lambda threshold, value: (threshold,),
        span=(-3, 3),
    ),
    Activation(
        "rrelu",
        "x if x >= 0 else (lower + upper)/2 * x  (evaluation mode)",
        lambda x, lower, upper: _leaky(x, _rrelu_slope(lower, upper)),
        lambda x, lower, upper: _leaky_d(x, _rrelu_slope(lower, upper)),
        _zero,
        lambda T, x, lower, upper: T.nn.functional.rrelu(x, lower, upper, training=False),
        lambda mp, x, lower, upper: _mp_leaky(x, (mp.mpf(lower) + upper) / 2),
        params={"lower": 1 / 8, "upper": 1 / 3},
        validate=_check_rrelu,
        kinks=lambda lower, upper: (0.0,),
        span=(-3, 3),
    ),
    Activation(
        "prelu",
        "x if x > 0 else weight * x  (one shared weight)",
        lambda x, weight: _leaky(x, weight),
        lambda x, weight: _leaky_d(x, weight),
        _zero,
        lambda T, x, weight: T.nn.functional.prelu(x, _torch_constant(T, x, [weight])),
        lambda mp, x, weight: _mp_leaky(x, weight),
        params={"weight": 0.25},
        kinks=lambda weight: (0.0,),
        span=(-3, 3),
    ),
]

from .vector import VECTORS  # noqa: E402  (vector.py reads the helpers above)

_ENTRIES += VECTORS
ACTIVATIONS = {a.name: a for a in _ENTRIES}


def _key(name):
    return name.lower().replace("-", "").replace("_", "")


_BY_KEY = {_key(a.name): a for a in _ENTRIES} | {_key(al): a for a in _ENTRIES for al in a.aliases}


def lookup(name):
    """Return the activation called ``name`` (any case, dashes or underscores, or an alias), or None."""
    return _BY_KEY.get(_key(name))


def suggest(name):
    """Return the closest known activation name, or None."""
    import difflib

    close = difflib.get_close_matches(_key(name), list(_BY_KEY), n=1, cutoff=0.6)
    return _BY_KEY[close[0]].name if close else None


def resolve_params(act, given):
    """Merge ``given`` over the defaults, coerce types, validate; raise ParamError on a bad one."""
    unknown = set(given) - set(act.params)
    if unknown:
        names = ", ".join(sorted(unknown))
        takes = ", ".join(act.params) or "no parameters"
        raise ParamError(f"{act.name} has no parameter {names} (it takes {takes})")
    params = dict(act.params)
    for k, v in given.items():
        default = act.params[k]
        try:
            params[k] = v if isinstance(default, str) else float(v)
        except (TypeError, ValueError):
            raise ParamError(f"{k} must be a number, got {v!r}") from None
        if isinstance(params[k], float) and not np.isfinite(params[k]):
            raise ParamError(f"{k} must be finite, got {v!r}")
    act.validate(**params)
    return params
