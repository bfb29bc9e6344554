"""Where the sweep's tasks run: in this process, on an embedded LocalCluster, or on an existing Dask cluster.

Every place answers ``imap(fn, items)``: the results in the items' order. On a cluster at most
``AHEAD`` tasks per worker thread are in flight or finished and waiting for their turn, so the
client holds a few tasks' tallies whatever the range. Only module-level functions of actcheck
and plain data (Specs, ordinals) are sent, so a worker needs nothing but ``pip install actcheck``.

A worker that dies loses its task, which the scheduler gives to another worker (up to
``distributed.scheduler.allowed-failures`` times: then ``KilledWorker``); a task that raises is
actcheck's own failure and is reported at once, never retried.
"""

import asyncio
import errno
import logging
import os
import signal
import threading
import warnings

from ..errors import InputError, InternalError, out_of_resources

__all__ = [
    "Local",
    "Cluster",
    "Starting",
    "connect",
    "AHEAD",
    "CONNECT_TIMEOUT",
    "on_worker",
    "versions",
    "scheduler_address",
]

AHEAD = 4  # tasks in flight or awaiting their turn, per worker thread
CONNECT_TIMEOUT = 3  # seconds a scheduler has to answer
_QUIET = logging.CRITICAL  # Dask's own logging: a worker restarted, a stream closed... none of it is the user's


class Local:
    """This process, one task after another (torch's own threads held to one, as in a worker)."""

    workers = 1

    def __init__(self):
        import torch

        self._threads = torch.get_num_threads()
        torch.set_num_threads(1)  # the sweep is one job: 65,536 points at a time need no threads

    def imap(self, fn, items):
        """``fn`` over ``items``, in order."""
        return map(fn, items)

    def close(self):
        """Give torch its threads back."""
        import torch

        torch.set_num_threads(self._threads)


class Cluster:
    """A Dask client: on a LocalCluster it started (``jobs`` worker processes) or on ``address``."""

    def __init__(self, client, cluster=None):
        self.client, self.cluster = client, cluster
        self.workers = max(1, sum(client.nthreads().values()))

    def imap(self, fn, items):
        """``fn`` over ``items`` on the workers, in order, with at most AHEAD per worker thread held."""
        from distributed import as_completed

        items = enumerate(items)
        where, ready, waiting, following = {}, {}, as_completed(loop=self.client.loop), 0

        def top_up():
            while len(where) + len(ready) < AHEAD * self.workers:
                got = next(items, None)
                if got is None:
                    return
                future = self.client.submit(on_worker, fn, got[1], pure=False)
                where[future] = got[0]
                waiting.add(future)

        top_up()
        while where or ready:
            while following in ready:
                out = ready.pop(following)
                following += 1
                top_up()
                yield out
            if where:
                future = next(waiting)
                ready[where.pop(future)] = _result(future)
                future.release()
                top_up()

    def close(self):
        """Close the client, and the LocalCluster if it was started here (its processes end with it)."""
        try:
            self.client.close(timeout=10)
        except Exception:  # noqa: BLE001  the scheduler may have gone already: nothing left to close
            pass
        if self.cluster is not None:
            self.cluster.close(timeout=10)


def _result(future):
    """The task's result; its failure said as actcheck's (exit 70), or as the input's (exit 2)."""
    from concurrent.futures import CancelledError

    from distributed import KilledWorker

    try:
        return future.result()
    except (InputError, InternalError):
        raise
    except KilledWorker as e:
        raise InternalError(f"a sweep task ended its worker each time it ran ({e})") from None
    except CancelledError:
        raise InternalError("the Dask cluster cancelled a sweep task: its scheduler went away") from None
    except Exception as e:  # noqa: BLE001  any other is actcheck's own failure on the worker
        raise InternalError(f"a sweep task failed: {type(e).__name__}: {e}") from None


_SET_UP = False  # in a worker: torch's threads and malloc set for the tasks


