"""NumPy's accuracy, judged against the independent reference (tests/reference.py), never actcheck's own oracle.

float64: f and f' within 4 ULP of exact for every smooth activation and parameter variant,
on seeded points over the whole line (tails, subnormals, ±inf, the places issues 13 and 21
name), beside the zeros of f' too; f'' within 8 ULP, beside its zeros too, except subnormal
results. float32, float16, bfloat16: forward, derivative
and VJP are the exact value rounded once, ties included.
"""

import math

import ml_dtypes
import numpy as np
import pytest
import reference as R
import scipy.special as sc
from mpmath import mp, mpf

import actcheck.registry as acts
from actcheck.dtypes import DTYPES, round_to, ulp
from actcheck.engine import numpy_side

SMOOTH = [
    ("sigmoid", {}),
    ("tanh", {}),
    ("silu", {}),
    ("mish", {}),
    ("softplus", {}),
    ("softplus", {"beta": 0.3}),
    ("softplus", {"beta": 3.0}),
    ("softplus", {"threshold": 5.0}),
    ("softsign", {}),
    ("logsigmoid", {}),
    ("gelu", {}),
    ("gelu", {"approximate": "tanh"}),
    ("elu", {}),
    ("elu", {"alpha": 0.3}),
    ("elu", {"alpha": 3.0}),
    ("selu", {}),
    ("celu", {}),
    ("celu", {"alpha": 0.3}),
    ("celu", {"alpha": 3.0}),
    ("celu", {"alpha": 1000.0}),  # x/alpha subnormal for a subnormal x: 500 ULP once
    ("tanhshrink", {}),
]
# The places issue 13 names (and the tails, subnormals and infinities around them).
NAMED = [
    -1.1931685347066104e-318,
    -1.3006219200210296,  # gelu-tanh's f'' was 8.55 ULP here, beside its zero at -1.4185
    -29.731034754345306,
    -4.834173284416195,
    -1.5663277617834197,
    -100.0,
    -1940.57,
    -1868.6,
    -1e300,
    -6.7e23,
    -1e24,
    -745.0,
    -700.0,
    -37.0,
    37.0,
    750.0,
    1e4,
    -1e4,
    1e300,
    0.0,
    5e-324,
    -5e-324,
    1e-310,
    -1e-310,
    np.inf,
    -np.inf,
]
ZEROS_OF_D1 = (-1.2784645427610737, -1.1924312145154952, -0.7517915246935645, -0.7524614220710163)
EPS = 2.0**-52


def _ids(variants):
    return [f"{n}{p or ''}" for n, p in variants]


