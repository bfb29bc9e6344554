"""The user's code, answering questions about its pairs: what they are, and their values at given points.

This runs in the process that holds the user's code (a child process for a file, the
kernel itself for ``verify(globals())``). Everything the code prints is captured and
handed back, its warnings recorded, and whatever it raises — ``sys.exit`` included —
becomes a one-line message. Only plain data leaves: float64 arrays and strings.
"""

import atexit
import contextlib
import io
import os
import sys
import tempfile
import warnings

import numpy as np

from . import calling
from .calling import AtPoint, BadValues, in_modes
from .conventions import Skip
from .discovery import discover
from .jaxcode import find_jax
from .kernels import find_torch
from .text import one_line

__all__ = ["UserCode", "captured", "describe_exit", "INPUT_AFTER"]

INPUT_AFTER = "!x"  # a quantity's suffix: the input array after the call (did the code change it?)


class _Sink:
    """Where the code's sys.stdout and sys.stderr point while it runs: a real file (fileno, buffer, reconfigure
    work, faulthandler can write to it), read back and emptied after each call; a descriptor of our own keeps it
    readable if the code closes its stream."""

    def __init__(self):
        raw = _Capped(tempfile.TemporaryFile(buffering=0))
        self.stream = io.TextIOWrapper(io.BufferedRandom(raw), encoding="utf-8", errors="backslashreplace",
                                       line_buffering=True)  # fmt: skip
        self.fd = os.dup(self.stream.fileno())

    def take(self):
        """What was written since the last take, as text; the file emptied."""
        with contextlib.suppress(Exception):  # the code may have closed or broken its stream
            self.stream.flush()
        size = os.fstat(self.fd).st_size
        data = os.pread(self.fd, min(size, _SHOWN), 0) if size else b""
        os.ftruncate(self.fd, 0)
        with contextlib.suppress(Exception):
            self.stream.seek(0)
        return data.decode("utf-8", "replace")


class _Capped(io.RawIOBase):
    """The sink's file: what is written beyond _KEPT bytes is dropped, so printing in a loop is cut short
    instead of failing at the worker's file-size limit ("File too large")."""

    def __init__(self, f):
        self.f = f

    def readable(self):
        return True

    def writable(self):
        return True

    def seekable(self):
        return True

    def fileno(self):
        return self.f.fileno()

    def readinto(self, b):
        return self.f.readinto(b)

    def seek(self, pos, whence=0):
        return self.f.seek(pos, whence)

    def truncate(self, size=None):
        return self.f.truncate(size)

    def write(self, b):
        room = _KEPT - self.f.tell()
        if room > 0:
            self.f.write(bytes(b[:room]))
        return len(b)

    def close(self):
        self.f.close()
        super().close()


_SINK = []
_SHOWN = 1 << 20  # of what one call prints, the first megabyte is kept (a note shows its first line)
_KEPT = 2 * _SHOWN  # what the sink holds of one call's printing at most


def _sink():
    if not _SINK or _SINK[0].stream.closed:
        if _SINK:
            os.close(_SINK.pop().fd)
        else:
            atexit.register(_close_sink)
        _SINK.append(_Sink())
    return _SINK[0]


def _close_sink():
    if _SINK:
        sink = _SINK.pop()
        with contextlib.suppress(Exception):
            sink.stream.close()
        os.close(sink.fd)


@contextlib.contextmanager
def captured():
    """Capture what the code prints and warns: yields a dict that gets 'printed', 'warned' and 'warned_at' (with
    the file each warning points at).

    The code's own numpy error settings (``np.seterr(over="raise")`` at import) stay as it set them.
    """
    out = {"printed": "", "warned": [], "warned_at": []}
    sink = _sink()
    sink.take()  # what a stray thread printed between calls is not this call's
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = sink.stream
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                yield out
            finally:
                out["warned"] = sorted({str(w.message) for w in caught})
                out["warned_at"] = list(dict.fromkeys((str(w.message), w.filename) for w in caught))
    finally:
        sys.stdout, sys.stderr = saved
        out["printed"] = sink.take()


