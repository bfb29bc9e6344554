"""Ending everything the user's code started, even what left the child's process group.

On Linux the child process is made a subreaper (``PR_SET_CHILD_SUBREAPER``): a grandchild
whose parent exits — a daemon that double-forked, a server started with
``start_new_session=True`` — is re-parented to the child instead of to init, so the whole
tree stays below it and ``end_descendants`` finds it in /proc, stops it (so it cannot fork
again) and kills it. Elsewhere the process group is all that is ended.
"""

import os
import signal

__all__ = ["become_subreaper", "die_with_parent", "descendants", "end_descendants"]

_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36


def become_subreaper():
    """Keep orphaned descendants below this process (Linux); nothing elsewhere."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def die_with_parent(parent):
    """Be killed (SIGKILL) when ``parent`` ends, even inside a long C call (Linux); leave now if it has."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # it ended before the signal was asked for
        os._exit(70)


def _parents():
    """{pid: parent pid} for every process /proc shows (empty where there is no /proc)."""
    out = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return out
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue  # gone meanwhile
        # the name (field 2) may hold spaces and parentheses: the fields after its last ")" are plain
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 1 and fields[0] != b"Z":
            out[int(entry)] = int(fields[1])
    return out


def descendants(pid):
    """The live processes below ``pid``: its children, theirs, and so on."""
    children = {}
    for child, parent in _parents().items():
        children.setdefault(parent, []).append(child)
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def end_descendants(pid, rounds=5):
    """Stop, then kill, every live process below ``pid`` (a few rounds: one may have forked meanwhile)."""
    for _ in range(rounds):
        found = descendants(pid)
        if not found:
            return
        for sig in (signal.SIGSTOP, signal.SIGKILL):
            for p in found:
                try:
                    os.kill(p, sig)
                except (ProcessLookupError, PermissionError):
                    pass
