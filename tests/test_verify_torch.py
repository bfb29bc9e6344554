"""verify on torch code: autograd Functions, Modules and torch functions judged in ULP of exact, in each dtype,
beside torch's built-in; the slips people make named; every bfloat16 value with --exhaustive."""

import json
import time
from pathlib import Path

import pytest

from actcheck.report import dumps
from actcheck.verification import verify

DATA = Path(__file__).parent / "data" / "torch"


@pytest.fixture(scope="module")
def good():
    return {r.name: r for r in verify(DATA / "good.py").results}


@pytest.fixture(scope="module")
def slips():
    rep = verify(DATA / "slips.py", dtype=["float32", "float16", "float64"])  # each slip shows in one of these
    return {r.name: r for r in rep.results}, {s.name: s.reason for s in rep.skipped}


def test_correct_functions_modules_and_torch_functions_pass_in_every_dtype(good):
    assert {n: (r.style, r.activation, r.passed) for n, r in good.items()} == {
        "SiLUFunction": ("torch.autograd.Function", "silu", True),
        "Tanh": ("torch.autograd.Function", "tanh", True),  # setup_context style
        "SigmoidFromOutput": ("torch.autograd.Function", "sigmoid", True),
        "Softplus": ("torch.nn.Module", "softplus", True),
        "relu": ("torch function", "relu", True),
        "gelu_op": ("torch.library.custom_op", "gelu", True),  # register_autograd's backward
    }
    for r in good.values():
        assert [row["dtype"] for row in r.precision] == ["float32", "bfloat16", "float16", "float64"]
        assert r.framework == "torch"


def test_forward_mode_is_judged_where_the_function_defines_jvp(good):
    rows = good["Tanh"].precision
    assert all("jvp" in row["quantities"] and row["quantities"]["jvp"]["passed"] for row in rows)
    assert all("jvp" not in row["quantities"] for row in good["SiLUFunction"].precision)


def test_a_wrong_zero_torch_shares_is_stated_not_failed(good):
    # f' = y (1 - y) from the bfloat16 output is 0 beyond x ~ 5.5, as torch's own sigmoid backward is
    row = next(row for row in good["SigmoidFromOutput"].precision if row["dtype"] == "bfloat16")
    assert row["passed"] and row["quantities"]["backward"]["wrong_zero"]["count"] > 0
    assert "returns 0 on" in row["summary"] and "where torch's does too" in row["summary"]


def test_a_2d_non_contiguous_batch_is_compared_with_the_1d_call(good):
    for r in good.values():
        assert all(set(row["layout_differs"]) == {"forward", "backward"} for row in r.precision)
    assert all(not any(row["layout_differs"].values()) for row in good["SiLUFunction"].precision)
    gelu = {row["dtype"]: row["layout_differs"] for row in good["gelu_op"].precision}  # F.gelu's own kernels
    assert gelu["float32"]["forward"] > 0 and gelu["bfloat16"]["forward"] > 0


def test_the_verdict_says_yours_beside_torchs(good):
    row = good["Softplus"].precision[0]
    assert row["summary"].startswith("float32 (") and "where torch's is within" in row["summary"]
    assert "rule ≤ max(torch's, 2) ULP" in row["summary"]
    q = row["quantities"]["backward"]
    assert q["max_ulp"] <= q["tolerance_ulp"] and q["torch"]["max_ulp"] is not None


@pytest.mark.parametrize(
    "name, cause",
    [
        ("elu", "backward returns 1 gradient where forward takes 2 inputs"),
        ("Sigmoid", "backward ignores grad_output"),
        (
            "FusedSiLU",
            "backward forms f' from the saved output y, which is rounded to float16: f' from it returns 0 on",
        ),
        ("GELU", "ULP typically (one float32 ULP is 2^29 float64 ULP): float32's precision, from a float32 constant"),
        ("Softplus", "forward overflows in exp: inf or nan from |x| = 90.04 on"),
        ("SiLUInPlace", "writes into its input x in place"),
        ("SigmoidInPlaceBackward", "backward changes a tensor it saved, in place"),
        ("TanhForwardMode", "its jvp (forward mode) disagrees with its backward, which is right"),
    ],
)
def test_each_slip_fails_naming_its_cause(slips, name, cause):
    r = slips[0][name]
    assert not r.passed
    assert any(cause in d for d in r.diagnosis), r.diagnosis


