"""Every activation's NumPy forward and derivative agree with torch: one test walks the registry."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actcheck import check
from actcheck.dtypes import DTYPES
from actcheck.registry import ACTIVATIONS, lookup, resolve_params, suggest
from actcheck.registry.numerics import sigmoid

NAMES = [a.name for a in ACTIVATIONS.values() if a.kind == "elementwise"]


@pytest.mark.parametrize("dtype", list(DTYPES))
@pytest.mark.parametrize("name", NAMES)
def test_default_grid_agrees_with_torch(name, dtype):
    r = check(name, dtype=dtype)
    assert r.passed, "\n".join(r.failures())
    assert set(r.comparisons) >= {"forward", "backward", "vjp", "torch_forward_ad"}


@pytest.mark.parametrize("name", NAMES)
def test_grid_covers_kinks_zero_tails_and_tiny_values(name):
    act = ACTIVATIONS[name]
    x = check(name).x
    for v in (0.0, 1e-300, -1e-300, 20.0, -20.0, 100.0, -750.0, 1e4, -1e4):
        assert v in x
    for k in act.kinks(**act.params):
        assert k in x and np.nextafter(k, np.inf) in x and np.nextafter(k, -np.inf) in x


finite64 = st.floats(allow_nan=False, allow_infinity=False, width=64)
finite32 = st.floats(allow_nan=False, allow_infinity=False, width=32)
finite16 = st.floats(allow_nan=False, allow_infinity=False, width=16)


def test_torch_overflow_is_reported_not_copied():
    # torch computes hardswish as x * relu6(x + 3) / 6, which overflows to inf for x > max/6
    r = check("hardswish", [1e308, 2.0])
    assert r.numpy["forward"][0] == 1e308
    assert np.isinf(r.torch["forward"][0])
    (dev,) = r.extras["torch_deviations"]
    assert r.passed and dev["quantity"] == "forward" and dev["x"] == 1e308 and dev["ulp"]["torch"] == np.inf


def test_the_oracle_excuses_only_where_numpy_is_right():
    r = check("hardswish", [1e308], atol=0, rtol=0)
    assert r.comparisons["forward"].skip[0]  # inf from torch, 1e308 exact: torch's deviation
    r = check("mish", [5.0, 800.0], order=2)
    assert r.comparisons["second"].skip.tolist() == [False, True]


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(xs64=st.lists(finite64, min_size=1, max_size=40), xs32=st.lists(finite32, min_size=1, max_size=40))
def test_agrees_with_torch_across_the_whole_float_range(name, xs64, xs32):
    for xs, dtype in ((xs64, "float64"), (xs32, "float32")):
        r = check(name, xs, dtype=dtype)
        assert r.passed, "\n".join(r.failures())


@pytest.mark.parametrize("name", NAMES)
def test_no_warning_and_no_spurious_nan_in_the_tails(name):
    act = ACTIVATIONS[name]
    x = np.array([-1e308, -1e4, -750.0, -37.0, -1e-300, 0.0, 5e-324, 37.0, 750.0, 1e4, 1e308])
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        for fn in (act.forward, act.derivative, act.second):
            try:
                y = fn(x, **act.params)
            except FloatingPointError as e:  # pragma: no cover - the message names the culprit
                pytest.fail(f"{name}.{fn.__name__}: {e}")
            assert np.isfinite(y).all(), f"{name}.{fn.__name__} gave non-finite values at finite x"


def test_seed_notebook_sigmoid_numbers_reproduced():
    r = check("sigmoid", [-5.0, 0.0, 2.0, 3.0, 5.0])
    np.testing.assert_allclose(r.numpy["forward"], [0.00669285, 0.5, 0.88079708, 0.95257413, 0.99330715], atol=5e-9)
    np.testing.assert_allclose(r.numpy["backward"], [0.00664806, 0.25, 0.10499359, 0.04517666, 0.00664806], atol=5e-9)
    assert r.passed


def test_seed_notebook_tanh_and_elu_numbers_reproduced():
    t = check("tanh", [-5.0, 0.0, 2.0, 3.0, 5.0])
    np.testing.assert_allclose(t.numpy["backward"], [1.81583231e-04, 1, 7.06508249e-02, 9.86603717e-03, 1.81583231e-04])
    e = check("elu", [-5.0, 0.0, 2.0, 3.0, 5.0])
    np.testing.assert_allclose(e.numpy["forward"], [-0.99326205, 0, 2, 3, 5], atol=5e-9)
    np.testing.assert_allclose(e.numpy["backward"], [0.00673795, 1, 1, 1, 1], atol=5e-9)


@pytest.mark.parametrize(
    ("name", "x", "params", "expected"),
    [
        ("relu", 0.0, {}, 0.0),
        ("leaky_relu", 0.0, {"negative_slope": 0.2}, 0.2),
        ("hardtanh", -1.0, {}, 0.0),
        ("hardtanh", 1.0, {}, 0.0),
        ("elu", 0.0, {"alpha": 2.0}, 2.0),
        ("hardswish", -3.0, {}, 0.0),
        ("hardswish", 3.0, {}, 1.0),
        ("relu6", 6.0, {}, 0.0),
        ("prelu", 0.0, {}, 0.25),
    ],
)
def test_kink_conventions_match_torch(name, x, params, expected):
    r = check(name, [x], **params)
    assert r.numpy["backward"][0] == expected
    assert r.passed


def test_parameters_reach_both_sides():
    r = check("elu", [-1.0, 0.0, 1.0], alpha=2.0)
    assert r.params == {"alpha": 2.0}
    assert r.numpy["forward"][0] == pytest.approx(2.0 * np.expm1(-1.0))
    assert r.passed


def test_names_resolve_in_common_spellings():
    assert lookup("LeakyReLU").name == "leaky_relu"
    assert lookup("leaky-relu").name == "leaky_relu"
    assert lookup("SWISH").name == "silu"
    assert suggest("sigmod") == "sigmoid"


@pytest.mark.parametrize(
    ("name", "given"),
    [("hardtanh", {"min_val": 2.0, "max_val": 1.0}), ("softshrink", {"lambd": -1.0}), ("elu", {"beta": 1.0})],
)
def test_parameters_torch_rejects_are_refused(name, given):
    with pytest.raises(ValueError):
        resolve_params(ACTIVATIONS[name], given)


def test_a_wrong_backward_is_caught():
    # deliberately break sigmoid's derivative: the comparison with torch must fail
    from dataclasses import replace

    import actcheck.registry as acts

    wrong = replace(acts.ACTIVATIONS["sigmoid"], derivative=lambda x: sigmoid(x) * (1 - sigmoid(x)) + 1e-3)
    acts._BY_KEY["sigmoid"] = wrong
    try:
        r = check("sigmoid", [0.0, 1.0])
    finally:
        acts._BY_KEY["sigmoid"] = acts.ACTIVATIONS["sigmoid"]
    assert not r.passed
    assert any(line.startswith("backward:") for line in r.failures())


def test_a_failure_says_where_and_by_how_much():
    from actcheck.result import Comparison

    c = Comparison("backward", np.array([1.0, 2.5, np.nan, 4.0]), np.array([1.0, 2.0, 3.0, 4.0]), 0.0, 0.1,
                   np.array([False, False, False, True]))  # fmt: skip
    assert c.ok.tolist() == [True, False, False, True]
    assert np.array_equal(c.err, [0.0, 0.5, np.inf, np.nan], equal_nan=True)  # nan where not judged
    assert np.array_equal(c.errors([1, 3]), c.err[[1, 3]], equal_nan=True)
    assert c.max_abs_error == np.inf and int(np.argmax(c.ratio)) == 2
    r = check("relu", [-1.0, 2.5], atol=0.0, rtol=0.0)
    r.comparisons["backward"] = Comparison("backward", np.array([0.0, 0.75]), np.array([0.0, 1.0]), 0.0, 0.1,
                                           np.zeros(2, bool))  # fmt: skip
    (line,) = r.failures()
    assert line == (
        "backward: 1 of 2 points differ; the worst at x = 2.5: numpy 0.75, reference 1 "
        "(absolute difference 0.25; up to 0.1 allowed)"
    )


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(xs16=st.lists(finite16, min_size=1, max_size=40), xs32=st.lists(finite32, min_size=1, max_size=40))
def test_agrees_with_torch_in_float16_and_bfloat16(name, xs16, xs32):
    # bfloat16 spans float32's range: its points are float32 values rounded to bfloat16 (kept finite:
    # at +-inf torch's composite softsign gives nan, a documented failure)
    xs32 = [v for v in xs32 if abs(v) < 3.38e38] or [0.0]
    for xs, dtype in ((xs16, "float16"), (xs32, "bfloat16")):
        r = check(name, xs, dtype=dtype)
        assert r.passed, "\n".join(r.failures())


_SOFTSIGN_PROBE = r"""
import sys
import torch
import torch.autograd.forward_ad as fwad
from actcheck.registry import ACTIVATIONS

