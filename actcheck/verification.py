"""``actcheck verify FILE.py``: find the activation pairs people write, and check them.

This runs the user's code: the file is imported as a module (its directory on sys.path
only while it imports) with its output captured, then each forward/backward pair is
called on a grid. A pair named after a known activation is checked against torch; any
other against finite differences of its own forward.
"""

import contextlib
import importlib.util
import inspect
import io
import os
import sys
import traceback
import warnings
from dataclasses import dataclass, field

import numpy as np

from .errors import InputError

__all__ = ["verify", "check_pair", "discover", "PairResult", "VerifyReport"]

_GRAD_NAMES = ("d", "grad", "dout", "dy", "dz", "da", "delta", "upstream", "dvalues", "dl")
_BACKWARD_SUFFIXES = ("_backward", "_derivative", "_grad", "_prime", "_deriv")
# a user's parameter name -> torch's, per activation (alpha means negative_slope for leaky relu)
_PARAM_ALIASES = {
    "leaky_relu": {
        "alpha": "negative_slope",
        "slope": "negative_slope",
        "a": "negative_slope",
        "leak": "negative_slope",
    },
    "prelu": {"alpha": "weight", "a": "weight", "slope": "weight"},
    "rrelu": {},
    "hardshrink": {"lam": "lambd", "lambda_": "lambd", "threshold": "lambd"},
    "softshrink": {"lam": "lambd", "lambda_": "lambd", "threshold": "lambd"},
}
N_RANDOM = 200
SEED = 12345


@dataclass
class Pair:
    """A forward/backward pair found in a file, with the calling convention it uses."""

    name: str
    style: str  # "derivative", "upstream", "layer"
    forward: object
    backward: object = None
    layer: type = None
    notes: list = field(default_factory=list)


@dataclass
class PairResult:
    """How one pair fared: max errors, verdict, diagnosis and notes."""

    name: str
    style: str
    reference: str
    passed: bool
    max_abs_error: dict
    diagnosis: list
    notes: list
    worst: list = field(default_factory=list)
    activation: str | None = None
    params: dict = field(default_factory=dict)

    def to_dict(self):
        """The JSON object for this pair."""
        from .report import jsonable

        return {
            "name": self.name,
            "style": self.style,
            "reference": self.reference,
            "activation": self.activation,
            "params": self.params,
            "passed": self.passed,
            "max_abs_error": {k: jsonable(v) for k, v in self.max_abs_error.items()},
            "diagnosis": self.diagnosis,
            "notes": self.notes,
            "worst": self.worst,
        }


@dataclass
class VerifyReport:
    file: str
    results: list

    @property
    def passed(self):
        return all(r.passed for r in self.results)

    def to_dict(self):
        """The JSON object for the file."""
        return {"file": self.file, "passed": self.passed, "results": [r.to_dict() for r in self.results]}


# ---------------------------------------------------------------- loading and discovery


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
        with _quietly():
            spec.loader.exec_module(module)
    except BaseException as e:  # the user's code may raise anything, SystemExit included
        raise InputError(f"{path} raised on import: {_one_line(e, path)}") from None
    finally:
        if sys.path and sys.path[0] == folder:
            sys.path.pop(0)
    return module


@contextlib.contextmanager
def _quietly():
    """Capture what the user's code prints, and its warnings."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield


def _one_line(exc, path=None):
    """'ValueError: message (file.py line 12)' — the user's own frame, briefly."""
    where = ""
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f for f in frames if path and os.path.abspath(f.filename) == os.path.abspath(path)]
    if mine:
        where = f" ({os.path.basename(mine[-1].filename)} line {mine[-1].lineno})"
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {msg}{where}" if msg else f"{type(exc).__name__}{where}"


def _own(obj, module):
    return getattr(obj, "__module__", None) == module.__name__


def _required(fn):
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return []
    return [
        p
        for p in params
        if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]


