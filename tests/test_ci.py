"""actcheck in CI: picking activations, JUnit reports, GitHub annotations, accuracy gates, project defaults."""

import json

import pytest


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
