"""Self-tests of the independent reference (tests/reference.py, written from the mathematics, not from actcheck).

Known values, identities, scipy, and mpmath.diff of its closed forms at 50 digits.
"""

import math

import ml_dtypes
import numpy as np
import pytest
import reference as R
import scipy.special as sc
from mpmath import mp, mpf

SMOOTH = [
    ("sigmoid", {}),
    ("tanh", {}),
    ("silu", {}),
    ("mish", {}),
    ("softplus", {}),
    ("softplus", {"beta": 0.3}),
    ("softplus", {"beta": 3.0, "threshold": 5.0}),
    ("softsign", {}),
    ("logsigmoid", {}),
    ("gelu", {}),
    ("gelu", {"approximate": "tanh"}),
    ("elu", {}),
    ("elu", {"alpha": 0.3}),
    ("selu", {}),
    ("celu", {"alpha": 3.0}),
    ("tanhshrink", {}),
]
PIECEWISE = [
    ("relu", {}),
    ("relu6", {}),
    ("leaky_relu", {}),
    ("hardtanh", {}),
    ("hardsigmoid", {}),
    ("hardswish", {}),
    ("hardshrink", {}),
    ("softshrink", {}),
    ("threshold", {}),
    ("rrelu", {}),
    ("prelu", {}),
]
F64 = "float64"


def ex(name, x, n=0, **p):
    return R.exact(name, x, n, **p)


def close(a, b, rel):
    return abs(a - b) <= rel * max(abs(a), abs(b))


# ------------------------------------------------------------------ known values


@pytest.mark.parametrize(
    "name, x, n, p, want",
    [
        ("sigmoid", 0.0, 0, {}, lambda: mpf(1) / 2),
        ("sigmoid", 0.0, 1, {}, lambda: mpf(1) / 4),
        ("sigmoid", 0.0, 2, {}, lambda: 0),
        ("tanh", 0.0, 1, {}, lambda: 1),
        ("silu", 0.0, 1, {}, lambda: mpf(1) / 2),
        ("silu", 0.0, 2, {}, lambda: mpf(1) / 2),
        ("mish", 0.0, 1, {}, lambda: mpf(3) / 5),  # tanh(log 2) = 3/5
        ("softplus", 0.0, 0, {}, lambda: mp.log(2)),
        ("logsigmoid", 0.0, 0, {}, lambda: -mp.log(2)),
        ("logsigmoid", 0.0, 1, {}, lambda: mpf(1) / 2),
        ("gelu", 0.0, 1, {}, lambda: mpf(1) / 2),
        ("gelu", 0.0, 2, {}, lambda: 2 / mp.sqrt(2 * mp.pi)),
        ("gelu", 0.0, 1, {"approximate": "tanh"}, lambda: mpf(1) / 2),
        ("softsign", 1.0, 0, {}, lambda: mpf(1) / 2),
        ("softsign", 1.0, 1, {}, lambda: mpf(1) / 4),
        ("softsign", -1.0, 2, {}, lambda: mpf(1) / 4),
        ("selu", 1.0, 0, {}, lambda: mpf(R.SELU_SCALE)),
        ("elu", -1.0, 0, {"alpha": 2.0}, lambda: 2 * mp.expm1(-1)),
        ("celu", -3.0, 1, {"alpha": 3.0}, lambda: mp.exp(-1)),
        ("hardswish", 1.0, 0, {}, lambda: mpf(2) / 3),
        ("hardswish", 1.0, 1, {}, lambda: mpf(5) / 6),
        ("softshrink", 2.0, 0, {}, lambda: mpf(3) / 2),
        ("threshold", 0.1, 0, {}, lambda: 20),
        ("rrelu", -1.0, 1, {}, lambda: (mpf(1) / 8 + mpf(1 / 3)) / 2),
    ],
)
def test_known_values(name, x, n, p, want):
    with mp.workprec(200):
        want = mpf(want())
        got = ex(name, x, n, **p)
        assert abs(got - want) <= mpf(2) ** -150 * max(1, abs(want))


