"""The oracle (against the independent reference) and the rule that says who is wrong when NumPy and torch disagree."""

import json

import mpmath
import numpy as np
import pytest
import reference as R

import actcheck.registry as acts
from actcheck import check
from actcheck.dtypes import DTYPES
from actcheck.engine import arbitrate
from actcheck.opinions.oracle import exact_values
from actcheck.ulps import round_once, within_ulps

F16 = DTYPES["float16"]


def _f16_between(lo, hi):
    x = np.arange(1 << 16, dtype=np.uint16).view(np.float16).astype(np.float64)
    return np.sort(x[(x >= lo) & (x <= hi)])


# ---------------------------------------------------------------- the oracle


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("gelu", {}),
        ("gelu", {"approximate": "tanh"}),
        ("mish", {}),
        ("silu", {}),
        ("selu", {}),
        ("celu", {"alpha": 3.0}),
    ]
    + [("softplus", {"beta": 0.3}), ("tanhshrink", {}), ("softsign", {}), ("logsigmoid", {}), ("hardswish", {})],
)
def test_oracle_agrees_with_the_independent_reference(name, params):
    act = acts.ACTIVATIONS[name]
    p = acts.resolve_params(act, params)
    xs = np.array([-np.inf, -1e300, -800.0, -40.0, -1.3, -0.5, -1e-300, 1e-8, 0.7, 3.0, 45.0, 1e300, np.inf])
    ours = exact_values(act, p, xs, order=2)
    for n, key in enumerate(("forward", "backward", "second")):
        for x, e in zip(xs, ours[key], strict=True):
            ref = R.exact(name, x, n, **p)
            if e is None or ref is None:
                assert e is None and ref is None or x in act.kinks(**p), (key, x)
                continue
            assert round_once(e, DTYPES["float64"]) == float(R.round_once(ref, "float64")), (key, x)
            if mpmath.isfinite(ref) and ref != 0:
                assert abs(e - ref) <= abs(ref) * mpmath.mpf(2) ** -70, (key, x)


def test_oracle_uses_selus_true_constants():
    act = acts.ACTIVATIONS["selu"]
    (e,) = exact_values(act, {}, np.array([-np.inf]))["forward"]
    with mpmath.mp.workdps(40):
        alpha, scale = mpmath.mpf("1.6732632423543772848170429916717"), mpmath.mpf("1.0507009873554804934193349852946")
        assert abs(e + alpha * scale) < mpmath.mpf(10) ** -30
        rounded = mpmath.mpf(1.6732632423543772) * mpmath.mpf(1.0507009873554805)  # float64-rounded constants
        assert abs(e + rounded) > mpmath.mpf(10) ** -17


def test_subnormal_exact_values_are_rounded_once():
    # 2**-1074 * (2 + 1/2 + 2**-60): mpmath's float() rounds to 53 bits first (to 2.5, a tie, then to even: 2)
    with mpmath.mp.workprec(200):
        v = mpmath.mpf(2) ** -1074 * (mpmath.mpf(5) / 2 + mpmath.mpf(2) ** -60)
    assert round_once(v, DTYPES["float64"]) == 3 * 2.0**-1074
    assert float(v) == 2 * 2.0**-1074
    # and the oracle's exact sigmoid deep in the tail, where the value is subnormal
    (e,) = exact_values(acts.ACTIVATIONS["sigmoid"], {}, np.array([-740.0]))["forward"]
    assert round_once(e, DTYPES["float64"]) == float(R.round_once(R.exact("sigmoid", -740.0), "float64"))


def test_oracle_at_a_kink_gives_no_derivative():
    ex = exact_values(acts.ACTIVATIONS["relu"], {}, np.array([0.0, 1.0]), order=2)
    assert ex["backward"] == [None, 1] and ex["second"][0] is None


def test_oracle_tanhshrink_near_zero_raises_precision_only_where_it_cancels():
    (e,) = exact_values(acts.ACTIVATIONS["tanhshrink"], {}, np.array([1e-200]))["forward"]
    assert abs(e / (mpmath.mpf(1e-200) ** 3 / 3) - 1) < 1e-20


# ---------------------------------------------------------------- the rule


def test_mish_double_backward_in_float16_is_torchs_deviation_not_a_failure():
    x = _f16_between(3.37, 11.09375)
    r = check("mish", x, dtype="float16", order=2, atol=1e-5)  # issue 13 saw 202 failures here at atol 1e-5
    devs = [d for d in r.extras["torch_deviations"] if d["quantity"] == "second"]
    assert r.passed, r.failures()
    assert len(devs) >= 150
    at_end = [d for d in devs if d["x"] == 11.09375]
    assert at_end and np.isnan(at_end[0]["torch"]) and at_end[0]["ulp"]["numpy"] <= 0.5
    strict = check("mish", x, dtype="float16", order=2, atol=1e-5, strict=True)
    assert not strict.passed and any(line.startswith("second:") for line in strict.failures())


def test_logsigmoid_vjp_in_float16_within_1_ulp_on_both_sides_passes():
    x = np.array([2.53125, 2.640625])
    r = check("logsigmoid", x, dtype="float16", rtol=0, atol=0)  # no tolerance: only the rule can pass them
    assert r.passed, r.failures()
    exact = exact_values(acts.ACTIVATIONS["logsigmoid"], {}, x)["backward"]
    g = r.upstream.astype(np.float64)
    with mpmath.mp.workprec(200):
        vjp_exact = [e * mpmath.mpf(float(gi)) for e, gi in zip(exact, g, strict=True)]
    assert within_ulps(r.numpy["vjp"], vjp_exact, F16).all()