def _pairs_in(namespace, module, owner=None):
    """Function pairs among ``namespace``'s callables: NAME_forward/NAME and NAME_backward (or similar)."""
    funcs = {}
    for key, obj in namespace.items():
        fn = obj.__func__ if isinstance(obj, staticmethod) else obj
        if inspect.isfunction(fn) and (owner is not None or _own(fn, module)):
            funcs[key] = fn
    pairs = []
    for key, bwd in funcs.items():
        suffix = next((s for s in _BACKWARD_SUFFIXES if key.endswith(s)), None)
        if suffix is not None:
            base = key[: -len(suffix)]
        elif key.startswith("d_") and key[2:] in funcs:  # d_relu beside relu
            base = key[2:]
        else:
            continue
        fwd = funcs.get(base + "_forward") or funcs.get(base)
        if fwd is None:
            continue
        style = "derivative" if len(_required(bwd)) == 1 else "upstream"
        name = f"{owner}.{base}" if owner else base
        pairs.append(Pair(name, style, fwd, bwd))
    return pairs


def discover(module):
    """Every activation pair in ``module``: function pairs, layer classes, and namespaces of static methods."""
    pairs = _pairs_in(vars(module), module)
    for cname, cls in vars(module).items():
        if not inspect.isclass(cls) or not _own(cls, module):
            continue
        if callable(getattr(cls, "forward", None)) and callable(getattr(cls, "backward", None)):
            try:
                cls()
            except Exception:
                continue  # needs arguments: not a layer we can build
            pairs.append(Pair(cname, "layer", None, layer=cls))
        else:
            pairs.extend(_pairs_in(vars(cls), module, owner=cname))
    return pairs


# ---------------------------------------------------------------- calling conventions


def _reference_name(name):
    """The known activation a user's name means (ReLULayer, Activations.relu, leaky-relu...), or None."""
    from .activations import lookup

    base = name.split(".")[-1]
    for cut in ("layer", "activation", "function", "func", "fn"):
        low = base.lower().rstrip("_")
        if low.endswith(cut) and len(low) > len(cut):
            base = base[: len(low) - len(cut)]
    act = lookup(base.rstrip("_"))
    return act


def _user_params(fn):
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


class _Adapter:
    """Uniform calls for a pair: forward(x) -> y and backward(x, dA) -> dx, whatever the style."""

    def __init__(self, pair, user_kw, vector=False):
        self.pair, self.notes, self.vector = pair, pair.notes, vector
        # each of the user's functions gets the parameters it declares
        self.fkw = {k: v for k, v in user_kw.items() if k in _user_params(pair.forward)}
        self.bkw = {k: v for k, v in user_kw.items() if k in _user_params(pair.backward)}
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
    req = [p.name.lower() for p in _required(fn)]
    if len(req) < 2:
        return True
    first, second = req[0], req[1]
    looks = lambda n: n.startswith(_GRAD_NAMES) and n not in ("data",)  # noqa: E731
    return looks(first) or not looks(second)


# ---------------------------------------------------------------- checking


def _points(act):
    from .dtypes import DTYPES
    from .grids import default_grid, random_points

    rng_pts = random_points(N_RANDOM, seed=SEED, lo=-30.0, hi=30.0)
    if act is None or act.kind == "vector":
        base = [0.0, 1e-300, 0.1, 0.5, 1.0, 2.0, 3.0, 5.0, 20.0, 100.0]
        grid = np.unique(np.concatenate([base, -np.asarray(base)]))
    else:
        grid = default_grid(act, act.params, DTYPES["float64"])
    return np.unique(np.concatenate([grid, rng_pts]))


def check_pair(forward, backward=None, reference=None, *, style=None, name=None, params=None, layer=None):
    """Check a user's forward/backward pair against ``reference`` (a known activation name) or FD."""
    if layer is not None:
        pair = Pair(name or layer.__name__, "layer", None, layer=layer)
    else:
        if style is None:
            style = "derivative" if len(_required(backward)) == 1 else "upstream"
        pair = Pair(name or getattr(forward, "__name__", "forward"), style, forward, backward)
    return _check(pair, reference, params or {})