@pytest.mark.parametrize("x", [-30.0, -3.0, -0.5, 1e-8, 0.7, 2.0, 19.0, 300.0])
def test_identities(x):
    with mp.workprec(200):
        t = mpf(x)
        assert close(ex("tanh", x, 1), mp.sech(t) ** 2, mpf(2) ** -100)
        assert close(ex("tanh", x, 2), -2 * mp.tanh(t) * mp.sech(t) ** 2, mpf(2) ** -100)
        with mp.workprec(1000):  # 1 - s cancels for x > 0
            s = 1 / (1 + mp.exp(-t))
            assert close(ex("sigmoid", x, 1), s * (1 - s), mpf(2) ** -100)
            assert close(ex("logsigmoid", x, 0), mp.log(s), mpf(2) ** -100)
        assert close(ex("softplus", x, 0), mp.log(1 + mp.exp(t)) if x <= 20 else t, mpf(2) ** -100)
        assert close(ex("tanhshrink", x, 1), 1 - mp.sech(t) ** 2, mpf(2) ** -40)
        # GELU-tanh: x/2 (1 + tanh(sqrt(2/pi)(x + 0.044715 x^3))) at 2000 bits, against x*sigmoid(2u)
        with mp.workprec(6000):
            naive = t / 2 * (1 + mp.tanh(mp.sqrt(2 / mp.pi) * (t + mpf(R.GELU_C) * t**3)))
        assert close(ex("gelu", x, 0, approximate="tanh"), naive, mpf(2) ** -100)
        with mp.workprec(2000):
            naive = t / 2 * mp.erfc(-t / mp.sqrt(2))
        assert close(ex("gelu", x, 0), naive, mpf(2) ** -100)
        with mp.workprec(2000):
            naive = t * mp.tanh(mp.log(1 + mp.exp(t)))
        assert close(ex("mish", x, 0), naive, mpf(2) ** -100)


def test_selu_constants_are_the_decimal_ones():
    with mp.workprec(300):
        want = mpf(R.SELU_SCALE) * mpf(R.SELU_ALPHA) * mp.expm1(-1)
        got = ex("selu", -1.0, 0)
        assert abs(got - want) <= abs(want) * mpf(2) ** -100
        # the float64-rounded constants differ from it by more than the tolerance
        assert abs(got - 1.0507009873554805 * 1.6732632423543772 * mp.expm1(-1)) > abs(want) * mpf(2) ** -70


def test_cancellation():
    with mp.workprec(300):
        for x in (1e-5, 1e-40, 1e-300, 5e-324):
            t = mpf(x)
            series = t**3 / 3 - 2 * t**5 / 15 + 17 * t**7 / 315
            got = ex("tanhshrink", x, 0)
            assert abs(got - series) <= max(abs(series) * mpf(2) ** -70, mpf(2) ** -1150)
    assert float(R.round_once(ex("tanhshrink", 1e-100, 0), F64)) == pytest.approx(1e-300 / 3, rel=1e-15)
    # silu' at its zero -1.2784645...: 1 + x sigmoid(-x) cancels
    z = -1.2784645427610738
    v = ex("silu", z, 1)
    with mp.workprec(3000):
        t = mpf(z)
        s = 1 / (1 + mp.exp(-t))
        naive = s + t * s * (1 - s)
    assert close(v, naive, mpf(2) ** -70)


# ------------------------------------------------------------------ scipy where it is accurate


def test_against_scipy():
    rng = np.random.default_rng(1)
    xs = np.concatenate([rng.uniform(-40, 40, 60), [-700.0, -100.0, 100.0, 700.0]])
    for x in xs:
        assert R.ulp_error(sc.expit(x), ex("sigmoid", x), F64) <= 2
        assert R.ulp_error(sc.log_expit(x), ex("logsigmoid", x), F64) <= 2
        assert R.ulp_error(np.tanh(x), ex("tanh", x), F64) <= 2
        if -2 < x < 8:  # ndtr rounds x/sqrt(2) first: ~x*x ULP further left
            assert R.ulp_error(x * sc.ndtr(x), ex("gelu", x), F64) <= 8
            assert R.ulp_error(np.expm1(x) if x < 0 else x, ex("elu", x), F64) <= 2


# ------------------------------------------------------------------ closed forms against mpmath.diff


def _points(name, p):
    rng = np.random.default_rng(abs(hash(name)) % 2**32)
    xs = list(rng.uniform(-12, 12, 40)) + [-37.5, -20.25, -5.5, -0.3, 0.3, 2.5, 7.25, 30.5, 60.0, -90.0]
    brk = [k for k, _ in R.ACTS[name].breaks(**{**R.ACTS[name].params, **p})]
    return [x for x in xs if all(abs(x - k) > 1e-3 for k in brk)]


