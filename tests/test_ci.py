"""actcheck in CI: picking activations, JUnit reports, GitHub annotations, accuracy gates, project defaults."""

import json

import pytest
from user_files import SIGMOID_RIGHT_TANH_SLIPPED


def _names(out):
    return [r["activation"] for r in json.loads(out)["results"]]


# ---------------------------------------------------------------- --select / --exclude


def test_all_select_holds_exactly_the_activations_selected(run):
    r = run("all", "--select", "sigmoid,tanh", "--json")
    assert r.exit_code == 0 and _names(r.stdout) == ["sigmoid", "tanh"]


def test_select_and_exclude_take_aliases_globs_and_repeats_as_ruff_does(run):
    r = run("all", "--select", "soft*", "--select", "swish", "--exclude", "softmax,softmin", "--json")
    assert _names(r.stdout) == ["softplus", "softsign", "silu", "softshrink"]
    r = run("all", "--exclude", "*relu*", "--exclude", "soft*,glu,log*", "--exclude", "h*,*shrink", "--json")
    # log* takes sigmoid too: its alias is logistic
    assert set(_names(r.stdout)) == {"threshold", "elu", "selu", "celu", "tanh", "silu", "mish", "gelu"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--select", "sigmoidd"],
            "actcheck: error: --select: unknown activation 'sigmoidd' — did you mean 'sigmoid'?",
        ),
        (["--select", "zz*"], "actcheck: error: --select 'zz*' matches no activation here"),
        (["--select", "tanh", "--exclude", "tanh"], "actcheck: error: --select and --exclude leave no activations"),
    ],
)
def test_a_bad_pattern_is_one_line_and_exit_2(run, args, message):
    r = run("all", *args)
    assert r.exit_code == 2 and r.stderr.startswith(message) and len(r.stderr.splitlines()) == 1 and not r.stdout


def test_accuracy_all_picks_with_select_and_exclude_and_refuses_a_vector(run):
    r = run(*r_args("relu*,hardtanh"))
    assert r.exit_code == 0
    assert sorted({row["activation"] for row in json.loads(r.stdout)["results"]}) == ["hardtanh", "relu"]
    bad = run("accuracy", "all", "--select", "softmax", "--dtype", "float16")
    assert bad.exit_code == 2 and "softmax is not among them (a vector activation" in bad.stderr


def r_args(select):
    return ["accuracy", "all", "--select", select, "--exclude", "relu6", "--dtype", "float16", "--quantity",
            "forward", "--json"]  # fmt: skip


# ---------------------------------------------------------------- --junit

SLIPPED = SIGMOID_RIGHT_TANH_SLIPPED


def _cases(path):
    from xml.etree import ElementTree as ET

    return {tc.get("name"): tc for tc in ET.parse(path).getroot().iter("testcase")}


def test_junit_makes_its_folders_records_real_times_and_puts_notes_and_deviations_in_system_out(run, tmp_path):
    out = tmp_path / "a" / "b" / "c.xml"
    r = run("selu", "--rtol", "0", "--atol", "0", "--junit", out, "-q")
    assert r.exit_code == 1
    case = _cases(out)["selu[float64]"]
    assert float(case.get("time")) > 0
    said = case.find("system-out").text
    assert "note: forward: 9 points where both sides are within 1 ULP of exact: not failures" in said
    assert "torch deviation: forward at x = -10000.0: torch -1.7580993408473766 (1.06 ULP from exact" in said


def test_verify_junit_names_the_failing_point_and_times_each_pair(run, tmp_path):
    f = tmp_path / "acts.py"
    f.write_text(SLIPPED)
    out = tmp_path / "reports" / "verify.xml"
    assert run("verify", f, "--junit", out, "-q").exit_code == 1
    cases = _cases(out)
    failure = cases["tanh[derivative]"].find("failure")
    assert failure.get("message") == (
        "backward is 1 - f(x): the square is missing (f'(x) = 1 - f(x)**2); "
        "worst at x = -10000.0: derivative yours 2.0, torch 0.0"
    )
    assert all(float(c.get("time")) > 0 for c in cases.values())
    assert cases["sigmoid[derivative]"].find("system-out").text == "note: your code warned: overflow encountered in exp"


def test_junit_under_a_file_is_one_line_and_exit_2(run, tmp_path):
    (tmp_path / "file").write_text("")
    r = run("tanh", "--junit", tmp_path / "file" / "x" / "y.xml")
    assert r.exit_code == 2 and "is not a directory" in r.stderr and len(r.stderr.splitlines()) == 1


