"""The engine: ask the opinions, compare NumPy's values with each answer, and judge.

Nothing here prints. ``check`` returns a Result; the CLI renders it.

At x = nan only the forward is compared (it must be nan): there is no derivative there,
and torch's answer depends on its code path. At x = +-inf torch is evaluated one
element at a time and NumPy gives the mathematical limit.
"""

import warnings

import numpy as np

from .dtypes import comparison_tolerances, get_dtype, tolerances
from .errors import InputError
from .opinions import OPINIONS, Ask
from .registry import lookup, resolve_params
from .result import Comparison, Result
from .ulps import closer, max_ulp, ulp_error

__all__ = ["check", "numpy_side", "UPSTREAM_SEED", "ORACLE_POINTS"]

UPSTREAM_SEED = 20240824
ORACLE_POINTS = 2000  # beyond this, the oracle sees the worst half and an even spread of the rest
JACOBIAN_FULL = 512  # up to this length the whole Jacobian is compared; beyond, sampled rows
JACOBIAN_ROWS = 16
JACOBIAN_COLUMNS = 4096


def check(name, values=None, *, dtype="float64", rtol=None, atol=None, order=1, fd=False, oracle=False, **params):
    """Check activation ``name`` at ``values`` (default grid if None); return a Result.

    Raises InputError for an unknown name, a bad parameter, dtype, tolerance or input.
    """
    act = lookup(name)
    if act is None:
        raise InputError(f"unknown activation {name!r}")
    params = resolve_params(act, params)
    dt = get_dtype(dtype)
    default_rtol, default_atol, widened = tolerances(dt, act)
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    if rtol < 0 or atol < 0:
        raise InputError("tolerances must be non-negative")
    x = _points(act, values, params, dt)
    asked = [op for op in OPINIONS if op.asked_by is None or {"fd": fd, "oracle": oracle}[op.asked_by]]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        evaluate = _evaluate_vector if act.kind == "vector" else _evaluate
        result = evaluate(act, x, params, dt, rtol, atol, order, asked)
    if widened and atol == default_atol:
        result.extras["notes"].append(widened)
    return result


def _points(act, values, params, dt):
    from .grids import default_grid

    if act.kind == "vector":
        from .registry.vectors import DEFAULT_VECTOR

        raw = np.asarray(DEFAULT_VECTOR if values is None else values, dtype=np.float64).ravel()
        act.validate_input(raw)
    else:
        raw = default_grid(act, params, dt) if values is None else np.asarray(values, dtype=np.float64).ravel()
    if dt.name == "bfloat16":
        return raw.astype(np.float32).astype(dt.numpy)
    with np.errstate(over="ignore"):
        return raw.astype(dt.numpy)


def _upstream(n, dtype, seed=UPSTREAM_SEED):
    """A seeded random upstream gradient, so a backward that ignores it is caught."""
    g = np.random.default_rng(seed).uniform(-2.0, 2.0, n)
    return g.astype(np.float32).astype(dtype.numpy) if dtype.name == "bfloat16" else g.astype(dtype.numpy, copy=False)


def _answers(ask, asked):
    """Each asked opinion's answer but the exact one (asked later, only where it matters), torch's first."""
    return {op.name: op.answer(ask) for op in asked if not op.in_ulp}


def _compare(ours, answers, asked, skip_for, rtol, atol, dt):
    """One Comparison per quantity an opinion answered: NumPy's value against the opinion's."""
    comps = {}
    for op in asked:
        if op.in_ulp:
            continue
        ans = answers[op.name]
        for q, theirs in ans.values.items():
            if q not in ours:
                continue
            name = q if op.reference else op.name
            skip = skip_for(q, op, theirs) | ans.skipped.get(q, False)
            r, a = comparison_tolerances(name, rtol, atol, dt)
            comps[name] = Comparison(name, ours[q], theirs, r, a, skip)
    return dict(sorted(comps.items(), key=lambda kv: _ORDER.get(kv[0], len(_ORDER))))


_ORDER = {name: i for i, name in enumerate(("forward", "backward", "vjp", "torch_forward_ad", "second"))}


def _missing(answers):
    return [reason for ans in answers.values() for reason in ans.missing.values()]


# ---------------------------------------------------------------- elementwise


def numpy_side(act, x, params, dtype, upstream, order):
    """NumPy's values, computed in the dtype's compute type and rounded once to the dtype."""
    xc = x.astype(dtype.compute, copy=False)
    out = {"forward": act.forward(xc, **params), "backward": act.derivative(xc, **params)}
    if order >= 2:
        out["second"] = act.second(xc, **params)
    out = {k: np.asarray(v, dtype=dtype.compute).astype(dtype.numpy, copy=False) for k, v in out.items()}
    if upstream is not None:
        prod = upstream.astype(dtype.compute, copy=False) * out["backward"].astype(dtype.compute, copy=False)
        out["vjp"] = prod.astype(dtype.numpy, copy=False)
    return out


