"""CI and shell use: JUnit, quiet, colour, stdin, dense grids, worst points, pictures."""

import json
import os
import struct
import subprocess
import sys
from xml.etree import ElementTree as ET

import numpy as np
import pytest

from actcheck import check
from actcheck.files import write_atomic
from actcheck.grids import random_points
from actcheck.registry import ACTIVATIONS

ACT = [sys.executable, "-m", "actcheck"]


def test_junit_report_has_one_passing_testcase_per_activation(run, tmp_path):
    path = tmp_path / "report.xml"
    r = run("all", "--junit", path, "-q")
    assert r.exit_code == 0 and r.stdout == ""
    suite = ET.parse(path).getroot().find("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == len(ACTIVATIONS) and suite.get("failures") == "0"
    assert {c.get("name") for c in cases} == {f"{n}[float64]" for n in ACTIVATIONS}
    assert all(c.find("failure") is None for c in cases)


def test_junit_failure_names_the_worst_point_and_both_values(run, tmp_path):
    path = tmp_path / "r.xml"
    r = run("hardsigmoid", "2", "-1", "--rtol", "0", "--atol", "0", "--strict", "--junit", path, "-q")
    assert r.exit_code == 1
    failure = ET.parse(path).getroot().find("testsuite/testcase/failure")
    assert "at x = " in failure.get("message") and "numpy" in failure.text and "reference" in failure.text


def test_report_files_are_replaced_atomically(tmp_path, monkeypatch):
    path = tmp_path / "report.xml"
    path.write_text("old report")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_atomic(path, "new report")
    assert path.read_text() == "old report"  # nothing half-written, nothing lost
    assert [p.name for p in tmp_path.iterdir()] == ["report.xml"]  # the temporary file is gone


def test_quiet_prints_nothing_and_exit_code_speaks(run):
    assert run("tanh", "1", "-q").stdout == ""
    assert run("tanh", "1", "-q").exit_code == 0
    r = run("tanh", "1", "--rtol", "0", "--atol", "0", "-1e-3", "--quiet")
    assert r.stdout == "" and r.exit_code in (0, 1)


def test_no_colour_when_piped_and_with_no_color():
    env = dict(os.environ, NO_COLOR="1")
    env.pop("FORCE_COLOR", None)
    out = subprocess.run([*ACT, "sigmoid", "1"], capture_output=True, text=True, env=env).stdout
    assert "\x1b[" not in out and "PASS" in out


def test_force_color_forces_it():
    env = dict(os.environ, FORCE_COLOR="1")
    env.pop("NO_COLOR", None)
    out = subprocess.run([*ACT, "sigmoid", "1"], capture_output=True, text=True, env=env).stdout
    assert "\x1b[" in out


def test_values_from_stdin():
    p = subprocess.run(
        [*ACT, "tanh", "-", "--json"], input="\n".join(map(str, range(-5, 6))), capture_output=True, text=True
    )
    assert p.returncode == 0
    assert [pt["x"] for pt in json.loads(p.stdout)["points"]] == [float(v) for v in range(-5, 6)]


@pytest.mark.parametrize(
    ("text", "message"), [("", "no values in standard input"), ("1 2\n3 x4\n", "line 2: not a number: 'x4'")]
)
def test_bad_stdin_is_exit_two_with_line_and_token(run, text, message):
    r = run("tanh", "-", input=text)
    assert r.exit_code == 2 and message in r.stderr


def test_linspace_shows_a_short_table_of_the_worst_points(run):
    r = run("gelu", "--linspace", "-10", "10", "100001", "--worst", "5")
    assert r.exit_code == 0
    assert "5 worst of 100001 points" in r.stdout
    assert len([ln for ln in r.stdout.splitlines() if ln.rstrip().endswith("PASS")]) == 5


def test_json_gains_n_points_and_worst_and_drops_points_past_10000(run):
    d = json.loads(run("relu", "--linspace", "-1", "1", "20001", "--json", "--worst", "3").stdout)
    assert d["n_points"] == 20001 and len(d["worst"]) == 3 and "points" not in d
    d = json.loads(run("relu", "--linspace", "-1", "1", "20001", "--json", "--all-points").stdout)
    assert len(d["points"]) == 20001


def test_random_points_are_seeded_log_uniform_with_both_signs():
    x = random_points(20000, seed=3)
    assert np.array_equal(x, random_points(20000, seed=3)) and not np.array_equal(x, random_points(20000, seed=4))
    assert (x < 0).mean() == pytest.approx(0.5, abs=0.02)
    mags = np.abs(x)
    assert mags.min() < 1e-250 and mags.max() > 1e3  # tails and tiny values are sampled
    lo_hi = random_points(1000, seed=1, lo=-3, hi=2)
    assert lo_hi.min() >= -3 and lo_hi.max() <= 2


def test_random_cli(run):
    d = json.loads(run("softplus", "--random", "500", "--seed", "7", "--json").stdout)
    assert d["n_points"] == 500 and d["passed"]


def test_million_points_check_passes():
    r = check("sigmoid", np.linspace(-20, 20, 1_000_000))
    assert r.passed and r.n_points == 1_000_000


def test_version_and_completion_documented(run):
    assert run("--version").stdout.strip().startswith("actcheck ")
    assert "--install-completion" in run("--help").stdout


def _png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", data[16:24])
    return w, h


def test_plot_writes_a_valid_png_of_the_expected_size(run, tmp_path):
    out = tmp_path / "acts.png"
    r = run("plot", "sigmoid", "tanh", "gelu", "--out", out)
    assert r.exit_code == 0 and "wrote" in r.stdout
    data = out.read_bytes()
    assert _png_size(data) == (1980, 780)  # 3 columns at 5.5 x 6.5 inches, 120 dpi
    import matplotlib.image

    pixels = matplotlib.image.imread(out)
    assert pixels.shape[:2] == (780, 1980)
    assert pixels[..., :3].std() > 0.05  # not blank: curves, text and axes on white


def test_plot_all_draws_a_grid_of_every_activation_vectors_included(run, tmp_path):
    out = tmp_path / "all.png"
    r = run("plot", "all", "--out", out)
    assert r.exit_code == 0 and f"({len(ACTIVATIONS)} activations" in r.stdout
    w, h = _png_size(out.read_bytes())
    assert w > 1000 and h > w  # 4 columns, 7 rows


@pytest.mark.parametrize(("suffix", "magic"), [(".svg", b"<?xml"), (".pdf", b"%PDF")])
def test_plot_formats_by_suffix(run, tmp_path, suffix, magic):
    out = tmp_path / f"p{suffix}"
    assert run("plot", "relu", "--out", out, "--range", "-2", "2").exit_code == 0
    assert out.read_bytes().startswith(magic)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plot", "sigmod", "--out", "x.png"], "did you mean 'sigmoid'?"),
        (["plot", "relu", "--out", "/nonexistent-dir/x.png"], "no such directory '/nonexistent-dir'"),
        (["plot", "relu", "--out", "x.jpg"], "--out must end in"),
        (["plot", "relu", "--alpha", "2", "--out", "x.png"], "no activation plotted takes alpha"),
    ],
)
def test_plot_bad_input_exits_two(run, args, message):
    r = run(*args)
    assert r.exit_code == 2 and message in r.stderr