def on_worker(fn, item):
    """Run ``fn(item)`` on a worker: torch held to one thread per task, warnings kept to the task."""
    global _SET_UP
    if not _SET_UP:
        import torch

        torch.set_num_threads(1)  # one task per core: torch's own threads would only contend
        _heap_arrays()
        _SET_UP = True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(item)


def _heap_arrays():
    """Undo a Dask nanny's MALLOC_TRIM_THRESHOLD_ in this worker (glibc): with it, glibc stops raising its
    mmap threshold, so every chunk's 512 KiB arrays are fresh memory maps and a task is ~4x slower."""
    if "MALLOC_TRIM_THRESHOLD_" not in os.environ:
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        libc.mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD: arrays up to 32 MiB from the heap, reused
        libc.mallopt(-1, 128 << 20)  # M_TRIM_THRESHOLD: keep up to 128 MiB freed for the next chunk
    except (OSError, AttributeError):  # not glibc: its malloc ignores the variable anyway
        pass


def versions():
    """actcheck's and torch's versions in this process: a cluster's workers must run the same."""
    import torch

    from .. import __version__

    return {"actcheck": __version__, "torch": torch.__version__}


def _quiet():
    import dask

    dask.config.set({"distributed.comm.timeouts.connect": f"{CONNECT_TIMEOUT}s"})
    # a nanny's MALLOC_TRIM_THRESHOLD_ turns every chunk's arrays into fresh mmaps: tasks ~4x slower
    dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None})
    for name in ("distributed", "tornado", "asyncio"):
        logging.getLogger(name).setLevel(_QUIET)
    for module in ("distributed", "tornado", "dask"):  # "port 8787 is in use" and the like: not the user's
        warnings.filterwarnings("ignore", module=module + r"(\..*)?$")


def connect(jobs, address=None):
    """A Cluster on the scheduler at ``address``; else a LocalCluster of ``jobs`` worker processes, starting."""
    _quiet()
    if address:
        return _existing(address)
    _enough_files(jobs)
    try:
        _forkserver()
    except OSError as e:
        raise out_of_resources(e, f"start {jobs} worker processes (--jobs)") or e from None
    return Starting(lambda: _local(jobs))


def _enough_files(jobs):
    """Refuse, before starting anything, a LocalCluster that ``ulimit -n`` leaves too few file descriptors.

    A half-started cluster that ran out of them leaves its own would-be cleaners failing at exit.
    """
    try:
        import resource
    except ImportError:  # not on this system: nothing to check
        return
    need = 32 + 12 * jobs  # measured: 26 + 9 per worker in this process (its sockets and pipes)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= need:
        return
    if hard == resource.RLIM_INFINITY or hard >= need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))
        return
    raise InputError(f"cannot start {jobs} worker processes (--jobs): {os.strerror(errno.EMFILE)} "
                     f"(ulimit -n is {soft}; a local cluster of {jobs} needs about {need}; see ulimit -n)")  # fmt: skip


class Starting:
    """A LocalCluster starting in the background (~1-2 s): meanwhile the first tasks run in this process."""

    def __init__(self, start):
        self.cluster = self.error = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._start, args=(start,), daemon=True, name="actcheck-cluster")
        self._thread.start()

    @property
    def workers(self):
        return self.cluster.workers if self.cluster is not None else 1

    def _start(self, start):
        try:
            self.cluster = start()
        except BaseException as e:  # noqa: BLE001  said in the main thread, at the next task
            self.error = e
        finally:
            self._ready.set()

    def imap(self, fn, items):
        """``fn`` over ``items`` in order: here until the cluster is up, then on it."""
        items, i = list(items), 0
        if not self._ready.is_set():
            here = Local()
            try:
                while i < len(items) and not self._ready.is_set():
                    yield fn(items[i])
                    i += 1
            finally:
                here.close()
        if i < len(items):
            self._ready.wait()
            if self.error is not None:
                raise self.error
            yield from self.cluster.imap(fn, items[i:])

    def close(self):
        """Close the cluster, once it has started (a start cannot be cut short)."""
        self._thread.join()
        if self.cluster is not None:
            self.cluster.close()