def _check(pair, reference, overrides):
    from .activations import lookup

    act = lookup(reference) if isinstance(reference, str) else (reference or _reference_name(pair.name))
    if isinstance(reference, str) and act is None:
        raise InputError(f"unknown activation {reference!r}")
    torch_params, user_kw = _params_for(act, pair, overrides)
    adapter = _Adapter(pair, user_kw, vector=act is not None and act.kind == "vector")
    if adapter.vector:
        from .verification_vector import check_vector_pair

        return check_vector_pair(pair, adapter, act)
    return _check_elementwise(pair, adapter, act, torch_params)


def _params_for(act, pair, overrides):
    """Parameters for torch (its names) and for the user's functions (theirs), user defaults first."""
    if act is None:
        return {}, dict(overrides)
    aliases = _PARAM_ALIASES.get(act.name, {})
    declared = _user_params(pair.backward) | _user_params(pair.forward)  # None (a layer) declares nothing
    if pair.style == "layer":
        declared = {
            k: v for k, v in vars(pair.layer()).items() if isinstance(v, int | float) and not isinstance(v, bool)
        }
    torch_params, user_kw = {}, {}
    for user_name, value in {**declared, **overrides}.items():
        tname = user_name if user_name in act.params else aliases.get(user_name)
        if tname in act.params and not isinstance(act.params[tname], str):
            torch_params[tname] = float(value)
        user_kw[user_name] = value
    for k, v in overrides.items():
        if k in act.params:
            torch_params[k] = float(v)
    return torch_params, user_kw


def _run_user(adapter, x, upstream):
    """The user's forward, derivative (dA = 1) and VJP, with their warnings collected."""
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
        warnings.simplefilter("always")
        with contextlib.redirect_stdout(io.StringIO()):
            fwd = adapter.forward(x.copy())
            d = adapter.backward(x.copy(), np.ones_like(x))
            vjp = adapter.backward(x.copy(), upstream.copy())
    return fwd, d, vjp, [str(w.message) for w in caught]


def _warn_notes(messages):
    """'overflow encountered in exp' -> notes, and the NumPy functions they name."""
    notes, sources = [], set()
    for m in sorted(set(messages)):
        if m.startswith("underflow"):
            continue  # rounding to a subnormal or to 0 is what floats do in the tails
        notes.append(f"your code warned: {m}")
        if " in " in m:
            sources.add("np." + m.rsplit(" in ", 1)[1].strip())
    return notes, sources


def _check_elementwise(pair, adapter, act, torch_params):
    from .compare import FD_ATOL, FD_RTOL, close
    from .diagnosis import Evidence, diagnose

    x = _points(act)
    rng = np.random.default_rng(SEED)
    upstream = rng.uniform(-2.0, 2.0, x.size)
    ref_name = "torch" if act is not None else "finite differences"
    notes = pair.notes
    try:
        fwd, d, vjp, warned = _run_user(adapter, x, upstream)
    except Exception as e:
        return PairResult(
            pair.name,
            pair.style,
            _ref_key(act),
            False,
            {},
            [f"your code raised {_one_line(e, _file_of(pair))}"],
            notes,
            activation=act.name if act else None,
        )
    warn_notes, sources = _warn_notes(warned)
    notes.extend(warn_notes)
    if act is not None:
        params = dict(act.params) | torch_params
        ref = _torch_reference(act, x, params, upstream)
        kinks = act.kinks(**params)
        with np.errstate(all="ignore"):
            d_at_out = act.derivative(np.nan_to_num(fwd, nan=0.0), **params)
    else:
        params = {}
        ref, kinks = _fd_reference(adapter, x, upstream)
        d_at_out = None
    errs = {}
    ok = True
    rtol, atol = (1e-7, 1e-7) if act is not None else (FD_RTOL, max(FD_ATOL, 1e-7))
    for key, mine in (("forward", fwd), ("backward", d), ("vjp", vjp)):
        skip = ref.get("skip", np.zeros(x.size, bool))
        if key == "forward" and act is None:
            continue
        err, good = close(mine, ref[key], rtol, atol)
        errs[key] = float(np.max(np.where(skip, 0, err))) if err.size else 0.0
        ok &= bool((good | skip).all())
    skip = ref.get("skip", np.zeros(x.size, bool))
    ref_d, ref_vjp = np.where(skip, d, ref["backward"]), np.where(skip, vjp, ref["vjp"])  # kinks FD cannot judge
    ev = Evidence(x, fwd, ref.get("forward"), d, ref_d, vjp, ref_vjp, upstream, kinks, d_at_out, ref_name)
    if adapter.cache_fix:
        ok = False  # as written, backward crashes on what forward hands it
        diag_first = [next(n for n in notes if n.startswith("backward fails on the cache that"))]
    else:
        diag_first = []
    diag = diag_first + (
        []
        if ok and not diag_first
        else diagnose(ev, adapter.forward, lambda t: adapter.backward(t, np.ones_like(t)), sources)
    )
    worst = _worst_points(x, fwd, d, ref, act is not None)
    return PairResult(
        pair.name,
        pair.style,
        _ref_key(act),
        ok,
        errs,
        diag,
        notes,
        worst,
        activation=act.name if act else None,
        params=params,
    )


