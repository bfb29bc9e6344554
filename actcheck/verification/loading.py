"""Importing a user's file: fresh module, its directory on sys.path only while it imports, output captured."""

import contextlib
import importlib.util
import io
import os
import sys
import traceback
import warnings

from ..errors import InputError

__all__ = ["load_module", "quietly", "one_line"]


def load_module(path):
    """Import ``path`` as a fresh module; raise InputError with one line when it cannot be used."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise InputError(f"no such file: {path}")
    if not path.endswith(".py"):
        raise InputError(f"not a Python file: {path}")
    try:
        source = open(path, encoding="utf-8").read()
        compile(source, path, "exec")
    except (SyntaxError, ValueError) as e:
        line = f" (line {e.lineno})" if getattr(e, "lineno", None) else ""
        raise InputError(f"{path} is not valid Python: {getattr(e, 'msg', e)}{line}") from None
    except UnicodeDecodeError:
        raise InputError(f"not a Python file (not UTF-8 text): {path}") from None
    name = f"actcheck_user_{abs(hash(os.path.abspath(path)))}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    folder = os.path.dirname(os.path.abspath(path))
    os.environ.setdefault("MPLBACKEND", "Agg")  # a plt.show() in the file must not block
    sys.path.insert(0, folder)
    try:
        with quietly():
            spec.loader.exec_module(module)
    except BaseException as e:  # the user's code may raise anything, SystemExit included
        raise InputError(f"{path} raised on import: {one_line(e, path)}") from None
    finally:
        if sys.path and sys.path[0] == folder:
            sys.path.pop(0)
    return module


@contextlib.contextmanager
def quietly():
    """Capture what the user's code prints, and its warnings."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield


def one_line(exc, path=None):
    """'ValueError: message (file.py line 12)' — the user's own frame, briefly."""
    where = ""
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f for f in frames if path and os.path.abspath(f.filename) == os.path.abspath(path)]
    if mine:
        where = f" ({os.path.basename(mine[-1].filename)} line {mine[-1].lineno})"
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {msg}{where}" if msg else f"{type(exc).__name__}{where}"
