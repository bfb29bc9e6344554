"""`actcheck verify`: discovery in every style, the slips people make and their diagnoses, broken files."""

import json
from pathlib import Path

import numpy as np
import pytest

import actcheck
from actcheck.errors import InputError
from actcheck.verification.diagnosis import Evidence, diagnose

DATA = Path(__file__).parent / "data"


def _by_name(path):
    return {r.name: r for r in actcheck.verify(DATA / path).results}


def test_the_seed_notebooks_functions_pass_as_written():
    res = _by_name("seed_acts.py")
    assert set(res) == {"sigmoid", "tanh", "relu", "leaky_relu", "elu"}
    assert all(r.passed for r in res.values()), {n: r.diagnosis for n, r in res.items()}
    assert any("written for scalars" in n for n in res["relu"].notes)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("upstream_style.py", {"relu": "upstream", "sigmoid": "upstream", "leaky_relu": "upstream"}),
        ("layers.py", {"ReLU": "layer", "Tanh": "layer", "SigmoidLayer": "layer"}),
        ("namespace.py", {"Activations.relu": "upstream", "Activations.elu": "upstream"}),
        ("softmax_acts.py", {"softmax": "upstream", "LogSoftmax": "layer"}),
    ],
)
def test_every_style_is_found_and_correct_pairs_pass(path, expected):
    res = _by_name(path)
    assert {n: r.style for n, r in res.items()} == expected  # helpers, Dense(n_in, n_out) and load_data ignored
    assert all(r.passed for r in res.values()), {n: r.diagnosis for n, r in res.items()}
    assert all(r.reference == "torch" for r in res.values())


def test_users_parameter_default_is_passed_to_torch():
    r = _by_name("upstream_style.py")["leaky_relu"]
    assert r.params == {"negative_slope": 0.1} and r.passed


def test_param_override_reaches_both_sides():
    r = _by_name_with("upstream_style.py", {"alpha": 0.3})["leaky_relu"]
    assert r.params == {"negative_slope": 0.3} and r.passed


def _by_name_with(path, params):
    return {r.name: r for r in actcheck.verify(DATA / path, params).results}


@pytest.mark.parametrize(
    ("name", "diagnosis"),
    [
        ("sigmoid", "operator-precedence slip"),
        ("tanh", "the square is missing"),
        ("relu", "backward ignores the upstream gradient (right with dA = 1, wrong otherwise)"),
        ("leaky_relu", "sets the gradient to 0.01 instead of scaling dA"),
        ("silu", "backward of the output, not the input"),
        ("relu6", "mismatch only at the kinks: your f'(0) = 1, torch uses 0; your f'(6) = 1, torch uses 0"),
        ("softplus", "forward overflows for x > 709.78"),
        ("elu", "off by a constant factor 0.5"),
        ("selu", "wrong only for x <= 0"),
    ],
)
def test_each_slip_fails_with_a_diagnosis_that_names_it(name, diagnosis):
    r = _by_name("slips.py")[name]
    assert not r.passed
    assert any(diagnosis in d for d in r.diagnosis), r.diagnosis


def test_overflow_warnings_are_notes_not_crashes():
    r = _by_name("slips.py")["softplus"]
    assert "your code warned: overflow encountered in exp" in r.notes
    assert "(np.exp)" in r.diagnosis[0]


def test_unknown_activations_are_checked_against_finite_differences():
    res = _by_name("unknown.py")
    assert {r.reference for r in res.values()} == {"finite_difference"}
    assert res["bent_identity"].passed and res["square_relu"].passed  # its kink at 0 is found and skipped
    assert not res["isru"].passed


def test_a_cache_backward_cannot_take_is_diagnosed():
    r = _by_name("course_cache.py")["relu"]
    assert not r.passed
    assert r.diagnosis[0].startswith("backward fails on the cache that forward returns (TypeError")
    assert "works on x" in r.diagnosis[0]


def test_a_diagonal_softmax_backward_is_caught_with_that_diagnosis():
    r = _by_name("softmax_diagonal.py")["softmax"]
    assert not r.passed and "treats the Jacobian as diagonal" in r.diagnosis[0]


def test_a_raising_user_function_fails_its_pair_with_the_exception(tmp_path):
    f = tmp_path / "acts.py"
    f.write_text(
        "import numpy as np\ndef relu_forward(x):\n    return np.maximum(x, 0)\n"
        "def relu_backward(x):\n    raise ZeroDivisionError('oops')\n"
        "def tanh_forward(x):\n    return np.tanh(x)\ndef tanh_backward(x):\n    return 1 - np.tanh(x)**2\n"
    )
    res = {r.name: r for r in actcheck.verify(f).results}
    assert not res["relu"].passed and res["tanh"].passed
    assert res["relu"].diagnosis == ["your code raised ZeroDivisionError: oops (acts.py line 5)"]


