"""An object as a pair: ``forward`` (or ``__call__``) and a backward-like method, in every shape seen.

``backward(self, dout)`` with state kept by the forward (a ``layer``), ``backward(self, dA, Z)``,
``backward(self, x)`` or ``gradient(self, x)`` returning f'(x), ``backward(self, a, z)``,
``backward(self)`` reading the state; a forward that returns None but stores ``self.output``,
a backward that stores ``self.dinputs`` (Neural Networks from Scratch); static
``forward(ctx, x)`` and ``backward(ctx, grad)`` as in ``torch.autograd.Function``. Constructor
defaults are the parameters.
"""

import functools
import inspect

import numpy as np

from . import calling
from .calling import in_modes
from .conventions import PROBE, Pair, Skip, copy, first, linear_slot, roles, scaled
from .naming import INPUT, OUTPUT, RATE, UPSTREAM, role
from .params import SIZES
from .signatures import number, numeric_defaults, required
from .text import one_line

__all__ = ["ObjectPair"]

_OUTPUT_ATTRS = ("output", "out", "outputs", "y", "a", "A", "activation", "act", "result")
_GRAD_ATTRS = ("dinputs", "dinput", "d_inputs", "dx", "dX", "grad_input", "input_grad", "dZ", "dz", "delta", "grad")
_Y = object()  # stands for the forward's output in a backward's argument list


