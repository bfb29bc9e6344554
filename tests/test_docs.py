"""The README and docs/ say what actcheck does: every shell example in them runs, as shown.

An example is a fenced block tagged ``console``: each line starting with ``$ `` is a command run
by a shell (in a copy of docs/ and tests/data/, with this checkout's actcheck first on PATH),
expected to exit 0 unless it ends with ``# exit N``; the lines under it are its output, piped,
each shown line found in what it prints in the same order (spaces collapsed; ``...`` stands for
lines left out). A block tagged ``console cols=80`` runs its commands in a terminal (a pty) of
that width instead, as a person at it sees them. A ``$ `` line in any other fenced block is an
error: every example runs.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[1]
PAGES = [CHECKOUT / "README.md", *sorted((CHECKOUT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\S*)(?:\s+cols=(\d+))?\s*$")
EXIT = re.compile(r"\s+#\s*exit\s+(\d+)\s*$")
CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")  # a terminal's cursor and erase sequences (the progress bar's)


def examples(page):
    """(line number, command, exit status, terminal columns or None, shown lines) for each ``$`` line of a page."""
    found, lang, cols, command = [], None, None, None
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        fence = FENCE.match(line)
        if fence:
            lang = None if lang is not None else fence.group(1)
            cols = fence.group(2) and int(fence.group(2))
            command = None
        elif lang is not None and line.startswith("$ "):
            assert lang == "console", f"{page.name}:{number}: a shell example outside a ```console block"
            status = EXIT.search(line)
            command = [number, EXIT.sub("", line[2:]), int(status.group(1)) if status else 0, cols, []]
            found.append(command)
        elif command is not None:
            command[4].append(line)
    return found


CASES = [
    pytest.param(page, *example, id=f"{page.relative_to(CHECKOUT)}:{example[0]}")
    for page in PAGES
    for example in examples(page)
]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A copy of what the examples name (docs/, tests/data/), so that files they write go nowhere real."""
    where = tmp_path_factory.mktemp("docs")
    shutil.copytree(CHECKOUT / "docs", where / "docs")
    shutil.copytree(CHECKOUT / "tests" / "data", where / "tests" / "data")
    return where


def _words(line):
    return " ".join(line.split())


def test_every_page_has_examples_and_the_readme_starts_with_the_install():
    assert len(CASES) >= 10
    head = (CHECKOUT / "README.md").read_text(encoding="utf-8").splitlines()[:80]
    assert any(line.startswith("pip install") for line in head)
    assert "make test" in (CHECKOUT / "README.md").read_text(encoding="utf-8")


def _in_terminal(command, cols):
    """The argv that runs ``command`` in a terminal ``cols`` wide and prints its exit status last."""
    script = f'stty cols {cols} rows 50; {command}; echo "[exit $?]"'
    return ["script", "-qec", script, "/dev/null"]


@pytest.mark.parametrize("page, number, command, status, cols, shown", CASES)
def test_each_shell_example_runs_as_shown(workdir, page, number, command, status, cols, shown):
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", NO_COLOR="1")
    env.pop("COLUMNS", None)
    argv = _in_terminal(command, cols) if cols else ["bash", "-c", command]
    r = subprocess.run(argv, cwd=workdir, env=env, capture_output=True, text=True, timeout=300)
    where = f"{page.name}:{number}: {command}"
    out = r.stdout.replace("\r\n", "\n") + r.stderr
    if cols:  # what stays on the screen: each line as its last carriage return left it
        out = "\n".join(line.split("\r")[-1] for line in CONTROL.sub("", out).split("\n"))
        out, _, code = out.rpartition("[exit ")
        returncode = int(code.split("]")[0])
        assert all(len(line) <= cols for line in out.splitlines()), f"{where}\nwider than {cols}:\n{out}"
    else:
        returncode = r.returncode
    assert returncode == status, f"{where}\nexit {returncode}\n{out[-4000:]}"
    printed = [_words(line) for line in out.splitlines()]
    at = 0
    for line in shown:
        if not line.strip() or line.strip() == "...":
            continue
        want = _words(line)
        while at < len(printed) and printed[at] != want:
            at += 1
        assert at < len(printed), f"{where}\nnot printed (in this order): {line!r}\n" + "\n".join(printed[-40:])
        at += 1
