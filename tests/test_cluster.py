"""The atlas on Dask: a LocalCluster started here (worker processes), a worker killed mid-run, a
scheduler that does not answer, and --store resuming an interrupted sweep.

The reference each time is the same sweep run in this one process (jobs=1): the cluster must
change nothing, bit for bit.
"""

import json
import os
import signal
import socket
import subprocess
import sys

import pytest

from actcheck import report_atlas
from actcheck.atlas import accuracy, cluster
from actcheck.atlas import chunk as chunk_mod
from actcheck.atlas import sweep as sweep_mod
from actcheck.atlas.store import Store
from actcheck.errors import InternalError

# small float16 and float32 slices, in many tasks (the task size is the client's to choose)
SWEEP = dict(dtypes=["float16", "float32"], exhaustive=True, range_=(1, 1.0625), worst=5)
NAMES = ["softplus", "gelu"]


@pytest.fixture(scope="module")
def local_cluster():
    """A LocalCluster of two worker processes (nannies restart a killed one), and its client."""
    from distributed import Client, LocalCluster

    cluster._quiet()
    cluster._forkserver()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as lc:
        with Client(lc, set_as_default=False) as client:
            yield lc, client


@pytest.fixture(scope="module")
def one_process():
    """The reference: the same sweep in this process, as JSON."""
    return report_atlas.dumps(accuracy(NAMES, jobs=1, **SWEEP))


@pytest.fixture
def many_tasks(monkeypatch):
    monkeypatch.setattr(chunk_mod, "TASK_EXHAUSTIVE", 1 << 15)  # 16 float32 tasks each, 2 float16


def test_a_cluster_run_is_bit_for_bit_the_one_process_run(local_cluster, one_process, many_tasks):
    _, client = local_cluster
    on_cluster = accuracy(NAMES, scheduler=client.scheduler.address, **SWEEP)
    assert report_atlas.dumps(on_cluster) == one_process


def test_a_worker_killed_mid_run_loses_only_its_task(local_cluster, one_process, many_tasks):
    _, client = local_cluster
    pids = client.run(os.getpid)
    killed = []

    def progress(done, total, values):
        if done == 3 and not killed:  # tasks are in flight on both workers: one of them dies now
            pid = next(iter(pids.values()))
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    on_cluster = accuracy(NAMES, scheduler=client.scheduler.address, progress=progress, **SWEEP)
    assert killed and report_atlas.dumps(on_cluster) == one_process
    client.wait_for_workers(2, timeout=30)  # its nanny started another
    assert killed[0] not in client.run(os.getpid).values()


def test_a_task_that_fails_is_actchecks_failure_said_once(local_cluster):
    _, client = local_cluster
    spec = chunk_mod.Spec("no_such_activation", (), "float16", ("forward",), (0, 10), True, 0, 0, 1)
    with pytest.raises(InternalError, match="a sweep task failed: AttributeError"):
        sweep_mod.run([spec], scheduler=client.scheduler.address)


def test_a_scheduler_that_does_not_answer_is_exit_2_in_one_line():
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = os.environ | {"DASK_SCHEDULER_ADDRESS": f"tcp://127.0.0.1:{port}"}
    p = subprocess.run([sys.executable, "-m", "actcheck", "accuracy", "relu", "--dtype", "float16"],
                       capture_output=True, text=True, env=env, timeout=60)  # fmt: skip
    assert p.returncode == 2 and p.stdout == "", p.stderr
    assert p.stderr.startswith(f"actcheck: error: no Dask scheduler answers at tcp://127.0.0.1:{port}")
    assert len(p.stderr.splitlines()) == 1


# ---------------------------------------------------------------- --store


def test_an_interrupted_sweep_resumes_from_its_store_measuring_only_the_rest(tmp_path, many_tasks):
    whole = report_atlas.dumps(accuracy(["softsign"], jobs=1, **SWEEP))

    def stop(done, total, values):
        if done == 7:
            raise KeyboardInterrupt  # Ctrl-C after seven tasks

    with pytest.raises(KeyboardInterrupt):
        accuracy(["softsign"], jobs=1, progress=stop, store=tmp_path, **SWEEP)
    store = Store(tmp_path)
    resumed = accuracy(["softsign"], jobs=1, store=store, **SWEEP)
    assert report_atlas.dumps(resumed) == whole
    assert (store.reused, store.measured) == (7, 17 - 7)  # each task kept as it finished
    again = Store(tmp_path)
    accuracy(["softsign"], jobs=1, store=again, **SWEEP)
    assert (again.reused, again.measured) == (17, 0)


def test_a_complete_store_rebuilds_the_report_alone_and_another_version_is_not_mixed_in(run, tmp_path):
    first = run("accuracy", "tanh", "--dtype", "float16", "--json", "--store", tmp_path)
    assert first.exit_code == 0 and first.stderr == f"store {tmp_path}: 0 of 1 tasks reused, 1 measured\n"
    (tmp_path / "actcheck-0.0.1-torch-1.0").mkdir()  # what an older actcheck and torch left
    again = run("accuracy", "--store", tmp_path, "--json")
    assert again.exit_code == 0 and again.stdout == first.stdout
    assert again.stderr.splitlines() == [
        f"store {tmp_path}: its tallies of actcheck-0.0.1-torch-1.0 are not mixed in "
        f"({Store(tmp_path).version} measures anew)",
        f"store {tmp_path}: 1 of 1 tasks reused, 0 measured",
    ]
    assert json.loads(again.stdout)["results"][0]["activation"] == "tanh"


def test_without_names_or_a_store_there_is_nothing_to_measure(run, tmp_path):
    for args in ([], ["--store", tmp_path]):
        r = run("accuracy", *args)
        assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1, r.output


def test_the_progress_bar_says_the_values_per_second_and_the_time_left():
    from actcheck.cli import _Rate

    seen = []
    rate = _Rate(lambda label, done, total: seen.append((label, done, total)))
    rate.start -= 10  # ten seconds in: two tasks of eight done, 20 million values
    rate(2, 8, 20_000_000)
    label, done, total = seen[-1]
    assert (done, total) == (2, 8) and label.endswith(" values/s, 0m30s left")
    assert 1_999_000 <= int(label.split()[0].replace(",", "")) <= 2_000_000