X = [-1e300, -37.0, -2.5, -1.0, -1e-300, -0.0, 0.0, 5e-324, 1e-8, 0.3, 1.0, 7.5, 1e4, 1e300, float("inf"), float("nan")]
BITS = {2: torch.int16, 4: torch.int32, 8: torch.int64}

def dual_out(fn, dtype):
    x = torch.tensor(X, dtype=torch.float64).to(dtype)
    tangent = torch.linspace(-2, 2, x.numel(), dtype=torch.float64).to(dtype)
    with fwad.dual_level():
        out = fwad.unpack_dual(fn(torch, fwad.make_dual(x, tangent)))
        return [t.clone().view(BITS[t.element_size()]) for t in (out.primal, out.tangent)]

dtypes = [torch.float64, torch.float32, torch.float16, torch.bfloat16]
ours = [dual_out(ACTIVATIONS["softsign"].torch, d) for d in dtypes]
assert "torch._dynamo" not in sys.modules, "actcheck's softsign imported torch._dynamo"
theirs = [dual_out(lambda T, t: T.nn.functional.softsign(t), d) for d in dtypes]
for d, a, b in zip(dtypes, ours, theirs):
    assert all(torch.equal(u, v) for u, v in zip(a, b)), d
print("ok")
"""


def test_softsign_reference_is_torchs_own_composite_bit_for_bit():
    # actcheck gives softsign's constant an explicit zero tangent so forward mode never imports
    # torch._dynamo; the values and tangents must be torch's own softsign's, to the bit, in every dtype
    # (a subprocess: the suite must not pay torch._dynamo's import, which F.softsign triggers)
    import subprocess
    import sys

    p = subprocess.run([sys.executable, "-c", _SOFTSIGN_PROBE], capture_output=True, text=True)
    assert p.returncode == 0 and p.stdout.strip() == "ok", p.stderr


@pytest.mark.parametrize("name", NAMES)
def test_nan_in_is_nan_out_and_the_specials_agree_with_torch(name):
    # f(nan) is nan (torch's kernels pass it through: hardshrink, softshrink and threshold returned 0 or
    # value here once), and at nan and +-inf the verdict holds in every dtype
    act = ACTIVATIONS[name]
    for dt in DTYPES.values():
        with np.errstate(all="ignore"):
            assert np.isnan(act.forward(np.array([np.nan]), **resolve_params(act, {})))[0], name
        res = check(name, [np.nan, np.inf, -np.inf, 0.0, 1.0], dtype=dt.name)
        assert res.passed, (name, dt.name, res.failures())


_JVP_PROBE = r"""
import hashlib, sys
import numpy as np
from actcheck.dtypes import DTYPES
from actcheck.grids import default_grid
from actcheck.opinions import torch_forward
from actcheck.opinions.answer import Ask
from actcheck.registry import ACTIVATIONS, resolve_params
h = hashlib.sha256()
for act in ACTIVATIONS.values():
    p = resolve_params(act, {})
    for dt in DTYPES.values():
        x = default_grid(act, p, dt) if act.kind != "vector" else np.linspace(-6, 6, 16)
        tangent = np.linspace(-2, 2, x.size) if act.kind == "vector" else None
        ans = torch_forward.answer(Ask(act, p, x, dt, tangent=tangent))
        for k in sorted(ans.values):
            h.update(k.encode() + np.ascontiguousarray(ans.values[k]).tobytes())
