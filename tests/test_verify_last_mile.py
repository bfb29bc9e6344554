"""`actcheck verify` on real code's last mile: no false pass, no crash of its own, skips and unchecked forwards said."""

import json
from pathlib import Path

import pytest

import actcheck
from actcheck.errors import InputError, InternalError

CORPUS = Path(__file__).parent / "data" / "verify"


def _results(path, **kw):
    return {r.name: r for r in actcheck.verify(CORPUS / path, **kw).results}


def test_a_parameter_torch_lacks_is_judged_against_torch_where_it_makes_the_activation():
    res = _results("ep01_extra_param_slips.py")
    assert not res["relu"].passed and res["relu"].reference == "torch"  # |x| at leak 0 is not relu
    assert not res["Sigmoid"].passed and res["Sigmoid"].reference == "torch"
    assert "even with threshold = 0.0" in res["Sigmoid"].diagnosis[0]
    assert not res["swish"].passed  # right at beta 1 (torch's silu), wrong at its own 1.5


def test_a_forward_no_reference_judges_is_said_to_be_unchecked_and_strict_fails_it(run):
    r = run("verify", CORPUS / "ep02_extra_param_ok.py")
    assert r.exit_code == 0 and "PASS (forward not compared)" in r.stdout
    assert "1 forward not compared with any reference" in r.stdout.splitlines()[-1]
    d = json.loads(run("verify", CORPUS / "ep02_extra_param_ok.py", "--json").stdout)
    by = {p["name"]: p for p in d["results"]}
    assert by["sigmoid"]["reference"] == "finite_difference" and by["sigmoid"]["forward_compared"] is False
    assert by["swish"]["forward_compared"] is True and by["relu"]["forward_compared"] is True
    assert run("verify", CORPUS / "ep02_extra_param_ok.py", "--strict").exit_code == 1


def test_discovery_never_asks_the_users_values_eq_bool_hash_or_getattr():
    res = _results("hv01_hostile_values.py")  # data arrays beside classes, objects whose ==, bool, hash raise
    assert set(res) == {"tanh", "Network.sigmoid"} and all(r.passed for r in res.values())


@pytest.mark.parametrize("fault", [InternalError("actcheck's worker failed: ValueError: boom"), KeyError("k")])
def test_an_internal_error_is_actchecks_own_one_line_and_exit_70(run, monkeypatch, fault):
    from actcheck.verification import checking

    def broken(*a, **k):
        raise fault

    monkeypatch.setattr(checking, "_check", broken)
    r = run("verify", CORPUS / "ep02_extra_param_ok.py", "--json")
    assert r.exit_code == 70 and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("actcheck failed on ") and lines[0].endswith(", please report")
    assert "Traceback" not in r.stderr


def test_abstract_forwards_are_skipped_and_constructors_actcheck_can_supply_are_made(run):
    res = _results("ca01_constructor_needs.py")
    assert not res["LeakyReLU"].passed and "not with alpha = 0.015" in res["LeakyReLU"].diagnosis[0]
    assert res["ELU"].passed and res["Sigmoid"].passed
    assert run("verify", CORPUS / "ca02_abstract_ok.py").exit_code == 0  # the abstract base is not judged
    r = run("verify", CORPUS / "ca02_abstract_ok.py", "--strict")
    last = r.stdout.splitlines()[-1]
    assert r.exit_code == 1 and last == "FAIL (--strict: skips and forwards not compared fail) · 1 pair · 2 skipped"


def test_pairs_are_tried_on_batches_short_arrays_and_for_writes_into_their_input():
    res = _results("bt01_batch_slips.py")
    assert not any(r.passed for r in res.values())  # each is right on one 1-D vector
    assert "forward changes its input" in res["relu"].diagnosis[0]
    assert "keepdims=True was meant" in res["log_softmax"].diagnosis[0]
    ok = _results("bt02_batch_ok.py")
    assert all(r.passed for r in ok.values()), {n: r.diagnosis for n, r in ok.items()}