def _evaluate(act, x, params, dt, rtol, atol, order, asked):
    upstream = _upstream(x.size, dt)
    # torch first: its transients then sit beside its results only, not beside NumPy's too
    answers = _answers(Ask(act, params, x, dt, upstream=upstream, order=order), asked)
    ours = numpy_side(act, x, params, dt, upstream, order)
    x64 = x.astype(np.float64, copy=False)
    undefined = np.isnan(x64)  # no derivative at nan
    kink = np.isin(x64, np.asarray(act.kinks(**params), dtype=np.float64))

    def skip_for(q, op, theirs):
        # at a kink any subgradient is right; NumPy follows reverse mode, forward mode may differ
        return (undefined if q != "forward" else np.zeros(x.shape, bool)) | (kink if op.any_subgradient else False)

    comps = _compare(ours, answers, asked, skip_for, rtol, atol, dt)
    theirs = dict(answers["torch"].values)
    theirs["forward_ad"] = answers["torch_forward_ad"].values.get("backward")
    notes = _missing(answers) + _mode_notes(x64, kink, theirs)
    for dev in act.torch_deviations:
        _excuse(comps, dev, x64, dt, params, notes)
    result = Result(act.name, params, dt.name, rtol, atol, x, ours, theirs, comps, upstream)
    result.extras.update(kink=kink, notes=notes)
    _keep_finite_difference(result, answers)
    for op in asked:
        if op.in_ulp:
            idx = _oracle_sample(result)
            ans = op.answer(Ask(act, params, x[idx], dt, order=order))
            _measure_ulps(result, ans, idx, dt, ("backward", "forward"))
            if idx.size < result.n_points:
                notes.append(
                    f"oracle evaluated at {idx.size} of {result.n_points} points: the worst and an even spread"
                )
    return result


def _mode_notes(x, kink, theirs):
    """Say where torch's forward and reverse modes pick different subgradients at a kink."""
    fwd, rev = theirs.get("forward_ad"), theirs.get("backward")
    if fwd is None:
        return []
    notes = []
    for i in np.flatnonzero(kink):
        a, b = float(rev[i]), float(fwd[i])
        if a != b and not (np.isnan(a) and np.isnan(b)):
            notes.append(f"at the kink x = {x[i]:g} torch's reverse mode gives f' = {a:g}, forward mode {b:g}")
    return notes


_COVERS = {"forward": ("forward",), "backward": ("backward", "vjp", "torch_forward_ad"), "second": ("second",)}


def _excuse(comps, dev, x, dt, params, notes):
    """Stop judging points where torch is known to overflow (non-finite torch, finite NumPy)."""
    region = np.asarray(dev.region(x, dt.finfo(), **params), dtype=bool)
    excused = []
    for name in _COVERS[dev.quantity]:
        c = comps.get(name)
        if c is None:
            continue
        ref = np.asarray(c.reference, dtype=np.float64)
        mine = np.asarray(c.numpy, dtype=np.float64)
        hit = region & ~np.isfinite(ref) & np.isfinite(mine) & ~c.skip
        if hit.any():
            comps[name] = Comparison(name, c.numpy, c.reference, c.rtol, c.atol, c.skip | hit)
            excused.extend(x[hit])
    if excused:
        where = ", ".join(f"{v:g}" for v in sorted(set(excused))[:5])
        notes.append(f"known torch deviation, not judged: {dev.reason} (at x = {where})")


def _keep_finite_difference(result, answers):
    """The finite differences themselves, for the report (nan where a point was skipped)."""
    ans = answers.get("finite_difference")
    if ans is None:
        return
    ((est,), (skipped,)) = ans.values.values(), ans.skipped.values()  # one quantity: the derivative or VJP
    c = result.comparisons["finite_difference"]
    result.extras["finite_difference"] = np.where(skipped, np.nan, est)
    result.extras["fd_skipped"] = skipped
    result.extras.setdefault("tolerances", {})["finite_difference"] = {"rtol": c.rtol, "atol": c.atol}


def _oracle_sample(result):
    """Indices the oracle evaluates: all, or the worst and an even spread."""
    n = result.n_points
    if n <= ORACLE_POINTS:
        return np.arange(n)
    half = ORACLE_POINTS // 2
    spread = np.linspace(0, n - 1, half).astype(int)
    return np.unique(np.concatenate([result.worst(half), spread]))


