"""An exact reference for elementwise activations: closed forms of f, f' and f'' in mpmath.

Written from the mathematics (torch's definitions and parameter names), independently
of actcheck. Every value is computed at a working precision that is raised until

  * the cancellation bound holds: every sum of terms of either sign goes through ``S``,
    which records the bits it loses (log2 of its largest term over the sum); a value is
    accepted at p bits only when p >= GUARD + 72 + the largest such loss (a sum that
    comes out 0 counts as losing everything, so the precision keeps rising), and
  * a second evaluation 64 bits higher agrees with it to within
    tol = max(2**-72 |value|, 2**-1150),

so the returned mpf is within tol of the true value: far below a float64 half-ULP except
within 2**-72 of a rounding midpoint, and below 2**-1150 absolutely (float64's least
subnormal is 2**-1074). Arguments of exp are at most 2**16 in size, so their own
rounding costs at most 16 bits of the >= 128 used.

Every form is written so that exp only sees non-positive arguments, and an exp argument
below -2**16 is clamped to -2**16 (and Phi's argument to +-256): that changes no term by
more than poly(x) * e**-32768 < 2**-40000 for |x| < 2**1024 (polynomials of degree <= 3
here), which is far below the tolerance, while keeping e.g. exp(-1e300) cheap. At x = +-inf the value is
taken at x = +-2**4096 and snapped (|v| > 2**1200 -> inf, |v| < 2**-1200 -> 0): every
activation here converges to its limit faster than that. At a point where the pieces of
a piecewise activation meet, the n-th derivative is None unless f, ..., f^(n) all
continue across it.

API
  ACTS                                  name -> Act (params = torch's names and defaults)
  exact(name, x, n=0, verify=True, **params)  -> mpf (may be +-inf or nan) or None
  round_once(value, dtype)              exact mpf -> numpy scalar of dtype, one rounding
  ulp(value, dtype)                     the dtype's spacing at |value| (mpf)
  ulp_error(value, exact, dtype)        |value - exact| / ulp(exact) as float
  rounding_info(value, dtype)           (rounded, ulp, r, near_tie) as floats, for fast audits
  rounded(name, x, n, dtype, g=None)    f^(n)(x) (times g) rounded once, settled beside a midpoint
"""

import math
from dataclasses import dataclass, field

import mpmath
import numpy as np
from mpmath import mp, mpf

__all__ = ["ACTS", "Act", "exact", "rounded", "round_once", "ulp", "ulp_error", "rounding_info", "FORMATS"]

SELU_ALPHA = "1.6732632423543772848170429916717"
SELU_SCALE = "1.0507009873554804934193349852946"
GELU_C = "0.044715"

GUARD = 16  # bits lost to the roundings of a formula's own operations, generously
REL_BITS = 72  # wanted relative accuracy
ABS_BITS = 1150  # wanted absolute accuracy (float64's least subnormal is 2**-1074)
START_PREC = 128
MAX_PREC = 1 << 14
CLAMP = 2**16
PHI_CLAMP = 2**8
INF_X = 2**4096

# ------------------------------------------------------------------ helpers (at mp's precision)

_loss = [0]


def S(*terms):
    """A sum that may cancel: records the bits it loses (log2 of largest term / |sum|)."""
    s = mp.fsum(terms)
    big = max(abs(t) for t in terms)
    if big:
        loss = mp.mag(big) - mp.mag(s) + 1 if s else mp.prec
        _loss[0] = max(_loss[0], loss)
    return s


def E(u):
    """exp(u) for u <= 0 (clamped at -2**16, see the module docstring)."""
    return mp.exp(max(u, -CLAMP))


def expm1(u):
    return mp.expm1(max(u, -CLAMP))


def sig(x):
    """sigmoid(x); exp only sees -|x|."""
    e = E(-abs(x))
    return 1 / (1 + e) if x >= 0 else e / (1 + e)


def dsig(x):
    """sigmoid'(x) = sigmoid(x) sigmoid(-x) = e/(1+e)^2, e = exp(-|x|)."""
    e = E(-abs(x))
    return e / (1 + e) ** 2


def softplus(u):
    """log(1 + e^u) = max(u, 0) + log1p(e^-|u|): both terms >= 0."""
    return max(u, 0) + mp.log1p(E(-abs(u)))


def sech2(x):
    """sech(x)^2 = 4e/(1+e)^2, e = exp(-2|x|)."""
    e = E(-2 * abs(x))
    return 4 * e / (1 + e) ** 2


