"""What --help and usage errors tell: every option explained, parameters tied to their activations,
dtype names as people write them, an unknown option named as one with the nearest suggested."""

import re
from fractions import Fraction

import numpy as np
import pytest
import typer

from actcheck import check
from actcheck.cli import app
from actcheck.dtypes import get_dtype
from actcheck.options import PARAM_HELP
from actcheck.registry import ACTIVATIONS


def _commands():
    root = typer.main.get_command(app)
    return [root, *root.commands.values()]


@pytest.mark.parametrize("command", _commands(), ids=lambda c: c.name)
def test_every_option_has_a_line_of_help(command):
    options = [p for p in command.params if getattr(p, "param_type_name", "") == "option"]
    assert options
    missing = [p.opts[0] for p in options if not (p.help or "").strip()]
    assert missing == []


@pytest.mark.parametrize("name", PARAM_HELP)
def test_a_parameter_flag_names_the_activations_that_take_it_with_their_defaults(name):
    takers = {a.name: a.params[name] for a in ACTIVATIONS.values() if name in a.params}
    named = {}
    for clause in PARAM_HELP[name].split("; "):
        who, _, what = clause.partition(": ")
        default = re.search(r"\(default ([^)]*)\)", what).group(1).strip("'")
        for act in who.split(", "):
            named[act] = default
    assert set(named) == set(takers)
    for act, default in named.items():
        expected = takers[act]
        assert default == expected if isinstance(expected, str) else float(Fraction(default)) == expected


def test_a_parameter_flag_shows_its_activations_in_help(run):
    out = " ".join(run("check", "--help").stdout.split())
    assert "--negative-slope <float> leaky_relu: the slope for x < 0" in out


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("fp32", "float32"), ("f32", "float32"), ("single", "float32"), ("torch.float32", "float32"),
        ("half", "float16"), ("fp16", "float16"), ("np.float16", "float16"),
        ("bf16", "bfloat16"), ("torch.bfloat16", "bfloat16"),
        ("double", "float64"), ("fp64", "float64"), ("FLOAT64", "float64"),
    ],
)  # fmt: skip
def test_dtype_aliases_name_the_dtype_in_the_api_and_the_cli(run, alias, name):
    assert get_dtype(alias).name == name
    assert check("sigmoid", [1.0], dtype=alias).dtype == name
    r = run("sigmoid", "1", "--dtype", alias, "--json")
    assert r.exit_code == 0 and f'"dtype": "{name}"' in r.stdout


def test_an_alias_and_its_name_are_one_dtype_checked_once(run):
    r = run("sigmoid", "1", "--dtype", "fp32", "--dtype", "float32", "--json")
    assert r.exit_code == 0 and r.stdout.count('"dtype": "float32"') == 1


def test_an_unknown_dtype_lists_names_and_aliases(run):
    r = run("sigmoid", "1", "--dtype", "fp8")
    assert r.exit_code == 2 and "unknown dtype 'fp8'" in r.stderr and "fp32" in r.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sigmoid", "--tol", "1e-3"], "no such option: --tol — did you mean --atol or --rtol?"),
        (["sigmoid", "1", "--tol=1e-3"], "no such option: --tol — did you mean --atol or --rtol?"),
        (["all", "--tol", "1"], "no such option: --tol — did you mean --atol or --rtol?"),
        (["verify", "x.py", "--timout", "3"], "no such option: --timout — did you mean --timeout?"),
        (["sigmoid", "1", "--zzz"], "no such option: --zzz"),
    ],
)
def test_an_unknown_option_is_named_as_one_with_the_nearest_suggested(run, args, message):
    r = run(*args)
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.strip() == f"actcheck: error: {message}"


def test_negative_numbers_and_signed_infinities_are_still_values(run):
    r = run("sigmoid", "-5", "-inf", "-1e-3", "-.5", "--json")
    assert r.exit_code == 0
    assert np.isneginf(check("sigmoid", [-np.inf]).x[0])
