"""Files written whole or not at all: a temporary file beside the target, then a rename.

As the shell's ``>`` would: a symlink is written through (its target replaced, the link
kept), an existing file keeps its permissions and, where allowed, its owner, a new file gets
0666 less the umask, and a FIFO, device or anything else that is not a regular file is
written directly (a rename would replace it with a regular file). An interrupted write
(SIGINT, SIGTERM, SIGHUP) removes its temporary file and leaves the target as it was.
"""

import contextlib
import errno
import os

__all__ = ["write_atomic"]


def write_atomic(path, data):
    """Write ``data`` (str or bytes) to ``path`` via a temporary file and a rename (directly if not a regular file)."""
    import stat

    path = os.fspath(path)
    if not path:
        raise FileNotFoundError(errno.ENOENT, "an empty path names no file", path)
    data = data.encode() if isinstance(data, str) else data
    target = os.path.realpath(path)  # through symlinks, so the link stays a link
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
    if st is not None and not stat.S_ISREG(st.st_mode):
        with open(target, "wb") as f:
            f.write(data)
        return
    with _signals_interrupt():
        _replace(target, data, st)


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
            with contextlib.suppress(OSError):  # only root may give a file away
                if (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
                    os.chown(tmp, st.st_uid, st.st_gid)
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