def Phi(x):
    """Standard normal CDF = erfc(-x/sqrt 2)/2 (argument clamped to +-256: Phi(-256) < e**-32768)."""
    x = min(max(x, -PHI_CLAMP), PHI_CLAMP)
    return mp.erfc(-x / mp.sqrt(2)) / 2


def phi(x):
    """Standard normal density."""
    return E(-(x * x) / 2) / mp.sqrt(2 * mp.pi)


def _gt(x, k, side):
    """x > k, with x == k read as k + side*0."""
    return x > k or (x == k and side > 0)


def _lt(x, k, side):
    return x < k or (x == k and side < 0)


# ------------------------------------------------------------------ the activations


@dataclass(frozen=True)
class Act:
    """One activation: ``d(n, x, side, **params)`` is f^(n)(x) (n = 0, 1, 2) with x an mpf.

    ``side`` (-1, 0, +1) chooses the piece at a breakpoint; 0 is torch's own choice
    there (which only matters for f). ``breaks(**params)`` lists (point, c): f, ...,
    f^(c-1) continue across the point, higher derivatives do not exist there.
    """

    name: str
    d: object
    params: dict = field(default_factory=dict)
    breaks: object = lambda **p: ()
    smooth: bool = False


def _pick(n, *fs):
    return fs[n]()


def _sigmoid_d(n, x, side):
    return _pick(n, lambda: sig(x), lambda: dsig(x), lambda: -dsig(x) * mp.tanh(x / 2))


def _tanh_d(n, x, side):
    return _pick(n, lambda: mp.tanh(x), lambda: sech2(x), lambda: -2 * mp.tanh(x) * sech2(x))


def _silu_d(n, x, side):
    return _pick(
        n,
        lambda: x * sig(x),
        lambda: sig(x) * S(1, x * sig(-x)),
        lambda: dsig(x) * S(2, -x * mp.tanh(x / 2)),
    )


def _mish_d(n, x, side):
    sp = softplus(x)
    t, s2 = mp.tanh(sp), sech2(sp)
    return _pick(
        n,
        lambda: x * t,
        lambda: S(t, x * sig(x) * s2),
        lambda: sig(x) * s2 * S(2, x * sig(-x), -2 * x * sig(x) * t),
    )


def _softplus_d(n, x, side, beta, threshold):
    beta, threshold = mpf(beta), mpf(threshold)
    bx = beta * x  # exact: two doubles at >= 106 bits
    if _gt(bx, threshold, side if beta > 0 else -side):
        return (x, mpf(1), mpf(0))[n]
    return _pick(n, lambda: softplus(bx) / beta, lambda: sig(bx), lambda: beta * dsig(bx))


def _softsign_d(n, x, side):
    a = 1 + abs(x)
    sign = 1 if _gt(x, 0, side) else -1
    return _pick(n, lambda: x / a, lambda: 1 / a**2, lambda: -2 * sign / a**3)


def _logsigmoid_d(n, x, side):
    return _pick(n, lambda: min(x, 0) - mp.log1p(E(-abs(x))), lambda: sig(-x), lambda: -dsig(x))


def _gelu_d(n, x, side, approximate):
    if approximate == "tanh":
        k2 = 2 * mp.sqrt(2 / mp.pi)
        c = mpf(GELU_C)
        u = k2 * (x + c * x**3)  # (1 + tanh(u/2))/2 = sigmoid(u)
        du, ddu = k2 * (1 + 3 * c * x * x), k2 * 6 * c * x
        return _pick(
            n,
            lambda: x * sig(u),
            lambda: S(sig(u), x * dsig(u) * du),
            lambda: dsig(u) * S(2 * du, x * S(-mp.tanh(u / 2) * du * du, ddu)),
        )
    if n == 1 and x < -PHI_CLAMP:  # Phi(x) = phi(x) M(-x) there: the clamp would give Phi + x phi the wrong sign
        t = -x
        mills = S(*[(-1) ** j * mp.fac2(2 * j - 1) / t ** (2 * j + 1) for j in range(8)])  # to t**-17 relative
        return phi(x) * S(mills, x)
    return _pick(n, lambda: x * Phi(x), lambda: S(Phi(x), x * phi(x)), lambda: phi(x) * S(2, -x * x))


def _elu_d(n, x, side, alpha, scale=1, inscale=1):
    """scale * (x if x > 0 else alpha*(exp(inscale*x) - 1))."""
    if _gt(x, 0, side):
        return (scale * x, mpf(scale), mpf(0))[n]
    u = inscale * x
    return _pick(
        n,
        lambda: scale * alpha * expm1(u),
        lambda: scale * alpha * inscale * E(u),
        lambda: scale * alpha * inscale * inscale * E(u),
    )