def _ref_key(act):
    return "torch" if act is not None else "finite_difference"


def _file_of(pair):
    fn = pair.forward or getattr(pair.layer, "forward", None)
    try:
        return inspect.getsourcefile(fn)
    except TypeError:
        return None


def _torch_reference(act, x, params, upstream):
    from .dtypes import DTYPES
    from .torchref import evaluate

    t = evaluate(lambda T, v: act.torch(T, v, **params), x, DTYPES["float64"], upstream=upstream)
    return {"forward": t["forward"], "backward": t["backward"], "vjp": t["vjp"]}


def _fd_reference(adapter, x, upstream):
    """Finite differences of the user's own forward, skipping the kinks they can be found at."""
    from .finite_diff import derivative

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        f = adapter.forward
        # short steps only (the kinks are unknown): a stencil of 2e-6*|x| seldom reaches one, and
        # where it does the one-sided slopes across it disagree
        est, skipped = derivative(f, x, steps=(2.0**-20, 2.0**-24))
        h = 2.0**-20 * np.maximum(np.abs(x), 1.0)
        left = (f(x) - f(x - h)) / h
        right = (f(x + h) - f(x)) / h
    kink = ~np.isclose(left, right, rtol=1e-4, atol=1e-6)
    skip = skipped | kink
    return {
        "forward": None,
        "backward": np.where(skip, np.nan, est),
        "vjp": np.where(skip, np.nan, upstream * est),
        "skip": skip,
    }, x[kink]


def _worst_points(x, fwd, d, ref, has_forward, k=5):
    from .report import jsonable

    with np.errstate(all="ignore"):
        err = np.nan_to_num(np.abs(d - ref["backward"]), nan=0.0, posinf=np.inf)
        if has_forward:
            err = np.maximum(err, np.nan_to_num(np.abs(fwd - ref["forward"]), nan=0.0))
    idx = np.argsort(-err, kind="stable")[:k]
    pts = []
    for i in idx:
        if err[i] == 0:
            break
        p = {"x": jsonable(x[i]), "backward": {"yours": jsonable(d[i]), "reference": jsonable(ref["backward"][i])}}
        if has_forward:
            p["forward"] = {"yours": jsonable(fwd[i]), "reference": jsonable(ref["forward"][i])}
        pts.append(p)
    return pts


def verify(path, params=None, progress=None):
    """Check every activation pair in the file at ``path``; return a VerifyReport.

    ``progress``, if given, wraps the iteration over pairs (the CLI's progress bar).
    """
    module = load_module(path)
    pairs = discover(module)
    if not pairs:
        raise InputError(
            f"{path} holds no activation pair (NAME_forward/NAME_backward, NAME/NAME_backward, "
            "or a class with forward and backward)"
        )
    results = []
    for pair in progress(pairs) if progress else pairs:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results.append(_check(pair, None, dict(params or {})))
    return VerifyReport(os.fspath(path), results)