def test_check_pair_api_for_pytest_suites():
    r = actcheck.check_pair(lambda x: np.tanh(x), lambda x: 1 - np.tanh(x) ** 2, reference="tanh")
    assert r.passed and r.to_dict()["reference"] == "torch"
    bad = actcheck.check_pair(lambda z: np.maximum(z, 0), lambda d, z: d * (z >= 0), reference="relu")
    assert not bad.passed and "kink" in bad.diagnosis[0]


def test_check_pair_takes_layers_finite_differences_and_says_when_the_style_is_not_the_expected_one():
    class Softsign:
        def forward(self, x):
            self.x = x
            return x / (1 + np.abs(x))

        def backward(self, dout):
            return dout / (1 + np.abs(self.x)) ** 2

    assert actcheck.check_pair(None, layer=Softsign, reference="softsign").style == "layer"
    fd = actcheck.check_pair(lambda x: np.sin(x), lambda x: np.cos(x))
    assert fd.passed and fd.reference == "finite_difference"
    with pytest.raises(InputError, match="called in the derivative convention, not upstream"):
        actcheck.check_pair(np.tanh, lambda x: 1 - np.tanh(x) ** 2, reference="tanh", style="upstream")


def test_a_failure_names_the_quantity_and_shows_both_values_non_finite_first(run):
    softplus = _by_name("slips.py")["softplus"]
    assert softplus.worst[0] == {"x": 750.0, "quantity": "forward", "yours": "inf", "reference": 750.0}
    gaussian = _by_name("verify/unknown_activations.py")["gaussian"]
    assert {p["quantity"] for p in gaussian.worst} == {"derivative"}
    assert all({"x", "yours", "reference"} <= set(p) for p in gaussian.worst)
    line = next(ln for ln in run("verify", DATA / "verify/unknown_activations.py").stdout.splitlines()
                if ln.startswith("gaussian: derivative at x = "))  # fmt: skip
    assert ": yours " in line and ", reference " in line


def test_no_diagnosis_says_off_by_a_constant_factor_of_zero():
    x = np.array([-30.0, -1.0, 0.5, 1.0, 2.0, 30.0])
    ref = np.array([1e-13, 0.2, 0.24, 0.2, 0.1, 1e-13])
    mine = np.array([1e-13, 0.0, 0.0, 0.0, 0.0, 1e-13])  # 0 wherever the reference is not tiny
    ev = Evidence(x, None, None, mine, ref, mine, ref, np.ones_like(x))
    assert not any("factor 0" in d for d in diagnose(ev)), diagnose(ev)


def test_verify_json_and_exit_codes(run):
    r = run("verify", DATA / "slips.py", "--json")
    assert r.exit_code == 1
    d = json.loads(r.stdout)
    assert d["file"].endswith("slips.py") and d["passed"] is False
    first = d["results"][0]
    assert set(first) >= {"name", "style", "reference", "passed", "max_abs_error", "notes", "diagnosis"}
    assert set(first["max_abs_error"]) >= {"forward", "backward"}
    assert run("verify", DATA / "seed_acts.py").exit_code == 0


def test_verify_table_and_junit(run, tmp_path):
    out = tmp_path / "v.xml"
    r = run("verify", DATA / "slips.py", "--junit", out)
    assert "operator-precedence" in r.stdout and "FAIL" in r.stdout
    assert out.read_text().count("<testcase") == 9


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("missing.py", "no such file"),
        ("notes.txt", "not a Python file"),
        ("syntax_error.py", "is not valid Python: expected ':' (line 1)"),
        ("raises_on_import.py", "raised on import: RuntimeError: boom at import (raises_on_import.py line 1)"),
        ("no_pairs.py", "holds no activation pair"),
    ],
)
def test_unusable_files_exit_two_with_one_line(run, path, message):
    r = run("verify", DATA / path)
    assert r.exit_code == 2 and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], r.stderr


def test_bad_param_syntax_is_exit_two(run):
    r = run("verify", DATA / "seed_acts.py", "--param", "alpha")
    assert r.exit_code == 2 and "NAME=VALUE" in r.stderr


def test_d_prefix_backward_is_paired(tmp_path):
    f = tmp_path / "d_style.py"
    f.write_text(
        "import numpy as np\ndef tanh(x):\n    return np.tanh(x)\ndef d_tanh(x):\n    return 1 - np.tanh(x)**2\n"
    )
    (res,) = actcheck.verify(f).results
    assert res.name == "tanh" and res.style == "derivative" and res.passed