def test_numpy_off_stays_a_failure_with_its_ulp_error(monkeypatch):
    from dataclasses import replace

    bad = replace(acts.ACTIVATIONS["tanh"], forward=lambda x: np.tanh(x) * (1 + 1e-6))
    monkeypatch.setitem(acts._BY_KEY, "tanh", bad)
    r = check("tanh", [0.5, 1.0])
    assert not r.passed and not r.extras["torch_deviations"]
    assert any("NumPy is off" in n for n in r.extras["notes"])


def test_known_overflows_are_cases_of_the_rule(run):
    d = json.loads(run("gelu", "1e308", "-1e308", "--order", "2", "--json").stdout)
    assert d["passed"]
    d = json.loads(run("hardswish", "1e308", "--json").stdout)
    (dev,) = d["torch_deviations"]
    assert d["passed"] and dev["torch"] == "inf" and dev["numpy"] == 1e308 and dev["ulp"]["torch"] == "inf"
    assert run("hardswish", "1e308", "--strict", "-q").exit_code == 1
    assert run("all", "--strict", "-q").exit_code in (0, 1)


@pytest.mark.parametrize("name", ["silu", "mish", "gelu", "hardswish", "softsign"])
def test_at_infinity_numpy_gives_the_limit_and_torchs_nan_is_its_deviation(name):
    r = check(name, [-np.inf, np.inf])
    assert r.passed, r.failures()
    exact = exact_values(acts.ACTIVATIONS[name], acts.ACTIVATIONS[name].params, np.array([-np.inf, np.inf]))
    for key in ("forward", "backward"):
        want = [round_once(e, DTYPES["float64"]) for e in exact[key]]
        assert r.numpy[key].tolist() == want, (key, r.numpy[key], want)


def test_vector_glu_float16_backward_is_torchs_deviation():
    r = check("glu", [11.0, 5.0], dtype="float16")
    assert r.passed and [d["quantity"] for d in r.extras["torch_deviations"]] == ["vjp"]


def test_arbitrate_for_verify():
    act = acts.ACTIVATIONS["sigmoid"]
    x = np.array([37.0, 1.0])
    exact, ulps = arbitrate(act, {}, x, DTYPES["float64"], "backward", {"yours": act.derivative(x), "bad": x * 0})
    assert (ulps["yours"] <= 4).all() and (ulps["bad"] > 1e6).all() and all(e is not None for e in exact)


def test_verify_judges_the_users_code_not_torch_where_torch_is_off(monkeypatch):
    # torch's forward made wrong at x = 2 (1% off): the exact value decides the disagreement there. A user's
    # np.tanh, within 1 ULP of exact, passes and the note says torch is off; a user forward that is itself
    # off at x = 2 still fails.
    import actcheck
    from actcheck.verification import judging

    real = judging.torch_values

    def torch_off_at_two(act, params, x, u, dtype="float64"):
        ref = dict(real(act, params, x, u, dtype))
        ref["forward"] = np.where(x == 2.0, ref["forward"] * 1.01, ref["forward"])
        return ref

    monkeypatch.setattr(judging, "torch_values", torch_off_at_two)
    derivative = lambda x: 1 / np.cosh(x) ** 2  # noqa: E731
    res = actcheck.check_pair(np.tanh, derivative, reference="tanh")
    assert res.passed, res.diagnosis
    assert any("forward: at 1 points" in n and "torch is off there" in n for n in res.notes), res.notes
    off = actcheck.check_pair(lambda x: np.where(x == 2.0, 0.9, np.tanh(x)), derivative, reference="tanh")
    assert not off.passed


def test_an_undefined_exact_value_measures_nothing_and_excuses_nothing():
    # a degenerate parameter (a user's alpha = inf) makes the exact value inf * 0 = nan: a nan of the
    # user's must not count as 0 ULP from it (the corpus' huge_defaults.py elu fails as it should)
    from mpmath import mpf

    from actcheck.ulps import ulp_error

    assert np.isnan(ulp_error([np.nan, 0.0], [mpf("nan"), mpf("nan")], DTYPES["float64"])).all()


def test_with_the_oracle_numpy_agreeing_with_a_wrong_torch_still_fails(monkeypatch):
    # NumPy and torch both nan where f' is exp(x/alpha): nothing disagrees, so nothing is arbitrated; with
    # the oracle asked, NumPy is judged against the exact value too (celu with alpha <= 1e-305 was this)
    import dataclasses

    from actcheck import engine
    from actcheck.registry import ACTIVATIONS

    act = ACTIVATIONS["celu"]
    broken = dataclasses.replace(
        act,
        derivative=lambda x, alpha: np.where(x < 0, np.nan, 1.0),
        torch=lambda T, x, alpha: T.where(x < 0, x * float("nan"), x),
    )
    monkeypatch.setattr(engine, "lookup", lambda name: broken)
    assert engine.check("celu", [-1.0, 1.0]).passed  # without the oracle no side says otherwise
    res = engine.check("celu", [-1.0, 1.0], oracle=True)
    assert not res.passed
    assert any(f.startswith("oracle_backward: 1 of 2 points differ") for f in res.failures()), res.failures()


def test_at_a_kink_where_f_prime_is_continuous_the_exact_value_still_decides():
    # celu's f' is 1 on both sides of 0 (its f'' is not): with alpha below float32's range torch, which holds
    # alpha in float32, is off there, and that is a torch deviation, not a failure
    celu = acts.ACTIVATIONS["celu"]
    ex = exact_values(celu, {"alpha": 1e-39}, np.array([0.0]), order=2)
    assert ex["backward"] == [1] and ex["second"] == [None]
    assert exact_values(acts.ACTIVATIONS["relu"], {}, np.array([0.0]))["backward"] == [None]
    res = check("celu", [0.0], alpha=1e-39)
    assert res.passed and any(d["quantity"] == "backward" for d in res.extras["torch_deviations"])
