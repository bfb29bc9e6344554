"""Vector activations: softmax, log_softmax, softmin, glu, with their Jacobians against torch."""

import json
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from actcheck import check
from actcheck.dtypes import DTYPES
from actcheck.registry import ACTIVATIONS

VECTORS = [a.name for a in ACTIVATIONS.values() if a.kind == "vector"]


def test_the_four_are_registered_as_vector_activations(run):
    assert VECTORS == ["softmax", "log_softmax", "softmin", "glu"]
    items = {i["name"]: i for i in json.loads(run("list", "--json").stdout)}
    assert all(items[n]["kind"] == "vector" for n in VECTORS)


@pytest.mark.parametrize("dtype", list(DTYPES))
@pytest.mark.parametrize("name", VECTORS)
def test_default_vector_passes_with_every_opinion(name, dtype):
    r = check(name, dtype=dtype, order=2, fd=True)
    assert r.passed, "\n".join(r.failures())
    assert {"forward", "backward", "vjp", "second", "jacobian", "finite_difference"} <= set(r.max_abs_error)
    assert "torch_forward_ad" in r.max_abs_error or any("no forward-mode" in n for n in r.extras["notes"])


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("softmax", [1, 2, 3]),
        ("log_softmax", [1000, 0, -1000]),
        ("softmin", [-3, 0.5, 7, 1e-300]),
        ("glu", [1, 2, 3, 4]),
    ],
)
def test_the_issues_examples_pass_without_a_warning(run, name, values):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = run(name, *values, "--json")
    d = json.loads(r.stdout)
    assert r.exit_code == 0 and d["passed"] and r.stderr == ""
    assert "jacobian" in d["max_abs_error"]


def test_softmax_values_and_full_jacobian():
    r = check("softmax", [1.0, 2.0, 3.0])
    s = np.exp([1.0, 2.0, 3.0]) / np.exp([1.0, 2.0, 3.0]).sum()
    np.testing.assert_allclose(r.numpy["forward"], s, rtol=1e-15)
    jac = r.matrices["jacobian"]
    assert jac.numpy.shape == (3, 3)
    np.testing.assert_allclose(jac.numpy, np.diag(s) - np.outer(s, s), atol=1e-16)


def test_a_million_elements_checks_sampled_jacobian_rows_and_the_full_vjp():
    r = check("log_softmax", np.linspace(-50, 50, 1_000_000))
    assert r.passed
    assert r.matrices["jacobian"].numpy.shape[0] <= 17
    assert r.comparisons["vjp"].numpy.size == 1_000_000


def test_glu_odd_length_is_exit_two(run):
    r = run("glu", "1", "2", "3")
    assert r.exit_code == 2 and "even number" in r.stderr


def test_oracle_for_vectors(run):
    d = json.loads(run("softmax", "1", "2", "3", "--oracle", "--json").stdout)
    assert d["max_ulp"]["forward"]["numpy"] <= 2
    assert d["points"][0]["forward"]["exact"] == pytest.approx(0.09003057317038046, rel=1e-15)
    assert d["points"][0]["vjp"]["exact"] is not None


def test_a_diagonal_softmax_jacobian_is_caught(swap_vector):
    from dataclasses import replace

    from actcheck.registry.vectors import _softmax

    act = ACTIVATIONS["softmax"]
    swap_vector(replace(act, vjp=lambda x, g: g * _softmax(x) * (1 - _softmax(x))))
    r = check("softmax", [1.0, 2.0, 3.0])
    assert not r.passed
    assert any(line.startswith("vjp:") for line in r.failures())


@pytest.fixture
def swap_vector():
    import actcheck.registry as acts

    saved = dict(acts._BY_KEY)
    yield lambda a: acts._BY_KEY.__setitem__(acts._key(a.name), a)
    acts._BY_KEY.clear()
    acts._BY_KEY.update(saved)


@pytest.mark.parametrize("dtype", list(DTYPES))
@pytest.mark.parametrize("name", VECTORS)
@settings(max_examples=10, deadline=None)
@given(xs=st.lists(st.floats(min_value=-60, max_value=60, allow_nan=False, width=16), min_size=2, max_size=12))
def test_random_vectors_pass_in_every_dtype(name, dtype, xs):
    xs = xs[: len(xs) // 2 * 2]  # glu needs an even length
    if name == "glu" and dtype in ("float16", "bfloat16"):
        # torch's half-precision glu backward is a * s(b) * (1 - s(b)) from a rounded s(b): its error
        # grows with |a| (2% at a = 11, b = 5), so it meets a fixed atol only for moderate inputs
        xs = [min(max(v, -4.0), 4.0) for v in xs]
    r = check(name, xs, dtype=dtype)
    assert r.passed, "\n".join(r.failures())


def test_glu_entries_that_do_not_depend_are_zero_not_torchs_nan():
    # torch's Jacobian row i is a VJP with the one-hot upstream e_i: at an infinite input 0 * inf makes
    # entries nan where y_i does not depend on x_j at all (glu's halves); those are 0 exactly
    res = check("glu", [np.nan, np.inf, -np.inf, 0.0])
    assert res.passed, res.failures()
    assert any("does not depend" in n for n in res.extras["notes"])
    jac = check("glu", [1.0, 2.0, 3.0, -4.0]).matrices["jacobian"]
    assert jac.skip.sum() == 4 and jac.ok.all()  # 2 rows of 4: y_i on a_i and b_i compared, 4 entries not


def test_a_jacobian_entry_torch_gets_wrong_is_a_torch_deviation_not_a_failure():
    # bfloat16 glu: torch's Jacobian row 133 (its VJP with e_133) rounds sigmoid(b) to 1 and gives -0 for
    # d y_133 / d b_133; NumPy's -0.0537 is the exact value rounded once: a deviation, a failure only if strict
    x = np.linspace(-50, 50, 2000)
    res = check("glu", x, dtype="bfloat16")
    (dev,) = [d for d in res.extras["torch_deviations"] if d["quantity"] == "jacobian"]
    assert res.passed and (dev["row"], dev["column"], dev["torch"]) == (133, 1133, 0.0)
    assert not check("glu", x, dtype="bfloat16", strict=True).passed
