"""A difference in kind (a wrong zero, a sign, a nan, a subnormal) is never inside a tolerance; vectors are
arbitrated in every mode, order and length; torch is tried alone and inside arrays.

Every exact value here is the test's own: mpmath at 50 digits from the mathematics, not actcheck's oracle.
"""

import json
from dataclasses import replace

import mpmath
import numpy as np
import pytest

import actcheck.engine as engine
import actcheck.registry as acts
from actcheck import check

mp = mpmath.mp


def _sig(x):
    return 1 / (1 + mpmath.exp(-x))


# f^(n) from the definitions, differentiated by hand (n = 1, 2)
_FORMS = {
    ("sigmoid", 1): lambda x: _sig(x) * (1 - _sig(x)),
    ("sigmoid", 2): lambda x: _sig(x) * (1 - _sig(x)) * (1 - 2 * _sig(x)),
    ("tanh", 1): lambda x: 1 / mpmath.cosh(x) ** 2,
    ("tanh", 2): lambda x: -2 * mpmath.tanh(x) / mpmath.cosh(x) ** 2,
    ("silu", 2): lambda x: _sig(x) * (1 - _sig(x)) * (2 + x * (1 - 2 * _sig(x))),
    ("logsigmoid", 2): lambda x: -_sig(x) * (1 - _sig(x)),
}


def _exact(name, n, x):
    with mp.workdps(50):
        return _FORMS[name, n](mpmath.mpf(float(x)))


def _ulps(value, exact, dtype):
    """|value - exact| in ULP of ``dtype`` at the exact value (its spacing from the exact value's exponent)."""
    fi = np.finfo(dtype)
    with mp.workdps(50):
        e = max(int(mpmath.floor(mpmath.log(abs(exact), 2))), int(fi.minexp))
        return float(abs(mpmath.mpf(float(value)) - exact) / mpmath.mpf(2) ** (e - int(fi.nmant)))


# ---------------------------------------------------------------- wrong zeros (elementwise)

# (activation, dtype, x, order, quantity): torch gives 0 where the exact value is representable
TAILS = [
    ("sigmoid", "float64", 37.43, 1, "backward"),  # pytorch#195681
    ("tanh", "float32", -9.0109, 1, "backward"),  # pytorch#195685
    ("sigmoid", "float64", 37.43, 2, "second"),
    ("tanh", "float32", -9.5, 2, "second"),
    ("tanh", "float64", 20.0, 2, "second"),
    ("silu", "float64", 40.0, 2, "second"),
    ("silu", "float32", 20.0, 2, "second"),
    ("logsigmoid", "float64", 37.43, 2, "second"),
]


@pytest.mark.parametrize(("name", "dtype", "x", "order", "quantity"), TAILS)
def test_a_wrong_zero_in_torchs_tail_is_a_torch_deviation_by_default(name, dtype, x, order, quantity):
    r = check(name, [x], dtype=dtype, order=order)
    devs = [d for d in r.extras["torch_deviations"] if d["quantity"] == quantity]
    assert r.passed and len(devs) == 1, r.failures()
    (d,) = devs
    exact = _exact(name, order, d["x"])
    assert d["torch"] == 0 and exact != 0
    assert _ulps(d["numpy"], exact, dtype) <= (1 if dtype != "float64" else 4)
    strict = check(name, [x], dtype=dtype, order=order, strict=True)
    assert not strict.passed and any("differ in kind" in f for f in strict.failures())


def test_a_difference_in_kind_where_numpy_is_wrong_is_a_numpy_failure(monkeypatch):
    # a NumPy sigmoid' with the wrong sign: at x = 20 it is -2e-9 against torch's 2e-9, well inside atol 1e-7
    good = acts.lookup("sigmoid")
    broken = replace(good, derivative=lambda x: -good.derivative(x))
    monkeypatch.setitem(acts._BY_KEY, acts._key("sigmoid"), broken)
    r = check("sigmoid", [20.0])
    assert not r.passed
    assert any("NumPy is off" in n and "backward" in n for n in r.extras["notes"])
    assert not [d for d in r.extras["torch_deviations"] if d["quantity"] == "backward"]