def test_a_pair_finite_differences_cannot_judge_does_not_pass(tmp_path):
    f = tmp_path / "nothing.py"
    f.write_text(
        "import numpy as np\n"
        "def nonlin(x):\n    return np.full_like(x, np.inf)\n"
        "def nonlin_grad(x):\n    return np.full_like(x, np.nan)\n"
    )
    (r,) = actcheck.verify(f).results
    assert not r.passed and "could judge the derivative at only 0 of" in r.diagnosis[0]


def test_verify_junit_lists_what_was_skipped_as_skipped_cases(run, tmp_path):
    # not activations (an abstract base, a Linear layer, a loss): JUnit's <skipped/>, neither passed nor failed
    from xml.etree import ElementTree as ET

    out = tmp_path / "v.xml"
    r = run("verify", DATA / "verify" / "layers_with_base.py", "--junit", out, "--json")
    skipped = json.loads(r.stdout)["skipped"]
    assert r.exit_code == 0 and skipped
    suite = ET.parse(out).getroot().find("testsuite")
    marked = {
        c.get("name"): c.find("skipped").get("message")
        for c in suite.findall("testcase")
        if c.find("skipped") is not None
    }
    assert marked == {s["name"]: s["reason"] for s in skipped}
    assert suite.get("skipped") == str(len(skipped)) and suite.get("failures") == "0"
    assert int(suite.get("tests")) == len(json.loads(r.stdout)["results"]) + len(skipped)


def test_check_pair_takes_np_vectorize_functions_and_refuses_a_layer_instance():
    relu = np.vectorize(lambda x: max(x, 0.0))
    assert actcheck.check_pair(relu, np.vectorize(lambda x: 1.0 if x > 0 else 0.0), reference="relu").passed

    class Tanh:
        def forward(self, x):
            return np.tanh(x)

        def derivative(self, x):
            return 1 - np.tanh(x) ** 2

    assert actcheck.check_pair(None, layer=Tanh, reference="tanh").passed
    with pytest.raises(InputError, match="takes a class"):
        actcheck.check_pair(None, layer=Tanh(), reference="tanh")


def test_json_max_abs_error_has_its_three_keys_null_where_nothing_was_measured(run):
    d = json.loads(run("verify", DATA / "verify" / "bad_backward_returns.py", "--json").stdout)
    raised = next(r for r in d["results"] if r["name"] == "relu")  # its derivative returns an object array
    assert raised["max_abs_error"] == {"forward": None, "backward": None, "vjp": None}
    fd = json.loads(run("verify", DATA / "verify" / "ff08_constant_derivative.py", "--json").stdout)["results"][0]
    assert fd["reference"] == "finite_difference" and fd["max_abs_error"]["forward"] is None
    assert fd["max_abs_error"]["backward"] < 1e-6


def test_one_pair_is_one_pair(run):
    assert "PASS · 1 pair" in run("verify", DATA / "verify" / "pa06_upper.PY").stdout.splitlines()[-1]


def test_both_values_are_shown_with_the_digits_that_tell_them_apart():
    x = np.array([-2.0, -1.0, 1.0, 2.0])
    ref = np.where(x < 0, 10507.009873554805, x)  # SELU's scale times 10000, and the paper's rounding of it
    yours = np.where(x < 0, 10507.0, x)
    (said,) = diagnose(Evidence(x, yours, ref, None, None, None, None, np.ones_like(x)))
    assert said == "forward wrong only for x < 0: yours is 10507 there, torch 10507.0099", said


@pytest.mark.parametrize(("act", "hint"), [("sigmoid", True), ("tanh", False), (None, False)])
def test_the_precedence_hint_is_for_a_sigmoid_backward_alone(act, hint):
    x = np.array([-2.0, -1.0, 0.5, 1.0, 2.0])
    ref = 1 - np.tanh(x) ** 2
    (said,) = diagnose(Evidence(x, None, None, 0 * x, ref, 0 * x, ref, np.ones_like(x), act=act))
    assert said.startswith("backward returns 0 everywhere") and ("s * 1 - s" in said) is hint, said


@pytest.mark.parametrize("name", ["sigmoid", None])
def test_pairs_are_judged_between_the_grid_points_too(name):
    from actcheck.registry import lookup
    from actcheck.verification.references import points

    act = lookup(name) if name else None
    x, _ = points(act, dict(act.params) if act else {})
    inside = np.sort(x[(x > -30) & (x < 30)])
    assert np.diff(inside).max() <= 0.1 + 1e-9  # a point at least every 0.1 over [-30, 30]
    if act is not None:
        assert (np.abs(x[x != 0]) < 1e-100).any()  # and tiny magnitudes (log-uniform)
