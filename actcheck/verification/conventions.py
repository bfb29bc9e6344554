"""The conventions people write a forward and its derivative in, behind one interface.

Every pair answers, at points x with an upstream gradient u:

- ``forward``: f(x) (the activation, when the code returns ``(A, cache)``);
- ``derivative``: f'(x) as the code computes it with dA = 1, its data argument given x;
- ``vjp``: u * f'(x) as the code computes it with dA = u;
- ``derivative@y``, ``vjp@y``: the same with the data argument given f(x) (the output convention).

The pairs here: two functions (``FunctionPair``) and one function with a boolean switch
(``FlagPair``); an object with a forward and a backward is ``objects.ObjectPair``. Which
argument is which comes from the parameters' names and, where they say nothing, from probing.
"""

import numpy as np

from . import calling
from .calling import VECTOR_MODES, as_values, in_modes
from .naming import CACHE, INPUT, OUTPUT, RATE, UPSTREAM, role, says_output
from .params import constructor_values
from .signatures import kw_for, needs, numeric_defaults, required
from .text import one_line

__all__ = ["Skip", "Pair", "FunctionPair", "FlagPair", "many_inputs_reason", "roles", "linear_slot", "scaled", "PROBE"]

PROBE = np.array([-3.0, -1.5, -0.5, 0.25, 0.75, 2.0, 4.0])
_TARGETS = ("y", "t", "target", "targets", "label", "labels", "truth", "y_true", "true", "gt", "ground_truth")
_WEIGHTS = ("w", "weight", "weights", "b", "bias", "biases", "theta", "params", "kernel", "gamma", "beta")


class Skip(Exception):
    """Not an activation pair (a loss, a layer with weights, an abstract base): the one-line reason."""


def many_inputs_reason(names, what="forward"):
    """Why a forward taking several inputs is not an activation, from the parameters' names."""
    listed = ", ".join(names)
    if any(n.lower() in _TARGETS or n.lower().startswith(("y_", "target", "label")) for n in names[1:]):
        return f"a loss: {what} takes targets ({listed})"
    if any(n.lower() in _WEIGHTS for n in names[1:]):
        return f"a layer with weights: {what} takes {listed}"
    return f"{what} takes {len(names)} inputs ({listed}), not one: not an activation"


def first(out):
    """The activation from what a forward returns: ``(A, cache)`` gives A."""
    return out[0] if isinstance(out, tuple) and len(out) == 2 else out


def roles(names, probe_linear):
    """Each backward argument's role: upstream, data (x, or f(x), or the cache), x, y, or a learning rate (0).

    ``probe_linear(n, fixed)`` finds the argument of n the backward is linear in, the
    arguments at ``fixed`` positions given those values.
    """
    kinds = [role(n) for n in names]
    rate = {i: 0.0 for i, k in enumerate(kinds) if k == RATE}  # backward(output_error, learning_rate)
    keep = [i for i in range(len(names)) if i not in rate]
    if not rate:
        return _roles(names, kinds, lambda: probe_linear(len(names), {}))
    slot = lambda: probe_linear(len(names), rate)  # noqa: E731
    found = _roles([names[i] for i in keep], [kinds[i] for i in keep], lambda: _index(keep, slot()))
    out = ["rate"] * len(names)
    for i, r in zip(keep, found, strict=True):
        out[i] = r
    return out


def _index(keep, slot):
    return None if slot is None else keep.index(slot)


def _roles(names, kinds, probe):
    if len(names) <= 1:
        return ["data"] * len(names)
    if len(names) == 2 and set(kinds) == {OUTPUT, INPUT}:
        return ["y" if k == OUTPUT else "x" for k in kinds]
    ups = [i for i, k in enumerate(kinds) if k == UPSTREAM]
    up = ups[0] if ups else probe()
    if up is None:
        raise Skip(f"backward takes {', '.join(names)}: cannot tell which is the upstream gradient")
    if len(names) == 2:
        return ["upstream" if i == up else "data" for i in range(2)]
    out = [
        "upstream" if i == up else {OUTPUT: "y", INPUT: "x", CACHE: "data"}.get(k, "data") for i, k in enumerate(kinds)
    ]
    if any(out.count(r) > 1 for r in ("data", "x", "y")):
        raise Skip(f"backward takes {', '.join(names)}: cannot tell which argument is which")
    return out


def scaled(res, x, u):
    """u times a derivative the code returned, once it is known to be numbers of x's shape.

    A vector activation's derivative written as its Jacobian matrix gives the product u @ J.
    """
    n = np.size(x)
    if np.ndim(x) == 1 and np.shape(res) == (np.size(u), n) and n > 1:
        return np.asarray(u) @ as_values(res, (np.size(u), n))
    if np.ndim(x) == 2 and np.ndim(res) == 3:  # a stack of Jacobians, one per sample: per column, or per row
        rows, cols = np.shape(x)
        if np.shape(res) == (cols, rows, rows):
            return np.einsum("ik,kij->jk", u, as_values(res, (cols, rows, rows)))
        if np.shape(res) == (rows, cols, cols):
            return np.einsum("ki,kij->kj", u, as_values(res, (rows, cols, cols)))
    d = as_values(res, np.shape(x))
    return (u * d).astype(d.dtype, copy=False)  # float32 code's f' stays float32: it is judged in its dtype