def _line(scale, n=120, seed=13):
    rng = np.random.default_rng(seed)
    mags = np.exp(rng.uniform(math.log(1e-310), math.log(1e300), n))
    dense = rng.uniform(-40, 40, n // 2) * scale
    return np.concatenate([mags, -mags, dense, np.asarray(ZEROS_OF_D1) + 1e-3, NAMED])


def _scale(name, p):
    return 1 / p["beta"] if name == "softplus" else (p["alpha"] if name == "celu" else 1.0)


def _ulps(got, exact, dtype="float64"):
    return np.array([R.ulp_error(g, e, dtype) for g, e in zip(got, exact, strict=True)])


@pytest.mark.parametrize(("name", "params"), SMOOTH, ids=_ids(SMOOTH))
def test_float64_within_4_ulp_across_the_line(name, params):
    act = acts.ACTIVATIONS[name]
    p = acts.resolve_params(act, params)
    xs = _line(_scale(name, p))
    for n, fn, bound in ((0, act.forward, 4), (1, act.derivative, 4), (2, act.second, 8)):
        exact = [R.exact(name, x, n, verify=False, **p) for x in xs]
        with np.errstate(all="ignore"):
            got = fn(xs.copy(), **p)
        ulps = _ulps(got, exact)
        e = np.array([np.nan if v is None else float(v) for v in exact])
        subnormal = (np.abs(e) < 2.0**-1022) & (n == 2)
        bad = (ulps > bound) & ~subnormal
        worst = np.nanargmax(np.where(bad, ulps, -1))
        assert not bad.any(), f"f^({n}): {ulps[worst]:.3g} ULP at x = {xs[worst]!r}"


# ---------------------------------------------------------------- beside the zeros of f' and f''


def _mp_forms():
    """f in mpmath from the definitions (differentiated by mpmath.diff): independent of the registry."""
    k, c = mp.sqrt(2 / mp.pi), mpf("0.044715")
    return {
        "silu": lambda t: t / (1 + mp.exp(-t)),
        "mish": lambda t: t * mp.tanh(mp.log1p(mp.exp(t))),
        "gelu_tanh": lambda t: t / 2 * (1 + mp.tanh(k * (t + c * t**3))),
    }


# (form, n, centre, half-width, a point the issue found): where the closed forms cancelled
BESIDE_ZEROS = [
    ("silu", 1, -1.2784645427610737, 0.16, -1.2439639452729505),
    ("mish", 1, -1.1924312145154952, 0.16, -1.1365910806685537),
    ("gelu_tanh", 1, -0.7524614220710163, 0.16, -0.7209965086558996),
    ("gelu_tanh", 2, 1.4185, 0.3, 1.3125),
    ("gelu_tanh", 2, -1.4185, 0.3, -1.4185),
    ("silu", 2, 2.3994, 0.16, 2.3994),
    ("silu", 2, -2.3994, 0.16, -2.3994),
    ("mish", 2, 1.4906, 0.16, 1.4906),
    ("mish", 2, -2.2564, 0.16, -2.2564),
]


@pytest.mark.parametrize(
    ("form", "n", "centre", "half", "named"), BESIDE_ZEROS, ids=[f"{b[0]}-f{b[1]}-at-{b[2]:+.2f}" for b in BESIDE_ZEROS]
)
def test_float64_beside_zeros_of_derivatives_within_the_claim(form, n, centre, half, named):
    """f' within 4 ULP and f'' within 8 ULP of itself beside their zeros, at fresh points (mpmath at 50 digits)."""
    name, params = ("gelu", {"approximate": "tanh"}) if form == "gelu_tanh" else (form, {})
    act = acts.ACTIVATIONS[name]
    rng = np.random.default_rng([n, int(abs(centre) * 1e4)])
    xs = np.concatenate([[named], centre + rng.uniform(-half, half, 40)])
    got = (act.derivative if n == 1 else act.second)(xs.copy(), **params)
    bound = 4 if n == 1 else 8
    with mp.workdps(50):
        f = _mp_forms()[form]
        for x, v in zip(xs, got, strict=True):
            e = mp.diff(f, mpf(float(x)), n)
            ulps = float(abs(mpf(float(v)) - e) / mpf(2) ** (mp.floor(mp.log(abs(e), 2)) - 52))
            assert ulps <= bound, f"f^({n}) of {form}: {ulps:.3g} ULP at x = {float(x)!r}"


# ---------------------------------------------------------------- every float16 and bfloat16 value

LOW = [("silu", {}), ("mish", {}), ("gelu", {}), ("gelu", {"approximate": "tanh"}), ("softplus", {"beta": 0.3})]
LOW += [("celu", {"alpha": 3.0}), ("elu", {"alpha": 0.3})]
ELEMENTWISE = [n for n, a in acts.ACTIVATIONS.items() if a.kind == "elementwise"]
LOW += [(n, {}) for n in ELEMENTWISE]


def _witness(name, x, p):
    """f and f' in long double by the textbook formulas: independent of actcheck, good to far below 2**-24."""
    L = np.longdouble
    x = x.astype(L)
    ex, th, one = np.exp, np.tanh, L(1)
    sig = lambda t: one / (one + ex(-t))  # noqa: E731
    sp = np.logaddexp(L(0), x)
    table = {
        "sigmoid": lambda: (sig(x), sig(x) * sig(-x)),
        "tanh": lambda: (th(x), one / np.cosh(x) ** 2),
        "silu": lambda: (x * sig(x), sig(x) * (one + x * sig(-x))),
        "mish": lambda: (x * th(sp), th(sp) + x * sig(x) / np.cosh(sp) ** 2),
        "softsign": lambda: (x / (one + abs(x)), one / (one + abs(x)) ** 2),
        "logsigmoid": lambda: (-np.logaddexp(0, -x), sig(-x)),
        "tanhshrink": lambda: (x - th(x), th(x) ** 2),
        "relu": lambda: (np.maximum(x, 0), (x > 0).astype(L)),
        "relu6": lambda: (np.clip(x, 0, 6), ((x > 0) & (x < 6)).astype(L)),
        "hardtanh": lambda: (np.clip(x, -1, 1), (abs(x) < 1).astype(L)),
        "hardsigmoid": lambda: (np.clip(x + 3, 0, 6) / 6, np.where(abs(x) < 3, one / 6, 0)),
        "hardswish": lambda: (
            np.where(x <= -3, 0, np.where(x >= 3, x, x * (x + 3) / 6)),
            np.clip((2 * x + 3) / 6, 0, 1),
        ),
        "hardshrink": lambda: (np.where(abs(x) > 0.5, x, 0), (abs(x) > 0.5).astype(L)),
        "softshrink": lambda: (np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0)), (abs(x) > 0.5).astype(L)),
        "threshold": lambda: (np.where(x > L("0.1"), x, 20), (x > L(0.1)).astype(L)),
    }
    if name in table:
        return table[name]()
    if name in ("leaky_relu", "prelu", "rrelu"):
        k = {"leaky_relu": 0.01, "prelu": 0.25, "rrelu": (L(1) / 8 + L(1) / 3) / 2}[name]
        return np.where(x > 0, x, k * x), np.where(x > 0, one, k)
    if name == "softplus":
        bx = x * L(p["beta"])
        lin = bx > p["threshold"]
        return np.where(lin, x, np.logaddexp(0, bx) / L(p["beta"])), np.where(lin, one, sig(bx))
    if name in ("elu", "celu", "selu"):
        a = L(p.get("alpha", 1.6732632423543772848170429916717))
        s = L(1.0507009873554804934193349852946) if name == "selu" else one
        u = x / a if name == "celu" else x
        d = a * s * ex(u) / (a if name == "celu" else 1)
        return np.where(x > 0, s * x, a * s * np.expm1(u)), np.where(x > 0, s, d)
    if p["approximate"] == "tanh":  # gelu
        k, c = np.sqrt(L(2) / L(np.pi)), L("0.044715")
        u = 2 * k * (x + c * x**3)
        return x * sig(u), sig(u) + x * sig(u) * sig(-u) * 2 * k * (1 + 3 * c * x * x)
    x64 = x.astype(np.float64)  # scipy has no long double Phi: float64's ndtr is good to ~1e-15 here
    return (x * sc.ndtr(x64), sc.ndtr(x64) + x * np.exp(-x * x / 2) / np.sqrt(2 * L(np.pi)))


