"""The child process that holds the user's code: it loads the file, then answers requests until told to stop.

Started by ``isolation.Child`` as ``python -c BOOT ROOT REQUESTS REPLIES``. Its stdin is
closed, its stdout and stderr go to a file actcheck does not show, and it lives in a
session of its own, so that the whole group can be ended at once. It splits in two at once:
a keeper, which runs no user code, and below it the worker, which does. The keeper is a
subreaper (what the code starts stays below it, even in a session of its own); when
actcheck goes (any signal, SIGKILL too) or the worker dies (``os._exit``, a crash), it ends
the worker and everything below it, then leaves as the worker did. The worker dies with its
keeper (``PR_SET_PDEATHSIG``), even inside a long C call. ``sys.argv`` is the user's file
alone, as under ``python file.py``. Only the worker talks on the wire: a copy the code forks
closes its ends and leaves when it would answer. torch is never imported here.
"""

import os
import sys
import threading
import time
import types

__all__ = ["main", "load", "BOOT"]

# the command line that starts a worker: actcheck's own directory first on sys.path while it imports,
# then removed again with the '' that `-c` put there, and nothing else (for an installed actcheck
# that directory is site-packages, which the user's code needs as much as actcheck does)
BOOT = (
    "import sys; n = 1 + (sys.path[:1] == ['']); sys.path.insert(0, sys.argv[1]); "
    "from actcheck.verification.worker import main; del sys.path[:n]; main(sys.argv[2:])"
)
_KEEPER_POLL = 0.05  # seconds between the keeper's looks at the worker and at actcheck
_FILE_LIMIT = 64 << 20  # what the code may write to one file: printing in a loop must not fill the disk


class LoadError(Exception):
    """The file cannot be used: one line saying why."""


class _Guard:
    """The interpreter state the worker needs, taken before the user's code runs and put back after it runs:
    the recursion limit, the modules (``sys.modules['numpy'] = None`` must not break actcheck), no tracer."""

    def __init__(self):
        self.limit = max(sys.getrecursionlimit(), 1000)
        self.modules = dict(sys.modules)

    def restore(self):
        sys.settrace(None)
        sys.setprofile(None)
        try:
            sys.setrecursionlimit(self.limit)
        except RecursionError:  # only if called deep in a stack: never from the request loop
            pass
        for name, module in self.modules.items():
            if sys.modules.get(name) is not module:
                sys.modules[name] = module


_GUARD = []


def _watch_parent():
    """End this process when its keeper has gone (where the parent-death signal is missing)."""
    parent = os.getppid()
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(70)


def _keep(worker, fds):
    """The keeper: wait for the worker or for actcheck to go; end everything below, leave as the worker did."""
    import signal

    from .reaping import end_descendants

    for fd in fds:
        _close(fd)  # the wire is the worker's: actcheck must see it close when the worker dies
    parent, status = os.getppid(), None
    while status is None:
        done, st = os.waitpid(worker, os.WNOHANG)
        if done:
            status = st
        elif os.getppid() != parent:  # actcheck has gone, whatever ended it
            _kill(worker)
            status = os.waitpid(worker, 0)[1]
        else:
            time.sleep(_KEEPER_POLL)
    end_descendants(os.getpid())
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            signal.signal(sig, signal.SIG_DFL)
            os.kill(os.getpid(), sig)  # the same death: actcheck says "was killed by SIGSEGV"
        except (OSError, ValueError):
            pass
        os._exit(128 + sig)
    os._exit(os.waitstatus_to_exitcode(status))


def _kill(pid):
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _limit_files():
    try:
        import resource
        import signal

        resource.setrlimit(resource.RLIMIT_FSIZE, (_FILE_LIMIT, _FILE_LIMIT))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write beyond the limit fails instead of killing
    except (ImportError, ValueError, OSError, AttributeError):
        pass


def load(path, notebook=False, run_all=False):
    """Run the user's file (or notebook) in a fresh module; return (UserCode, notes about the load)."""
    from .source import SourceError, cell_of, notebook_units, python_units
    from .text import first_lines, one_line
    from .usercode import UserCode, captured

    path = os.path.abspath(path)
    sys.argv = [path]  # an argparse at import must see no arguments of actcheck's
    os.environ.setdefault("MPLBACKEND", "Agg")  # a plt.show() must not wait for a window
    try:
        units = notebook_units(path, run_all) if notebook else python_units(path)
    except SourceError as e:
        raise LoadError(str(e)) from None
    # as `python file.py` does: sibling modules import (only now: a numpy.py there must not break actcheck)
    sys.path.insert(0, os.path.dirname(path))
    name = "__main__" if notebook else "__actcheck_user__"
    module = types.ModuleType(name)
    module.__file__ = path
    sys.modules[name] = module

    def mine(filename):
        return os.path.abspath(filename) == path or cell_of(filename) is not None

    notes = [n for u in units for n in u.notes]
    with captured() as cap:
        for unit in units:
            for code in unit.code:
                _run(code, module, unit.cell, notes, mine)
    _restore()
    if cap["printed"].strip():
        notes.append(f"printed on import: {first_lines(cap['printed'])}")
    # what the code's own lines warned (torch.cuda.amp.custom_fwd's deprecation): said once, never on stderr
    notes += [f"your code warned on import: {first_lines(m)}" for m, f in cap["warned_at"] if mine(f)]
    try:
        found = UserCode.from_namespace(vars(module), name, mine)
    except Exception as e:
        if not _raised_in(e, mine):
            raise
        raise LoadError(f"raised while actcheck looked at what it defines: {one_line(e, mine)}") from None
    return found, notes