@pytest.mark.parametrize("name, p", SMOOTH + PIECEWISE)
def test_closed_forms_match_mpmath_diff(name, p):
    act = R.ACTS[name]
    params = {**act.params, **p}
    for x in _points(name, p):
        d = [ex(name, x, n, **p) for n in range(3)]
        with mp.workdps(50):
            f = lambda t: act.d(0, t, 0, **params)  # noqa: E731
            fd1 = mp.diff(f, mpf(x), 1)
            fd2 = mp.diff(f, mpf(x), 2)
            scale = max(abs(d[0]), abs(d[1]), abs(d[2]), mpf(10) ** -300)
            assert abs(d[1] - fd1) <= mpf(10) ** -30 * scale, (name, x, 1)
            assert abs(d[2] - fd2) <= mpf(10) ** -30 * scale, (name, x, 2)


# ------------------------------------------------------------------ limits, huge x, nan, kinks

LIMITS = {  # name: (f(-inf), f'(-inf), f(+inf), f'(+inf)); f'' is 0 at both ends for all
    "sigmoid": (0, 0, 1, 0),
    "tanh": (-1, 0, 1, 0),
    "silu": (0, 0, math.inf, 1),
    "mish": (0, 0, math.inf, 1),
    "softplus": (0, 0, math.inf, 1),
    "softsign": (-1, 0, 1, 0),
    "logsigmoid": (-math.inf, 1, 0, 0),
    "gelu": (0, 0, math.inf, 1),
    "elu": (-1, 0, math.inf, 1),
    "selu": (-1.7580993408473768, 0, math.inf, 1.0507009873554805),
    "celu": (-1, 0, math.inf, 1),
    "tanhshrink": (-math.inf, 1, math.inf, 1),
    "relu": (0, 0, math.inf, 1),
    "relu6": (0, 0, 6, 0),
    "leaky_relu": (-math.inf, 0.01, math.inf, 1),
    "hardtanh": (-1, 0, 1, 0),
    "hardsigmoid": (0, 0, 1, 0),
    "hardswish": (0, 0, math.inf, 1),
    "hardshrink": (-math.inf, 1, math.inf, 1),
    "softshrink": (-math.inf, 1, math.inf, 1),
    "threshold": (20, 0, math.inf, 1),
    "rrelu": (-math.inf, (1 / 8 + 1 / 3) / 2, math.inf, 1),
    "prelu": (-math.inf, 0.25, math.inf, 1),
}


@pytest.mark.parametrize("name", list(LIMITS))
def test_limits(name):
    fm, dm, fp, dp = LIMITS[name]
    for x, f, d in ((-math.inf, fm, dm), (math.inf, fp, dp)):
        got = [float(R.round_once(ex(name, x, n), F64)) for n in range(3)]
        assert got == [f, d, 0.0], (name, x, got)
    assert float(R.round_once(ex("gelu", -math.inf, 0, approximate="tanh"), F64)) == 0


@pytest.mark.parametrize("name, p", SMOOTH + PIECEWISE)
def test_huge_and_nan(name, p):
    for x in (1.7976931348623157e308, -1.7976931348623157e308, 1e300, -1e300, 5e-324, -5e-324):
        for n in range(3):
            v = ex(name, x, n, **p)
            assert v is None or not mp.isnan(v)
    assert mp.isnan(ex(name, math.nan, 0, **p))


def test_kinks():
    assert ex("relu", 0.0, 1) is None
    assert ex("relu", 0.0, 0) == 0
    assert ex("elu", 0.0, 1) == 1 and ex("elu", 0.0, 2) is None
    assert ex("elu", 0.0, 1, alpha=2.0) is None
    assert ex("celu", 0.0, 1, alpha=3.0) == 1
    assert ex("selu", 0.0, 1) is None
    assert (
        ex("softplus", 20.0, 1) is None and ex("softplus", 20.0, 0) > 20
    )  # torch keeps log1p(exp) at beta x == threshold
    assert ex("softplus", 20.000000000000004, 0) == mpf(20.000000000000004)
    assert ex("hardshrink", 0.5, 0) == 0 and ex("hardshrink", 0.5, 1) is None
    assert ex("threshold", 0.1, 0) == 20
    assert ex("softsign", 0.0, 1) == 1 and ex("softsign", 0.0, 2) is None
    assert ex("hardswish", -3.0, 1) is None and ex("hardswish", 3.0, 2) is None
    assert ex("hardtanh", 1.0, 1) is None and ex("hardtanh", 0.999, 1) == 1


