"""Running a command with its stdout on a pseudo-terminal, as a person at a terminal sees it (for the tests)."""

import fcntl
import os
import pty
import struct
import subprocess
import termios


def run_on_pty(argv, env, cols=None, stderr=subprocess.DEVNULL, timeout=120):
    """(exit status, what reached the terminal) for ``argv`` with stdout on a pty ``cols`` wide (its size unset
    when None: the program then reads COLUMNS, if set)."""
    master, slave = pty.openpty()
    if cols is not None:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 200, cols, 0, 0))
    p = subprocess.Popen(argv, stdout=slave, stderr=stderr, env=env)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the pty closes when the process ends
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return p.wait(timeout), out.decode().replace("\r\n", "\n")
