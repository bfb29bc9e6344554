"""Files written as the shell's ``>`` would, whole or not at all where ``>`` would allow it.

A regular file we own, in a directory we may write, is replaced whole: a temporary file
beside it, then a rename (its permissions kept; a new file gets 0666 less the umask). A
symlink is written through (its target replaced, the link kept). Where a rename would change
what ``>`` keeps — a file someone else owns, one with other hard links, one in a directory
we may not write — the file is truncated and written in place, as ``>`` does. A descriptor
named as a path (``/dev/stdout``, ``/dev/stderr``, ``/dev/fd/N``, ``/proc/self/fd/N``) is
written through that descriptor, so ``>> log`` appends and a pipe works; a FIFO or a device
is written directly. An interrupted write (SIGINT, SIGTERM, SIGHUP) removes its temporary
file and leaves the target as it was. ``problem`` says, before any work, why a path cannot
be written.
"""

import contextlib
import errno
import os
import re

__all__ = ["write_atomic", "problem"]

_DESCRIPTOR = re.compile(r"/(?:dev/fd|proc/self/fd|proc/(\d+)/fd)/(\d+)")
_STANDARD = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}


def _descriptor(path):
    """The descriptor number a path names (``/dev/stdout`` is 1), or None."""
    if path in _STANDARD:
        return _STANDARD[path]
    m = _DESCRIPTOR.fullmatch(path)
    if m and (m.group(1) is None or int(m.group(1)) == os.getpid()):
        return int(m.group(2))
    return None


def problem(path):
    """Why ``path`` cannot be written as a report file (one phrase), or None; nothing is created."""
    import stat

    path = os.fspath(path)
    if not path:
        return "a file path is needed, not ''"
    fd = _descriptor(path)
    if fd is not None:
        try:
            mode = os.fstat(fd).st_mode
        except OSError:
            return f"{path!r} names descriptor {fd}, which is not open"
        return f"{path!r} is a directory" if stat.S_ISDIR(mode) else None
    if os.path.isdir(path):
        return f"{path!r} is a directory"
    if path.endswith(("/", os.sep)):
        return f"{path!r} names a directory (it ends in /), not a file"
    try:
        target = os.path.realpath(path)
    except (OSError, ValueError) as e:  # the working directory deleted (getcwd fails), a loop, a NUL
        return _why(e, path)
    parent = os.path.dirname(target)
    if not os.path.isdir(parent):
        return f"no such directory {parent!r}"
    name = os.path.basename(target)
    with contextlib.suppress(OSError, ValueError):
        if len(os.fsencode(name)) > os.pathconf(parent, "PC_NAME_MAX"):
            return f"cannot write {path!r}: {os.strerror(errno.ENAMETOOLONG)}"
    try:
        st = os.stat(target)
    except FileNotFoundError:
        if not os.access(parent, os.W_OK | os.X_OK, effective_ids=_EFFECTIVE):
            return f"cannot write {path!r}: {os.strerror(errno.EACCES)}"
        return None
    except OSError as e:
        return _why(e, path)
    if stat.S_ISFIFO(st.st_mode) or stat.S_ISSOCK(st.st_mode):  # opening would end a reader's wait: not now
        ok = os.access(target, os.W_OK, effective_ids=_EFFECTIVE)
        return None if ok else f"cannot write {path!r}: {os.strerror(errno.EACCES)}"
    try:  # a file or a device: opening it for writing (without truncating) fails exactly as `>` would
        os.close(os.open(target, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0)))
    except OSError as e:
        return _why(e, path)
    return None


_EFFECTIVE = os.access in os.supports_effective_ids


def _why(e, path):
    if isinstance(e, FileNotFoundError) and not os.path.isabs(path):
        try:
            os.getcwd()
        except OSError:
            return f"cannot write {path!r}: the working directory no longer exists"
    return f"cannot write {path!r}: {getattr(e, 'strerror', None) or e}"


def write_atomic(path, data):
    """Write ``data`` (str or bytes) to ``path`` as ``>`` would: whole, via a temporary file and a rename, where
    that keeps what ``>`` keeps; through the descriptor, or in place, otherwise."""
    import stat

    path = os.fspath(path)
    if not path:
        raise FileNotFoundError(errno.ENOENT, "an empty path names no file", path)
    if path.endswith(("/", os.sep)) and not os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, "a path ending in / names a directory", path)
    data = data.encode() if isinstance(data, str) else data
    fd = _descriptor(path)
    if fd is not None:
        _through(fd, data)
        return
    target = os.path.realpath(path)  # through symlinks, so the link stays a link
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
    if st is not None and (not stat.S_ISREG(st.st_mode) or not _replaceable(target, st)):
        _in_place(target, data)
        return
    with _signals_interrupt():
        _replace(target, data, st)


def _replaceable(target, st):
    """Whether a rename over ``target`` leaves what ``>`` would: our file, one link, a directory we may write."""
    import stat

    if not os.access(target, os.W_OK, effective_ids=_EFFECTIVE):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), target)  # `>` would fail too
    parent = os.path.dirname(target)
    return (
        st.st_uid == os.geteuid()
        and st.st_nlink == 1
        and os.access(parent, os.W_OK | os.X_OK, effective_ids=_EFFECTIVE)
        and not (os.stat(parent).st_mode & stat.S_ISVTX and os.stat(parent).st_uid != os.geteuid())
    )


def _in_place(target, data):
    """Truncate and write, as ``>`` does (a FIFO, a device, a file a rename would change)."""
    with open(target, "wb") as f:
        f.write(data)


def _through(fd, data):
    """Write to an open descriptor: at its offset, or at the end where it was opened for append."""
    import sys

    for stream in (sys.stdout, sys.stderr):  # what is buffered comes first, as it was printed first
        with contextlib.suppress(Exception):
            stream.flush()
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _replace(target, data, st):
    import stat
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=".actcheck-", dir=os.path.dirname(target))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if st is None:
            os.chmod(tmp, 0o666 & ~_umask())
        else:
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
            with contextlib.suppress(OSError):  # the group, where we may give it (the owner is ours)
                if st.st_gid != os.getegid():
                    os.chown(tmp, -1, st.st_gid)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask():
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class _Interrupted(BaseException):
    """A terminating signal arrived during a write: unwind, removing the temporary file, then take it."""


@contextlib.contextmanager
def _signals_interrupt():
    """While writing, SIGTERM and SIGHUP (when they would end the process) unwind first, then end it."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    taken = {}

    def interrupt(signum, frame):
        raise _Interrupted(signum)

    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        # a signal that is ignored, or that a caller handles, is left alone
        if sig is not None and signal.getsignal(sig) is signal.SIG_DFL:
            taken[sig] = signal.signal(sig, interrupt)
    try:
        yield
    except _Interrupted as e:
        for sig, previous in taken.items():
            signal.signal(sig, previous)
        signal.raise_signal(e.args[0])  # the default action: the process ends as it would have
        raise
    finally:
        for sig, previous in taken.items():
            signal.signal(sig, previous)