class _Context(dict):
    """What a static ``forward(ctx, x)`` is given: attributes, items and ``save_for_backward``."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        self[name] = value

    def save_for_backward(self, *values):
        self["saved_tensors"] = values


class _Function:
    """A class of static ``forward(ctx, x)`` and ``backward(ctx, grad)``, as one object holding their ctx."""

    def __init__(self, cls):
        self.__dict__.update(_ctx=_Context(), _cls=cls)

    def __getattr__(self, name):
        value = getattr(self.__dict__["_cls"], name)
        return functools.partial(value, self.__dict__["_ctx"]) if callable(value) else value


class ObjectPair(Pair):
    """An object: ``forward`` (or ``__call__``) and a backward-like method (backward, gradient, derivative...)."""

    def __init__(self, name, cls, forward, backward, subclassed=False, ctx=False, supplied=None):
        super().__init__(name)
        self.cls, self.fwd, self.bwd, self.subclassed, self.ctx = cls, forward, backward, subclassed, ctx
        self.called = cls.__name__  # what names the activation (Sigmoid for Sigmoid.derivative)
        self.out_attr = self.grad_attr = None
        self.supplied = dict(supplied or {})  # the constructor's required arguments, as actcheck supplies them
        if self.supplied:
            said = ", ".join(f"{k} = {v!r}" for k, v in self.supplied.items())
            self.notes.append(f"its constructor needs {', '.join(self.supplied)}: made with {said}")

    def sources(self):
        return getattr(self.cls, self.fwd, None), getattr(self.cls, self.bwd, None)

    def make(self, kw):
        """A new object: constructor parameters from ``kw``, other known parameters set as attributes."""
        if self.ctx:
            return _Function(self.cls)
        try:
            takes = set(inspect.signature(self.cls).parameters)
        except (TypeError, ValueError):
            takes = set()
        try:
            obj = self.cls(**{k: v for k, v in {**self.supplied, **kw}.items() if k in takes})
        except TypeError as e:
            if "abstract" in str(e):
                raise Skip("abstract base class: " + one_line(e)) from None
            raise
        for k, v in kw.items():
            if k not in takes and number(getattr(obj, k, None)) is not None:
                setattr(obj, k, v)
        return obj

    def inspect(self, kw):
        obj = self.make(kw)
        declared = numeric_defaults(self.cls) | numeric_defaults(getattr(obj, self.fwd))
        declared |= numeric_defaults(getattr(obj, self.bwd))
        declared |= {k: n for k, v in getattr(obj, "__dict__", {}).items() if (n := number(v)) is not None}
        self._find_output(kw)
        self.probe_forward(kw)
        names = required(getattr(obj, self.bwd))
        core = [n for n in names if role(n) != RATE]  # backward(output_error, learning_rate) takes one array
        if len(core) == 1 and role(core[0]) not in (INPUT, OUTPUT):
            rate = [i for i, n in enumerate(names) if role(n) == RATE]
            stateful = role(core[0]) == UPSTREAM or self._stateful(kw, rate)
            self.roles = ["rate" if i in rate else "upstream" if stateful else "data" for i in range(len(names))]
            self.convention = "layer" if stateful else "derivative"
        else:
            self.roles = roles(names, lambda n, fixed: linear_slot(lambda a: self._after_forward(kw)(*a), n, fixed))
            self.convention = "upstream" if "upstream" in self.roles else "derivative"
        if "data" in self.roles:
            self.data_param, self.data_fn = names[self.roles.index("data")], getattr(obj, self.bwd)
        self._probe_backward(kw)
        return declared

    def _after_forward(self, kw):
        obj = self.make(kw)
        getattr(obj, self.fwd)(PROBE.copy())
        return getattr(obj, self.bwd)

    def _find_output(self, kw):
        """A forward that returns None but stores its output (``self.output``) is read from there."""
        for x in (PROBE.copy(), PROBE.reshape(1, -1).copy()):
            obj = self.make(kw)
            try:
                out = getattr(obj, self.fwd)(x)
            except NotImplementedError:
                raise Skip("abstract: forward raises NotImplementedError") from None
            except AttributeError as e:
                if self.subclassed and getattr(e, "obj", None) is obj:  # a template: self.f is the subclasses'
                    reason = f"a base class: subclassed, and its forward needs self.{e.name}, which it lacks"
                    raise Skip(reason) from None
                continue
            except calling.FAULTS:
                continue
            if out is not None:
                return
            self.out_attr = _stored(obj, _OUTPUT_ATTRS, x.shape)
            if self.out_attr:
                self.notes.append(f"forward returns None and stores self.{self.out_attr}: read from there")
            elif self.subclassed:
                raise Skip("abstract: forward does nothing (a base class)")
            return

    def _stateful(self, kw, rate=()):
        """backward(v) after forward(x): does the answer depend on x? Then v is the upstream gradient."""
        v = np.linspace(0.5, 1.5, PROBE.size)
        args = lambda: [0.0 if i in rate else v.copy() for i in range(len(rate) + 1)]  # noqa: E731
        try:
            a = self._call_backward(self.make(kw), PROBE.copy(), args())
            b = self._call_backward(self.make(kw), PROBE[::-1].copy(), args())
            return not np.allclose(np.asarray(a, float), np.asarray(b, float), equal_nan=True)
        except calling.FAULTS:
            return True

    def _probe_backward(self, kw):
        try:
            in_modes(self.compute("derivative", kw), {"x": PROBE.copy()}, self.modes())
        except NotImplementedError:
            raise Skip("abstract: backward raises NotImplementedError") from None
        except calling.FAULTS:
            pass  # judged, with its message, when the pair is checked

    def _forward_obj(self, obj, x):
        out = getattr(obj, self.fwd)(x)
        return getattr(obj, self.out_attr) if out is None and self.out_attr else out

    def forward_raw(self, x, kw):
        return self._forward_obj(self.make(kw), x)

    def _call_backward(self, obj, x, args):
        y = first(self._forward_obj(obj, copy(x)))  # a forward that works in place must not change x
        args = [y if a is _Y else a for a in args]
        before = dict(getattr(obj, "__dict__", {}))
        res = getattr(obj, self.bwd)(*args)
        if res is None:
            name = self.grad_attr or _stored(obj, _GRAD_ATTRS, np.shape(x), before)
            if name:
                if not self.grad_attr:
                    self.grad_attr = name
                    self.notes.append(f"backward returns None and stores self.{name}: read from there")
                return getattr(obj, name)
        return res

    def backward_raw(self, x, u, at_y, kw):
        args = [
            u if r == "upstream" else 0.0 if r == "rate" else x if r == "x" else _Y if (r == "y" or at_y) else x
            for r in self.roles
        ]
        res = self._call_backward(self.make(kw), x, args)
        return res if self.convention in ("layer", "upstream") else scaled(res, x, u)

    def _backward_params(self):
        names = required(getattr(self.cls, self.bwd))
        static = isinstance(inspect.getattr_static(self.cls, self.bwd), staticmethod)
        return names[1:] if self.ctx or not static else names

    def call(self):
        return f"{self.cls.__name__}.{self.bwd}({', '.join(self._backward_params())})"

    def label(self, quantity):
        return f"{self.cls.__name__}.{self.fwd if quantity == 'forward' else self.bwd}"

    def style(self):
        names = self._backward_params()
        core = [role(n) for n in names if role(n) != RATE]
        if UPSTREAM in core:
            return "layer" if len(core) == 1 else "upstream"
        return "derivative"

    def accepts(self):
        methods = (getattr(self.cls, m) for m in (self.fwd, self.bwd))
        given = {k for k, v in self.supplied.items() if number(v) is not None and k.lower() not in SIZES}
        return sorted(numeric_defaults(self.cls).keys() | {k for m in methods for k in numeric_defaults(m)} | given)

    def shared(self):
        return self.accepts()  # the object's: forward and backward alike


def _stored(obj, names, shape, before=None):
    """The attribute holding an array of ``shape``: one of ``names``, else the only new one."""
    attrs = getattr(obj, "__dict__", {})
    for n in names:
        if n in attrs and np.shape(attrs[n]) == tuple(shape):
            return n
    new = [k for k, v in attrs.items() if np.shape(v) == tuple(shape) and (before is None or before.get(k) is not v)]
    return new[0] if len(new) == 1 else None
