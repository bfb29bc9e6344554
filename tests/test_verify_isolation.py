"""The user's code runs apart: nothing it prints reaches stdout, it cannot end or hang actcheck, Ctrl-C still works.

These run actcheck as a real process where the thing proved is about processes and file
descriptors (what reaches fd 1, signals, process groups, warnings at exit).
"""

import gc
import json
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

import actcheck
from actcheck.errors import InputError

DATA = Path(__file__).parent / "data"
VERIFY = DATA / "verify"
ACT = [sys.executable, "-m", "actcheck", "verify"]


def _run(*args, **kw):
    return subprocess.run([*ACT, *map(str, args)], capture_output=True, text=True, timeout=120, **kw)


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_nothing_the_code_prints_reaches_stdout(run, capfd, json_flag):
    r = run("verify", VERIFY / "prints_everywhere.py", *json_flag)
    real = capfd.readouterr()  # what reached this process's own file descriptors 1 and 2
    assert r.exit_code == 0, r.stderr
    assert real.out == "" and real.err == ""
    # print() goes to notes; the raw descriptors and sys.__stdout__ go nowhere that is shown
    assert "fd 1" not in r.stdout and "sys.__stdout__" not in r.stdout and "stderr at import" not in r.stderr
    if json_flag:
        report = json.loads(r.stdout)  # the whole of stdout is one JSON document
        assert "print at import" in report["notes"][0]
    else:
        assert all(line.startswith("note:") for line in r.stdout.splitlines() if "print at import" in line)


def test_the_parents_own_state_is_untouched():
    before = list(sys.path)
    rep = actcheck.verify(DATA / "seed_acts.py")  # prints at import time, inserts nothing here
    assert rep.passed and sys.path == before and "__actcheck_user__" not in sys.modules
    assert "printed on import: 'Sigmoid : " in rep.notes[0]


def test_a_real_run_with_an_open_stdin_and_warnings_on_prints_only_json():
    # stdin stays an open pipe to the end: code calling input() must get end-of-file, not wait on it
    env = dict(os.environ, PYTHONWARNINGS="default")
    proc = subprocess.Popen([*ACT, VERIFY / "reads_stdin.py", "--json"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)  # fmt: skip
    out, err = proc.communicate(timeout=120)
    by_name = {r["name"]: r for r in json.loads(out)["results"]}
    assert proc.returncode == 1 and "EOFError" in by_name["sigmoid"]["diagnosis"][0]
    assert any("press Enter" in n for n in by_name["sigmoid"]["notes"])  # the prompt is a note
    assert "ResourceWarning" not in err and "/actcheck/" not in err, err  # nothing from actcheck's own files


def test_no_resource_warning_whichever_way_the_child_ends():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        actcheck.verify(VERIFY / "chatty.py")  # asked to stop
        actcheck.verify(VERIFY / "os_exit_in_backward.py")  # died, started again
        with pytest.raises(InputError):
            actcheck.verify(VERIFY / "stray_thread.py", timeout=1)  # killed at the time limit
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)], [str(w.message) for w in caught]


def test_the_time_limit_ends_the_whole_process_group(tmp_path):
    pidfile = tmp_path / "grandchild.pid"
    f = tmp_path / "spawns.py"
    f.write_text(
        "import subprocess, sys, time\n"
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)'])\n"
        f"open({str(pidfile)!r}, 'w').write(str(p.pid))\n"
        "while True:\n    time.sleep(0.1)\n"
    )
    start = time.monotonic()
    with pytest.raises(InputError, match=r"did not finish within the time limit of 1 s \(--timeout SECONDS\)"):
        actcheck.verify(f, timeout=1)
    assert time.monotonic() - start < 30
    pid = int(pidfile.read_text())
    for _ in range(50):  # the grandchild was killed with its group; give init a moment to reap it
        if not _alive(pid):
            break
        time.sleep(0.1)
    assert not _alive(pid)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a subreaper is Linux's")
def test_what_the_code_started_in_a_session_of_its_own_is_ended_too(tmp_path):
    # a server started with start_new_session=True, and a daemon whose parent exited (double fork): both left the
    # child's process group; the child is their subreaper and ends them when it ends
    f = tmp_path / "servers.py"
    f.write_text(
        "import os, subprocess, sys\nimport numpy as np\n"
        "p = subprocess.Popen(['sleep', '97'], start_new_session=True)\n"
        f"open({str(tmp_path / 'a')!r}, 'w').write(str(p.pid))\n"
        f"subprocess.run(['sh', '-c', 'setsid sleep 96 & echo $! > {tmp_path / 'b'}'])\n"
        "def relu(x):\n    return np.maximum(x, 0)\ndef relu_prime(x):\n    return (x > 0) * 1.0\n"
    )
    assert actcheck.verify(f).passed
    pids = [int((tmp_path / n).read_text()) for n in "ab"]
    for _ in range(50):
        if not any(_alive(p) for p in pids):
            break
        time.sleep(0.1)
    assert not any(_alive(p) for p in pids)


