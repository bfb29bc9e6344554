"""The process's console: standard streams guarded against loss, one-line errors, exit codes, rich's Console."""

import contextlib
import os
import re
import sys

__all__ = [
    "EXIT_PASS",
    "EXIT_FAIL",
    "EXIT_USAGE",
    "EXIT_OUTPUT",
    "EXIT_INTERRUPTED",
    "EXIT_PIPE",
    "UsageFailure",
    "OutputLost",
    "GuardedStdout",
    "guarded_stdout",
    "lost_output",
    "err",
    "printable",
    "make_console",
    "fit_width",
]

EXIT_PASS, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
EXIT_OUTPUT = 74  # sysexits' EX_IOERR: standard output or a report file could not be written
EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_PIPE = 141  # 128 + SIGPIPE: what a shell shows for a tool whose reader closed the pipe


class UsageFailure(Exception):
    """Bad input (or a report that cannot be written): one line on stderr and ``code``, 2 unless said."""

    def __init__(self, message, code=EXIT_USAGE):
        super().__init__(message)
        self.code = code


class OutputLost(Exception):
    """Standard output could not be written: closed (``error`` None), a closed pipe, a full disk.

    Not an OSError, so click's own handling (exit 1 on a broken pipe) never sees it.
    """

    def __init__(self, error=None):
        super().__init__(error)
        self.error = error


# characters the tables use, spelled in ASCII for a stdout whose encoding lacks them
_ASCII = str.maketrans({"Δ": "d", "·": "|", "—": "-", "–": "-", "′": "'", "−": "-", "…": "...", "×": "x", "≤": "<="})


class GuardedStdout:
    """sys.stdout, guarded: a failed write raises OutputLost, and what its encoding lacks is spelled in ASCII.

    It has no ``buffer``, so click writes through it too rather than round it.
    """

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        if self._stream is None:
            raise OutputLost()
        try:
            try:
                return self._stream.write(text)
            except UnicodeEncodeError:
                enc = self.encoding
                return self._stream.write(text.translate(_ASCII).encode(enc, "replace").decode(enc))
        except OSError as e:
            raise OutputLost(e) from None
        except ValueError as e:  # written after being closed
            raise OutputLost(OSError(str(e))) from None

    def flush(self):
        if self._stream is None:
            return
        try:
            self._stream.flush()
        except OSError as e:
            raise OutputLost(e) from None
        except ValueError:
            pass

    def isatty(self):
        return self._stream is not None and self._stream.isatty()

    @property
    def encoding(self):
        return getattr(self._stream, "encoding", None) or "utf-8"

    def __getattr__(self, name):
        if name == "buffer" or self._stream is None:
            raise AttributeError(name)
        return getattr(self._stream, name)


def _open_std_fds():
    """Give closed descriptors 0-2 /dev/null, so no file this run opens becomes its stdout by accident.

    sys.stdin/stdout/stderr stay None for a descriptor that was closed: writing there is still an error.
    """
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            with contextlib.suppress(OSError):
                os.open(os.devnull, os.O_RDWR)  # the lowest free descriptor: this one


@contextlib.contextmanager
def guarded_stdout():
    """Open closed descriptors 0-2 and put a GuardedStdout in sys.stdout; yields the stream it wraps."""
    _open_std_fds()
    stdout = sys.stdout
    sys.stdout = GuardedStdout(stdout)
    try:
        yield stdout
    finally:
        sys.stdout = stdout


def _silence_stdout(stream):
    """After a lost write, send fd 1 to /dev/null so the interpreter's last flush cannot fail again."""
    with contextlib.suppress(Exception):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


def lost_output(e, stream):
    """Exit code for output that could not be written: quiet for a closed pipe, one line otherwise."""
    import errno

    _silence_stdout(stream)
    if e.error is not None and e.error.errno == errno.EPIPE:
        return EXIT_PIPE
    why = "it is closed" if e.error is None else e.error.strerror or str(e.error)
    err(f"actcheck: error: cannot write to standard output: {why}")
    return EXIT_OUTPUT


def err(msg):
    """One message on stderr, control characters shown as escapes; nothing if stderr cannot be written."""
    if sys.stderr is None:
        return
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(printable(msg) + "\n")
        sys.stderr.flush()


# C0 controls but tab and newline, DEL, C1 controls, lone surrogates and XML's two non-characters:
# in a terminal they are escape sequences, and XML 1.0 forbids most of them
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def printable(text):
    """``text`` with control characters, lone surrogates and non-characters shown as escapes (\\x1b, \\udc80)."""
    return _UNPRINTABLE.sub(lambda m: ascii(m.group())[1:-1], str(text))


def make_console(wide=False):
    """A rich Console for stdout: the terminal's width there, 200 columns when piped or ``wide``; NO_COLOR honoured."""
    from rich.console import Console

    # NO_COLOR wins over FORCE_COLOR: no styles at all, bold included
    plain = os.environ.get("NO_COLOR", "") != ""
    # piped output is not cut to 80 columns: a table row stays one line
    return Console(
        highlight=False,
        width=None if sys.stdout.isatty() and not wide else 200,
        color_system=None if plain else "auto",
        force_terminal=False if plain else None,
    )


def fit_width(console, wide=False):
    """The width tables must fit: the terminal's, or None (no limit) when piped or with --wide."""
    return None if wide or not sys.stdout.isatty() else console.width