def test_the_float32_constant_slip_is_named_in_float64(slips):
    rows = {row["dtype"]: row["passed"] for row in slips[0]["GELU"].precision}
    assert rows["float64"] is False and slips[0]["GELU"].params == {"approximate": "tanh"}


def test_a_function_needing_more_than_x_is_judged_through_its_wrapper(slips):
    assert "its forward takes alpha beside x" in slips[1]["ELUFunction"]


def test_exhaustive_bfloat16_covers_every_value_and_finds_the_tail_the_sample_misses_not(tmp_path):
    start = time.perf_counter()
    rep = verify(DATA / "fused_silu_bf16.py", dtype="bfloat16", exhaustive=True)
    took = time.perf_counter() - start
    [r] = rep.results
    [row] = r.precision
    assert row["n_points"] == 65279  # every finite bfloat16 value (+0 and -0 once)
    assert took < 10, took
    assert not r.passed
    wz = row["quantities"]["backward"]["wrong_zero"]
    assert wz["count"] == 289 and wz["first"] == -96.5 and wz["last"] == -20.125  # 16 of them torch's too
    assert "backward and VJP return 0 on [-88.5, -20.12] (273 inputs) where torch's does not" in row["summary"]


def test_ulp_sets_the_tolerance_and_dtype_chooses(tmp_path):
    rep = verify(DATA / "second.py", dtype=["float16"], ulp=0.0)
    for r in rep.results:  # correctly rounded is up to 0.5 ULP from exact: more than 0
        [row] = r.precision
        assert not r.passed and row["dtype"] == "float16" and row["rule"] == "≤ 0 ULP (--ulp)"
        assert "forward" in " ".join(row["failures"])


def test_json_rows_carry_framework_dtype_torchs_findings_and_the_compiled_run(tmp_path):
    from typer.testing import CliRunner

    from actcheck.cli import app

    # --compile with the "eager" backend (dynamo without inductor's minutes of C++): compiled beside eager
    argv = ["verify", str(DATA / "fused_silu_bf16.py"), "--dtype", "bfloat16", "--range", "-30", "30", "--json"]
    r = CliRunner().invoke(app, [*argv, "--compile", "--compile-backend", "eager"])
    assert r.exit_code == 1, r.output
    [pair] = json.loads(r.stdout)["results"]
    assert pair["framework"] == "torch" and pair["reference"] == "exact"
    row = pair["dtypes"][0]
    assert row["dtype"] == "bfloat16" and set(row["quantities"]) == {"forward", "backward", "vjp"}
    assert "torch" in row["quantities"]["backward"] and pair["worst"][0]["yours"] == 0.0
    assert row["quantities"]["backward"]["wrong_zero"]["first"] == -30.0
    assert row["compiled"]["backend"] == "eager" and not row["compiled"]["passed"]  # the same slip, compiled
    assert row["compiled"]["differs_from_eager"] == {"forward": 0, "backward": 0, "vjp": 0}
    assert "under torch.compile (eager): forward, backward, VJP bitwise the same as eager, and fails" in row["summary"]


def test_numpy_only_files_do_not_import_torch_in_the_child(tmp_path, monkeypatch):
    mark = tmp_path / "mark"
    monkeypatch.setenv("ACTCHECK_TEST_MARK", str(mark))
    f = tmp_path / "acts.py"
    f.write_text(
        "import os, sys\nimport numpy as np\n\n"
        "def sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n\n"
        "def sigmoid_prime(x):\n"
        "    open(os.environ['ACTCHECK_TEST_MARK'], 'w').write(str('torch' in sys.modules))\n"
        "    return sigmoid(x) * (1 - sigmoid(x))\n"
    )
    rep = verify(f)
    assert rep.passed and all(r.framework == "numpy" for r in rep.results)
    assert mark.read_text() == "False"