def test_a_fork_at_import_never_answers_for_the_child(tmp_path):
    # the forked copy runs the rest of the file too; only the process actcheck started may answer
    f = tmp_path / "forks.py"
    f.write_text(
        "import os\nimport numpy as np\npid = os.fork()\n"
        "def relu(x):\n    return np.maximum(x, 0)\ndef relu_prime(x):\n    return (x > 0) * 1.0\n"
    )
    for _ in range(3):  # the two processes race: never a crash, whichever is first
        rep = actcheck.verify(f)
        assert rep.passed and [r.name for r in rep.results] == ["relu"]


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"  # a zombie is dead, only not yet reaped
    except OSError:
        return True


def test_the_default_time_limit_is_sixty_seconds_and_said(run):
    import inspect

    from actcheck.verification import DEFAULT_TIMEOUT

    assert DEFAULT_TIMEOUT == 60 and inspect.signature(actcheck.verify).parameters["timeout"].default == 60
    assert "--timeout" in run("verify", "--help").stdout
    r = run("verify", DATA / "seed_acts.py", "--timeout", "0")
    assert r.exit_code == 2 and "positive number of seconds" in r.stderr


@pytest.mark.parametrize("limit", ["1e10", "inf", "nan", "-1"])
def test_a_time_limit_beyond_what_can_be_waited_for_is_exit_two_in_one_line(run, limit):
    r = run("verify", DATA / "seed_acts.py", "--timeout", limit)
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1 and "up to 1e+06" in r.stderr, r.stderr
    with pytest.raises(InputError, match="positive number of seconds"):
        actcheck.verify(DATA / "seed_acts.py", timeout=float(limit))


def test_ctrl_c_during_the_files_import_is_exit_130_and_ends_the_child(tmp_path):
    pidfile = tmp_path / "child.pid"
    env = dict(os.environ, ACTCHECK_TEST_PIDFILE=str(pidfile))
    proc = subprocess.Popen([*ACT, VERIFY / "slow_import.py"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    for _ in range(600):
        if pidfile.exists() and pidfile.read_text():
            break
        time.sleep(0.05)
    child = int(pidfile.read_text())  # the file is importing now
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "raised on import" not in err and "Traceback" not in err and out == ""
    for _ in range(50):
        if not _alive(child):
            break
        time.sleep(0.1)
    assert not _alive(child)


def test_the_time_limit_counts_the_codes_time_not_actchecks(monkeypatch):
    from actcheck.verification import checking

    # this process busy (as when torch imports) for longer than the limit, while the child loads quickly
    monkeypatch.setattr(checking, "_warm_torch", lambda path: time.sleep(1.5))
    rep = actcheck.verify(DATA / "seed_acts.py", timeout=1)
    assert rep.passed and len(rep.results) == 5


def test_torch_is_never_imported_where_the_users_code_runs(tmp_path):
    f = tmp_path / "looks.py"
    f.write_text(
        "import sys\nimport numpy as np\n"
        "def relu(x):\n    return np.maximum(x, 0)\n"
        "def relu_grad(x):\n    if 'torch' in sys.modules:\n        print('torch is here')\n    return (x > 0) * 1.0\n"
    )
    (r,) = actcheck.verify(f).results
    assert r.passed and not any("torch is here" in n for n in r.notes), r.notes
    f.write_text(f.read_text().replace("'torch' in sys.modules", "'numpy' in sys.modules"))  # the probe can fail
    assert any("torch" in n for n in actcheck.verify(f).results[0].notes)


def test_a_worker_that_cannot_start_is_actchecks_failure_not_the_files(run, monkeypatch):
    from actcheck.errors import InternalError
    from actcheck.verification import isolation

    boot = "import sys; sys.stderr.write('ModuleNotFoundError: No module named numpy\\n'); sys.exit(1)"
    monkeypatch.setattr(isolation, "BOOT", boot)
    with pytest.raises(InternalError, match="worker could not start: ModuleNotFoundError: No module named numpy"):
        actcheck.verify(DATA / "seed_acts.py")
    r = run("verify", DATA / "seed_acts.py")
    assert r.exit_code == 70
    assert "actcheck failed on" in r.stderr and "No module named numpy, please report" in r.stderr
    assert "ended the process" not in r.stderr and "on import" not in r.stderr  # the file is not blamed


def test_the_worker_removes_only_what_its_boot_line_added_to_sys_path(tmp_path):
    from actcheck.verification.worker import BOOT

    root = str(tmp_path)
    probe = BOOT.replace("from actcheck.verification.worker import main", "before = list(sys.path[n:])").replace(
        "main(sys.argv[2:])", "print(sys.path == before and root not in sys.path[:1] and '' not in sys.path[:1])"
    )
    probe = probe.replace("sys.argv[1]", "root")
    site = subprocess.run([sys.executable, "-c", "import sys; print(sys.path[-1])"], capture_output=True, text=True)
    for where in (root, site.stdout.strip()):  # a checkout, or the site-packages an installed actcheck lives in
        r = subprocess.run([sys.executable, "-c", f"root = {where!r}; " + probe], capture_output=True, text=True)
        assert r.stdout.strip() == "True", r.stderr
