"""The command line: exit codes, JSON shape, negative numbers, and one-line errors for bad input."""

import json
import subprocess
import sys

import pytest


def test_negative_values_are_values_not_options(run):
    r = run("sigmoid", "-5", "0", "2", "3", "5")
    assert r.exit_code == 0, r.output
    assert "PASS" in r.stdout
    assert "0.006692850924" in r.stdout  # the seed notebook's sigmoid(-5)


def test_scientific_and_non_finite_values_parse(run):
    r = run("tanh", "-1e-300", "-inf", "nan", "--json")
    xs = [p["x"] for p in json.loads(r.stdout)["points"]]
    assert xs == [-1e-300, "-inf", "nan"]


def test_json_shape_for_one_activation(run):
    r = run("elu", "--alpha", "2", "-1", "0", "1", "--json")
    assert r.exit_code == 0
    d = json.loads(r.stdout)
    assert d["activation"] == "elu" and d["params"] == {"alpha": 2.0} and d["dtype"] == "float64"
    assert d["rtol"] == 1e-7 and d["atol"] == 1e-7 and d["passed"] is True
    assert {"forward", "backward"} <= set(d["max_abs_error"])
    p = d["points"][1]
    assert p["x"] == 0.0 and p["backward"]["numpy"] == 2.0 and p["backward"]["torch"] == 2.0
    assert set(p["forward"]) >= {"numpy", "torch"} and p["passed"] is True


def test_json_is_strict_with_non_finite_as_strings(run):
    r = run("relu", "nan", "inf", "--json")
    d = json.loads(r.stdout, parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))
    assert d["points"][0]["forward"]["numpy"] == "nan"
    assert d["points"][1]["forward"]["torch"] == "inf"


def test_all_passes_and_exits_zero(run):
    r = run("all", "--json")
    assert r.exit_code == 0
    d = json.loads(r.stdout)
    assert d["passed"] is True and len(d["results"]) >= 23


def test_all_takes_several_dtypes(run):
    r = run("all", "--dtype", "float32", "--dtype", "bfloat16", "--json")
    assert r.exit_code == 0
    dtypes = {res["dtype"] for res in json.loads(r.stdout)["results"]}
    assert dtypes == {"float32", "bfloat16"}


def test_a_failing_check_exits_one(run):
    # torch's float64 hardsigmoid' uses a float32 1/6: with zero tolerance and --strict its deviation fails
    r = run("hardsigmoid", "1", "--rtol", "0", "--atol", "0", "--strict")
    assert r.exit_code == 1
    assert "FAIL" in r.stdout


def test_list_json(run):
    r = run("list", "--json")
    items = {i["name"]: i for i in json.loads(r.stdout)}
    assert items["relu"]["kinks"] == [0.0]
    assert items["hardtanh"]["kinks"] == [-1.0, 1.0]
    assert items["sigmoid"]["kinks"] == []
    assert items["leaky_relu"]["params"] == {"negative_slope": 0.01}
    assert "swish" in items["silu"]["aliases"]


def test_list_table_shows_parameters_and_formulas(run):
    r = run("list")
    assert r.exit_code == 0 and "negative_slope=0.01" in r.stdout and "x * sigmoid(x)" in r.stdout
    flat = " ".join(r.stdout.replace("│", " ").split())  # the table may wrap the formula
    assert "[a, b]" in flat  # brackets in a formula are text, not a rich style tag


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sigmoid", "abc"], "not a number: 'abc'"),
        (["sigmod", "1"], "did you mean 'sigmoid'?"),
        (["sigmoid", "--dtype", "float8", "1"], "unknown dtype 'float8'"),
        (["sigmoid", "--rtol", "-1", "1"], "non-negative"),
        (["sigmoid", "--worst", "0", "1"], "--worst"),
        (["sigmoid", "--linspace", "0", "1", "2.5"], "--linspace"),
        (["hardtanh", "--min-val", "2", "--max-val", "1", "0"], "min_val (2.0) cannot be greater than max_val (1.0)"),
        (["elu", "--beta", "2", "1"], "elu has no parameter beta"),
        (["sigmoid", "--order", "3", "1"], "--order"),
        (["sigmoid", "--json", "-q", "1"], "--json and --quiet"),
        (["sigmoid", "--alpah", "1"], "no such option: --alpah — did you mean --alpha?"),
        (["gelu", "--approximate", "fast", "1"], "approximate must be"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_two(run, args, message):
    r = run(*args)
    assert r.exit_code == 2, r.output
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], r.stderr
    assert "Traceback" not in r.stderr


def test_python_dash_m_behaves_the_same():
    p = subprocess.run(
        [sys.executable, "-m", "actcheck", "sigmoid", "-5", "0", "--json"], capture_output=True, text=True
    )
    assert p.returncode == 0
    assert json.loads(p.stdout)["activation"] == "sigmoid"
    assert p.stderr == ""


def test_help_documents_exit_codes(run):
    r = run("--help")
    assert r.exit_code == 0
    assert "Exit codes" in r.stdout and "2 bad usage" in r.stdout


def test_version(run):
    r = run("--version")
    assert r.exit_code == 0 and r.stdout.startswith("actcheck ")


def test_help_documents_every_exit_code(run):
    out = " ".join(run("--help").stdout.split())
    for code in ("0 every check passed", "1 a check failed", "2 bad usage", "74 output could not be written"):
        assert code in out
    assert "130 interrupted" in out and "141 the reader closed the pipe" in out


@pytest.mark.parametrize("renderer, argv", [("render_result", ["relu", "1"]), ("render_list", ["list"])])
def test_a_bug_of_actcheck_anywhere_is_one_line_and_exit_70_never_a_traceback(renderer, argv):
    script = (
        "import sys, actcheck.report as r\n"
        "def broken(*a, **k): raise KeyError('a renderer bug')\n"
        f"r.{renderer} = broken\n"
        f"sys.argv = ['actcheck', *{argv!r}]\n"
        "from actcheck.__main__ import main; main()\n"
    )
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert p.returncode == 70, p.stderr
    assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1
    assert "internal error: KeyError: 'a renderer bug'" in p.stderr and "please report" in p.stderr