def _tanhshrink_d(n, x, side):
    return _pick(n, lambda: S(x, -mp.tanh(x)), lambda: mp.tanh(x) ** 2, lambda: 2 * mp.tanh(x) * sech2(x))


def _linear(n, x, slope):
    """A linear piece: slope*x, slope, 0."""
    return (slope * x, mpf(slope), mpf(0))[n]


def _leaky_d(n, x, side, slope):
    return _linear(n, x, 1 if _gt(x, 0, side) else mpf(slope))


def _const(n, c):
    return (mpf(c), mpf(0), mpf(0))[n]


def _relu_d(n, x, side):
    return _linear(n, x, 1) if _gt(x, 0, side) else _const(n, 0)


def _hardtanh_d(n, x, side, min_val, max_val):
    if _lt(x, min_val, side):
        return _const(n, min_val)
    if _gt(x, max_val, side):
        return _const(n, max_val)
    return _linear(n, x, 1)


def _hardsigmoid_d(n, x, side):
    if _lt(x, -3, side):
        return _const(n, 0)
    if _gt(x, 3, side):
        return _const(n, 1)
    return ((x + 3) / 6, mpf(1) / 6, mpf(0))[n]


def _hardswish_d(n, x, side):
    if _lt(x, -3, side):
        return _const(n, 0)
    if _gt(x, 3, side):
        return _linear(n, x, 1)
    return (x * (x + 3) / 6, (2 * x + 3) / 6, mpf(1) / 3)[n]


def _hardshrink_d(n, x, side, lambd):
    keep = _gt(x, lambd, side) or _lt(x, -lambd, side)
    return _linear(n, x, 1) if keep else _const(n, 0)


def _softshrink_d(n, x, side, lambd):
    if _gt(x, lambd, side):
        return (x - lambd, mpf(1), mpf(0))[n]
    if _lt(x, -lambd, side):
        return (x + lambd, mpf(1), mpf(0))[n]
    return _const(n, 0)


def _threshold_d(n, x, side, threshold, value):
    return _linear(n, x, 1) if _gt(x, threshold, side) else _const(n, value)


def _rrelu_d(n, x, side, lower, upper):
    return _leaky_d(n, x, side, (mpf(lower) + mpf(upper)) / 2)


def _selu_d(n, x, side):
    return _elu_d(n, x, side, mpf(SELU_ALPHA), mpf(SELU_SCALE))


def _celu_d(n, x, side, alpha):
    return _elu_d(n, x, side, mpf(alpha), 1, 1 / mpf(alpha))


