"""A sweep's finished tasks kept on disk (``--store DIR``), so that a rerun measures only what is missing.

Each task's result is a small file written atomically, named by a hash of what decides it: the
function, the Spec (activation, parameters, dtype, quantities, range, sample, seed, worst points
kept) and the task's ordinals. The files live in a directory per actcheck version (with a hash
of its source, so that a changed checkout counts as another) and torch version: tallies of another
are never mixed in. ``request.json`` holds the last request, so that
``accuracy --store DIR`` alone measures (or rebuilds) it again.
"""

import dataclasses
import hashlib
import json
import os
import pickle
import tempfile
from pathlib import Path

import numpy as np

from ..errors import InputError

__all__ = ["Store"]

_FORMAT = 1  # bumped when a stored result's shape changes


class Store:
    """A directory of finished tasks for this actcheck and torch version."""

    def __init__(self, path):
        from .cluster import versions

        self.path = Path(path)
        v = versions()
        self.version = f"actcheck-{v['actcheck']}-torch-{v['torch']}-{_source()}"
        self.tasks = self.path / self.version
        try:
            self.tasks.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise InputError(f"--store {path}: cannot use it as a directory ({e.strerror or e})") from None
        self.reused = self.measured = 0

    def others(self):
        """The other versions whose tallies the store holds (not mixed in)."""
        return sorted(
            p.name for p in self.path.iterdir() if p.is_dir() and p.name.startswith("actcheck-") and p != self.tasks
        )

    def imap(self, imap, fn, items):
        """``imap(fn, items)`` for the items not stored yet, stored as they come; the stored ones read back."""
        items = list(items)
        names = [self._name(fn, item) for item in items]
        stored = [(self.tasks / n).exists() for n in names]
        fresh = imap(fn, [item for item, s in zip(items, stored, strict=True) if not s])
        for name, s in zip(names, stored, strict=True):
            if s:
                self.reused += 1
                yield self._read(name)
            else:
                out = next(fresh)
                self._write(name, out)
                self.measured += 1
                yield out

    def _name(self, fn, item):
        h = hashlib.sha256(f"{_FORMAT}|{fn.__module__}.{fn.__qualname__}|".encode())
        _digest(h, item[1:])  # item[0] is the Spec's place in this request: not what decides the result
        return h.hexdigest()[:32] + ".pickle"

    def _read(self, name):
        with open(self.tasks / name, "rb") as f:
            return pickle.load(f)

    def _write(self, name, out):
        fd, tmp = tempfile.mkstemp(dir=self.tasks, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(out, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.tasks / name)
        except BaseException:
            os.unlink(tmp)
            raise

    def save_request(self, request):
        """Keep the request (a JSON-able dict) for ``accuracy --store DIR`` alone."""
        fd, tmp = tempfile.mkstemp(dir=self.path, prefix=".part-")
        with os.fdopen(fd, "w") as f:
            json.dump(request, f, indent=1, sort_keys=True)
        os.replace(tmp, self.path / "request.json")

    @staticmethod
    def request(path):
        """The request last measured into the store at ``path``; InputError when there is none."""
        try:
            return json.loads((Path(path) / "request.json").read_text())
        except (OSError, ValueError):
            raise InputError(f"--store {path} holds no request to measure again: give NAMES") from None


def _source():
    """A short hash of actcheck's own source: a checkout changed since the store was written is another version."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for f in sorted(root.rglob("*.py")):
        h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:10]


def _digest(h, obj):
    """Feed ``obj`` (tuples, lists, dataclasses, arrays, numbers, strings) to ``h``, unambiguously."""
    if isinstance(obj, np.ndarray):
        h.update(f"a{obj.dtype.str}{obj.shape}".encode())
        h.update(np.ascontiguousarray(obj).tobytes())
    elif dataclasses.is_dataclass(obj):
        h.update(f"d{type(obj).__name__}(".encode())
        _digest(h, dataclasses.astuple(obj))
        h.update(b")")
    elif isinstance(obj, (tuple, list)):
        h.update(f"t{len(obj)}(".encode())
        for o in obj:
            _digest(h, o)
        h.update(b")")
    else:
        h.update(f"{type(obj).__name__}:{obj!r};".encode())
