"""Verification depth: finite differences, second derivatives, forward mode, the oracle, ULP accuracy."""

import json
import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import actcheck.registry as acts
from actcheck import check
from actcheck.dtypes import DTYPES
from actcheck.opinions.finite_difference import derivative as fd_derivative
from actcheck.opinions.oracle import exact_values
from actcheck.registry.numerics import sigmoid_d
from actcheck.serialize import result_to_dict
from actcheck.ulps import ulp_error

F64 = DTYPES["float64"]
EPS = float(np.finfo(np.float64).eps)
ELEMENTWISE = [a.name for a in acts.ACTIVATIONS.values() if a.kind == "elementwise"]

# The smooth activations the 4-ULP claim covers, with parameter variants worth a look.
SMOOTH = [
    ("sigmoid", {}),
    ("tanh", {}),
    ("silu", {}),
    ("mish", {}),
    ("softplus", {}),
    ("softplus", {"beta": 2.0}),
    ("softsign", {}),
    ("logsigmoid", {}),
    ("gelu", {}),
    ("gelu", {"approximate": "tanh"}),
    ("elu", {}),
    ("elu", {"alpha": 2.0}),
    ("selu", {}),
    ("celu", {"alpha": 2.0}),
    ("tanhshrink", {}),
]
# Near a zero of the derivative its terms cancel: there an absolute error of 4 ULP of 1 is allowed.
CANCELS = {"silu": (-2.0, -0.8), "mish": (-2.0, -0.6), "gelu": (-1.3, -0.4)}
# The places the issue names, on top of a seeded log-uniform sample of the whole line.
NAMED = [37.0, -37.0, 1e-9, -5.0, -700.0, -1e-9, -1e-5, -1e-300, 1e-300, 750.0, -745.0, 1e4, -1e4]