ACTS = {
    a.name: a
    for a in [
        Act("sigmoid", _sigmoid_d, smooth=True),
        Act("tanh", _tanh_d, smooth=True),
        Act("silu", _silu_d, smooth=True),
        Act("mish", _mish_d, smooth=True),
        Act(
            "softplus",
            _softplus_d,
            {"beta": 1.0, "threshold": 20.0},
            lambda beta, threshold: ((mpf(threshold) / mpf(beta), 0),),  # where beta*x == threshold exactly: f jumps
            smooth=True,
        ),
        Act("softsign", _softsign_d, breaks=lambda: ((0.0, 2),), smooth=True),
        Act("logsigmoid", _logsigmoid_d, smooth=True),
        Act("gelu", _gelu_d, {"approximate": "none"}, smooth=True),
        Act(
            "elu",
            lambda n, x, s, alpha: _elu_d(n, x, s, mpf(alpha)),
            {"alpha": 1.0},
            lambda alpha: ((0.0, 2 if alpha == 1 else 1),),
            smooth=True,
        ),
        Act("selu", _selu_d, breaks=lambda: ((0.0, 1),), smooth=True),
        Act("celu", _celu_d, {"alpha": 1.0}, lambda alpha: ((0.0, 2),), smooth=True),
        Act("tanhshrink", _tanhshrink_d, smooth=True),
        Act("relu", _relu_d, breaks=lambda: ((0.0, 1),)),
        Act("relu6", lambda n, x, s: _hardtanh_d(n, x, s, 0, 6), breaks=lambda: ((0.0, 1), (6.0, 1))),
        Act(
            "leaky_relu",
            lambda n, x, s, negative_slope: _leaky_d(n, x, s, negative_slope),
            {"negative_slope": 0.01},
            lambda negative_slope: ((0.0, 99 if negative_slope == 1 else 1),),
        ),
        Act(
            "hardtanh",
            _hardtanh_d,
            {"min_val": -1.0, "max_val": 1.0},
            lambda min_val, max_val: (
                (min_val, 99 if min_val == max_val else 1),
                (max_val, 99 if min_val == max_val else 1),
            ),
        ),
        Act("hardsigmoid", _hardsigmoid_d, breaks=lambda: ((-3.0, 1), (3.0, 1))),
        Act("hardswish", _hardswish_d, breaks=lambda: ((-3.0, 1), (3.0, 1))),
        Act(
            "hardshrink",
            _hardshrink_d,
            {"lambd": 0.5},
            lambda lambd: ((-lambd, 99 if lambd == 0 else 0), (lambd, 99 if lambd == 0 else 0)),
        ),
        Act(
            "softshrink",
            _softshrink_d,
            {"lambd": 0.5},
            lambda lambd: ((-lambd, 99 if lambd == 0 else 1), (lambd, 99 if lambd == 0 else 1)),
        ),
        Act(
            "threshold",
            _threshold_d,
            {"threshold": 0.1, "value": 20.0},
            lambda threshold, value: ((threshold, 1 if value == threshold else 0),),
        ),
        Act(
            "rrelu",
            _rrelu_d,
            {"lower": 1 / 8, "upper": 1 / 3},
            lambda lower, upper: ((0.0, 99 if (lower + upper) == 2 else 1),),
        ),
        Act(
            "prelu",
            lambda n, x, s, weight: _leaky_d(n, x, s, weight),
            {"weight": 0.25},
            lambda weight: ((0.0, 99 if weight == 1 else 1),),
        ),
    ]
}


# ------------------------------------------------------------------ evaluation


def _raw(act, n, x, params):
    """f^(n)(x) at mp's precision, or None where it does not exist (x an mpf)."""
    for k, c in act.breaks(**params):
        if x == k and n > 0:
            return act.d(n, x, +1, **params) if n < c else None
    return act.d(n, x, 0, **params)


def _tol(v):
    t = mpf(2) ** -ABS_BITS
    return max(abs(v) * mpf(2) ** -REL_BITS, t) if v else t


def _at(act, n, x, params, prec):
    """(value, bits lost to cancellation) at ``prec`` bits."""
    with mp.workprec(prec):
        _loss[0] = 0
        v = _raw(act, n, x, params)
        return (None if v is None else +v), _loss[0]


def exact(name, x, n=0, verify=True, rel_bits=REL_BITS, **params):
    """f^(n)(x) for the activation ``name`` at the float ``x``: mpf, +-inf, nan, or None (undefined).

    Parameters take torch's names; missing ones take torch's defaults. ``rel_bits``: the relative
    accuracy wanted (72 unless asked).
    """
    act = ACTS[name]
    params = {**act.params, **params}
    x = float(x)
    if math.isnan(x):
        return mpf("nan")
    inf = math.isinf(x)
    xm = mpf(INF_X if x > 0 else -INF_X) if inf else mpf(x)
    prec = max(START_PREC, rel_bits + GUARD + 16)
    while True:
        v, loss = _at(act, n, xm, params, prec)
        if v is None:
            return None
        need = GUARD + rel_bits + loss
        if need > prec and prec < MAX_PREC:
            prec = min(MAX_PREC, int(need) + 16)
            continue
        if not verify:
            break
        v2, _ = _at(act, n, xm, params, prec + 64)
        if abs(v2 - v) <= _tol(v2) or prec >= MAX_PREC:
            v = v2
            break
        prec *= 2
    if inf:
        if abs(v) > mpf(2) ** 1200:
            return mpf("inf") if v > 0 else mpf("-inf")
        if abs(v) < mpf(2) ** -1200:
            return mpf(0)
    return v


# ------------------------------------------------------------------ rounding and ULPs

# significand bits (with the hidden one), least normal exponent, greatest exponent
FORMATS = {
    "float64": (53, -1022, 1023),
    "float32": (24, -126, 127),
    "float16": (11, -14, 15),
    "bfloat16": (8, -126, 127),
}


def _dtype_name(dtype):
    name = dtype if isinstance(dtype, str) else np.dtype(dtype).name
    if name not in FORMATS:
        raise ValueError(f"unsupported dtype {dtype!r}")
    return name


def _np_dtype(name):
    if name == "bfloat16":
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


