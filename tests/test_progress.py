"""Progress on stderr for slow work: on a terminal, after about a second, never on a pipe or in the output."""

import io
import os
import pty
import subprocess
import sys

from actcheck import check
from actcheck.progress import Stages

ACT = [sys.executable, "-m", "actcheck"]
SLOW = ["mish", "--random", "100000", "--order", "2", "--fd", "-q"]  # a few seconds: torch, FD, NumPy, ...


def test_a_check_reports_each_step_ending_with_all_done():
    seen = []
    check("gelu", [-1.0, 0.0, 1.0], oracle=True, fd=True, order=2, progress=lambda *a: seen.append(a))
    steps = [s for s, _, _ in seen]
    assert steps[0] == "torch" and "NumPy" in steps and "exact values" in steps and "finite difference" in steps
    done = [d for _, d, _ in seen]
    assert done == sorted(done) and seen[-1][1] == seen[-1][2]  # it only moves forward, and ends full


def test_a_vector_check_reports_its_jacobian_step_too():
    seen = []
    check("softmax", [-1.0, 0.0, 1.0], progress=lambda *a: seen.append(a))
    assert "who is right (Jacobian)" in [s for s, _, _ in seen] and seen[-1][1] == seen[-1][2]


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_work_done_before_the_delay_shows_no_bar(monkeypatch):
    monkeypatch.setattr(sys, "stderr", _Terminal())
    with Stages("checking", delay=60) as bar:
        bar("torch", 0, 2)
        bar("NumPy", 1, 2)
    assert bar._bar is None and sys.stderr.getvalue() == ""


def _on_a_terminal(args):
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR")} | {"TERM": "xterm"}
    p = subprocess.Popen([*ACT, *args], stdout=subprocess.DEVNULL, stderr=slave, env=env)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return p.wait(120), out.decode(errors="replace")


def test_a_long_check_shows_its_steps_on_a_terminal_then_clears_them():
    code, err = _on_a_terminal(SLOW)
    assert code == 0
    assert "checking mish: " in err and "/5" in err  # the step at work, and how many of the five are done


def test_a_long_check_writes_nothing_to_a_piped_stderr():
    p = subprocess.run([*ACT, *SLOW], capture_output=True, text=True)
    assert p.returncode == 0 and p.stderr == "" and p.stdout == ""