def _line(n=160, seed=11):
    rng = np.random.default_rng(seed)
    mags = np.exp(rng.uniform(np.log(1e-12), np.log(800.0), n // 2))
    return np.concatenate([mags, -mags, NAMED])


def _assert_within_4ulp(name, params, xs):
    act = acts.ACTIVATIONS[name]
    p = acts.resolve_params(act, params)
    exact = exact_values(act, p, xs)
    lo, hi = CANCELS.get(name, (0.0, 0.0))
    for key, fn in (("forward", act.forward), ("backward", act.derivative)):
        with np.errstate(all="ignore"):
            got = fn(xs.copy(), **p)
        ulps = ulp_error(got, exact[key], F64)
        abs_err = np.array(
            [abs(float(g) - float(e)) if e is not None else 0.0 for g, e in zip(got, exact[key], strict=True)]
        )
        cancels = (xs > lo) & (xs < hi) & (key == "backward")
        bad = (ulps > 4) & ~(cancels & (abs_err <= 4 * EPS))
        assert not bad.any(), f"{name}{p} {key}: {ulps[bad].max():.1f} ULP at x = {xs[bad][np.argmax(ulps[bad])]!r}"


@pytest.mark.parametrize(("name", "params"), SMOOTH, ids=[f"{n}{p or ''}" for n, p in SMOOTH])
def test_numpy_within_4_ulp_of_exact_across_the_line(name, params):
    _assert_within_4ulp(name, params, _line())


@settings(max_examples=20, deadline=None)
@given(x=st.floats(min_value=-800, max_value=800, allow_nan=False), i=st.integers(0, len(SMOOTH) - 1))
def test_numpy_within_4_ulp_at_hypothesis_points(x, i):
    name, params = SMOOTH[i]
    _assert_within_4ulp(name, params, np.array([x]))


def test_oracle_shows_torch_losing_digits_in_tanhshrink():
    r = check("tanhshrink", [1e-3], oracle=True)
    ulp = r.extras["ulp"]
    assert ulp["forward"]["torch"][0] > 1000 and ulp["forward"]["numpy"][0] <= 4
    assert r.extras["closer"][0] == "numpy"


@pytest.mark.parametrize(("name", "x"), [("sigmoid", 37.0), ("gelu", -5.0)])
def test_oracle_shows_torch_losing_digits_in_tails(name, x):
    r = check(name, [x], oracle=True)
    assert r.extras["max_ulp"]["backward"]["torch"] > 100
    assert r.extras["max_ulp"]["backward"]["numpy"] <= 4


def test_oracle_sees_hardsigmoids_float32_constant_in_float64():
    r = check("hardsigmoid", [1.0], oracle=True)
    assert r.passed  # 5e-9 is inside float64's atol...
    assert r.extras["ulp"]["backward"]["torch"][0] > 1e6  # ...but millions of ULP from 1/6


def test_oracle_json_shape(run):
    d = json.loads(run("relu", "-1", "0", "2", "--oracle", "--order", "2", "--json").stdout)
    p0, p1 = d["points"][0], d["points"][1]
    assert p0["forward"]["exact"] == 0.0 and p0["backward"]["exact"] == 0.0 and p0["second"]["exact"] == 0.0
    assert p1["backward"]["exact"] is None and p1["kink"] is True  # the kink x = 0
    assert set(p0["ulp"]) == {"forward", "backward", "second"} and set(p0["ulp"]["forward"]) == {"numpy", "torch"}
    assert d["max_ulp"]["forward"] == {"numpy": 0.0, "torch": 0.0}


def test_finite_difference_accurate_to_1e9():
    x = np.linspace(-6, 6, 101)
    for name in ("sigmoid", "gelu", "mish", "tanhshrink", "logsigmoid"):  # C-infinity: Richardson applies
        act = acts.ACTIVATIONS[name]
        est, skipped = fd_derivative(act.forward, x)
        assert not skipped.any()
        np.testing.assert_allclose(est, act.derivative(x), rtol=1e-9, atol=1e-12)


def test_finite_difference_skips_kinks_and_says_so(run):
    r = run("relu", "-1", "0", "1e-300", "2", "--fd", "--json")
    pts = json.loads(r.stdout)["points"]
    assert [p["backward"]["finite_difference"] for p in pts] == [0.0, None, None, 1.0]
    assert "finite_difference" in json.loads(r.stdout)["max_abs_error"]
    table = run("relu", "-1", "0", "2", "--fd").stdout
    assert "kink" in table


@pytest.mark.parametrize("dtype", list(DTYPES))
def test_all_passes_with_fd_and_second_order(run, dtype):
    r = run("all", "--fd", "--order", "2", "--dtype", dtype, "--json")
    d = json.loads(r.stdout)
    assert r.exit_code == 0, [f for res in d["results"] for f in res["failures"]]
    assert all("second" in res["max_abs_error"] for res in d["results"] if res["activation"] != "hardsigmoid")


def test_second_order_json_shape(run):
    d = json.loads(run("tanh", "0.5", "--order", "2", "--json").stdout)
    p = d["points"][0]
    assert p["second"]["numpy"] == pytest.approx(-2 * np.tanh(0.5) / np.cosh(0.5) ** 2, rel=1e-15)
    assert p["second"]["torch"] == pytest.approx(p["second"]["numpy"], rel=1e-14)


def test_forward_mode_is_compared_and_disagreement_at_a_kink_is_a_note():
    r = check("prelu", [0.0, -1.0])
    assert "torch_forward_ad" in r.comparisons
    assert r.passed and any("forward mode 1" in n for n in r.extras["notes"])


def _broken(name, **fields):
    return replace(acts.ACTIVATIONS[name], **fields)


@pytest.fixture
def swap():
    """Temporarily replace a registry entry (a deliberately wrong implementation)."""
    saved = dict(acts._BY_KEY)

    def put(act):
        acts._BY_KEY[acts._key(act.name)] = act

    yield put
    acts._BY_KEY.clear()
    acts._BY_KEY.update(saved)


def test_a_wrong_derivative_fails_every_kind_of_check(swap):
    swap(_broken("tanh", derivative=lambda x: 1 - np.tanh(x)))  # forgot the square
    r = check("tanh", [0.5, 1.0], fd=True, oracle=True)
    failing = {line.split(":")[0] for line in r.failures()}
    assert {"backward", "vjp", "torch_forward_ad", "finite_difference"} <= failing
    assert r.extras["max_ulp"]["backward"]["numpy"] > 1e12


def test_a_wrong_second_derivative_fails(swap):
    swap(_broken("sigmoid", second=lambda x: sigmoid_d(x)))
    r = check("sigmoid", [0.5, 1.0], order=2)
    assert any(line.startswith("second:") for line in r.failures())


def test_random_upstream_gradient_is_used():
    r = check("sigmoid", [0.0, 1.0, 2.0])
    assert r.upstream is not None and not np.all(r.upstream == 1)
    np.testing.assert_allclose(r.numpy["vjp"], r.upstream * r.numpy["backward"])


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_low_precision_computes_in_float32_and_rounds_once(dtype):
    r = check("gelu", [0.3, -2.0], dtype=dtype)
    dt = DTYPES[dtype]
    expect = acts.ACTIVATIONS["gelu"].forward(r.x.astype(np.float32), approximate="none").astype(dt.numpy)
    assert r.numpy["forward"].dtype == dt.numpy
    np.testing.assert_array_equal(r.numpy["forward"], expect)
    assert r.passed


@pytest.mark.parametrize("name", ELEMENTWISE)
@settings(max_examples=15, deadline=None)
@given(xs=st.lists(st.floats(min_value=-700, max_value=700, allow_nan=False), min_size=1, max_size=20))
def test_numpy_derivative_agrees_with_finite_differences_away_from_kinks(name, xs):
    r = check(name, xs, fd=True)
    fd = r.comparisons["finite_difference"]
    assert fd.ok.all(), "\n".join(r.failures())


@pytest.mark.parametrize(
    ("name", "params", "x", "sides"),
    [
        ("softplus", {"beta": 10.0, "threshold": 0.4}, 0.04, (math.log1p(math.exp(0.4)) / 10, 0.04)),  # pytorch#31110
        ("softplus", {}, 20.0, (math.log1p(math.exp(20.0)), 20.0)),  # log1p(e**-20) = 2.06e-9 apart
        ("threshold", {"threshold": 0.1, "value": 20.0}, 0.1, (20.0, 0.1)),
        ("relu", {}, 0.0, None),
        ("relu6", {}, 6.0, None),
    ],
)
def test_finite_difference_says_a_kink_is_a_jump(name, params, x, sides):
    """A skipped point where f itself is discontinuous is named a jump, with f either side (a note, and "jump"
    in the table); a kink where f is continuous is not."""
    r = check(name, [x, x + 1.0], fd=True, **params)
    assert bool(r.extras["fd_skipped"][0]) and not r.extras["fd_skipped"][1]
    named = [n for n in r.extras["notes"] if f"{name} jumps at x = {x!r}" in n]
    assert bool(r.extras["fd_jump"][0]) is (sides is not None) and len(named) == int(sides is not None)
    assert ("jump" in result_to_dict(r)["points"][0]) is (sides is not None)
    if sides:
        lo, hi = (float(v) for v in named[0].split("from ")[1].split(" (by")[0].split(" to "))
        assert lo == pytest.approx(sides[0], rel=1e-12) and hi == pytest.approx(sides[1], rel=1e-12)


# (activation, params, x, quantity): where the exact value is a float64 subnormal
SUBNORMAL_EXACT = [
    ("elu", {"alpha": 2.0}, -709.7827128933841, "backward"),  # 1.1125369292535006302e-308
    ("sigmoid", {}, -710.2169002706919, "forward"),
    ("sigmoid", {}, -740.0, "backward"),
    ("softplus", {}, -710.2169002706919, "forward"),
    ("silu", {}, -715.1103139469622, "forward"),
    ("logsigmoid", {}, 709.726761297344, "backward"),
    ("gelu", {}, -37.71377706011696, "forward"),
    ("tanh", {}, -355.86584123413957, "backward"),
]


@pytest.mark.parametrize(
    ("name", "params", "x", "key"), SUBNORMAL_EXACT, ids=[f"{c[0]}-{c[3]}" for c in SUBNORMAL_EXACT]
)
def test_oracle_rounds_subnormal_exact_values_once(name, params, x, key):
    """The exact value shown is the independent reference's rounded once to float64 (mpmath's float() rounds
    a subnormal twice: to 53 bits, then to the subnormal's fewer)."""
    import reference as R

    r = check(name, [x], oracle=True, **params)
    shown = float(r.extras["exact"][key][0])
    want = float(R.round_once(R.exact(name, x, ("forward", "backward").index(key), **params), "float64"))
    assert 0 < abs(want) < 2.0**-1022
    assert shown == want, f"{shown!r} != {want!r}"