def test_bad_torch_options_are_one_line_errors(tmp_path):
    from actcheck.errors import InputError

    with pytest.raises(InputError, match="--ulp takes"):
        verify(DATA / "good.py", ulp=-1)
    with pytest.raises(InputError, match="--exhaustive enumerates"):
        verify(DATA / "good.py", dtype="float64", exhaustive=True)


def test_jax_custom_vjp_custom_jvp_and_plain_functions_beside_jaxs_own():
    pytest.importorskip("jax")
    rep = verify(DATA.parent / "jax" / "custom.py", dtype=["float32", "bfloat16"], order=2)
    by = {r.name: r for r in rep.results}
    assert {n: (r.style, r.activation, r.passed, r.framework) for n, r in by.items()} == {
        "silu": ("jax.custom_vjp", "silu", True, "jax"),
        "elu": ("jax.custom_jvp", "elu", False, "jax"),  # right at order 1; its rule's where() is not at order 2
        "tanh": ("JAX function", "tanh", True, "jax"),
        "swish": ("jax.custom_jvp", "silu", False, "jax"),
    }
    assert any("its custom_jvp rule is not the derivative of its forward" in d for d in by["swish"].diagnosis)
    elu = {q: v["passed"] for q, v in by["elu"].precision[0]["quantities"].items()}
    assert elu == {"forward": True, "backward": True, "vjp": True, "jvp": True, "second": False}
    assert "f'' overflows in exp: inf or nan from |x| = 90.04 on" in by["elu"].diagnosis[0]
    assert "beyond x = 88.72" in by["elu"].diagnosis[0]
    row = by["silu"].precision[0]
    assert "where JAX's is within" in row["summary"] and "jax" in row["quantities"]["backward"]
    assert not rep.skipped  # silu_fwd / silu_bwd are the custom_vjp's, not a NumPy pair


def test_order_2_judges_the_double_backward_and_names_a_backward_that_has_none():
    rep = verify(DATA / "second.py", dtype="float32", order=2, range=(-50, 50))
    by = {r.name: r for r in rep.results}
    assert by["Softsign"].passed and by["Softsign"].precision[0]["quantities"]["second"]["passed"]
    assert not by["Sigmoid"].passed
    assert by["Sigmoid"].diagnosis[0].startswith("its backward is not differentiable (@once_differentiable)")


def test_unknown_functions_are_judged_by_finite_differences_of_their_own_forward():
    rep = verify(DATA / "unknown.py", dtype=["float32", "bfloat16", "float64"])
    by = {r.name: r for r in rep.results}
    arctan, bent = by["Arctan"], by["Bent"]
    assert arctan.passed and arctan.reference == "finite_difference" and not arctan.forward_compared
    assert [row["dtype"] for row in arctan.precision] == ["float32", "bfloat16", "float64"]
    assert arctan.precision[0]["quantities"]["backward"]["max_ulp"] <= 2.5
    assert not bent.passed and all(not row["passed"] for row in bent.precision)
    assert "backward off at" in bent.diagnosis[-1] and "finite differences 0.500025" in bent.diagnosis[-1]


def test_torch_rows_reach_junit_github_and_the_pytest_plugins_listing_notebooks_too(slips, tmp_path):
    from actcheck import report
    from actcheck.annotations import for_report
    from actcheck.verification.checking import pairs_in
    from actcheck.verification.outcome import VerifyReport

    rep = VerifyReport("slips.py", list(slips[0].values()))
    cases = {c[0]: c[3] for c in report.verify_cases(rep)}  # name -> failure text
    assert "backward ignores grad_output" in cases["Sigmoid[torch.autograd.Function]"]
    assert "::error file=slips.py,line=" in for_report(rep, "slips.py")
    assert "(against exact)" in for_report(rep, "slips.py")
    # a notebook's Function is found too, named with its cell
    import nbformat

    source = (DATA / "fused_silu_bf16.py").read_text().split("import torch\n", 1)[1]
    cells = [nbformat.v4.new_code_cell("import torch"), nbformat.v4.new_code_cell(source)]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), tmp_path / "fused.ipynb")
    assert [label for label, _ in pairs_in(tmp_path / "fused.ipynb")] == ["FusedSiLU (cell 2)"]