def _near_tie(w, dtype):
    """Where the long double witness is within 2**-24 (relative) of a midpoint between two dtype values."""
    lo = np.asarray(w, dtype=np.float64)
    t = DTYPES[dtype].numpy
    with np.errstate(all="ignore"):
        a = lo.astype(np.float32).astype(t)
        up = np.nextafter(a, np.asarray(np.inf, dtype=t)).astype(np.float64)
        dn = np.nextafter(a, np.asarray(-np.inf, dtype=t)).astype(np.float64)
        a = a.astype(np.float64)
        mids = np.stack([(a + up) / 2, (a + dn) / 2])
        return np.any(np.abs(lo - mids) <= np.abs(lo) * 2.0**-24, axis=0)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize(("name", "params"), LOW, ids=_ids(LOW))
def test_every_low_precision_value_is_the_exact_value_rounded_once(name, params, dtype):
    """Every float16/bfloat16 x: forward, derivative and VJP against the exact value rounded once.

    How the exact rounding is known at 65,536 points: a long double witness (textbook formulas,
    independent of actcheck, good to far better than 2**-24 relative) is rounded to the dtype;
    where that disagrees with NumPy's value, or lies within 2**-24 of a rounding midpoint (so
    that a witness error could flip it), or is not finite, the independent mpmath reference
    decides. Elsewhere two independent computations round to the same value, away from a tie.
    """
    act = acts.ACTIVATIONS[name]
    p = acts.resolve_params(act, params)
    dt = DTYPES[dtype]
    x = np.arange(1 << 16, dtype=np.uint16).view(dt.numpy)
    x = x[~np.isnan(x.astype(np.float32))]
    x64 = x.astype(np.float64)
    g = np.random.default_rng(5).uniform(-2, 2, x.size).astype(np.float32).astype(dt.numpy)
    with np.errstate(all="ignore"):
        ours = numpy_side(act, x, p, dt, g, order=1)
        wf, wd = _witness(name, x64, p)
        witness = {"forward": wf, "backward": wd, "vjp": wd * g.astype(np.longdouble)}
    kinks = np.isin(x64, np.asarray(act.kinks(**p), dtype=np.float64))
    for key, n in (("forward", 0), ("backward", 1), ("vjp", 1)):
        w = np.asarray(witness[key])
        w_rounded = round_to(w.astype(np.float64), dt).astype(np.float64)
        mine = ours[key].astype(np.float64)
        check = ~((mine == w_rounded) | (np.isnan(mine) & np.isnan(w_rounded)))
        check |= _near_tie(w, dtype) | ~np.isfinite(w_rounded)
        check &= ~(kinks & (n > 0))
        for i in np.flatnonzero(check):
            want = R.rounded(name, x64[i], n, dtype, g[i] if key == "vjp" else None, **p)
            if want is None:
                continue
            same = mine[i] == want or (math.isnan(mine[i]) and math.isnan(want))
            assert same, f"{key} at x = {x64[i]!r}: NumPy {mine[i]!r}, exact rounds to {want!r}"


