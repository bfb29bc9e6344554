"""A failure message names a point that failed, and both its values, for every kind of check."""

import numpy as np
import pytest

from actcheck import check
from actcheck.result import Comparison

X = np.array([-1.0, 0.0, 1.0, 2.0])


def _result_with(name, numpy, reference, rtol=0.0, atol=0.0, excused=None):
    """A real check's Result whose comparison ``name`` holds the given values instead of its own."""
    r = check("relu", X, rtol=0.0, atol=0.0)
    r.comparisons = {k: c for k, c in r.comparisons.items() if k == "forward"}
    c = Comparison(name, np.array(numpy), np.array(reference), rtol, atol, np.zeros(X.size, bool))
    if excused is not None:  # a point the engine's rules forgave (the oracle found NumPy right)
        c.ok[excused] = True
    r.comparisons[name] = c
    return r


@pytest.mark.parametrize("name", ["forward", "backward", "vjp", "second"])
def test_the_point_named_is_one_that_failed_not_an_exact_one_with_no_allowance(name):
    # x = -1 agrees exactly with a tolerance of 0: an error of 0 out of 0 allowed is not the worst point
    r = _result_with(name, [0.5, 0.0, 3.0, 2.0], [0.5, 0.0, 1.0, 2.0])
    (line,) = [ln for ln in r.failures() if ln.startswith(name)]
    assert line == (
        f"{name}: 1 of 4 points differ; the worst at x = 1: numpy 3, reference 1 "
        "(absolute difference 2; up to 0 allowed)"
    )


def test_a_point_the_rules_forgave_is_never_named_as_the_failure():
    # x = 2 is far off but excused; x = 0 fails by less and is the one to name
    r = _result_with("backward", [0.0, 1.5, 1.0, 9.0], [0.0, 1.0, 1.0, 1.0], atol=0.1, excused=3)
    (line,) = [ln for ln in r.failures() if ln.startswith("backward")]
    assert "the worst at x = 0: numpy 1.5, reference 1" in line and "1 of 4 points" in line


def test_a_jacobian_entry_failure_names_its_row_column_and_values():
    r = check("softmax", [-1.0, 0.0, 1.0], rtol=0.0, atol=0.0)
    jac = r.matrices["jacobian"]
    ref = jac.reference.copy()
    mine = ref.copy()
    mine[2, 1] += 0.5
    r.matrices["jacobian"] = Comparison("jacobian", mine, ref, 0.0, 0.0, np.zeros(ref.shape, bool))
    (line,) = [ln for ln in r.failures() if ln.startswith("jacobian")]
    row, col = r.extras["jacobian_rows"][2], r.extras["jacobian_columns"][1]
    assert line.startswith(f"jacobian: 1 of {ref.size} entries differ; the worst at row {row}, column {col}: ")
    assert f"numpy {mine[2, 1]:.17g}, reference {ref[2, 1]:.17g}" in line


def test_selu_with_no_tolerance_names_the_point_that_failed(run):
    r = run("selu", "--rtol", "0", "--atol", "0")
    assert r.exit_code == 1
    (line,) = [ln for ln in r.stdout.splitlines() if ln.startswith("backward:")]
    assert "the worst at x = 0:" in line
    numpy, reference = (float(v) for v in line.split("numpy ")[1].split(" (")[0].split(", reference "))
    assert numpy != reference
