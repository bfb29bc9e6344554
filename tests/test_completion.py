"""Shell completion completes: the protocol the shells speak (``_ACTCHECK_COMPLETE``), and once a real bash."""

import os
import shutil
import subprocess
import sys

import pytest

ACTCHECK = [sys.executable, "-m", "actcheck"]


def complete(words, shell="bash"):
    """What actcheck answers a shell completing the last word of ``words`` (a trailing space: a new word)."""
    env = dict(os.environ, _ACTCHECK_COMPLETE=f"complete_{shell}")
    if shell == "bash":
        parts = words.split(" ")
        env.update(COMP_WORDS=words, COMP_CWORD=str(len(parts) - 1))
    else:
        env.update(_TYPER_COMPLETE_ARGS=words, _TYPER_COMPLETE_FISH_ACTION="get-args")
    r = subprocess.run(ACTCHECK, env=env, capture_output=True, text=True, timeout=60)
    assert (r.returncode, r.stderr) == (0, "")
    return r.stdout.split()


@pytest.mark.parametrize(
    "words, expected",
    [
        ("actcheck sig", ["sigmoid"]),
        ("actcheck check --dt", ["--dtype"]),
        ("actcheck check relu --dtype bf", ["bfloat16"]),
        ("actcheck sigmoid --dtype float1", ["float16"]),
        ("actcheck gelu --approximate t", ["tanh"]),
        ("actcheck ver", ["verify"]),
        ("actcheck plot gel", ["gelu"]),
        ("actcheck accuracy al", ["all"]),
        ("actcheck log_s", ["log_sigmoid", "log_softmax"]),  # an alias completes as well as a name
    ],
)
def test_each_word_completes_to_what_it_can_be(words, expected):
    assert sorted(complete(words)) == sorted(expected)


def test_the_first_word_offers_subcommands_and_activations():
    words = complete("actcheck ")
    assert {"check", "all", "list", "verify", "plot", "accuracy"} <= set(words)
    assert {"sigmoid", "glu", "swish"} <= set(words)


def test_verify_leaves_its_file_to_the_shells_file_completion():
    assert complete("actcheck verify my_a") == []  # every script typer writes then completes file names


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_complete_too(shell):
    assert "sigmoid" in " ".join(complete("actcheck sig", shell))


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_a_real_bash_completes_with_the_script_actcheck_installs(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ, HOME=str(home), SHELL="/bin/bash", _TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1")
    r = subprocess.run([*ACTCHECK, "--install-completion", "bash"], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    [script] = (home / ".bash_completions").glob("actcheck*")
    shim = tmp_path / "bin" / "actcheck"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec {sys.executable} -m actcheck "$@"\n')
    shim.chmod(0o755)
    drive = (
        f"source {script}; "
        'for w in "actcheck sig" "actcheck check --dt" "actcheck check relu --dtype bf"; do '
        'read -ra COMP_WORDS <<< "$w"; COMP_CWORD=$((${#COMP_WORDS[@]}-1)); '
        '_actcheck_completion actcheck; echo "${COMPREPLY[*]}"; done'
    )
    env["PATH"] = f"{shim.parent}{os.pathsep}{env['PATH']}"
    r = subprocess.run(["bash", "--norc", "-c", drive], env=env, capture_output=True, text=True, timeout=120)
    assert r.stdout.splitlines() == ["sigmoid", "--dtype", "bfloat16"], r.stderr


@pytest.mark.parametrize(
    "shell, marker",
    [("bash", "complete -o default"), ("zsh", "#compdef actcheck"), ("fish", "complete --command actcheck")],
)
def test_show_completion_prints_the_named_shells_script(shell, marker):
    r = subprocess.run([*ACTCHECK, "--show-completion", shell], capture_output=True, text=True, timeout=60)
    assert (r.returncode, r.stderr) == (0, "")
    assert marker in r.stdout


@pytest.mark.parametrize(
    "shell, where",
    [
        ("bash", ".bash_completions/actcheck.sh"),
        ("zsh", ".zfunc/_actcheck"),
        ("fish", ".config/fish/completions/actcheck.fish"),
    ],
)
def test_install_completion_installs_for_the_named_shell(tmp_path, shell, where):
    env = dict(os.environ, HOME=str(tmp_path))
    r = subprocess.run([*ACTCHECK, "--install-completion", shell], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / where).is_file()
    assert f"{shell} completion installed in {tmp_path / where}" in r.stdout


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["--show-completion", "tcsh"], 2, "no completion for the shell 'tcsh'"),
        (["--show-completion", "bash", "zsh"], 2, "takes one shell name at most"),
    ],
)
def test_a_shell_actcheck_cannot_complete_is_one_line_exit_2(args, code, message):
    r = subprocess.run([*ACTCHECK, *args], capture_output=True, text=True, timeout=60)
    assert r.returncode == code and r.stdout == ""
    assert r.stderr.count("\n") == 1 and message in r.stderr


def test_install_completion_into_a_home_it_cannot_write_is_one_line_exit_74(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o555)
    env = dict(os.environ, HOME=str(home))
    cmd = ACTCHECK
    if os.geteuid() == 0:  # root writes anywhere: drop to nobody, as a user would be
        if shutil.which("setpriv") is None:
            pytest.skip("root, and no setpriv to drop privileges")
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *ACTCHECK]
    r = subprocess.run([*cmd, "--install-completion", "bash"], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 74, r.stderr
    assert r.stderr.count("\n") == 1 and "cannot install completion: Permission denied" in r.stderr