def _to_mpf(v):
    return v if isinstance(v, mpmath.mpf) else mpf(float(v)) if not isinstance(v, (int, str)) else mpf(v)


def round_once(value, dtype):
    """The exact ``value`` rounded to nearest-even in ``dtype`` (subnormals, overflow to inf), as a numpy scalar."""
    name = _dtype_name(dtype)
    p, emin, emax = FORMATS[name]
    out = _np_dtype(name).type
    v = _to_mpf(value)
    if mp.isnan(v):
        return out(np.nan)
    if mp.isinf(v):
        return out(np.inf if v > 0 else -np.inf)
    if v == 0:
        return out(0.0)
    sign, man, exp, bc = v._mpf_
    e = exp + bc - 1  # floor(log2 |v|)
    q = max(e, emin) - (p - 1)  # the exponent of the last place
    shift = q - exp
    if shift <= 0:
        m = int(man) << -shift
    else:
        m, rem, half = int(man) >> shift, int(man) & ((1 << shift) - 1), 1 << (shift - 1)
        if rem > half or (rem == half and m & 1):
            m += 1
    sgn = -1.0 if sign else 1.0
    if m == 0:
        return out(sgn * 0.0)
    if m.bit_length() + q > emax + 1:
        return out(sgn * np.inf)
    return np.asarray(sgn * math.ldexp(float(m), q), dtype=np.float64).astype(_np_dtype(name))[()]


def ulp(value, dtype):
    """The spacing of ``dtype`` at |value| (an mpf power of two); the least subnormal below the normals."""
    p, emin, _ = FORMATS[_dtype_name(dtype)]
    v = _to_mpf(value)
    if v == 0:
        e = emin
    else:
        _, man, exp, bc = v._mpf_
        e = max(exp + bc - 1, emin)
    return mpf(2) ** (e - (p - 1))


def ulp_error(value, exact_value, dtype):
    """|value - exact| / ulp(exact) in ``dtype``; 0 where both are the same infinity or both nan, nan if undefined."""
    if exact_value is None:
        return math.nan
    e = _to_mpf(exact_value)
    v = float(value)
    if mp.isnan(e) or math.isnan(v):
        return 0.0 if (mp.isnan(e) and math.isnan(v)) else math.inf
    if mp.isinf(e) or math.isinf(v):
        return 0.0 if float(round_once(e, dtype)) == v else math.inf
    with mp.workprec(max(mp.prec, 2 * FORMATS["float64"][0] + 64)):
        return float(abs(mpf(v) - e) / ulp(e, dtype))


def rounded(name, x, n, dtype, g=None, **params):
    """f^(n)(x) (times ``g``) rounded once to ``dtype``, however close to a midpoint: a value within
    its accuracy of one is computed again at 256, 1024 and 4096 bits; still there, it is one."""
    for bits in (REL_BITS, 256, 1024, 4096):
        e = exact(name, x, n, verify=False, rel_bits=bits, **params)
        if e is None:
            return None
        if g is not None:
            with mp.workprec(bits + 128):
                e = e * mpf(float(g))
        if not mp.isfinite(e) or e == 0:
            break
        u = ulp(e, dtype)
        with mp.workprec(bits + 64):
            near = mpf(float(round_once(e, dtype)))
            r = (e - near) / u
            if abs(abs(r) - mpf(1) / 2) * u > abs(e) * mpf(2) ** (8 - bits):
                break
    else:  # on the midpoint at 4096 bits: it is the midpoint (1025/1600 is 41/64)
        e = near + mp.sign(r) * u / 2
    return float(round_once(e, dtype))


def rounding_info(exact_value, dtype):
    """(rounded, ulp, r, near_tie) as Python floats/bool: exact = rounded + r*ulp, |r| <= 1/2.

    With these an audit finds |value - exact|/ulp = |(value - rounded)/ulp - r| in float64.
    near_tie: exact within 2**-40 relative of a midpoint between two representable values.
    Non-finite rounded values get r = nan.
    """
    if exact_value is None:
        return math.nan, math.nan, math.nan, False
    e = _to_mpf(exact_value)
    rnd = float(round_once(e, dtype))
    if not math.isfinite(rnd):
        return rnd, math.nan, math.nan, False
    u = ulp(e, dtype)
    with mp.workprec(max(mp.prec, 256)):
        r = (e - rnd) / u
        tie = abs(abs(r) - mpf(1) / 2) * u <= abs(e) * mpf(2) ** -40
    return rnd, float(u), float(r), bool(tie)