# ---------------------------------------------------------------- --format


def test_format_github_annotates_a_failing_pair_at_its_derivatives_line(run, tmp_path, monkeypatch):
    (tmp_path / "acts.py").write_text(SLIPPED)
    monkeypatch.chdir(tmp_path)
    r = run("verify", tmp_path / "acts.py", "--format", "github")
    assert r.exit_code == 1
    assert r.stdout.splitlines() == [
        "::error file=acts.py,line=17,title=actcheck verify%3A tanh::tanh (against torch): backward is 1 - f(x): "
        "the square is missing (f'(x) = 1 - f(x)**2)%0A  at x = -10000.0: derivative yours 2.0, torch 0.0"
        "%0A  at x = -750.0: derivative yours 2.0, torch 0.0%0A  at x = -100.0: derivative yours 2.0, torch 0.0"
    ]


def test_format_github_points_at_a_one_function_pair_and_at_a_class(run, tmp_path):
    f = tmp_path / "acts.py"
    f.write_text(
        "import numpy as np\n\n\ndef tanh(x, derivative=False):\n    if derivative:\n        return 1 - np.tanh(x)\n"
        "    return np.tanh(x)\n\n\nclass Relu:\n    def forward(self, x):\n        self.x = x\n"
        "        return np.maximum(x, 0)\n\n    def backward(self, d):\n        return d\n"
    )
    r = run("verify", f, "--format", "github")
    assert [line.split(",title=")[0].rsplit(",", 1)[1] for line in r.stdout.splitlines()] == ["line=4", "line=15"]


def test_format_github_annotates_failing_checks_and_says_nothing_when_all_pass(run):
    r = run("hardsigmoid", "2", "-1", "--rtol", "0", "--atol", "0", "--strict", "--format", "github")
    assert r.exit_code == 1 and r.stdout.startswith("::error title=actcheck hardsigmoid[float64]::")
    ok = run("all", "--select", "relu,tanh", "--format", "github")
    assert ok.exit_code == 0 and ok.stdout == ""


def test_format_json_is_json_and_table_is_the_default(run):
    assert run("tanh", "0", "1", "--format", "json").stdout == run("tanh", "0", "1", "--json").stdout
    assert run("tanh", "0", "1", "--format", "table").stdout == run("tanh", "0", "1").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "actcheck: error: --format takes table, json, github, not 'xml'"),
        (["--format", "table", "--json"], "actcheck: error: --json and --format table cannot be used together"),
    ],
)
def test_a_bad_format_is_one_line_and_exit_2(run, args, message):
    r = run("tanh", *args)
    assert r.exit_code == 2 and r.stderr.strip() == message


# ---------------------------------------------------------------- accuracy gates

TANH16 = ["accuracy", "tanh", "--dtype", "float16", "--quantity", "backward"]


def test_accuracy_fail_above_exits_1_listing_the_rows_past_the_limit(run):
    r = run(*TANH16, "--fail-above", "1")
    assert r.exit_code == 1
    gate = r.stdout[r.stdout.index("accuracy gate:") :].splitlines()
    assert gate[0] == "accuracy gate: 2 rows failed"
    assert [line.split(":")[0] for line in gate[1:]] == [
        "FAIL tanh float16 backward torch",
        "FAIL tanh float16 backward torch_forward_ad",
    ]  # NumPy's row is within 1 ULP: not listed
    assert "ULP > 1" in gate[1]


def test_accuracy_fail_above_per_implementation_the_most_specific_wins(run):
    lenient = ["--fail-above", "torch.backward=4096", "--fail-above", "torch_forward_ad=4096"]
    assert run(*TANH16, "--fail-above", "1", *lenient, "-q").exit_code == 0
    assert run(*TANH16, "--fail-above", "numpy=0", *lenient, "-q").exit_code == 1