def test_failures_name_the_real_slip_and_vector_pairs_show_their_worst_points():
    res = _results("dg01_named_slips.py")
    assert "overflows on large inputs" in res["softmax"].diagnosis[0]
    assert "wrong sign" in res["softmin"].diagnosis[0]
    zeros = res["log_softmax"]
    assert "returns 0 for every input" in zeros.diagnosis[0] and zeros.max_abs_error["backward"] > 1
    assert zeros.worst and {"x", "quantity", "yours", "reference", "upstream", "input"} <= set(zeros.worst[0])
    assert res["relu"].diagnosis == [
        "backward returns 1 for every input: an if on the whole array (if x.any() < 0, if x > 0 on an array) where "
        "an elementwise np.where was meant?"
    ]
    said = res["leaky_relu"].diagnosis[0]
    assert "forward's alpha = 0.01, derivative's alpha = 0.1" in said
    assert res["leaky_relu"].params["negative_slope"] == 0.01  # judged with the forward's value


def test_pairs_in_dicts_tuples_instances_and_compute_evaluate_methods_are_found():
    res = _results("dc01_held_pairs.py")
    assert set(res) == {"ACTIVATIONS['sigmoid']", "ACTIVATIONS['relu']", "ACTIVATIONS['tanh']", "TANH", "Sigmoid",
                        "ELU", "Network.softmax", "Network.activations['softplus']"}  # fmt: skip
    assert [n for n, r in res.items() if not r.passed] == ["ACTIVATIONS['tanh']"]


def test_kink_any_accepts_a_valid_subgradient_and_names_its_convention():
    strict = _results("kk01_kink_conventions.py")
    assert not strict["relu"].passed and "--kink any accepts" in strict["relu"].diagnosis[0]
    res = _results("kk01_kink_conventions.py", kink="any")
    assert res["relu"].passed and res["leaky_relu"].passed and res["selu"].passed and not res["relu6"].passed
    assert any("right-hand derivative (torch uses 0)" in n for n in res["relu"].notes)
    assert res["relu"].max_abs_error["backward"] == 0.0


def test_kink_any_through_check_pair_and_a_bad_kink_mode_is_bad_input():
    import numpy as np

    relu, prime = (lambda x: np.maximum(x, 0)), (lambda x: (x >= 0).astype(float))
    assert not actcheck.check_pair(relu, prime, "relu").passed
    assert actcheck.check_pair(relu, prime, "relu", kink="any").passed
    with pytest.raises(InputError, match="kink must be one of"):
        actcheck.check_pair(relu, prime, "relu", kink="some")


def test_a_stack_of_per_column_jacobians_is_judged_on_columns():
    res = _results("js01_jacobian_stacks.py")
    assert res["softmax"].passed, res["softmax"].diagnosis  # not the ValueError a 1-D call provokes
    assert "treats the Jacobian as diagonal" in res["softmin"].diagnosis[0]


def test_constructors_that_mention_no_function_are_not_run_during_discovery(run, tmp_path):
    f = tmp_path / "trainer.py"
    f.write_text(
        "import os\nimport numpy as np\n\n\nclass Trainer:\n    def __init__(self):\n        os._exit(3)\n\n\n"
        "def sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n\n\n"
        "def sigmoid_prime(x):\n    s = sigmoid(x)\n    return s * (1 - s)\n"
    )
    assert run("verify", f, "-q").exit_code == 0


def test_with_strict_the_summary_says_why_a_run_with_skips_fails(run, tmp_path):
    f = tmp_path / "skips.py"
    f.write_text(
        "import numpy as np\n"
        "def sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n"
        "def sigmoid_prime(x):\n    s = sigmoid(x)\n    return s * (1 - s)\n"
        "class Dense:\n    def __init__(self, w, b):\n        self.w, self.b = w, b\n"
        "    def forward(self, x):\n        return x @ self.w + self.b\n"
        "    def backward(self, g):\n        return g @ self.w.T\n"
    )
    plain, strict = run("verify", f), run("verify", f, "--strict")
    assert plain.exit_code == 0 and plain.stdout.splitlines()[-1] == "PASS · 1 pair · 1 skipped"
    assert strict.exit_code == 1
    last = strict.stdout.splitlines()[-1]
    assert last == "FAIL (--strict: skips and forwards not compared fail) · 1 pair · 1 skipped"