def test_json_and_quiet_together_is_a_usage_error(run):
    r = run("all", "--json", "-q")
    assert r.exit_code == 2 and "--json and --quiet" in r.stderr


def test_dense_all_keeps_the_summary_and_the_worst_points(run):
    d = json.loads(run("all", "--linspace", "-20", "20", "20001", "--json", "--worst", "4").stdout)
    assert d["passed"] and len(d["results"]) == len(ACTIVATIONS)
    for res in d["results"]:
        assert res["n_points"] == (20000 if res["activation"] == "glu" else 20001)
        assert len(res["worst"]) == 4 and "points" not in res


def test_compacting_a_result_keeps_its_verdict_and_errors(monkeypatch):
    from dataclasses import replace

    import actcheck.registry as acts

    good = acts.lookup("sigmoid")  # a NumPy sigmoid' off by 1e-6 relatively: a real failure at every point
    monkeypatch.setitem(
        acts._BY_KEY, acts._key("sigmoid"), replace(good, derivative=lambda x: good.derivative(x) * 1.000001)
    )
    full = check("sigmoid", np.linspace(-20, 20, 50001), rtol=0, atol=0)
    small = full.compact(5)
    assert small.passed == full.passed is False
    assert small.n_points == 50001 and small.x.size == 5
    assert small.max_abs_error == full.max_abs_error and small.failures() == full.failures()