def describe_exit(e, is_user_file=None):
    """'sys.exit(1) (file.py line 3)' for a SystemExit."""
    where = one_line(e, is_user_file)[len("SystemExit") :]
    where = where[where.rfind(" (") :] if where.endswith(")") and " (" in where else ""
    return f"sys.exit({'' if e.code is None else repr(e.code)}){where}"


class UserCode:
    """The pairs in a namespace, inspected and evaluated on request."""

    def __init__(self, pairs, skipped=(), is_user_file=None, kernels=()):
        self.pairs = {str(i): p for i, p in enumerate(pairs)}
        self.skipped, self.is_user_file = list(skipped), is_user_file
        self.kernels = {str(i): k for i, k in enumerate(kernels)}
        self.mode = {}

    @classmethod
    def from_namespace(cls, namespace, module_name, is_user_file=None):
        """The pairs (and torch kernels) defined in ``namespace`` (a module's, a notebook's, a kernel's globals)."""
        pairs, skipped = discover(namespace, module_name)
        found = find_torch(namespace, module_name) + find_jax(namespace, module_name)
        helpers = {id(h) for k in found for h in k.helpers()}  # a custom_vjp's silu_fwd/silu_bwd: not a NumPy pair
        pairs = [p for p in pairs if not {id(getattr(p, "f", None)), id(getattr(p, "g", None))} & helpers]
        skipped = [(n, r) for n, r in skipped if id(namespace.get(n)) not in helpers]
        paired = {id(f) for p in pairs for f in (getattr(p, "f", None), getattr(p, "g", None))}
        kernels = [k for k in found if id(k.obj) not in paired]
        return cls(pairs, skipped, is_user_file, kernels)

    def describe(self):
        """The candidate pairs (id, name, cells, parameters) and what was skipped without running anything."""
        pairs = [
            {
                "id": i,
                "name": p.name,
                "called": p.called,
                "cells": p.cells,
                "accepts": p.accepts(),
                "shared": p.shared(),
                "sides": p.sides() if hasattr(p, "sides") else None,
                "style": p.style(),
                "lines": {} if any(p.cells.values()) else p.lines(),  # a notebook's lines are its cells'
            }
            for i, p in self.pairs.items()
        ]
        kernels = [{"id": i, **k.describe()} for i, k in self.kernels.items()]
        return {"pairs": pairs, "skipped": [{"name": n, "reason": r} for n, r in self.skipped], "kernels": kernels}

    def builtin(self, name, params, dtype, x, upstream, order=1):
        """JAX's own function for activation ``name`` in ``dtype`` at ``x``, as ``kernel`` gives; {} without one."""
        from .jaxcode import builtin

        k = builtin(name, params)
        return {} if k is None else k.evaluate(dtype, x, upstream, lambda f: False, order)

    def kernel(self, kid, dtype, x, upstream, order=1, compiled=None):
        """A torch kernel's values in ``dtype`` at ``x`` (forward, backward with ones twice, VJP with ``upstream``)."""
        with captured() as cap:
            mine = self.is_user_file or (lambda f: False)
            reply = self.kernels[kid].evaluate(dtype, x, upstream, mine, order, compiled)
        reply["printed"], reply["warned"] = cap["printed"], cap["warned"]
        return reply

    def _error(self, e, pair=None):
        if isinstance(e, SystemExit):
            return f"your code called {describe_exit(e, self.is_user_file)}"
        if isinstance(e, AtPoint):
            return f"your code raised {one_line(e.error, self.is_user_file)} at x = {e.x:.6g}"
        text = f"your code raised {one_line(e, self.is_user_file)}"
        back = getattr(pair, "returns", None)
        if isinstance(e, TypeError) and "tuple" in str(e) and isinstance(back, tuple):
            name = pair.label("forward")
            text += (
                f": {name} returns a tuple of {len(back)} where an array is expected — "
                f"unpack it (a, cache = {name}(x)) or return the array alone"
            )
        return text

    def inspect(self, pid, kw, vector=False):
        """{'info': ...} how the pair is called and the parameters it declares, {'skip': reason} or {'error': ...}."""
        pair = self.pairs[pid]
        pair.vector = vector
        with captured() as cap:
            try:
                reply = {"info": pair.info(pair.inspect(kw))}
            except Skip as s:
                reply = {"skip": str(s)}
            except calling.FAULTS as e:  # an object's constructor, as a rule: nothing else has run yet
                error = self._error(e, pair)
                reply = {"error": error.replace("your code", "the constructor", 1) if hasattr(pair, "cls") else error}
        reply["printed"] = cap["printed"]
        reply["notes"] = list(pair.notes)
        return reply

    def evaluate(self, pid, kw, x, upstream, quantities, modes=None):
        """The pair's values for each quantity at ``x``; a quantity that cannot be had gets a message instead.

        ``modes`` (calling.MODES) are the input layouts to try instead of the pair's usual ones.
        """
        pair = self.pairs[pid]
        inputs = {"x": _as_input(x), "u": _as_input(upstream)}
        values, errors, warned, dtypes = {}, {}, {}, {}
        with captured() as cap:
            for q in quantities:
                side = "forward" if q == "forward" else "backward"
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    mode = self._one(pair, pid, side, q, kw, inputs, modes, values, errors)
                if q in values:
                    dtypes[q] = values[q].dtype.name
                    values[q] = values[q].astype(np.float64)
                warned[q] = sorted({str(w.message) for w in caught})
                if mode is not None and modes is None:
                    self.mode[(pid, side)] = mode
                if mode is not None and not q.endswith("@y"):  # f(x) given where x was meant: not how it is called
                    _note_mode(pair, side, mode)
        return {
            "values": values,
            "errors": errors,
            "dtypes": dtypes,
            "printed": cap["printed"],
            "warned": sorted({w for ws in warned.values() for w in ws}),
            "warned_by": warned,
            "notes": list(pair.notes),
            "cache_fix": getattr(pair, "cache_fix", None),
        }

    def _one(self, pair, pid, side, q, kw, inputs, modes, values, errors):
        """One quantity into ``values`` (or its message into ``errors``); the layout it was had in, or None.

        ``QUANTITY!x`` is the array x after the code computed QUANTITY from it: x changed means the code wrote into
        its input.
        """
        if q.endswith(INPUT_AFTER):
            x = inputs["x"].copy()
            try:
                pair.compute(q[: -len(INPUT_AFTER)], kw)({"x": x, "u": inputs["u"].copy()})
                values[q] = x
            except calling.FAULTS as e:
                errors[q] = self._error(e, pair)
            return None
        if modes is None:
            known = self.mode.get((pid, side))
            modes = pair.modes()
            modes = (known, *[m for m in modes if m != known]) if known in modes else modes
        try:
            shape = inputs["u"].shape if q == "forward" else None  # glu's output is half its input
            lengths = not getattr(pair, "vector", False)  # a vector activation couples its points
            values[q], mode = in_modes(pair.compute(q, kw), inputs, modes, shape, lengths)
            return mode
        except BadValues as e:
            errors[q] = f"{pair.label(q)} {e}"
        except calling.FAULTS as e:
            errors[q] = self._error(e, pair)
        return None


def _note_mode(pair, side, mode):
    notes = {
        "scalars": f"{side} is written for scalars: applied elementwise with a float result",
        "rows": "written for 2-D batches (rows are samples): checked on batches of rows",
        "columns": "written for column vectors (n, 1): checked on columns",
    }
    if mode in notes and notes[mode] not in pair.notes:
        pair.notes.append(notes[mode])


def _as_input(a):
    """``a`` as float64, or in the narrower float dtype check_pair was asked to give the code."""
    a = np.asarray(a)
    return a if a.dtype.name in ("float32", "float16", "bfloat16") else a.astype(np.float64)