def _midpoint_distance(v, dtype):
    """|v - the nearest midpoint of ``dtype``| relative to |v| (float64 v)."""
    r = round_to(v, DTYPES[dtype]).astype(np.float64)
    u = ulp(r, DTYPES[dtype])
    with np.errstate(all="ignore"):
        mids = np.stack([r + u / 2, r - u / 2, r - u / 4])  # r - u/4: below a power of two the spacing halves
        return np.abs(v - mids).min(axis=0) / np.abs(v)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_second_derivatives_are_rounded_once_at_ties(dtype):
    """f'' at every value whose float64 f'' lies within 2**-40 of a midpoint (bfloat16 sigmoid'' has 128, where
    nearest-even used to pick the wrong side), every elementwise activation, against the reference."""
    dt = DTYPES[dtype]
    x = np.arange(1 << 16, dtype=np.uint16).view(dt.numpy)
    x = x[np.isfinite(x.astype(np.float32))]
    x64 = x.astype(np.float64)
    checked = 0
    for name in ELEMENTWISE:
        act = acts.ACTIVATIONS[name]
        p = acts.resolve_params(act, {})
        with np.errstate(all="ignore"):
            v = act.second(x64.copy(), **p)
        near = np.flatnonzero((_midpoint_distance(v, dtype) <= 2.0**-40) & (v != 0) & np.isfinite(v))
        near = near[~np.isin(x64[near], np.asarray(act.kinks(**p), dtype=np.float64))]
        ours = numpy_side(act, x[near], p, dt, None, order=2)["second"].astype(np.float64)
        for xi, got in zip(x64[near], ours, strict=True):
            want = R.rounded(name, xi, 2, dtype, **p)
            assert want is None or got == want, f"{name}'' at x = {xi!r}: NumPy {got!r}, exact rounds to {want!r}"
            checked += 1
    assert checked >= (128 if dtype == "bfloat16" else 1)


# ---------------------------------------------------------------- float32, a stratified sample

F32 = [(n, {}) for n in ("sigmoid", "tanh", "silu", "mish", "softplus", "logsigmoid", "gelu", "selu", "tanhshrink")]
F32 += [("gelu", {"approximate": "tanh"}), ("softplus", {"beta": 0.3}), ("celu", {"alpha": 3.0})]


