"""Calling a user's function on an array, whatever it was written for, and checking what it returns.

Code is first called on the 1-D array of points. Code written for 2-D mini-batches
(``axis=1``, ``X.shape`` unpacked) raises there and is called on a batch of rows (the
points in the first, two other rows beside them); code written for column vectors (n, 1)
is called on a column when asked (its 1-D values were wrong: ``.T`` and ``np.dot`` keep
shapes that a 1-D array loses); code
written for Python floats (``max(0, x)``, ``math.exp``) raises on both and is called
element by element. What comes back must be real numbers of the input's shape: complex,
object, string or wrongly shaped values are that quantity's failure.

Elementwise code called on the 1-D array is called on a few short pieces of it too (1, 2,
3 and 50 points): at those points the values judged are what the short calls returned, so
code wrong only on short arrays (a batch of one) fails there.
"""

import numpy as np

__all__ = ["BadValues", "AtPoint", "MODES", "VECTOR_MODES", "COLUMNS", "FAULTS", "in_modes", "as_values"]

MODES = ("array", "rows", "scalars")
VECTOR_MODES = ("array", "rows")  # a vector activation couples its elements: never element by element
COLUMNS = ("columns",)  # code written for (n, 1) columns, asked for when 1-D values are wrong
_RETRY = (TypeError, ValueError, IndexError)  # what code meeting an input shape it was not written for raises
# what the user's code may raise that is its own failure, not actcheck's: in the child process (where no Ctrl-C
# arrives) every BaseException, KeyboardInterrupt included; in this process a real Ctrl-C must still stop
FAULTS = (Exception, SystemExit)


class BadValues(Exception):
    """The user's function returned something that is not real numbers of the input's shape."""


class AtPoint(Exception):
    """A function written for scalars raised at one point after others worked."""

    def __init__(self, error, x):
        super().__init__(error)
        self.error, self.x = error, x


class _ScalarResult(Exception):
    """An array went in and a single number came out: the function was written for scalars, or reduces."""

    def __init__(self, reduced):
        super().__init__()
        self.reduced = reduced  # a numpy scalar (np.max(x, 0)), not a Python number (return 1.0)


_CONSTANT = []  # non-empty while a Python number returned for an array is taken as that number at every point


def as_values(out, shape):
    """``out`` as float64 of ``shape``; BadValues saying what is wrong with it otherwise."""
    if isinstance(out, tuple):
        raise BadValues(f"returns a tuple of {len(out)} item{'s' * (len(out) != 1)} where an array is expected")
    if out is None:
        raise BadValues("returns None (a missing return?)")
    try:
        arr = np.asarray(out)
    except Exception as e:
        raise BadValues(f"returns {type(out).__name__}, which is not an array ({type(e).__name__})") from None
    kind = "f" if arr.dtype.name == "bfloat16" else arr.dtype.kind  # ml_dtypes' bfloat16 is kind V to NumPy
    if kind == "c":
        raise BadValues(f"returns complex values ({arr.dtype}) where real numbers are expected")
    if kind == "O":
        has_none = any(v is None for v in arr.ravel()[:100_000])
        raise BadValues("returns an object array" + (" (None among its values)" if has_none else ", not numbers"))
    if kind in "USV":
        raise BadValues(f"returns strings ({arr.dtype}), not numbers")
    if kind not in "biuf":
        raise BadValues(f"returns {arr.dtype} values, not real numbers")
    if arr.shape != tuple(shape):
        if arr.ndim == 0:
            reduced = isinstance(out, np.generic | np.ndarray)
            if _CONSTANT and not reduced:
                return np.full(shape, float(arr))
            raise _ScalarResult(reduced)
        if arr.size == 1 and shape:  # np.ones(1) for an array: a constant that broadcasts where it is used
            return np.full(shape, arr.reshape(()), dtype=np.float64)
        raise BadValues(f"returns shape {arr.shape} for an input of shape {tuple(shape)}")
    # float32/float16 kept as they are: the code's precision is what it is judged in
    return arr if arr.dtype.name in ("float32", "float16", "bfloat16") else arr.astype(np.float64)


SHORT = (1, 2, 3, 50)  # the lengths elementwise array code is also called on


