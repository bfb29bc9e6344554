"""Where the user's code runs: a child process for a file, this process for a namespace already loaded.

The child has its stdin closed, its stdout and stderr sent to a file that is never shown,
a session of its own (so the whole process group, threads and grandchildren included, is
ended at once; on Linux what left the group too, ``reaping``), and a time budget for the
whole file: the time spent waiting for it. If it dies while running a pair (``os._exit``, a
crash), that request fails and the next one starts a fresh child. Requests are numbered
and a reply must carry its request's number.
"""

import os
import select
import signal
import subprocess
import sys
import tempfile
import time

from ..errors import InputError, InternalError, out_of_resources
from .reaping import end_descendants
from .wire import Closed, Garbled, receive, send
from .worker import BOOT

__all__ = ["Child", "InProcess", "Died", "TimeLimit", "LoadFailed", "ended"]

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class TimeLimit(InputError):
    """The user's code did not finish within the time limit."""


class LoadFailed(Exception):
    """The file cannot be loaded: one line saying why."""


class Died(Exception):
    """The child process ended (or broke the protocol) while answering a request."""

    def __init__(self, status, how=None):
        super().__init__(how or ended(status))
        self.status = status
        self.last_line = ""  # what it last wrote on stderr, when known


def ended(status):
    """How a process ended, in words (after "your code")."""
    if status is not None and status < 0:
        try:
            return f"was killed by {signal.Signals(-status).name}"
        except ValueError:
            return f"was killed by signal {-status}"
    return f"ended the process (exit status {status}: os._exit or a crash)"