def test_past_the_oracles_share_the_bounded_reference_decides_as_the_oracle_does(monkeypatch):
    x = np.linspace(37.0, 700.0, 60)  # float64 sigmoid's tail: torch's f' is 0 at every point
    by_oracle = check("sigmoid", x)
    monkeypatch.setattr(engine, "ARBITRATE_POINTS", 7)
    by_both = check("sigmoid", x)
    key = lambda r: sorted((d["quantity"], d["x"]) for d in r.extras["torch_deviations"])  # noqa: E731
    assert by_oracle.passed and by_both.passed
    assert key(by_both) == key(by_oracle) and len(key(by_oracle)) >= 3 * 60 - 10
    assert any("the oracle settled 7" in n for n in by_both.extras["notes"])
    for d in by_both.extras["torch_deviations"][:5]:
        if d["quantity"] == "backward":
            assert _ulps(d["numpy"], _exact("sigmoid", 1, d["x"]), "float64") <= 4


def test_a_dense_float32_grid_has_no_cap_turning_disagreements_into_failures(monkeypatch):
    monkeypatch.setattr(engine, "ARBITRATE_POINTS", 50)
    r = check("hardswish", np.linspace(6e37, 3.4e38, 400), dtype="float32")
    assert r.passed, r.failures()
    assert r.extras["torch_deviation_count"] >= 300  # torch's x * relu6(x + 3) / 6 overflows to inf
    with mp.workdps(50):
        for d in r.extras["torch_deviations"][:5]:
            x = mpmath.mpf(d["x"])
            exact = x * min(max(x + 3, 0), 6) / 6  # the definition: x itself for x >= 3
            assert d["torch"] == np.inf and _ulps(d["numpy"], exact, "float32") <= 1


# ---------------------------------------------------------------- vectors


def _glu_g(xs, g):
    n = len(xs) // 2
    return mpmath.fsum(g[i] * xs[i] * _sig(xs[n + i]) for i in range(n))


def _partial(fn, xs, j, u=None):
    """d/ds fn(x + s e_j) at 0, or with ``u`` the mixed second derivative along e_j and u (50 digits)."""
    with mp.workdps(50):
        xs = [mpmath.mpf(float(v)) for v in xs]
        if u is None:
            return mpmath.diff(lambda s: fn([v + s * (k == j) for k, v in enumerate(xs)]), 0)
        us = [mpmath.mpf(float(v)) for v in u]
        return mpmath.diff(
            lambda s, t: fn([v + s * (k == j) + t * w for k, (v, w) in enumerate(zip(xs, us, strict=True))]),
            (0, 0),
            (1, 1),
        )


@pytest.mark.parametrize(
    ("xs", "dtype"),
    [([1e10, 37.0], "float64"), ([60000.0, -60000.0, 20.0, -20.0], "float32")],
)
def test_glus_forward_mode_is_arbitrated_numpy_passing_torch_named(xs, dtype):
    r = check("glu", xs, dtype=dtype)
    assert r.passed, r.failures()
    fwd = [d for d in r.extras["torch_deviations"] if d["quantity"] == "torch_forward_ad"]
    assert fwd
    v = r.extras["tangent"].astype(np.float64)
    for d in fwd:
        i = int(np.flatnonzero(r.x.astype(np.float64) == d["x"])[0])
        # J v, entry i: the derivative of glu's output i along v
        n = len(xs) // 2
        exact = mpmath.fsum(_partial(lambda z, i=i, n=n: z[i] * _sig(z[n + i]), r.x, j) * v[j] for j in range(len(xs)))
        assert _ulps(d["numpy"], exact, dtype) <= (4 if dtype == "float64" else 1)


@pytest.mark.parametrize(
    ("name", "xs", "dtype"),
    [
        ("glu", [-20, -6.666666666666666, 6.666666666666668, 20], "bfloat16"),
        ("log_softmax", [-12, -7.2, -2.4, 2.4, 7.2, 12], "float16"),
    ],
)
def test_a_vectors_second_order_is_arbitrated_against_the_exact_hvp(name, xs, dtype):
    r = check(name, xs, dtype=dtype, order=2)
    assert r.passed, r.failures()
    devs = [d for d in r.extras["torch_deviations"] if d["quantity"] == "second"]
    assert devs
    g = np.nan_to_num(r.upstream.astype(np.float64))
    u = r.extras["hvp_along"].astype(np.float64)
    if name == "glu":
        fn = lambda z: _glu_g(z, g)  # noqa: E731
    else:

        def fn(z):
            lse = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in z))
            return mpmath.fsum(gi * (v - lse) for gi, v in zip(g, z, strict=True))

    xd = r.x.astype(np.float64)
    for d in devs:
        j = int(np.flatnonzero(xd == d["x"])[0])
        exact = _partial(fn, xd, j, u)
        assert _ulps(d["numpy"], exact, dtype) <= 1 < _ulps(d["torch"], exact, dtype)