def in_modes(compute, inputs, modes=MODES, shape=None, lengths=False):
    """(values, mode): ``compute(inputs)`` in the first mode the code accepts (1-D, a row, element by element).

    ``inputs`` maps names to 1-D arrays (the points ``x`` and the upstream ``u``); ``compute``
    returns the user's raw result, which must have ``shape`` (by default x's). The first
    mode's exception is raised when no mode works. With ``lengths`` (elementwise code), the
    1-D layout is also called on short pieces of the array (``SHORT``), and their values kept.
    """
    shape = tuple(inputs["x"].shape if shape is None else shape)
    first = None
    for mode in modes:
        if mode == "scalars" and isinstance(first, _ScalarResult) and first.reduced:
            break  # an array in, one numpy number out: a reduction (np.max for np.maximum), not code for scalars
        try:
            out = _run(mode, compute, inputs, shape)
            if lengths and mode in ("array", "columns") and out.shape == inputs["x"].shape and out.ndim == 1:
                out = _short(mode, compute, inputs, out)
            return out, mode
        except BadValues:
            if first is None:
                raise  # what the first layout returned is wrong: that is the answer, not a cue to retry
            break  # a later layout's complaint would hide the first's
        except (*_RETRY, _ScalarResult) as e:
            first = first or e
        except FAULTS:
            if mode == "scalars" and isinstance(first, _ScalarResult) and not first.reduced:
                # array code (if x.any() < 0: return 0 ... return 1) answered one number for every point: that
                # is its answer; what scalars provoke in it (float has no .any) is not the code's to answer for
                _CONSTANT.append(True)
                try:
                    return _run("array", compute, inputs, shape), "array"
                finally:
                    _CONSTANT.pop()
            raise
    if isinstance(first, _ScalarResult):
        raise BadValues(
            "returns a single number for an array of points (a reduction, np.max or np.sum, where an elementwise "
            "np.maximum or np.add was meant?)"
        )
    raise first


def _short(mode, compute, inputs, out):
    """``out`` with the values the code returns when called on short pieces of the array put in their place."""
    size = out.size
    out = out.copy()
    for k, n in enumerate(SHORT):
        if n >= size:
            continue
        start = min(max((k + 1) * size // (len(SHORT) + 1) - n // 2, 0), size - n)
        piece = {key: v[start : start + n].copy() for key, v in inputs.items()}
        try:
            out[start : start + n] = _run(mode, compute, piece, (n,))
        except _ScalarResult:
            if n > 1:
                raise BadValues(f"returns a single number for an array of {n} points") from None
            out[start] = np.asarray(compute(_layout(mode, piece)), dtype=np.float64).reshape(())  # a batch of one
        except BadValues:
            raise
        except FAULTS as e:
            raise BadValues(f"raises {type(e).__name__} on an array of {n} point{'s' * (n > 1)}: {e}") from None
    return out


def _layout(mode, inputs):
    return {k: v.copy() if mode == "array" else v.reshape(-1, 1) for k, v in inputs.items()}


def _run(mode, compute, inputs, shape):
    if mode == "array":
        return as_values(compute(_layout(mode, inputs)), shape)
    if mode == "rows":
        # three rows, not one: code that mixes the rows of a batch (a sum over the wrong axis) shows it in row 0
        rows = {k: np.stack([v, v[::-1], -v]) for k, v in inputs.items()}
        return as_values(compute(rows), (3, *shape))[0]
    if mode == "columns":
        return as_values(compute(_layout(mode, inputs)), (*shape, 1)).reshape(shape)
    flat = {k: v.ravel() for k, v in inputs.items()}
    out = np.empty(int(np.prod(shape)))
    kind = np.float64  # scalar code in np.float32 (np.float32(x), then if x > 0) is judged in float32 too
    for i in range(out.size):
        try:
            one = as_values(compute({k: float(v[i]) for k, v in flat.items()}), ())
            kind = one.dtype.type if i == 0 else kind
            out[i] = one
        except (_ScalarResult, BadValues):
            raise
        except FAULTS as e:
            if i == 0:
                raise
            raise AtPoint(e, float(flat["x"][i]) if "x" in flat else None) from None
    return out.reshape(shape).astype(kind, copy=False)