def test_accuracy_fail_on_findings_keeps_json_clean_and_lists_rows_on_stderr(run):
    r = run(*TANH16, "--fail-on", "non-finite,wrong-zero", "--json")
    assert r.exit_code == 1 and json.loads(r.stdout)["results"]
    assert r.stderr.splitlines()[1] == "FAIL tanh float16 backward torch: 2048 wrong-zero (first at x = -9.0078125)"
    assert run(*TANH16, "--fail-on", "wrong-sign", "-q").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fail-above", "x=2"], "--fail-above 'x=2': no implementation 'x' (numpy, torch, torch_forward_ad)"),
        (
            ["--fail-above", "numpy.grad=2"],
            "--fail-above 'numpy.grad=2': no quantity 'grad' (forward, backward, second)",
        ),
        (["--fail-above", "-1"], "--fail-above takes [IMPL[.QUANTITY]=]ULP with ULP a number >= 0, got '-1'"),
        (["--fail-on", "wrong"], "--fail-on takes wrong-zero, non-finite, wrong-sign, not 'wrong'"),
    ],
)
def test_a_bad_gate_is_one_line_and_exit_2_before_any_work(run, args, message):
    r = run("accuracy", "tanh", *args)
    assert r.exit_code == 2 and r.stderr.strip() == f"actcheck: error: {message}"


# ---------------------------------------------------------------- [tool.actcheck]


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder with a pyproject.toml, and a subfolder (with its own pyproject, without the table) as cwd."""
    sub = tmp_path / "pkg"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[project]\nname = "pkg"\n')
    monkeypatch.chdir(sub)

    def configure(text):
        (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.actcheck]\n' + text)
        return tmp_path / "pyproject.toml"

    return configure


def test_the_nearest_tool_actcheck_table_sets_the_defaults_and_a_flag_wins(run, project):
    project('select = ["sigmoid", "tanh"]\ndtype = "float32"\nrtol = 0.5\n')
    r = json.loads(run("all", "--json").stdout)
    assert [(x["activation"], x["dtype"], x["rtol"]) for x in r["results"]] == [
        ("sigmoid", "float32", 0.5),
        ("tanh", "float32", 0.5),
    ]
    r = json.loads(run("all", "--select", "relu", "--dtype", "float64", "--rtol", "0", "--json").stdout)
    assert [(x["activation"], x["dtype"], x["rtol"]) for x in r["results"]] == [("relu", "float64", 0.0)]
    assert json.loads(run("tanh", "0", "--json").stdout)["dtype"] == "float32"


def test_the_projects_timeout_bounds_verify(run, project, tmp_path):
    project("timeout = 0.5\n")
    slow = tmp_path / "slow.py"
    slow.write_text("import time\ntime.sleep(30)\n")
    r = run("verify", slow)
    assert r.exit_code == 2 and "did not finish within the time limit of 0.5 s" in r.stderr


def test_accuracy_all_takes_the_projects_selection_leaving_vectors_aside(run, project):
    project('select = ["tanh", "softmax"]\n')
    r = run("accuracy", "all", "--dtype", "float16", "--quantity", "forward", "--json")
    assert {row["activation"] for row in json.loads(r.stdout)["results"]} == {"tanh"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('rtol = "big"\n', "[tool.actcheck] rtol must be a number, got 'big'"),
        ('dtypes = "f"\n', "[tool.actcheck] has no setting 'dtypes' (it takes dtype, rtol, atol, select, exclude,"),
        ('dtype = "float99"\n', "[tool.actcheck] unknown dtype 'float99'"),
        ('select = "sigmoidd"\n', "[tool.actcheck] select: unknown activation 'sigmoidd' — did you mean 'sigmoid'?"),
        ("timeout = -1\n", "[tool.actcheck] timeout must be a positive number of seconds"),
        ("select = [\n", "not valid TOML"),
    ],
)
def test_a_bad_setting_is_one_line_and_exit_2_naming_the_file(run, project, text, message):
    path = project(text)
    r = run("tanh", "0")
    assert r.exit_code == 2 and len(r.stderr.splitlines()) == 1 and not r.stdout
    assert r.stderr.startswith(f"actcheck: error: {path}: {message}")


# ---------------------------------------------------------------- verify FILE...


def test_verify_takes_several_files_and_skip_empty_passes_over_those_without_a_pair(run, tmp_path):
    (tmp_path / "acts.py").write_text(SLIPPED)
    (tmp_path / "consts.py").write_text("SCALE = 2.0\n")
    r = run("verify", tmp_path / "acts.py", tmp_path / "consts.py", "--skip-empty", "--json")
    d = json.loads(r.stdout)
    assert r.exit_code == 1 and d["passed"] is False and [f["file"] for f in d["files"]] == [str(tmp_path / "acts.py")]
    plain = run("verify", tmp_path / "acts.py", tmp_path / "consts.py")
    assert plain.exit_code == 2 and "consts.py holds no activation pair" in plain.stderr