@pytest.mark.parametrize(("name", "params"), F32, ids=_ids(F32))
def test_float32_is_the_exact_value_rounded_once(name, params):
    """float32 values in every eighth binade from 2**-149 to 2**127, both signs, and beside the zeros of f'."""
    act = acts.ACTIVATIONS[name]
    p = acts.resolve_params(act, params)
    rng = np.random.default_rng(17)
    binades = np.arange(-149, 128, 8)
    mags = np.ldexp(rng.uniform(1, 2, binades.size), binades)
    near = np.concatenate([np.asarray(ZEROS_OF_D1) + d for d in (-1e-4, -1e-7, 1e-7, 1e-4)])
    x = np.concatenate([mags, -mags, rng.uniform(-30, 30, 40), near]).astype(np.float32)
    dt = DTYPES["float32"]
    g = rng.uniform(-2, 2, x.size).astype(np.float32)
    ours = numpy_side(act, x, p, dt, g, order=1)
    for key, n in (("forward", 0), ("backward", 1), ("vjp", 1)):
        for i, xi in enumerate(x.astype(np.float64)):
            want = R.rounded(name, xi, n, "float32", g[i] if key == "vjp" else None, **p)
            if want is None:
                continue
            got = float(ours[key][i])
            assert got == want, f"{key} at x = {xi!r}: {got!r} != {want!r}"


def test_bfloat16_rounding_is_once_not_through_float32():
    # 1 + 2**-8 + 2**-30 is just above the midpoint between bfloat16's 1 and 1 + 2**-7: rounds up once;
    # through float32 it first becomes the midpoint itself, and then rounds to even (down)
    v = 1 + 2.0**-8 + 2.0**-30
    assert float(round_to(np.array([v]), DTYPES["bfloat16"])[0]) == 1 + 2.0**-7
    assert float(np.float32(v).astype(ml_dtypes.bfloat16)) == 1.0


# ---------------------------------------------------------------- signed zeros

# the signs at ±inf are those at ±200 (the reference clamps Phi's argument at ±256: its gelu'(-800) is Phi(-256) > 0)
SIGNED_AT = (-0.0, 0.0, -np.inf, np.inf, -200.0, 200.0, 750.0, -5e-324, 5e-324)


def _sign_of_limit(name, x, n, p):
    """-1 or +1: the sign f^(n) takes at x (beside x = ±0 and ±inf, where the value is a limit), 0 where f^(n)
    is exactly 0 there (a piece that is identically zero has no sign), None where it does not exist."""
    at = {0.0: math.copysign(2.0**-1000, x), math.inf: math.copysign(200.0, x)}.get(abs(x), x)
    e = R.exact(name, at, n, verify=False, **p)
    if e is None or (n and abs(x) == 0 and any(k == 0 for k, _ in R.ACTS[name].breaks(**{**R.ACTS[name].params, **p}))):
        return None
    return int(mp.sign(e))


SIGNED_VARIANTS = [(n, {}) for n in ELEMENTWISE] + [
    ("elu", {"alpha": -2.0}),  # elu(-0) = -2 * expm1(-0) = +0
    ("celu", {"alpha": -2.0}),  # celu(x) ~ x whatever alpha's sign: -0
    ("leaky_relu", {"negative_slope": -0.5}),
    ("gelu", {"approximate": "tanh"}),
    ("softplus", {"beta": 10.0, "threshold": 0.4}),
]


@pytest.mark.parametrize(("name", "params"), SIGNED_VARIANTS, ids=_ids(SIGNED_VARIANTS))
def test_zeros_carry_the_sign_of_the_mathematics(name, params):
    """Where NumPy's (and the oracle's) f, f' or f'' is a zero, its sign is the sign of the exact value (the
    limit at ±0 and ±inf): silu(-0) = -0 (silu(x) ~ x/2), logsigmoid(+inf) = -0 (it is negative everywhere)."""
    from actcheck.opinions.oracle import exact_values
    from actcheck.ulps import round_once

    act = acts.ACTIVATIONS[name]
    p = acts.resolve_params(act, params)
    x = np.array(SIGNED_AT)
    exact = exact_values(act, p, x, order=2)
    f64 = DTYPES["float64"]
    with np.errstate(all="ignore"):
        ours = [act.forward(x.copy(), **p), act.derivative(x.copy(), **p), act.second(x.copy(), **p)]
    for n, key in enumerate(("forward", "backward", "second")):
        for i, xi in enumerate(SIGNED_AT):
            sign = _sign_of_limit(name, xi, n, p)
            if not sign:
                continue
            for who, v in (("NumPy", float(ours[n][i])), ("oracle", round_once(exact[key][i], f64))):
                assert v != 0 or math.copysign(1, v) == sign, f"{who} f^({n})({xi!r}) = {v!r}, the sign is {sign:+d}"
