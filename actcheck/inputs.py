"""What a user gives, checked before any work: names, dtypes, tolerances, orders, parameters, values, bounds.

Each check returns the value in the form the engine uses or raises InputError with one line
saying what was wrong. The same rules hold for the Python API and the command line.
"""

import math
import numbers

import numpy as np

from .dtypes import round_to
from .errors import InputError

__all__ = ["activation_name", "dtype_name", "tolerance", "order", "params", "values", "in_dtype", "bounds"]

_F64_MAX = float(np.finfo(np.float64).max)


def _brief(value):
    """``repr(value)``, cut short: a 400-digit integer should not fill the terminal."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:24]}... ({len(text)} characters)"


def activation_name(name):
    """``name`` if it is a string."""
    if not isinstance(name, str):
        raise InputError(f"the activation name must be a string, got {_brief(name)}")
    return name


def dtype_name(dtype):
    """The name of ``dtype`` given as a string, a NumPy dtype or type, or a torch dtype (without importing torch)."""
    if isinstance(dtype, str):
        return dtype.lower()
    if type(dtype).__module__ == "torch" and type(dtype).__name__ == "dtype":
        return str(dtype).removeprefix("torch.")
    if dtype is not None and not isinstance(dtype, bool):
        try:
            return np.dtype(dtype).name
        except TypeError:
            pass
    raise InputError(f"dtype must be a name, a NumPy dtype or a torch dtype, got {_brief(dtype)}")


def _real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def tolerance(name, value):
    """``value`` as a float, finite and >= 0; None (the dtype's default) stays None."""
    if value is None:
        return None
    try:
        v = float(value) if _real(value) else None
    except OverflowError:
        v = math.inf
    if v is None:
        raise InputError(f"{name} must be a number, got {_brief(value)}")
    if not math.isfinite(v) or v < 0:
        raise InputError(f"{name} must be finite and non-negative, got {_brief(value)}")
    return v


def order(value):
    """``value`` if it is 1 or 2 (derivatives up to that order are checked)."""
    if not (isinstance(value, numbers.Integral) and not isinstance(value, bool) and value in (1, 2)):
        raise InputError(f"order must be 1 or 2, got {_brief(value)}")
    return int(value)


def params(given):
    """``given`` with every number checked to fit a float (the registry checks the rest)."""
    for key, value in given.items():
        if _real(value):
            try:
                float(value)
            except OverflowError:
                raise InputError(f"{key} must be a finite number, got {_brief(value)}") from None
    return given


def _plain(values):
    """Tensors (with requires_grad, in bfloat16, on any device) as NumPy arrays, inside lists and tuples too."""
    if type(values).__module__.startswith("torch") and hasattr(values, "detach"):
        t = values.detach().cpu()
        return (t.double() if t.is_floating_point() else t).numpy()
    if isinstance(values, (list, tuple)):
        return [_plain(v) for v in values]
    return values


def _number(v):
    """One element of an object array as a float: None or text is not a number (NumPy would make None nan)."""
    if v is None or isinstance(v, (str, bytes)):
        raise TypeError(f"{v!r} is not a number")
    f = float(v)
    if math.isinf(f) and "inf" not in str(v).lower():  # Decimal('1e400') is finite: float() makes it inf
        raise OverflowError(f"{v!r} is beyond float64's range")
    return f


def _float64(flat):
    """A real array as float64; OverflowError where a wider float (longdouble) holds a finite value beyond it."""
    with np.errstate(over="ignore"):
        x = flat.astype(np.float64, copy=False)
    if flat.dtype.kind == "f" and flat.dtype.itemsize > 8 and (np.isinf(x) & np.isfinite(flat)).any():
        raise OverflowError("beyond float64")
    return x


def values(given):
    """``given`` (a number, list, tuple, NumPy array or torch tensor, any shape) as a flat float64 array.

    None stays None (the activation's default grid). No values at all is an error, as is
    anything that is not a real number or a finite value beyond float64's range.
    """
    if given is None:
        return None
    if isinstance(given, (str, bytes)):
        raise InputError(f"values must be numbers, not text: {_brief(given)}")
    try:
        arr = np.asarray(given)
    except (TypeError, ValueError, RuntimeError):
        arr = None
    if arr is None:
        try:
            arr = np.asarray(_plain(given))
        except (TypeError, ValueError, RuntimeError) as e:
            raise InputError(f"values must be numbers in a list, tuple, array or tensor: {e}") from None
    if arr.dtype.kind in "USmMc":
        raise InputError(f"values must be real numbers, got an array of {arr.dtype}")
    try:
        flat = arr.ravel()
        x = np.fromiter(map(_number, flat), np.float64, flat.size) if arr.dtype.kind == "O" else _float64(flat)
    except OverflowError:
        raise InputError(
            f"a value is beyond float64's range (largest finite {_F64_MAX:g}); use inf for infinity"
        ) from None
    except (TypeError, ValueError) as e:
        raise InputError(f"values must be real numbers: {e}") from None
    if x.size == 0:
        raise InputError("no values to check")
    return x


def in_dtype(x, dt, what="value"):
    """``x`` (float64) rounded to ``dt``; InputError where a finite value would overflow to infinity there."""
    y = round_to(x, dt)
    over = np.isfinite(x) & np.isinf(y)
    if over.any():
        v = float(x[np.argmax(over)])
        top = float(dt.finfo().max)
        raise InputError(f"{what} {v:g} is beyond {dt.name}'s range (largest finite {top:g}); use inf for infinity")
    return y


def bounds(lo, hi, what, dtypes=()):
    """Check that ``lo`` and ``hi`` are finite and representable in each of ``dtypes``."""
    for v in (lo, hi):
        if not math.isfinite(v):
            raise InputError(f"{what} needs finite bounds within float64's range, got {v:g}")
    for dt in dtypes:
        in_dtype(np.array([lo, hi], dtype=np.float64), dt, f"{what} bound")