def test_verify_flag_agrees():
    rng = np.random.default_rng(5)
    for x in rng.uniform(-50, 50, 30):
        for name, p in SMOOTH:
            for n in range(3):
                a, b = ex(name, x, n, **p), R.exact(name, x, n, verify=False, **p)
                assert R.round_once(a, F64) == R.round_once(b, F64)


# ------------------------------------------------------------------ rounding and ULPs


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_round_once_matches_numpy_from_float64(dtype):
    rng = np.random.default_rng(7)
    e = rng.integers(-160, 130, 3000)
    v = np.ldexp(rng.uniform(1, 2, 3000), e) * rng.choice([-1, 1], 3000)
    v = np.concatenate([v, [65504.0, 65519.99, 65520.0, 2.0**-24 * 0.5, 2.0**-24 * 0.51, 3.4028235e38, 3.5e38]])
    npdt = np.dtype(ml_dtypes.bfloat16) if dtype == "bfloat16" else np.dtype(dtype)
    for x in v:
        got = R.round_once(mpf(float(x)), dtype)
        with np.errstate(over="ignore"):  # beyond the dtype's range: inf, as round_once says
            want = np.asarray(x).astype(npdt)[()]
        assert (got == want and np.signbit(got) == np.signbit(want)) or (np.isnan(got) and np.isnan(want)), (
            x,
            got,
            want,
        )


@mp.workprec(300)
def test_round_once_single_rounding():
    tiny = mpf(2) ** -1074
    assert float(R.round_once(tiny * (mpf(1) / 2 + mpf(2) ** -80), F64)) == 5e-324
    assert float(R.round_once(tiny / 2, F64)) == 0.0  # tie to even
    assert float(R.round_once(tiny * 3 / 2, F64)) == 2 * 5e-324
    assert float(R.round_once(tiny * (mpf(3) / 2 - mpf(2) ** -80), F64)) == 5e-324
    # a double-rounding case: exact just above a float32 midpoint whose float64 rounding is the midpoint
    m = 1 + mpf(2) ** -24  # float32 midpoint between 1 and 1 + 2**-23
    assert float(R.round_once(m + mpf(2) ** -80, "float32")) == 1 + 2**-23
    assert float(np.float32(float(m + mpf(2) ** -80))) == 1.0  # what float() then float32 gives
    assert float(R.round_once(1 + mpf(2) ** -8, "bfloat16")) == 1.0
    assert float(R.round_once(1 + mpf(2) ** -8 + mpf(2) ** -40, "bfloat16")) == 1 + 2**-7
    assert float(R.round_once(mpf(65520), "float16")) == math.inf
    assert float(R.round_once(mpf(65520) - mpf(2) ** -30, "float16")) == 65504
    assert float(R.round_once(mpf(2) ** 1024, F64)) == math.inf
    assert float(R.round_once(mpf(2) ** 1024 - mpf(2) ** 970, F64)) == math.inf  # max + ulp/2 ties up
    assert float(R.round_once(mpf(2) ** 1024 - mpf(2) ** 970 - mpf(2) ** 900, F64)) == 1.7976931348623157e308


def test_ulp_error():
    assert R.ulp_error(1.0, mpf(1), F64) == 0
    assert R.ulp_error(1.0 + 2**-52, mpf(1), F64) == 1
    with mp.workprec(100):
        assert R.ulp_error(1.0, mpf(1) - mpf(2) ** -54, F64) == 0.5  # ulp at the exact value: 2**-53 below 1
    assert R.ulp_error(5e-324, mpf(0), F64) == 1
    assert R.ulp_error(math.inf, mpf("inf"), F64) == 0
    assert R.ulp_error(math.inf, mpf(2) ** 1025, F64) == 0  # overflows to the same infinity
    assert R.ulp_error(-math.inf, mpf("inf"), F64) == math.inf
    assert R.ulp_error(math.nan, mpf("nan"), F64) == 0
    assert math.isnan(R.ulp_error(1.0, None, F64))
    assert R.ulp_error(np.float16(1.0), mpf(1) + mpf(2) ** -11, "float16") == 0.5
    rnd, u, r, tie = R.rounding_info(mpf(1) + mpf(2) ** -11, "float16")
    assert (rnd, u, r, tie) == (1.0, 2**-10, 0.5, True)