def test_jax_softplus_is_judged_beside_jax_nn_softplus_sharing_its_flush_of_subnormals():
    pytest.importorskip("jax")
    rep = verify(DATA.parent / "jax" / "softplus.py", dtype=["float32", "bfloat16"])
    (r,) = rep.results
    assert (r.activation, r.passed) == ("softplus", True)  # beside torch's, JAX's flushed tail failed it
    assert not any("jax.nn has no softplus" in n for n in r.notes)
    assert all("where JAX's does too" in row["summary"] for row in r.precision)


def test_public_patterns_are_found_by_their_names_and_their_import_warnings_kept_as_notes(capfd):
    rep = verify(DATA / "public.py", dtype="float32")
    by = {r.name: (r.style, r.activation) for r in rep.results}
    assert by == {
        "SwishImplementation": ("torch.autograd.Function", "silu"),
        "MemoryEfficientSwish": ("torch.nn.Module", "silu"),
        "Swish": ("torch.nn.Module", "silu"),  # autograd's VJP is nan at x = -3.4e38: u x overflows, times s' = 0
        "bias_gelu_impl": ("torch function", "gelu"),  # Megatron's GeLUFunction through its wrapper
        "GeLUFunction": ("torch.autograd.Function", "gelu"),  # and itself, at a zero bias
        "ReLUFn": ("torch.autograd.Function", "relu"),
        "openai_gelu": ("torch function", "gelu"),  # calls a torch.jit.script function
    }
    json.loads(dumps(rep.to_dict()))  # strict JSON: the nan of Swish's VJP, openai_gelu's backward, are 'nan'
    assert any(w["yours"] == "nan" for r in rep.results for w in r.worst)
    assert not any("matched to silu by its values" in n for r in rep.results for n in r.notes)
    warned = [n for n in rep.notes if n.startswith("your code warned on import:")]
    assert len(warned) == 2 and all("torch.cuda.amp.custom_" in n for n in warned)
    assert "FutureWarning" not in capfd.readouterr().err


def test_an_unknown_functions_points_outside_its_forwards_domain_are_left_out_not_failed():
    pytest.importorskip("jax")
    rep = verify(DATA.parent / "jax" / "safe_log.py", dtype=["float32", "float64"])
    (r,) = rep.results
    assert r.passed and r.reference == "finite_difference", r.diagnosis
    assert any("float64 forward is not finite" in n and "left out" in n for n in r.notes)


def test_a_softplus_without_torchs_threshold_is_judged_as_one_in_float64():
    # jnp.logaddexp(x, 0) is 25 + e**-25 at 25, where torch's softplus (threshold 20) is 25: both right
    pytest.importorskip("jax")
    rep = verify(DATA.parent / "jax" / "softplus.py", dtype=["float64"])
    (r,) = rep.results
    assert r.passed and r.activation == "softplus", r.diagnosis
    assert r.params["threshold"] > 1e300 and any("threshold" in n for n in r.notes)


def test_a_fused_bias_activation_is_judged_at_a_zero_bias(tmp_path):
    # Megatron's GeLUFunction.apply(x, bias) with only its bare alias, no wrapper to call it through
    source = (DATA / "public.py").read_text()
    start = source.index("@torch.jit.script\ndef bias_gelu(")
    end = source.index("def bias_gelu_impl(")
    (tmp_path / "bias_gelu.py").write_text(
        "import torch\n\n\n" + source[start:end] + "bias_gelu_impl = GeLUFunction.apply\n"
    )
    rep = verify(tmp_path / "bias_gelu.py", dtype=["float32"])
    (r,) = rep.results
    assert r.name == "GeLUFunction" and r.activation == "gelu" and r.params.get("approximate") == "tanh"
    assert any("judged at bias = 0" in n for n in r.notes)