class Pair:
    """What every convention shares: a name, notes, and the quantities from forward and backward calls."""

    convention = None
    data_param = None
    data_fn = None

    def __init__(self, name):
        self.name = name
        self.called = name  # the name that says which activation it is
        self.roles = []
        self.cache = False  # the forward returns (A, cache)
        self.notes = []
        self.vector = False
        self.cells = {}  # notebook cells holding the forward and the backward
        self.returns = None  # what the forward returned when probed

    def modes(self):
        return VECTOR_MODES if self.vector else ("array", "rows", "scalars")

    def lines(self):
        """{"forward": line, "backward": line} where the two are defined in their file (a flag-style pair: one)."""
        try:
            lines = [first_line(f) for f in self.sources()]
        except Exception:  # a user's class whose attributes raise: the lines are only a pointer
            return {}
        return {k: n for k, n in zip(("forward", "backward"), lines, strict=False) if n}

    def sources(self):
        """The forward and backward as defined (functions or methods; None where not known)."""
        return None, None

    def info(self, declared):
        """What the judge needs to know about this pair."""
        data = None
        if self.data_param and not (self.cache and self.convention == "upstream"):
            data = {"param": self.data_param, "says_output": says_output(self.data_fn, self.data_param)}
        info = {"convention": self.convention, "declared": declared, "data": data, "call": self.call()}
        sides = getattr(self, "side_defaults", None)
        return {**info, "side_defaults": sides} if sides else info

    def probe_forward(self, kw):
        """Call the forward on a few points: does it return (A, cache)? is it abstract?"""
        seen = []

        def run(i):
            seen.append(self.forward_raw(i["x"], kw))
            return first(seen[-1])

        try:
            in_modes(run, {"x": PROBE.copy()}, self.modes())
        except NotImplementedError:
            raise Skip("abstract: forward raises NotImplementedError") from None
        except calling.FAULTS:
            pass  # judged, with its message, when the pair is checked
        self.returns = seen[-1] if seen else None
        self.cache = isinstance(self.returns, tuple) and len(self.returns) == 2

    def compute(self, quantity, kw):
        """A function of {x, u} giving the user's raw result for ``quantity``."""
        if quantity == "forward":
            return lambda i: first(self.forward_raw(i["x"], kw))
        at_y, with_u = quantity.endswith("@y"), quantity.startswith("vjp")

        def run(i):
            x = i["x"]
            u = i.get("u", x)
            u = u if with_u else np.ones_like(u) if isinstance(u, np.ndarray) else 1.0
            return self.backward_raw(x, u, at_y, kw)

        return run


class FunctionPair(Pair):
    """A forward function and a derivative function, at module level or in a class used as a namespace."""

    def __init__(self, name, forward, backward, owner=None, attrs=None):
        super().__init__(name)
        self.f, self.g, self.owner, self.attrs = forward, backward, owner, attrs
        self.cache_fix = None

    def inspect(self, kw):
        if self.owner is not None:  # instance methods of a namespace class: bound to an instance
            obj = _instance(self.owner)
            self.f, self.g = (getattr(obj, a) for a in self.attrs)
        fr = required(self.f)
        if len(fr) != 1:
            raise Skip(many_inputs_reason(fr) if fr else "forward takes no input")
        names = required(self.g)
        if not names:
            raise Skip("backward takes no input")
        self.roles = roles(names, lambda n, fixed: linear_slot(lambda a: self.g(*a), n, fixed))
        self.convention = "upstream" if "upstream" in self.roles else "derivative"
        if "data" in self.roles:
            self.data_param, self.data_fn = names[self.roles.index("data")], self.g
        self.probe_forward(kw)
        self.side_defaults = [numeric_defaults(self.f), numeric_defaults(self.g)]  # they may disagree
        return numeric_defaults(self.f) | numeric_defaults(self.g)

    def forward_raw(self, x, kw):
        return self.f(x, **kw_for(self.f, kw))

    def sources(self):
        if self.owner is not None:
            return tuple(getattr(self.owner, a, None) for a in self.attrs)
        return self.f, self.g

    def backward_raw(self, x, u, at_y, kw):
        out = self.forward_raw(copy(x), kw) if (at_y or self.cache or "y" in self.roles) else None
        y = first(out)
        with_cache = self.cache and self.convention == "upstream" and not at_y
        args = []
        for r in self.roles:
            if r == "data":
                args.append(out[1] if with_cache else y if at_y else x)
            else:
                args.append({"upstream": u, "y": y, "x": x, "rate": 0.0}[r])
        gkw = kw_for(self.g, kw)
        if with_cache:
            return self._with_cache(args, x, gkw)
        res = self.g(*args, **gkw)
        return res if self.convention == "upstream" else scaled(res, x, u)

    def _with_cache(self, args, x, gkw):
        """backward(dA, cache); when that raises but backward(dA, x) works, say so and go on with x."""
        try:
            return self.g(*args, **gkw)
        except Exception as e:
            alt = list(args)
            alt[self.roles.index("data")] = x
            try:
                res = self.g(*alt, **gkw)
            except Exception:
                raise e from None
            self.cache_fix = (
                f"backward fails on the cache that forward returns ({one_line(e)[:80]}) but works on x: "
                "make forward return x as its cache, or pass x to backward"
            )
            return res

    def call(self):
        return f"{getattr(self.g, '__name__', 'backward')}({', '.join(required(self.g))})"

    def style(self):
        """The convention its signatures suggest, before anything runs."""
        return "upstream" if len(required(self.g)) >= 2 else "derivative"

    def label(self, quantity):
        return getattr(self.f if quantity == "forward" else self.g, "__name__", quantity)

    def accepts(self):
        return sorted(numeric_defaults(self.f) | numeric_defaults(self.g))

    def shared(self):
        """The parameters both functions take: what a second value of is tried at."""
        return sorted(numeric_defaults(self.f).keys() & numeric_defaults(self.g).keys())

    def sides(self):
        """The parameters each function takes, forward's and backward's (one may name what the other does)."""
        return sorted(numeric_defaults(self.f)), sorted(numeric_defaults(self.g))