def _restore():
    if _GUARD:
        _GUARD[0].restore()


def _raised_in(e, mine):
    """Whether the user's code raised ``e`` (a frame of its file is in the traceback): not actcheck's fault."""
    tb = e.__traceback__
    while tb is not None:
        if mine(tb.tb_frame.f_code.co_filename):
            return True
        tb = tb.tb_next
    return False


def _run(code, module, cell, notes, mine):
    """Run one compiled unit; in a notebook a failing statement is a note, in a file the file's failure."""
    from .text import one_line
    from .usercode import describe_exit

    try:
        try:
            exec(code, vars(module))
        finally:
            sys.settrace(None)  # inline, before any call of ours: a tracer the code set sees no frame of actcheck's
            sys.setprofile(None)
    except SystemExit as e:
        raise LoadError(f"called {describe_exit(e, mine)} on import") from None
    except BaseException as e:  # KeyboardInterrupt too: no Ctrl-C reaches this process, the code raised it
        if cell is None:
            raise LoadError(f"raised on import: {one_line(e, mine)}") from None
        notes.append(f"cell {cell}: {one_line(e, mine)}: that statement did not run")


def _serve(requests, replies, owner):
    """Answer requests until told to stop; each answer says how long the user's code took over it."""
    from .wire import Closed, receive, send

    state = {}
    while True:
        try:
            msg = receive(requests)
        except Closed:
            return
        if msg["op"] == "quit":
            return
        if msg["op"] == "finish":  # as at the end of `python file.py`: threads the code started must end
            for hook in list(getattr(threading, "_threading_atexits", ())):  # as at exit: executors' workers end
                try:
                    hook()
                except Exception:
                    pass
            live = [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon]
            send(replies, {"threads": [t.name for t in live], "seq": msg.get("seq")})
            for t in live:
                t.join()
            send(replies, {"done": True, "seq": msg.get("seq")})
            return
        sys.settrace(None)  # inline: a tracer the code's last call set must not see the next of ours
        sys.setprofile(None)
        started = time.monotonic()
        reply = _answer(msg, state)
        if os.getpid() != owner:  # a copy the code forked, back from its call: it must not answer
            os._exit(0)
        reply["seconds"] = time.monotonic() - started
        reply["seq"] = msg.get("seq")
        send(replies, reply)


def _answer(msg, state):
    from .text import one_line

    _restore()  # whatever the code's last call changed
    try:
        if msg["op"] == "load":
            try:
                state["code"], notes = load(msg["path"], msg["notebook"], msg["run_all"])
            except LoadError as e:
                return {"error": str(e)}
            return {"describe": state["code"].describe(), "notes": notes}
        if msg["op"] == "inspect":
            return state["code"].inspect(msg["id"], msg["kw"], msg["vector"])
        if msg["op"] == "kernel":
            args = msg["id"], msg["dtype"], msg["x"], msg["u"], msg.get("order", 1), msg.get("compile")
            return state["code"].kernel(*args)
        if msg["op"] == "builtin":
            args = msg["name"], msg["params"], msg["dtype"], msg["x"], msg["u"], msg.get("order", 1)
            return state["code"].builtin(*args)
        return state["code"].evaluate(msg["id"], msg["kw"], msg["x"], msg["u"], msg["quantities"], msg.get("modes"))
    except Exception as e:  # a fault of actcheck's own: the user's code's exceptions are caught before here
        return {"fault": one_line(e, lambda f: "actcheck" in f)}


def main(argv):
    """Serve requests on the two file descriptors named in ``argv``; leave at once when done."""
    from .reaping import become_subreaper, die_with_parent, end_descendants

    requests, replies = int(argv[0]), int(argv[1])
    become_subreaper()
    keeper = os.getpid()
    worker = os.fork()  # nothing runs here yet (no thread): forking is safe
    if worker:
        _keep(worker, (requests, replies))
    die_with_parent(keeper)
    become_subreaper()  # what the code's processes leave behind is swept here first, while the worker lives
    from . import calling  # numpy (and its threads) only below the fork

    calling.FAULTS = (BaseException,)  # no Ctrl-C reaches this process: whatever is raised, the code raised
    from .. import errors, registry  # noqa: F401  all the worker imports, before the code can hide a module
    from . import source, text, usercode  # noqa: F401

    registry.lookup("sigmoid")
    _GUARD.append(_Guard())
    _limit_files()
    threading.Thread(target=_watch_parent, daemon=True).start()
    for fd in (requests, replies):
        os.set_inheritable(fd, False)  # a process the code starts must not hold the wire open
    owner = os.getpid()
    _send_started(replies)
    os.register_at_fork(after_in_child=lambda: [_close(fd) for fd in (requests, replies)])
    status = 0
    try:
        _serve(requests, replies, owner)
    except BaseException:  # a fault of actcheck's own: its traceback goes to the file actcheck keeps
        import traceback

        traceback.print_exc(file=sys.__stderr__)
        status = 1
    if os.getpid() == owner:
        end_descendants(owner)  # what the code started, even in a session of its own
    # stray threads the user's code started must not keep this process alive
    os._exit(status)


def _send_started(replies):
    """Tell actcheck the worker is up: a child that dies before this is actcheck's failure, not the file's."""
    from .wire import send

    send(replies, {"started": os.getpid()})


def _close(fd):
    try:
        os.close(fd)
    except OSError:
        pass
