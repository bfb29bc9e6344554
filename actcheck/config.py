"""A project's defaults: ``[tool.actcheck]`` in the nearest pyproject.toml that has one, as ruff finds its own.

    [tool.actcheck]
    dtype = ["float64", "float32"]   # or one name
    rtol = 1e-6
    atol = 1e-7
    select = ["sigmoid", "soft*"]    # or "sigmoid,soft*"
    exclude = ["glu"]
    timeout = 120                    # seconds, verify

A flag given on the command line wins. A setting that is unknown or cannot be used is
InputError naming the file.
"""

import math
import os

from .errors import InputError

__all__ = ["Config", "find", "load", "KEYS"]

KEYS = ("dtype", "rtol", "atol", "select", "exclude", "timeout")


class Config(dict):
    """The settings read (a dict of the keys given) and the file they came from (None: no file)."""

    def __init__(self, values=(), path=None):
        super().__init__(values)
        self.path = path


def find(start=None):
    """(path, table) of the nearest pyproject.toml above ``start`` (the working folder) with [tool.actcheck]."""
    folder = os.path.abspath(start or os.getcwd())
    while True:
        path = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(path):
            table = _table(path)
            if table is not None:
                return path, table
        parent = os.path.dirname(folder)
        if parent == folder:
            return None, None
        folder = parent


def _table(path):
    """The [tool.actcheck] table of a pyproject.toml, or None when it has none."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise InputError(f"{path}: cannot read it: {e.strerror or e}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        if b"tool.actcheck" not in raw:
            return None  # not ours to judge
        raise InputError(f"{path}: not valid TOML ({e})") from None
    table = data.get("tool", {}).get("actcheck") if isinstance(data.get("tool"), dict) else None
    if table is not None and not isinstance(table, dict):
        raise InputError(f"{path}: tool.actcheck must be a table ([tool.actcheck])")
    return table


def load(start=None):
    """The project's Config, every value checked; an empty Config when there is no [tool.actcheck]."""
    path, table = find(start)
    if table is None:
        return Config()
    out = {}
    for key, value in table.items():
        if key not in KEYS:
            raise InputError(f"{path}: [tool.actcheck] has no setting {key!r} (it takes {', '.join(KEYS)})")
        try:
            out[key] = _CHECKS[key](key, value)
        except InputError as e:
            raise InputError(f"{path}: [tool.actcheck] {e}") from None
    return Config(out, path)


def _names(key, value):
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items) or not items:
        raise InputError(f"{key} must be a name or a list of names, got {value!r}")
    return items


def _dtypes(key, value):
    from .dtypes import get_dtype

    return [get_dtype(n).name for n in _names(key, value)]


def _patterns(key, value):
    from .registry import ACTIVATIONS
    from .selection import pick

    items = _names(key, value)
    try:
        pick(list(ACTIVATIONS), items if key == "select" else (), items if key == "exclude" else ())
    except InputError as e:
        if "leave no" not in str(e):
            raise InputError(str(e).replace(f"--{key}", key, 1)) from None
    return items


def _tolerance(key, value):
    from .inputs import tolerance

    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{key} must be a number, got {value!r}")
    return tolerance(key, value)


def _timeout(key, value):
    from .verification.checking import MAX_TIMEOUT

    if isinstance(value, bool) or not isinstance(value, int | float) or not (0 < value <= MAX_TIMEOUT):
        raise InputError(f"timeout must be a positive number of seconds up to {MAX_TIMEOUT:g}, got {value!r}")
    return float(value) if math.isfinite(value) else value


_CHECKS = {"dtype": _dtypes, "rtol": _tolerance, "atol": _tolerance, "select": _patterns, "exclude": _patterns,
           "timeout": _timeout}  # fmt: skip
