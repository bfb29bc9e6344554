"""Checking a user's pair: their values beside torch's (a known activation) or finite differences'."""

import contextlib
import inspect
import io
import os
import warnings

import numpy as np

from ..errors import InputError
from .adapter import Adapter, user_params
from .discovery import Pair, discover, reference_name, required
from .loading import load_module, one_line
from .outcome import PairResult, VerifyReport

__all__ = ["verify", "check_pair"]

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


def _points(act):
    from ..dtypes import DTYPES
    from ..grids import default_grid, random_points

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
            style = "derivative" if len(required(backward)) == 1 else "upstream"
        pair = Pair(name or getattr(forward, "__name__", "forward"), style, forward, backward)
    return _check(pair, reference, params or {})


def _check(pair, reference, overrides):
    from ..registry import lookup

    act = lookup(reference) if isinstance(reference, str) else (reference or reference_name(pair.name))
    if isinstance(reference, str) and act is None:
        raise InputError(f"unknown activation {reference!r}")
    torch_params, user_kw = _params_for(act, pair, overrides)
    adapter = Adapter(pair, user_kw, vector=act is not None and act.kind == "vector")
    if adapter.vector:
        from .vector import check_vector_pair

        return check_vector_pair(pair, adapter, act)
    return _check_elementwise(pair, adapter, act, torch_params)


def _params_for(act, pair, overrides):
    """Parameters for torch (its names) and for the user's functions (theirs), user defaults first."""
    if act is None:
        return {}, dict(overrides)
    aliases = _PARAM_ALIASES.get(act.name, {})
    declared = user_params(pair.backward) | user_params(pair.forward)  # None (a layer) declares nothing
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
    from ..dtypes import FD_ATOL, FD_RTOL
    from ..result import close
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
            [f"your code raised {one_line(e, _file_of(pair))}"],
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
    from ..dtypes import DTYPES
    from ..opinions import torch_reverse
    from ..opinions.answer import Ask

    t = torch_reverse.answer(Ask(act, params, x, DTYPES["float64"], upstream=upstream)).values
    return {"forward": t["forward"], "backward": t["backward"], "vjp": t["vjp"]}


def _fd_reference(adapter, x, upstream):
    """Finite differences of the user's own forward, skipping the kinks they can be found at."""
    from ..opinions.finite_difference import derivative

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
    from ..serialize import jsonable

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
