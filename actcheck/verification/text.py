"""User-derived text made safe to show: one line, no control characters, bounded length."""

import os
import re
import traceback

__all__ = ["printable", "escaped", "one_line", "first_lines"]

# C0 and C1 control characters, DEL, lone surrogates and XML's non-characters (tabs and newlines are folded
# into spaces): in a terminal they are escape sequences, XML 1.0 forbids most of them, UTF-8 cannot hold surrogates
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_ANY_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SPACE = re.compile(r"\s+")
LIMIT = 2000  # an exception message is shown whole, unless it is a megabyte of text


def printable(text, limit=LIMIT):
    """``text`` on one line with control characters written as escapes (\\x1b), cut at ``limit`` characters."""
    text = _CONTROL.sub(_escape, str(text))
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escaped(text):
    """``text`` as it is but for control characters (tabs and newlines too), written as escapes: a file's name."""
    return _ANY_CONTROL.sub(_escape, str(text))


def _escape(m):
    return ascii(m.group())[1:-1]


def one_line(exc, is_user_file=None):
    """'ValueError: message (file.py line 12)': the exception, whole, on one line, with the user's own frame."""
    where = ""
    if is_user_file is not None:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if is_user_file(f.filename)]
        if frames:
            where = f" ({os.path.basename(frames[-1].filename)} line {frames[-1].lineno})"
    if isinstance(exc, SyntaxError) and exc.lineno:
        where = where or f" (line {exc.lineno})"
        msg = printable(exc.msg or "")
    else:
        try:
            msg = printable(exc)
        except Exception:  # a user's __str__ may raise
            msg = ""
    name = type(exc).__name__
    return f"{name}: {msg}{where}" if msg else f"{name}{where}"


def first_lines(text, n=1, width=100):
    """What a chunk of printed output says, briefly: its first ``n`` non-blank lines and how many there were."""
    lines = [line for line in str(text).splitlines() if line.strip()]
    if not lines:
        return ""
    shown = "; ".join(f"'{printable(line, width)}'" for line in lines[:n])  # escaped once: not repr() again
    more = f" … ({len(lines)} lines)" if len(lines) > n else ""
    return shown + more