def test_glus_second_order_beside_the_largest_floats_names_torch():
    r = check("glu", [-1.7e308, -1.0, 1.0, 1.7e308], oracle=True, order=2)
    assert r.passed, r.failures()
    assert any(d["quantity"] == "second" and d["x"] == 1.0 for d in r.extras["torch_deviations"])


def test_a_vector_longer_than_two_thousand_is_settled_as_the_oracle_would_settle_it(monkeypatch):
    import actcheck.opinions.oracle as oracle

    x = np.random.default_rng(0).uniform(-5, 5, 2001)
    r = check("log_softmax", x, dtype="float16")
    assert r.passed, r.failures()
    assert r.extras["torch_deviation_count"] > 0
    assert any("settled against NumPy's own float64 values" in n for n in r.extras["notes"])
    monkeypatch.setattr(oracle, "MAX_VECTOR", 3000)  # the oracle over all 2001 elements (a few seconds)
    exact = check("log_softmax", x, dtype="float16")
    key = lambda r: sorted((d["quantity"], d["x"]) for d in r.extras["torch_deviations"])  # noqa: E731
    assert exact.passed and key(exact) == key(r)


@pytest.mark.parametrize(
    ("name", "xs", "limit"),
    [
        ("softmax", [np.inf, 0.0, 1.0], [1.0, 0.0, 0.0]),
        ("softmin", [-np.inf, 0.0, 1.0], [1.0, 0.0, 0.0]),
        ("log_softmax", [np.inf, 0.0, 1.0], [0.0, -np.inf, -np.inf]),
        ("softmax", [np.inf, np.inf, 1.0], [np.nan, np.nan, 0.0]),  # how two infinities share has no limit
    ],
)
def test_vectors_at_infinity_follow_their_limits(name, xs, limit):
    # the limit as x_0 -> +-inf, from the definition at a large finite stand-in
    with mp.workdps(50):
        big = [mpmath.mpf(10) ** 6 * np.sign(v) if np.isinf(v) else mpmath.mpf(v) for v in xs]
        if not np.isnan(limit[0]):
            sign = -1 if name == "softmin" else 1
            e = [mpmath.exp(sign * v - max(sign * w for w in big)) for v in big]
            s = [v / mpmath.fsum(e) for v in e]
            ref = [float(v) for v in s] if name != "log_softmax" else [0.0, -np.inf, -np.inf]
            assert np.allclose(ref, limit, atol=1e-300)
    r = check(name, xs, oracle=True)
    np.testing.assert_array_equal(r.numpy["forward"], np.asarray(limit))
    assert r.passed, r.failures()
    if not np.isnan(limit[0]):
        assert any(d["quantity"] == "forward" and np.isnan(d["torch"]) for d in r.extras["torch_deviations"])


# ---------------------------------------------------------------- torch alone and inside arrays


def test_torch_alone_and_inside_an_array_are_both_tried_at_non_finite_and_extreme_points():
    r = check("gelu", [np.inf, 1.0], dtype="float32")
    (d,) = r.extras["torch_inconsistencies"]
    assert (d["x"], d["quantity"], d["alone"], d["context"]) == (np.inf, "forward", np.inf, 2)
    assert np.isnan(d["in_array"])
    assert any("--context 2 reproduces it" in n for n in r.extras["notes"])
    big = check("gelu", [1.7e38], dtype="bfloat16", oracle=True)
    assert [(d["alone"], d["in_array"]) for d in big.extras["torch_inconsistencies"]] == [
        (1.7014118346046923e38, np.inf)
    ]
    (dev,) = big.extras["torch_deviations"]  # gelu(x) = x there, to far below bfloat16's half ULP
    assert (dev["quantity"], dev["context"], dev["torch"], dev["numpy"]) == (
        "forward",
        2,
        np.inf,
        1.7014118346046923e38,
    )


def test_context_reproduces_torchs_answer_inside_an_array(run):
    r = run("gelu", "--dtype", "float32", "--context", "2", "--json", "--", "inf")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["context"] == 2
    assert any(d["quantity"] == "forward" and d["torch"] == "nan" for d in out["torch_deviations"])
    bad = run("softmax", "--context", "2", "--", "1", "2")
    assert bad.exit_code == 2 and "--context does not apply" in bad.stderr
    assert run("gelu", "--context", "0", "--", "1").exit_code == 2