class Child:
    """The user's file loaded in a child process; ``describe``, ``inspect`` and ``evaluate`` ask it."""

    def __init__(self, path, notebook=False, run_all=False, timeout=60.0):
        self.path, self.notebook, self.run_all = os.fspath(path), notebook, run_all
        self.timeout, self.remaining = timeout, float(timeout)
        self.proc = self.log = None
        self.loaded = None
        self.sent = time.monotonic()
        self.seq = 0  # the number of the request last sent
        self.inspections, self.ready = {}, set()  # to set pairs up again in a new child

    def __enter__(self):
        self._spawn()
        return self

    def __exit__(self, *exc):
        self.close()

    def _spawn(self):
        """Start the child and ask it to load the file (without waiting: torch may import meanwhile)."""
        try:
            self._start()
        except OSError as e:
            self.close()
            raise out_of_resources(e, "start a process for your code") or e from None
        self._send({"op": "load", "path": self.path, "notebook": self.notebook, "run_all": self.run_all})

    def _start(self):
        fds = []
        try:
            req_r, req_w = os.pipe()
            fds += [req_r, req_w]
            rep_r, rep_w = os.pipe()
            fds += [rep_r, rep_w]
            self.log = tempfile.TemporaryFile()
            env = dict(os.environ, MPLBACKEND=os.environ.get("MPLBACKEND", "Agg"))
            self.proc = subprocess.Popen(
                [sys.executable, "-c", BOOT, _ROOT, str(req_r), str(rep_w)],
                stdin=subprocess.DEVNULL,
                stdout=self.log,
                stderr=self.log,
                pass_fds=(req_r, rep_w),
                start_new_session=True,
                env=env,
            )
        except BaseException:
            for fd in fds:
                os.close(fd)
            raise
        os.close(req_r)
        os.close(rep_w)
        self.to_child, self.from_child = req_w, rep_r

    def _load_reply(self):
        self._started()
        try:
            reply = self._receive()
        except Died as e:
            raise LoadFailed(f"{e} on import") from None
        if "error" in reply:
            self.close()
            raise LoadFailed(reply["error"])
        return reply

    def _started(self):
        """Wait for the worker's first word; a child that ends before it is actcheck's failure, not the file's."""
        try:
            self._next(InternalError(f"actcheck's worker did not start within {self.timeout:g} s"))
        except Died as e:
            why = f": {e.last_line}" if e.last_line else f" ({e})"
            raise InternalError(f"actcheck's worker could not start{why}") from None

    def _next(self, late):
        """The child's next message within the time left (else ``late`` is raised); Died if it has gone."""
        deadline = self.sent + self.remaining

        def wait(fd):
            if not select.select([fd], [], [], max(deadline - time.monotonic(), 0.0))[0]:
                self.close()
                raise late

        try:
            return receive(self.from_child, wait)
        except Garbled:
            self.close()
            raise Died(None, "wrote on actcheck's reply pipe (what came back was not actcheck's reply)") from None
        except Closed:
            try:
                status = self.proc.wait(timeout=1.0)
            except subprocess.TimeoutExpired:
                status = None
            died = Died(status)
            died.last_line = self._last_line()
            self.close()
            raise died from None

    def _last_line(self):
        """The last line the child wrote on its stderr (and stdout): why it could not start."""
        self.log.seek(0, os.SEEK_END)
        self.log.seek(max(self.log.tell() - 4096, 0))
        lines = [ln.strip() for ln in self.log.read().decode("utf-8", "replace").splitlines() if ln.strip()]
        return lines[-1][:300] if lines else ""

    def _send(self, msg):
        self.sent = time.monotonic()
        self.seq += 1
        try:
            send(self.to_child, {**msg, "seq": self.seq})
        except BrokenPipeError:
            pass  # it has died: receiving says how

    def _receive(self):
        """The child's reply; the time its code took comes off the budget (a reply already waiting is no delay)."""
        late = TimeLimit(f"did not finish within the time limit of {self.timeout:g} s (--timeout SECONDS)")
        try:
            reply = self._next(late)
        finally:
            waited = time.monotonic() - self.sent
        self.remaining -= min(reply.get("seconds", waited), waited)
        if reply.get("seq") != self.seq:  # never, unless something but the child wrote on the wire
            self.close()
            raise Died(None, f"answered out of turn (request {self.seq}, reply {reply.get('seq')})")
        if "fault" in reply:
            raise InternalError(f"actcheck's worker failed: {reply['fault']}")
        return reply

    def request(self, msg):
        """One request; a child that died before is started again first, and the pair set up again in it."""
        if self.proc is None:
            self._spawn()
            self._load_reply()
            self.ready = set()
        pid = msg.get("id")
        if msg["op"] == "inspect":
            self.inspections[pid] = msg
            self.ready.add(pid)
        elif pid in self.inspections and pid not in self.ready:
            self.ready.add(pid)
            self.request(self.inspections[pid])
        self._send(msg)
        return self._receive()

    def describe(self):
        """The pairs the file holds (waiting for it to load, the first time)."""
        if self.loaded is None:
            self.loaded = self._load_reply()
        return self.loaded["describe"]

    def notes(self):
        """Notes about loading the file: what it printed, notebook statements that did not run."""
        self.describe()
        return self.loaded["notes"]

    def inspect(self, pid, kw, vector=False):
        return self.request({"op": "inspect", "id": pid, "kw": kw, "vector": vector})

    def evaluate(self, pid, kw, x, upstream, quantities, modes=None):
        msg = {"op": "evaluate", "id": pid, "kw": kw, "x": x, "u": upstream, "quantities": quantities, "modes": modes}
        return self.request(msg)

    def kernel(self, kid, dtype, x, upstream, order=1, compiled=None):
        """A torch or JAX kernel's values in ``dtype`` at ``x`` (``order`` 2: its second derivative too; ``compiled``:
        under torch.compile with that backend)."""
        msg = {"op": "kernel", "id": kid, "dtype": dtype, "x": x, "u": upstream, "order": order, "compile": compiled}
        return self.request(msg)

    def builtin(self, name, params, dtype, x, upstream, order=1):
        """JAX's own function for an activation, in ``dtype`` at ``x`` (where the file uses JAX)."""
        msg = {"op": "builtin", "name": name, "params": params, "dtype": dtype, "x": x, "u": upstream, "order": order}
        return self.request(msg)

    def finish(self):
        """End as `python file.py` would: threads the code started must end, within the time limit.

        A note when the code ended the process meanwhile (a thread's ``os._exit``): what was judged stands.
        """
        if self.proc is None:
            return None
        try:
            threads = self.request({"op": "finish"})["threads"]
            if threads:
                try:
                    self._receive()
                except TimeLimit as e:
                    names = ", ".join(threads)
                    raise TimeLimit(f"{e}: threads it started are still running ({names})") from None
        except Died as e:
            return f"your code {e} while actcheck waited for its threads to end"
        return None

    def close(self):
        """Stop the child and everything it started; release the pipes and the log."""
        if self.proc is not None:
            try:
                send(self.to_child, {"op": "quit"})
                self.proc.wait(timeout=0.5)
            except (OSError, subprocess.TimeoutExpired):
                pass
            end_descendants(self.proc.pid)  # grandchildren in sessions of their own (it is their subreaper)
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # its threads and grandchildren too
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.wait()
            for fd in (self.to_child, self.from_child):
                os.close(fd)
            self.proc = None
        if self.log is not None:
            self.log.close()
            self.log = None


class InProcess:
    """A namespace already loaded here (``verify(globals())`` in a kernel): the same questions, asked directly."""

    def __init__(self, code):
        self.code = code

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def describe(self):
        return self.code.describe()

    def notes(self):
        return []

    def finish(self):
        return None

    def inspect(self, pid, kw, vector=False):
        return self.code.inspect(pid, kw, vector)

    def evaluate(self, pid, kw, x, upstream, quantities, modes=None):
        return self.code.evaluate(pid, kw, x, upstream, quantities, modes)

    def kernel(self, kid, dtype, x, upstream, order=1, compiled=None):
        return self.code.kernel(kid, dtype, x, upstream, order, compiled)

    def builtin(self, name, params, dtype, x, upstream, order=1):
        return self.code.builtin(name, params, dtype, x, upstream, order)
