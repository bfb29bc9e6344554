"""In a real terminal: tables fit its width without cutting a number or a verdict; piped output stays whole."""

import functools
import os
import re
import sys

import pytest
from pty_run import run_on_pty
from rich.console import Console
from typer.testing import CliRunner

from actcheck import check, layout, report
from actcheck.cli import app

ACT = [sys.executable, "-m", "actcheck"]
DATA = os.path.join(os.path.dirname(__file__), "data")


@functools.cache
def in_terminal(*args, cols=80):
    """Run actcheck with stdout on a pty of ``cols`` columns (its size set as a terminal sets it); stdout text."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "FORCE_COLOR")} | {"NO_COLOR": "1"}
    return run_on_pty([*ACT, *map(str, args)], env, cols=cols)


@functools.cache
def piped(*args):
    """actcheck's stdout when it is not a terminal (in-process: the same code path, no start-up to pay)."""
    r = CliRunner().invoke(app, list(args), env={"NO_COLOR": "1"})
    return r.exit_code, r.stdout


def assert_fits(out, cols=80):
    lines = out.splitlines()
    assert max(len(ln) for ln in lines) <= cols, max(lines, key=len)
    assert "…" not in out


@pytest.mark.parametrize(
    "args",
    [
        ("sigmoid", "-5", "0", "2", "3", "5"),
        ("gelu", "--oracle", "--fd", "--order", "2", "-1", "0", "1"),
        ("selu", "--rtol", "0", "--atol", "0"),
    ],
    ids=lambda a: " ".join(a),
)
def test_a_check_fits_80_columns_with_every_number_and_verdict_whole(args):
    code, out = in_terminal(*args)
    assert_fits(out)
    _, full = piped(*args)
    rows = [ln.split() for ln in full.splitlines() if ln.rstrip().endswith(("PASS", "FAIL", "closer)"))]
    xs = [row[0] for row in rows]
    for x in xs:  # every point's x is there, whole, first on its line
        assert any(ln.split()[:1] == [x] for ln in out.splitlines()), x
    verdicts = re.findall(r"\b(PASS|FAIL)\b", out)
    assert len(verdicts) >= len(rows)


def test_a_fitted_table_says_what_it_left_out_and_how_to_see_it():
    _, out = in_terminal("gelu", "--oracle", "--fd", "--order", "2", "-1", "0", "1")
    note = " ".join(out[out.index("80 columns:") :].split("\n")[:2])  # it may wrap, at a space
    line = note[: note.index("shows all")]
    assert "|Δf|" in line and "FD |Δ|" in line and "--wide" in line and "--json" in line


def test_a_wide_enough_terminal_shows_the_full_table_and_no_note():
    _, out = in_terminal("sigmoid", "-5", "0", "2", cols=140)
    assert "|Δf'|" in out and "0.006692850924" in out and "columns:" not in out


def test_wide_prints_on_a_terminal_what_a_pipe_gets():
    args = ("gelu", "--oracle", "--fd", "--order", "2", "-1", "0", "1")
    _, wide = in_terminal(*args, "--wide")
    _, full = piped(*args)
    assert [ln.rstrip() for ln in wide.splitlines()] == [ln.rstrip() for ln in full.splitlines()]


def test_verify_puts_each_diagnosis_below_its_row_at_80_columns():
    code, out = in_terminal("verify", os.path.join(DATA, "slips.py"))
    assert code == 1
    assert_fits(out)
    lines = out.splitlines()
    row = next(i for i, ln in enumerate(lines) if ln.startswith("tanh ") and "FAIL" in ln)
    assert lines[row + 1].startswith("    backward is 1 - f(x): the square is missing")


@pytest.mark.parametrize("args", [("all",), ("list",), ("accuracy", "relu", "--samples", "4096")], ids=str)
def test_all_list_and_accuracy_fit_80_columns(args):
    code, out = in_terminal(*args)
    assert code == 0
    assert_fits(out)


def test_all_keeps_every_activation_and_verdict_at_80_columns():
    from actcheck.registry import ACTIVATIONS

    _, out = in_terminal("all")
    named = {ln.split()[1] for ln in out.splitlines() if ln.startswith("│")}
    assert named == set(ACTIVATIONS)
    assert out.count("PASS") >= len(ACTIVATIONS)


def test_list_keeps_every_parameter_value_whole_at_80_columns():
    _, out = in_terminal("list")
    assert "upper=0.3333333333333333" in out and "negative_slope=0.01" in out


def test_accuracy_shows_every_dtype_and_its_coverage_at_80_columns():
    _, out = in_terminal("accuracy", "relu", "--samples", "4096")
    for d in ("float16", "bfloat16", "float32"):
        assert f"max ULP error · {d}" in out
    assert "points: float16 all 63,488" in out


# ---------------------------------------------------------------- the layout, in-process


def test_piped_rendering_is_the_full_table_whatever_its_width():
    con = Console(width=200, record=True, color_system=None, file=open(os.devnull, "w"))  # noqa: SIM115
    r = check("gelu", [-1.0, 0.0, 1.0], oracle=True, fd=True, order=2)
    report.render_result(con, r)
    text = con.export_text()
    for head in ("|Δf|", "|Δf'|", "|Δf''|", "FD |Δ|", "ULP f np/torch", "verdict"):
        assert head in text
    assert "columns:" not in text


def test_packed_never_splits_an_item_and_keeps_within_the_width():
    items = ["max |Δ forward| = 1.1e-16", "max |Δ backward| = 4.2e-17", "max |Δ vjp| = 5.6e-17"]
    lines = layout.packed(items, 60)
    assert lines == ["max |Δ forward| = 1.1e-16  max |Δ backward| = 4.2e-17", "max |Δ vjp| = 5.6e-17"]
    assert layout.packed(items, None) == ["  ".join(items)]


def test_the_first_layout_that_fits_is_chosen_else_the_last():
    from rich.text import Text

    con = Console(width=80, file=open(os.devnull, "w"))  # noqa: SIM115
    layouts = [lambda: (Text("x" * 100), "wide"), lambda: (Text("x" * 70), "fits"), lambda: (Text("x"), "small")]
    assert layout.first_fitting(con, 80, layouts)[1] == "fits"
    assert layout.first_fitting(con, 10, layouts)[1] == "small"
    assert layout.first_fitting(con, None, layouts)[1] == "wide"