def _measure_ulps(result, answer, idx, dt, keys):
    """Exact values, each side's ULP error, max ULP and who is closer, into ``result.extras``."""
    ext = result.extras
    ext["notes"].extend(answer.notes)
    if not answer.values:
        return
    n = result.n_points
    ext["exact"], ext["ulp"], ext["max_ulp"] = {}, {}, {}
    for key, vals in answer.values.items():
        full = np.full(n, np.nan)
        full[idx] = [np.nan if v is None else float(v) for v in vals]
        ext["exact"][key] = full
        sides = {}
        for side, source in (("numpy", result.numpy), ("torch", result.torch)):
            arr = np.full(n, np.nan)
            if source.get(key) is not None:
                arr[idx] = ulp_error(source[key][idx], vals, dt)
            sides[side] = arr
        ext["ulp"][key] = sides
        ext["max_ulp"][key] = {s: max_ulp(a) for s, a in sides.items()}
    ext["closer"] = closer(result.numpy, result.torch, ext["ulp"], keys)


# ---------------------------------------------------------------- vectors


def _jacobian_rows(x):
    """Every row for a short vector; for a long one an even spread plus the largest element's row."""
    n = x.size
    if n <= JACOBIAN_FULL:
        return np.arange(n)
    rows = np.linspace(0, n - 1, JACOBIAN_ROWS).astype(int)
    return np.unique(np.append(rows, np.argmax(np.nan_to_num(x.astype(np.float64), nan=-np.inf))))


def _jacobian_columns(n, rows):
    """Every column for a short vector; for a long one the sampled rows' diagonal and an even spread."""
    if n <= JACOBIAN_FULL:
        return np.arange(n)
    return np.unique(np.concatenate([rows, np.linspace(0, n - 1, JACOBIAN_COLUMNS).astype(int)]))


def _pad(a, n):
    """Outputs shorter than the input (glu halves it) padded with nan to one value per input element."""
    return a if a is None or a.size == n else np.concatenate([a, np.full(n - a.size, np.nan, dtype=a.dtype)])


def _evaluate_vector(act, x, params, dt, rtol, atol, order, asked):
    n = x.size
    xc = x.astype(dt.compute, copy=False)
    g, v = _upstream(n, dt), _upstream(n, dt, UPSTREAM_SEED + 1)
    u = _upstream(n, dt, UPSTREAM_SEED + 2) if order >= 2 else None
    rows = _jacobian_rows(x)
    cols = _jacobian_columns(n, rows)
    ask = Ask(act, params, x, dt, upstream=g, order=order, tangent=v, hvp_upstream=u, rows=rows, cols=cols)
    # torch first: its transients then sit beside its results only, not beside NumPy's too
    answers = _answers(ask, asked)
    theirs = dict(answers["torch"].values)
    jac_theirs = theirs.pop("jacobian")
    theirs["forward_ad"] = answers["torch_forward_ad"].values.get("jvp")
    theirs = {k: _pad(val, n) for k, val in theirs.items()}
    y = act.forward(xc)
    m = y.size  # glu's output is half its input: the upstream gradient has the output's length
    ours = {
        "forward": y,
        "backward": act.vjp(xc, np.ones_like(y)),
        "vjp": act.vjp(xc, g.astype(dt.compute, copy=False)[:m]),
        "jvp": act.jvp(xc, v.astype(dt.compute, copy=False)),
        "jacobian": act.jac_rows(xc, rows[rows < m], cols),
    }
    if order >= 2:
        ours["second"] = act.hvp(xc, g.astype(dt.compute, copy=False)[:m], u.astype(dt.compute, copy=False))
    jac_ours = ours.pop("jacobian").astype(dt.numpy, copy=False)
    # one value per input element (glu's halved outputs padded with nan), each array made once
    ours = {k: _pad(np.asarray(val, dtype=dt.compute).astype(dt.numpy, copy=False), n) for k, val in ours.items()}
    answers = {k: _padded(ans, n) for k, ans in answers.items()}
    comps = _compare(ours, answers, asked, lambda q, op, t: np.isnan(np.asarray(t, np.float64)), rtol, atol, dt)
    jac = Comparison("jacobian", jac_ours, jac_theirs, rtol, atol, np.zeros(jac_ours.shape, bool))
    upstream = _pad(g[:m].astype(np.float64), n).astype(dt.numpy)
    result = Result(act.name, params, dt.name, rtol, atol, x, ours, theirs, comps, upstream, matrices={"jacobian": jac})
    result.extras.update(
        kink=np.zeros(n, bool), notes=_missing(answers), jacobian_rows=rows[rows < m], tangent=v, jacobian_columns=cols
    )
    if rows.size < n:
        result.extras["notes"].append(
            f"Jacobian compared on {rows.size} sampled rows and {cols.size} columns of {n}; the VJP in full"
        )
    _keep_finite_difference(result, answers)
    for op in asked:
        if op.in_ulp:
            _measure_ulps(result, op.answer(ask), np.arange(n), dt, ("vjp", "forward"))
    return result


def _padded(ans, n):
    """An answer with each per-element quantity padded to the input's length (the Jacobian left out)."""
    values = {k: _pad(v, n) for k, v in ans.values.items() if k != "jacobian"}
    return type(ans)(values, ans.missing, ans.skipped, ans.notes)
