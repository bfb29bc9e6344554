"""`pytest --actcheck path/`: each activation pair in a user's files is a test, named for the pair, failing with
actcheck's diagnosis at the pair's line; nothing happens (nothing is imported) without the flag."""

import textwrap

import numpy as np
import pytest
import torch  # noqa: F401  (pytester's inline runs put sys.modules back: torch imported in one would be reimported)
from user_files import SIGMOID_RIGHT_TANH_SLIPPED

import actcheck
import actcheck.verification.checking  # noqa: F401

pytest_plugins = ["pytester"]

ACTS = SIGMOID_RIGHT_TANH_SLIPPED
LAYERS = textwrap.dedent(
    """\
    import numpy as np


    class Relu:
        def forward(self, x):
            self.x = x
            return np.maximum(x, 0)

        def backward(self, d):
            return d * (self.x > 0)
    """
)
# a conftest that says, at the end, whether torch or actcheck's checking code was imported
PROBE = textwrap.dedent(
    """\
    import sys


    def pytest_sessionfinish(session):
        print("imported:", sorted(m for m in ("torch", "actcheck.verification") if m in sys.modules))
    """
)


@pytest.fixture
def project(pytester):
    pytester.makepyfile(acts=ACTS, layers=LAYERS)
    pytester.makeconftest(PROBE)
    return pytester


def test_each_pair_is_a_test_failing_with_the_diagnosis_at_the_pairs_line(project):
    rec = project.inline_run("--actcheck")
    rec.assertoutcome(passed=2, failed=1)
    (failed,) = [r for r in rec.getreports("pytest_runtest_logreport") if r.failed]
    assert failed.nodeid == "acts.py::tanh"
    assert failed.location == ("acts.py", 12, "activation pair tanh (acts.py line 13)")
    text = str(failed.longrepr)
    assert text.startswith("tanh (against torch): backward is 1 - f(x): the square is missing")
    assert "at x = -10000.0: derivative yours 2.0, torch 0.0" in text


def test_pairs_are_selected_by_name(project):
    rec = project.inline_run("--actcheck", "-k", "sigmoid or Relu")
    rec.assertoutcome(passed=2)


def test_without_the_flag_nothing_is_collected_or_imported_and_collection_imports_no_torch(project):
    plain = project.runpytest_subprocess()
    plain.assert_outcomes()
    plain.stdout.fnmatch_lines(["imported: []"])
    listed = project.runpytest_subprocess("--actcheck", "--collect-only", "-q")
    listed.stdout.fnmatch_lines(
        ["acts.py::sigmoid", "acts.py::tanh", "layers.py::Relu", "imported: ['actcheck.verification']"]
    )


def test_under_xdist_each_worker_checks_its_own_pairs(project):
    pytest.importorskip("xdist")
    result = project.runpytest_subprocess("--actcheck", "-n", "2", "-p", "no:cacheprovider", "acts.py")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*tanh (against torch): backward is 1 - f(x): the square is missing*"])


def test_assert_gradient_raises_with_the_diagnosis_and_returns_the_result_when_right():
    with pytest.raises(AssertionError, match=r"(?s)backward is 1 - f\(x\): the square is missing.*at x = "):
        actcheck.assert_gradient(np.tanh, lambda x: 1 - np.tanh(x), like="tanh")
    assert actcheck.assert_gradient(np.tanh, lambda x: 1 - np.tanh(x) ** 2, like="tanh", dtype="float32").passed


def test_assert_gradient_takes_check_pairs_arguments():
    from math import pi, sqrt

    c = sqrt(2 / pi)
    gelu = lambda x: 0.5 * x * (1 + np.tanh(c * (x + 0.044715 * x**3)))  # noqa: E731
    dgelu = lambda x: 0.5 * (1 + np.tanh(c * (x + 0.044715 * x**3)))  # noqa: E731  (the product rule forgotten)
    with pytest.raises(AssertionError, match="against torch"):
        actcheck.assert_gradient(gelu, dgelu, like="gelu", dtype="float32", points=[-1.0, 0.5, 2.0], approximate="tanh")
    with pytest.raises(actcheck.InputError, match="unknown dtype"):
        actcheck.assert_gradient(gelu, dgelu, like="gelu", dtype="float99")


def test_a_files_time_limit_is_the_projects_and_a_file_that_will_not_load_is_a_collection_error(pytester):
    pytester.makepyfile(slow="import time\ntime.sleep(30)\n")
    pytester.makepyprojecttoml("[tool.actcheck]\ntimeout = 0.5\n")
    result = pytester.runpytest_inprocess("--actcheck", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["actcheck: */slow.py did not finish within the time limit of 0.5 s*"])