print(h.hexdigest(), "torch._decomp.decompositions_for_jvp" in sys.modules)
"""


def test_no_forward_mode_here_needs_torchs_jvp_decompositions():
    # torch's first make_dual imports torch._decomp.decompositions_for_jvp (README, Performance); every
    # activation's forward-mode values are bit for bit the same without them (PYTORCH_JIT=0 skips them)
    import os
    import subprocess
    import sys

    runs = []
    for jit in ("1", "0"):
        env = {**os.environ, "PYTORCH_JIT": jit}
        p = subprocess.run([sys.executable, "-c", _JVP_PROBE], capture_output=True, text=True, env=env)
        assert p.returncode == 0, p.stderr
        runs.append(p.stdout.split())
    (with_jit, imported), (without, skipped) = runs
    assert with_jit == without and imported == "True" and skipped == "False", runs


@pytest.mark.parametrize("dtype", list(DTYPES))
def test_softplus_second_derivative_at_its_threshold_is_torchs_linear_side(dtype):
    # torch's f' takes the smooth side at beta*x == threshold and its f'' the linear side (0): a kink, whose
    # convention is torch's (README's example parameters, default grid)
    assert check("softplus", dtype=dtype, order=2, beta=2.0, threshold=10.0).passed
    r = check("softplus", [0.0, 5.0], dtype=dtype, order=2, beta=2.0, threshold=0.0)
    assert r.passed and r.numpy["second"][0] == 0, r.failures()
