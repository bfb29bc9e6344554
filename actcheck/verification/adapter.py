"""Calling a user's pair the same way whatever its style: forward(x) -> y, backward(x, dA) -> dx."""

import inspect

import numpy as np

from .discovery import required

__all__ = ["Adapter", "user_params"]

_GRAD_NAMES = ("d", "grad", "dout", "dy", "dz", "da", "delta", "upstream", "dvalues", "dl")


def user_params(fn):
    """Keyword parameters with numeric defaults that the user's function declares."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return {}
    return {p.name: p.default for p in params if isinstance(p.default, int | float) and not isinstance(p.default, bool)}


def _call(fn, x, notes, label, *args, **kw):
    """fn(x, *args) on an array; a function written for scalars is applied element by element, as floats.

    A tuple (activation, cache) is returned as it is.
    """
    try:
        out = fn(x, *args, **kw)
        if isinstance(out, tuple):
            return out
        arr = np.asarray(out, dtype=np.float64)
        if arr.shape == np.shape(x):
            return arr
    except (ValueError, TypeError):
        pass
    note = f"{label} is written for scalars: applied elementwise with a float result"
    if note not in notes:
        notes.append(note)
    return np.vectorize(lambda *a: fn(*a, **kw), otypes=[float])(x, *args)


class Adapter:
    """Uniform calls for a pair: forward(x) -> y and backward(x, dA) -> dx, whatever the style."""

    def __init__(self, pair, user_kw, vector=False):
        self.pair, self.notes, self.vector = pair, pair.notes, vector
        # each of the user's functions gets the parameters it declares
        self.fkw = {k: v for k, v in user_kw.items() if k in user_params(pair.forward)}
        self.bkw = {k: v for k, v in user_kw.items() if k in user_params(pair.backward)}
        self.grad_first = pair.style != "upstream" or _grad_param_first(pair.backward)
        self.cache_fix = False

    def _forward_raw(self, x):
        if self.vector:
            return self.pair.forward(x, **self.fkw)
        return _call(self.pair.forward, x, self.notes, "forward", **self.fkw)

    @staticmethod
    def _split(out):
        return out if isinstance(out, tuple) and len(out) == 2 else (out, None)

    def forward(self, x):
        if self.pair.style == "layer":
            return np.asarray(self.pair.layer().forward(x.copy()), dtype=np.float64)
        return np.asarray(self._split(self._forward_raw(x.copy()))[0], dtype=np.float64)

    def backward(self, x, upstream):
        style = self.pair.style
        if style == "layer":
            obj = self.pair.layer()
            obj.forward(x.copy())
            return np.asarray(obj.backward(upstream.copy()), dtype=np.float64)
        if style == "derivative":
            return upstream * _call(self.pair.backward, x.copy(), self.notes, "backward", **self.bkw)
        _, cache = self._split(self._forward_raw(x.copy()))
        if cache is None or self.cache_fix:
            return np.asarray(self._backward_raw(*self._order(upstream, x.copy())), dtype=np.float64)
        return np.asarray(self._call_backward(upstream, cache, x), dtype=np.float64)

    def _order(self, upstream, cache):
        return (upstream, cache) if self.grad_first else (cache, upstream)

    def _call_backward(self, upstream, cache, x):
        """backward(dA, cache); if that raises but backward(dA, x) works, say so and use x from now on."""
        order = self._order
        try:
            return self._backward_raw(*order(upstream, cache))
        except Exception as e:
            try:
                out = self._backward_raw(*order(upstream, x.copy()))
            except Exception:
                raise e from None
            self.cache_fix = True
            self.notes.append(
                f"backward fails on the cache that forward returns ({type(e).__name__}: {str(e)[:60]}) but works on x: "
                "make forward return x as its cache, or pass x to backward"
            )
            return out

    def _backward_raw(self, a, b):
        if self.vector:
            return self.pair.backward(a, b, **self.bkw)
        try:
            out = self.pair.backward(a, b, **self.bkw)
            if np.shape(out) == np.shape(a if self.grad_first else b):
                return out
        except (ValueError, TypeError):
            if not isinstance(b if self.grad_first else a, np.ndarray):
                raise
        note = "backward is written for scalars: applied elementwise with a float result"
        if note not in self.notes:
            self.notes.append(note)
        return np.vectorize(lambda p, q: self.pair.backward(p, q, **self.bkw), otypes=[float])(a, b)


def _grad_param_first(fn):
    req = [p.name.lower() for p in required(fn)]
    if len(req) < 2:
        return True
    first, second = req[0], req[1]
    looks = lambda n: n.startswith(_GRAD_NAMES) and n not in ("data",)  # noqa: E731
    return looks(first) or not looks(second)
