"""What a user's function's signature says: the inputs it needs, its numeric parameters, the keywords it takes.

A decorated function is read through its decorator — ``functools.wraps``' ``__wrapped__``,
``np.vectorize``'s ``pyfunc``, a ``wrapper(*args, **kwargs)`` closing over the one function
it wraps — and called as it is. ``backward(self, *grads)`` takes one input.
"""

import functools
import inspect

import numpy as np

__all__ = ["underlying", "signature", "required", "needs", "number", "numeric_defaults", "kw_for"]

_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _only_varargs(fn):
    try:
        kinds = {p.kind for p in inspect.signature(fn).parameters.values()}
    except (TypeError, ValueError):
        return False
    return bool(kinds) and kinds <= {inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD}


def _wrapped_function(fn):
    """The one function a wrapper(*args, **kwargs) closes over, or None."""
    found = []
    for cell in getattr(fn, "__closure__", None) or ():
        try:
            content = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if inspect.isfunction(content) and content is not fn:
            found.append(content)
    return found[0] if len(found) == 1 else None


def underlying(fn):
    """The function a decorator wraps (np.vectorize, lru_cache, a wrapper without functools.wraps), else ``fn``."""
    for _ in range(8):  # decorators stack, but not forever
        if inspect.ismethod(fn):
            return fn  # its __wrapped__ would be the function with self
        if isinstance(fn, np.vectorize):
            fn = fn.pyfunc
        elif callable(getattr(fn, "__wrapped__", None)):
            fn = fn.__wrapped__
        elif inspect.isfunction(fn) and _only_varargs(fn) and (inner := _wrapped_function(fn)) is not None:
            fn = inner
        else:
            return fn
    return fn


def signature(fn):
    """The signature of the function ``fn`` stands for, or None when it has none to read.

    Cached by the function's identity only: a bound method hashes its object, and the user's ``__hash__``
    is never called.
    """
    if inspect.ismethod(fn) and inspect.isfunction(fn.__func__):
        return _bound(fn.__func__)
    return _signature(fn) if inspect.isfunction(fn) else _read(fn)


@functools.lru_cache(maxsize=1024)
def _bound(func):
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return None
    return sig.replace(parameters=list(sig.parameters.values())[1:])


@functools.lru_cache(maxsize=1024)  # asked at every call of the code, element by element for scalar code
def _signature(fn):
    return _read(fn)


def _read(fn):
    fn = underlying(fn)
    try:
        return inspect.signature(fn)
    except (TypeError, ValueError):  # a __wrapped__ loop, a __signature__ that is not one: its code still says
        return _plain(fn)


def _plain(fn):
    """The signature of a function's own code, without its __wrapped__ or __signature__; None for anything else."""
    import types

    if not inspect.isfunction(fn):
        return None
    bare = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__, fn.__closure__)
    bare.__kwdefaults__ = fn.__kwdefaults__
    try:
        return inspect.signature(bare)
    except (TypeError, ValueError):
        return None


def required(fn):
    """Names of the positional parameters without defaults (a bound method's self excluded); ``*args`` alone is one."""
    sig = signature(fn)
    if sig is None:
        return []
    params = sig.parameters.values()
    names = [p.name for p in params if p.default is inspect.Parameter.empty and p.kind in _POSITIONAL]
    return names or [p.name for p in params if p.kind == inspect.Parameter.VAR_POSITIONAL][:1]


def needs(cls):
    """What a class's constructor needs: its positional parameters without defaults (``*args`` needs nothing)."""
    sig = signature(cls)
    if sig is None:
        return []
    return [p.name for p in sig.parameters.values() if p.default is inspect.Parameter.empty and p.kind in _POSITIONAL]


def number(v):
    """A user's numeric value: an int stays an int (a count may be one), else a float (ints beyond float's range
    are ±inf); None for anything else."""
    if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
        return None
    if isinstance(v, int | np.integer) and abs(int(v)) < 2**53:
        return int(v)
    try:
        return float(v)
    except OverflowError:  # 10**400
        return float("inf") if v > 0 else float("-inf")


def numeric_defaults(fn, but=()):
    """{name: float} for the parameters with numeric defaults that ``fn`` declares (those in ``but`` left out)."""
    sig = signature(fn)
    if sig is None:
        return {}
    return {p.name: n for p in sig.parameters.values() if p.name not in but and (n := number(p.default)) is not None}


def kw_for(fn, kw):
    """The keywords of ``kw`` that ``fn`` takes."""
    if not kw:
        return {}
    sig = signature(fn)
    if sig is None:
        return {}
    names = set(sig.parameters)
    return {k: v for k, v in kw.items() if k in names}