class FlagPair(Pair):
    """One function with a boolean switch: f(x) is the forward, f(x, derivative=True) the derivative."""

    convention = "flag"

    def __init__(self, name, fn, flag, owner=None, attr=None):
        super().__init__(name)
        self.f, self.flag, self.owner, self.attr = fn, flag, owner, attr

    def sources(self):
        fn = getattr(self.owner, self.attr, None) if self.owner is not None else self.f
        return fn, fn  # one function: the switch picks the derivative

    def inspect(self, kw):
        if self.owner is not None:
            self.f = getattr(_instance(self.owner), self.attr)
        names = required(self.f)
        if len(names) != 1:
            raise Skip(many_inputs_reason(names) if names else "forward takes no input")
        self.roles = ["data"]
        self.data_param, self.data_fn = names[0], self.f
        self.probe_forward(kw)
        return numeric_defaults(self.f, but=(self.flag,))

    def forward_raw(self, x, kw):
        return self.f(x, **kw_for(self.f, kw))

    def backward_raw(self, x, u, at_y, kw):
        data = first(self.forward_raw(copy(x), kw)) if at_y else x
        return scaled(self.f(data, **{**kw_for(self.f, kw), self.flag: True}), x, u)

    def call(self):
        return f"{getattr(self.f, '__name__', 'f')}(x, {self.flag}=True)"

    def style(self):
        return "flag"

    def label(self, quantity):
        name = getattr(self.f, "__name__", "f")
        return name if quantity == "forward" else f"{name}(x, {self.flag}=True)"

    def accepts(self):
        return sorted(numeric_defaults(self.f, but=(self.flag,)))

    def shared(self):
        return self.accepts()


def copy(x):
    return x.copy() if isinstance(x, np.ndarray) else x


def _instance(cls):
    """An instance of a namespace class, for its instance methods."""
    wanted = needs(cls)
    values = constructor_values(None, wanted) if wanted else {}
    if values is None:
        raise Skip(f"constructor needs {', '.join(wanted)} (no defaults), which actcheck cannot supply")
    return cls(**values)


def linear_slot(g, n, fixed=None):
    """The argument ``g`` is linear in (the upstream gradient), found by probing; None when none is.

    Arguments at the ``fixed`` positions get those values (a learning rate) and are not tried.
    """
    fixed = fixed or {}
    rng = np.random.default_rng(3)
    for slot in (i for i in range(n) if i not in fixed):
        base = [np.abs(rng.normal(1.0, 0.3, PROBE.size)) + 0.1 if i == slot else PROBE.copy() for i in range(n)]
        base = [fixed.get(i, a) for i, a in enumerate(base)]
        double = [a * 2 if i == slot else a for i, a in enumerate(base)]
        try:
            one, two = (np.asarray(g(args), dtype=float) for args in (base, double))
        except calling.FAULTS:
            continue
        if one.shape == two.shape and np.any(one != 0) and np.allclose(two, 2 * one, rtol=1e-9, atol=1e-12):
            return slot
    return None


def first_line(fn):
    """The line a function (or method) is defined at, or None (a builtin, a ufunc, a lambda's is its line)."""
    fn = getattr(fn, "__func__", fn)
    code = getattr(getattr(fn, "__wrapped__", fn), "__code__", None)
    return code.co_firstlineno if code is not None else None