def _existing(address):
    from distributed import Client
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, where = parse_address(address)
        if scheme in ("tcp", "tls"):
            parse_host_port(where, default_port=8786)
    except ValueError as e:  # refused before a client exists: a half-made one hangs at exit closing itself
        raise InputError(f"--scheduler {address}: not a Dask scheduler address ({e})") from None
    try:
        asyncio.run(_answers(address))  # before a Client: a half-made one hangs at exit, closing itself
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except Exception as e:  # noqa: BLE001  refused, timed out, or something that is not a scheduler answered
        why = str(e).splitlines()[0] if str(e) and not isinstance(e, MemoryError) else "not Dask's protocol"
        raise InputError(f"no Dask scheduler answers at {address} ({why})") from None
    try:
        _same_versions(client, address)
    except BaseException:
        client.close()
        raise
    return Cluster(client)


async def _answers(address):
    """Raise unless a Dask server at ``address`` completes a handshake within CONNECT_TIMEOUT."""
    from distributed.comm import connect

    comm = await connect(address, timeout=CONNECT_TIMEOUT)
    await comm.close()


def _same_versions(client, address):
    here = versions()
    try:
        theirs = client.run(versions)
    except Exception as e:  # noqa: BLE001  actcheck (or torch) not installed there, most likely
        raise InputError(f"the workers at {address} cannot run actcheck ({type(e).__name__}: {e})") from None
    if not theirs:
        raise InputError(f"the Dask scheduler at {address} has no worker")
    for worker, v in theirs.items():
        if v != here:
            raise InputError(
                f"worker {worker} runs actcheck {v['actcheck']} with torch {v['torch']}, "
                f"not actcheck {here['actcheck']} with torch {here['torch']}: results would not be comparable"
            )


# imported once by the fork server that forks the workers: a worker starts with them, in milliseconds
_PRELOAD = ["distributed", "torch", "actcheck.atlas.chunk", "actcheck.engine", "actcheck.opinions.torch_forward",
            "actcheck.opinions.torch_reverse"]  # fmt: skip


def _forkserver():
    """Workers forked from a server that has imported torch and actcheck (spawning each costs ~1-2 s).

    The server starts here, with SIGINT ignored: the workers it forks keep ignoring it (Ctrl-C is this
    process's to handle: it closes the cluster) instead of printing their own tracebacks.
    """
    import multiprocessing
    from multiprocessing import forkserver, resource_tracker

    import dask
    from distributed.utils import get_mp_context

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return
    dask.config.set({"distributed.worker.multiprocessing-method": "forkserver"})
    get_mp_context().set_forkserver_preload(_PRELOAD)
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        _without_stderr(resource_tracker.ensure_running)
        forkserver.ensure_running()
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)


def _without_stderr(start):
    """``start()`` a helper process whose stderr is /dev/null: multiprocessing's resource tracker, which
    outlives a killed actcheck by a moment and would print a warning about the semaphores it cleans up."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    saved = os.dup(2)
    try:
        os.dup2(devnull, 2)
        start()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _local(jobs):
    from distributed import Client, LocalCluster

    cluster = None
    try:
        cluster = LocalCluster(
            n_workers=jobs,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # any free port: none asked for, and no warning that 8787 is taken
            memory_limit=0,  # as a process pool: no worker paused or restarted for its memory
            silence_logs=_QUIET,
        )
        client = Client(cluster, set_as_default=False)
    except OSError as e:
        if cluster is not None:
            cluster.close()
        raise out_of_resources(e, f"start {jobs} worker processes (--jobs)") or e from None
    except RuntimeError as e:  # a worker that could not start: the reason is in its chained exceptions
        raise InternalError(f"cannot start {jobs} worker processes (--jobs): {e}") from None
    return Cluster(client, cluster)


def scheduler_address(given):
    """The scheduler asked for: ``--scheduler``, else DASK_SCHEDULER_ADDRESS, else None (a LocalCluster)."""
    return given or os.environ.get("DASK_SCHEDULER_ADDRESS") or None
