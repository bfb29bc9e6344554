"""The engine: ask the opinions, compare NumPy's values with each answer, and judge.

Nothing here prints. ``check`` returns a Result; the CLI renders it.

At x = nan only the forward is compared (it must be nan): there is no derivative there,
and torch's answer depends on its code path. At x = +-inf torch is evaluated one
element at a time and NumPy gives the mathematical limit.
"""

import warnings
from dataclasses import replace

import numpy as np

from . import inputs
from .dtypes import comparison_tolerances, get_dtype, numpy_ulps, round_to, tolerances
from .errors import InputError
from .opinions import OPINIONS, Ask
from .registry import lookup, resolve_params
from .result import Comparison, Result, in_kind
from .rounding import ZERO_WINDOW, correctly_rounded, zeros
from .ulps import closer, max_ulp, round_once, ulp_error

__all__ = ["check", "numpy_side", "arbitrate", "UPSTREAM_SEED", "ORACLE_POINTS", "ARBITRATE_POINTS"]

UPSTREAM_SEED = 20240824
ORACLE_POINTS = 2000  # beyond this, the oracle sees the worst half and an even spread of the rest
JACOBIAN_FULL = 512  # up to this length the whole Jacobian is compared; beyond, sampled rows
JACOBIAN_ROWS = 16
JACOBIAN_COLUMNS = 4096


def check(
    name,
    values=None,
    *,
    dtype="float64",
    rtol=None,
    atol=None,
    order=1,
    fd=False,
    oracle=False,
    strict=False,
    points=None,
    progress=None,
    context=None,
    **params,
):
    """Check activation ``name`` at ``values`` (or ``points=``; the default grid if neither); return a Result.

    Activation parameters are keywords (``approximate="tanh"``). Where NumPy and torch
    disagree the oracle says who is off; torch's deviations are reported, and judged only
    when ``strict``. ``context`` N evaluates torch at each point inside an array of N copies of
    it (without it, non-finite and extreme points are also tried in arrays of 2, 8 and 64, and
    a difference is reported as a torch inconsistency). ``progress``, if given, is called with
    (step, done, total) as each step begins (torch, NumPy, the oracle, ...).

    Raises InputError for an unknown name, a bad parameter, dtype, tolerance or input.
    """
    if points is not None:
        if values is not None:
            raise InputError("give the points as values or as points=, not both")
        values = points
    act = lookup(inputs.activation_name(name))
    if act is None:
        raise InputError(f"unknown activation {name!r}")
    params = resolve_params(act, inputs.params(params))
    dt = get_dtype(inputs.dtype_name(dtype))
    order = inputs.order(order)
    default_rtol, default_atol, widened = tolerances(dt, act)
    rtol, atol = inputs.tolerance("rtol", rtol), inputs.tolerance("atol", atol)
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    x = _points(act, values, params, dt)
    context = _context(context, act)
    asked = [op for op in OPINIONS if op.asked_by is None or {"fd": fd, "oracle": oracle}[op.asked_by]]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        evaluate = _evaluate_vector if act.kind == "vector" else _evaluate
        try:
            steps = _Steps(progress, len(asked) + (3 if act.kind == "vector" else 2))
            result = evaluate(act, x, params, dt, rtol, atol, order, asked, strict, steps, context)
            steps("done")
        except RuntimeError as e:
            if "without overflow" not in str(e):
                raise
            raise _refused(act, params, dt, e) from None
    if widened and atol == default_atol:
        result.extras["notes"].append(widened)
    result.extras["strict"] = strict
    return result


class _Steps:
    """Tells ``progress`` (step, done, total) as each step of a check begins; nothing without one."""

    def __init__(self, progress, total):
        self.progress, self.total, self.done = progress, total, 0

    def __call__(self, step):
        if self.progress is not None:
            self.progress(step, min(self.done, self.total), self.total)
        self.done += 1


def _context(context, act):
    """--context as a positive int, or None; only for elementwise activations."""
    if context is None:
        return None
    if isinstance(context, bool) or not isinstance(context, int) or context < 1:
        raise InputError(f"context must be a positive whole number of elements, got {context!r}")
    if act.kind == "vector":
        raise InputError(
            f"{act.name} is a vector activation: its whole input is one array, so --context does not apply"
        )
    return context


def _refused(act, params, dt, e):
    """The InputError for parameters torch cannot hold in the scalar type it computes ``dt`` in.

    torch converts a parameter to its kernel's scalar type (float for float32, Half in some float16
    kernels, float even in float64 for celu's backward) and refuses one beyond that type's range.
    """
    shown = ", ".join(f"{k}={v!r}" for k, v in params.items())
    return InputError(f"{act.name}: torch cannot take {shown} in {dt.name} ({e})")


def _points(act, values, params, dt):
    from .grids import default_grid

    raw = inputs.values(values)
    if act.kind == "vector":
        from .registry.vectors import DEFAULT_VECTOR

        raw = np.asarray(DEFAULT_VECTOR, dtype=np.float64) if raw is None else raw
        act.validate_input(raw)
    elif raw is None:
        raw = default_grid(act, params, dt)
    return inputs.in_dtype(raw, dt)


def _upstream(n, dtype, seed=UPSTREAM_SEED):
    """A seeded random upstream gradient, so a backward that ignores it is caught."""
    g = np.random.default_rng(seed).uniform(-2.0, 2.0, n)
    return g.astype(np.float32).astype(dtype.numpy) if dtype.name == "bfloat16" else g.astype(dtype.numpy, copy=False)


def _answers(ask, asked, steps):
    """Each asked opinion's answer but the exact one (asked later, only where it matters), torch's first."""
    out = {}
    for op in asked:
        if not op.in_ulp:
            steps(op.name.replace("_", " "))
            out[op.name] = op.answer(ask)
    return out


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
    """NumPy's values computed in float64, then rounded once to the dtype (the VJP as upstream·f' in float64);
    beside a rounding boundary the exact value decides (``rounding.correctly_rounded``)."""
    x64 = x.astype(np.float64, copy=False)
    out = {"forward": act.forward(x64, **params), "backward": act.derivative(x64, **params)}
    if order >= 2:
        out["second"] = act.second(x64, **params)
    if upstream is not None:
        out["vjp"] = upstream.astype(np.float64) * out["backward"]
    return correctly_rounded(act, params, x64, out, dtype, upstream)


def _evaluate(act, x, params, dt, rtol, atol, order, asked, strict, steps, context=None):
    upstream = _upstream(x.size, dt)
    # torch first: its transients then sit beside its results only, not beside NumPy's too
    answers = _answers(Ask(act, params, x, dt, upstream=upstream, order=order, context=context), asked, steps)
    steps("NumPy")
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
    notes = _missing(answers) + [n for a in answers.values() for n in a.notes] + _mode_notes(x64, kink, theirs)
    result = Result(act.name, params, dt.name, rtol, atol, x, ours, theirs, comps, upstream)
    result.extras.update(kink=kink, notes=notes, torch_deviations=[], context=context)
    steps("who is right")
    _settle(result, act, params, dt, strict)
    _inconsistencies(result, act, params, dt, answers["torch"].inconsistent)
    _keep_finite_difference(result, answers)
    for op in asked:
        if op.in_ulp:
            steps("exact values")
            idx = _oracle_sample(result)
            ans = op.answer(Ask(act, params, x[idx], dt, order=order))
            _measure_ulps(result, ans, idx, dt, ("backward", "forward"))
            _against_exact(result, ans, idx, dt)
            if idx.size < result.n_points:
                notes.append(
                    f"oracle evaluated at {idx.size} of {result.n_points} points: the worst and an even spread"
                )
    return result


def _inconsistencies(result, act, params, dt, found):
    """torch's answers alone and inside an array that differ: each said in a note, kept for the JSON, and where
    the in-array answer is off and NumPy right, a torch deviation with its ``context`` (the array's length)."""
    if not found:
        return
    result.extras["torch_inconsistencies"] = found
    x64 = result.x.astype(np.float64)
    for d in found:
        result.extras["notes"].append(
            f"torch inconsistency: {d['quantity']} at x = {d['x']:.17g} is {d['alone']:.17g} alone but "
            f"{d['in_array']:.17g} inside an array of {d['context']} (--context {d['context']} reproduces it)"
        )
        i = int(np.flatnonzero((x64 == d["x"]) | (np.isnan(x64) & np.isnan(d["x"])))[0])
        c = result.comparisons.get(d["quantity"])
        if c is None:
            continue
        g = None if d["quantity"] != "vjp" else result.upstream[[i]].astype(np.float64)
        exact, _ = arbitrate(act, params, x64[[i]], dt, d["quantity"], {}, g)
        theirs = np.asarray([d["in_array"]], dtype=dt.numpy)
        ulp, rounded, numpy_right, torch_right = _who_is_right(
            c.numpy[[i]],
            theirs,
            exact,
            dt,
            d["quantity"],
            g,
            lambda q=d["quantity"], i=i: _near_zero(act, params, q, x64[[i]], dt),
        )
        if numpy_right[0] and not torch_right[0]:
            dev = _deviation(d["quantity"], d["x"], c.numpy[i], theirs[0], rounded[0], ulp, 0)
            result.extras["torch_deviations"].append({**dev, "context": d["context"]})
            result.extras["torch_deviation_count"] = result.extras.get("torch_deviation_count", 0) + 1


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


# ---------------------------------------------------------------- who is wrong

ARBITRATED = ("forward", "backward", "vjp", "torch_forward_ad", "second")
ARBITRATE_POINTS = 256  # disagreements per comparison the oracle settles; the rest against the bounded reference
DEVIATIONS_KEPT = 10_000  # torch deviations listed (the worst); the count is of all
_EXACT_OF = {"forward": "forward", "backward": "backward", "vjp": "backward", "torch_forward_ad": "backward"}


def arbitrate(act, params, x, dtype, quantity, sides, upstream=None):
    """The exact values of ``quantity`` at ``x`` and each side's distance from them in ULP of ``dtype``.

    ``quantity`` is forward, backward, torch_forward_ad (f'), second, or vjp (then the exact
    value is ``upstream``·f'); ``sides`` maps a name ("numpy", "torch", a user's) to its
    values at ``x``. Returns (exact values as mpf or None, {side: ULP errors}); an elementwise
    activation only. ``dtypes.numpy_ulps`` says how close NumPy's values are claimed to be;
    any other side is right when within 1 ULP (``ulps.within_ulps``).
    """
    from .opinions.oracle import exact_values

    x64 = np.asarray(x, dtype=np.float64)
    key = _EXACT_OF.get(quantity, quantity)
    exact = exact_values(act, params, x64, order={"forward": 0, "backward": 1, "second": 2}[key])[key]
    if quantity == "vjp":
        exact = [None if e is None else _times(e, g) for e, g in zip(exact, np.asarray(upstream), strict=True)]
    return exact, {side: ulp_error(np.asarray(v), exact, dtype) for side, v in sides.items()}


def _times(e, g):
    """e·g exactly enough (e is the oracle's mpf, g a float)."""
    import mpmath

    with mpmath.mp.workprec(256):
        return e * mpmath.mpf(float(g))


def _settle(result, act, params, dt, strict):
    """Where NumPy and torch disagree, beyond tolerance or in kind, the exact value says who is off (see
    docs/comparison.md, "Who is wrong").

    NumPy right and torch not: a torch deviation, reported, not judged (judged with ``strict``);
    both right: not judged; NumPy off: the failure stands, its ULP error noted. The oracle settles
    up to ARBITRATE_POINTS points per comparison (an even spread); the rest the registry's float64
    values settle, with their tested error bound (``atlas.reference.bounded``), and a note says so.
    """
    x64 = result.x.astype(np.float64, copy=False)
    for name, idx, unlike in _disagreements(result, ARBITRATED, dt):
        c = result.comparisons[name]
        up = None if result.upstream is None else result.upstream.astype(np.float64)
        verdict = _Verdict(idx.size)
        oracle, rest = _spread(idx.size)
        at = idx[oracle]
        g = None if up is None or name != "vjp" else up[at]
        exact, _ = arbitrate(act, params, x64[at], dt, name, {}, g)
        near = lambda at=at, name=name: _near_zero(act, params, name, x64[at], dt)  # noqa: E731 (asked only if needed)
        verdict.put(oracle, _who_is_right(c.numpy[at], c.reference[at], exact, dt, name, g, near))
        if rest.size:
            at = idx[rest]
            verdict.put(rest, _bounded_verdict(act, params, x64[at], dt, name, c, at, up))
            result.extras["notes"].append(
                f"{name}: {idx.size} disagreements; the oracle settled {oracle.size} (an even spread), the "
                f"registry's float64 values within their tested bound the other {rest.size}"
            )
        _judge(result, name, idx, verdict.parts(), dt, strict, unlike)


class _Verdict:
    """Each side's ULP error, the exact value rounded, and who is right, filled in parts."""

    def __init__(self, n):
        self.ulp = {"numpy": np.full(n, np.nan), "torch": np.full(n, np.nan)}
        self.rounded = np.full(n, np.nan)
        self.numpy_right, self.torch_right = np.zeros(n, bool), np.zeros(n, bool)

    def put(self, at, verdict):
        ulp, rounded, numpy_right, torch_right = verdict
        for side in self.ulp:
            self.ulp[side][at] = ulp[side]
        self.rounded[at], self.numpy_right[at], self.torch_right[at] = rounded, numpy_right, torch_right

    def parts(self):
        return self.ulp, self.rounded, self.numpy_right, self.torch_right


def _spread(n):
    """(positions the oracle settles, the rest) among ``n`` disagreements: all, or an even spread of them."""
    if n <= ARBITRATE_POINTS:
        return np.arange(n), np.arange(0)
    chosen = np.zeros(n, bool)
    chosen[np.linspace(0, n - 1, ARBITRATE_POINTS).astype(int)] = True
    return np.flatnonzero(chosen), np.flatnonzero(~chosen)


def _bounded_verdict(act, params, x, dt, name, c, at, upstream):
    """The rule against the registry's float64 values: each side right within its claim plus their bound."""
    from .atlas.reference import bounded

    key = _EXACT_OF.get(name, name)
    ref, tol = bounded(act, params, x, key, dt, None if name != "vjp" else upstream[at])
    ulp = {side: _ulps_from(v, ref, dt) for side, v in (("numpy", c.numpy[at]), ("torch", c.reference[at]))}
    for side in ulp:
        ulp[side][~ref.defined] = np.nan
    with np.errstate(invalid="ignore"):
        numpy_right = ulp["numpy"] <= numpy_ulps(dt, name) + tol
        torch_right = ulp["torch"] <= 1 + tol
    return ulp, ref.rounded, numpy_right, torch_right


def _ulps_from(v, ref, dtype):
    """|v - value| in ULP of the dtype at the reference value (0 for a non-finite v equal to the rounded value)."""
    from .dtypes import ulp

    v = np.asarray(v, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        err = np.abs(v - ref.value) / ulp(ref.value, dtype)
        odd = ~np.isfinite(err)
        same = (v == ref.rounded) | (np.isnan(v) & np.isnan(ref.rounded))
    err[odd] = np.where(same[odd], 0.0, np.inf)
    return err


def _near_zero(act, params, name, x, dt):
    """Where NumPy's float64 derivative may be off by its bound absolutely, not relatively: near a zero of f'
    (or of f'' for ``second``) away from x = 0, as the README says; everywhere for a vector's sums."""
    if dt.name != "float64" or name == "forward":
        return np.zeros(x.shape, bool)
    if act.kind == "vector":
        return np.ones(x.shape, bool)
    found = zeros(act, params, "second" if name == "second" else "backward")
    if not found.size:
        return np.zeros(x.shape, bool)
    return np.abs(x[:, None] - found[None, :]).min(axis=1) <= ZERO_WINDOW


def _settle_vector(result, act, dt, strict):
    """The same rule for a vector activation's outputs, VJPs, forward-mode JVPs and (order 2) HVPs, at every
    disagreeing element (the closed forms give the whole vector at once)."""
    from .opinions.oracle import MAX_VECTOR, vector_exact, vector_hvp, vector_jvp

    x, n = result.x, result.x.size
    g = np.nan_to_num(result.upstream.astype(np.float64))  # glu's padding: the output has half the length
    for name, idx, unlike in _disagreements(result, ("forward", "backward", "vjp", "torch_forward_ad", "second"), dt):
        c = result.comparisons[name]
        up = np.ones(n) if name == "backward" else g
        scale = None if name in ("forward", "torch_forward_ad", "second") else up[idx]
        if n > MAX_VECTOR:  # the oracle's sums over every element cost seconds per thousand: NumPy's float64 values
            _judge(result, name, idx, _float64_verdict(c.numpy[idx], c.reference[idx], dt, scale), dt, strict, unlike)
            result.extras["notes"].append(_long_vector_note(name, idx.size, n))
            continue
        if name == "torch_forward_ad":
            exact = _padded_list(vector_jvp(act, x, result.extras["tangent"]), n)
        elif name == "second":
            exact = vector_hvp(act, x, g, result.extras["hvp_along"], set(idx.tolist()))
        else:
            fwd, vjp = vector_exact(act, x, up, set(idx.tolist()))
            exact = fwd if name == "forward" else vjp
        exact = [exact[i] for i in idx]
        verdict = _who_is_right(c.numpy[idx], c.reference[idx], exact, dt, name, scale, None, vector=True)
        _judge(result, name, idx, verdict, dt, strict, unlike)


def _float64_verdict(ours, theirs, dt, scale):
    """The rule against NumPy's own float64 values (``ours``, rounded to the dtype): torch right within 1 ULP
    (plus that rounding) or 4 float64 eps (times the upstream) of them; NumPy not judged."""
    from .dtypes import ulp

    v, t = ours.astype(np.float64), theirs.astype(np.float64)
    scale = 2.0 if scale is None else np.maximum(1.0, np.abs(scale))
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        diff = np.abs(t - v)
        err = diff / ulp(v, dt)
        odd = ~np.isfinite(err)
        err[odd] = np.where((t[odd] == v[odd]) | (np.isnan(t[odd]) & np.isnan(v[odd])), 0.0, np.inf)
        torch_right = (err <= (1.0 if dt.name == "float64" else 1.5)) | (
            diff <= 4 * float(np.finfo(np.float64).eps) * scale
        )
    return {"numpy": np.zeros(v.size), "torch": err}, v, np.ones(v.size, bool), torch_right


def _long_vector_note(name, count, n):
    return (
        f"{name}: {count} disagreements in a vector of {n} elements settled against NumPy's own float64 values "
        f"(the oracle evaluates vectors up to 2,000 elements): torch named where it is off, NumPy not judged there"
    )


def _padded_list(values, n):
    return list(values) + [None] * (n - len(values))


JACOBIAN_ENTRIES = 64  # disagreeing entries per quantity (or Jacobian) the oracle settles: an even spread


def _settle_jacobian(result, act, dt, strict):
    """The rule for the sampled Jacobian's entries: row r is the VJP with the one-hot upstream e_r."""
    from .opinions.oracle import MAX_VECTOR, vector_exact

    jac = result.matrices.get("jacobian")
    if jac is None or jac.ok.all():
        return
    rows, cols = result.extras["jacobian_rows"], result.extras["jacobian_columns"]
    all_bad = np.argwhere(~jac.ok)
    long = result.x.size > MAX_VECTOR
    if long:  # as for the VJP: NumPy's float64 entries, every one (cheap)
        bad = all_bad
        result.extras["notes"].append(_long_vector_note("jacobian", len(bad), result.x.size))
    else:
        bad = all_bad[np.unique(np.linspace(0, len(all_bad) - 1, min(len(all_bad), JACOBIAN_ENTRIES)).astype(int))]
    skip, x64 = jac.skip.copy(), result.x.astype(np.float64)
    for i in np.unique(bad[:, 0]):
        js = bad[bad[:, 0] == i, 1]
        ours, theirs = jac.numpy[i, js], jac.reference[i, js]
        if long:
            ulp, rounded, numpy_right, torch_right = _float64_verdict(ours, theirs, dt, None)
        else:
            onehot = np.zeros(act.forward(x64).size)
            onehot[rows[i]] = 1.0
            _, vjp = vector_exact(act, x64, onehot, {int(cols[j]) for j in js})
            exact = [vjp[int(cols[j])] for j in js]
            verdict = _who_is_right(ours, theirs, exact, dt, "vjp", None, None, vector=True)
            ulp, rounded, numpy_right, torch_right = verdict
        for k in np.flatnonzero(numpy_right & ~torch_right):
            d = _deviation("jacobian", x64[cols[js[k]]], ours[k], theirs[k], rounded[k], ulp, k)
            result.extras["torch_deviations"].append({**d, "row": int(rows[i]), "column": int(cols[js[k]])})
            result.extras["torch_deviation_count"] = result.extras.get("torch_deviation_count", 0) + 1
        skip[i, js[numpy_right & (torch_right | (not strict))]] = True
    if len(all_bad) > len(bad):
        result.extras["notes"].append(
            f"jacobian: {len(all_bad) - len(bad)} of {len(all_bad)} disagreeing entries not settled (the oracle "
            f"settles {JACOBIAN_ENTRIES}, an even spread): they stand as they are"
        )
    result.matrices["jacobian"] = replace(jac, skip=skip)


def _disagreements(result, names, dt):
    """(comparison name, indices where NumPy and torch disagree beyond tolerance or in kind, the in-kind mask)."""
    tiny = float(dt.finfo().tiny)
    for name in names:
        c = result.comparisons.get(name)
        if c is None:
            continue
        unlike = in_kind(c.numpy, c.reference, tiny) & ~c.skip
        bad = ~c.ok | unlike
        if bad.any():
            yield name, np.flatnonzero(bad), unlike


def _judge(result, name, idx, verdict, dt, strict, unlike):
    """Apply the rule at ``idx`` given the verdict there: excuse, report, or let the failure stand.

    A point inside tolerance but differing in kind becomes a failure where the rule does not excuse it.
    """
    c, notes = result.comparisons[name], result.extras["notes"]
    ours, theirs = c.numpy[idx], c.reference[idx]
    ulp, rounded, numpy_right, torch_right = verdict
    x64 = result.x.astype(np.float64, copy=False)
    torch_off = np.flatnonzero(numpy_right & ~torch_right)
    result.extras["torch_deviation_count"] = result.extras.get("torch_deviation_count", 0) + torch_off.size
    if torch_off.size > DEVIATIONS_KEPT:
        torch_off = torch_off[np.argsort(-ulp["torch"][torch_off], kind="stable")[:DEVIATIONS_KEPT]]
    for i in torch_off:
        result.extras["torch_deviations"].append(_deviation(name, x64[idx[i]], ours[i], theirs[i], rounded[i], ulp, i))
    excused = numpy_right & (torch_right | (not strict))
    skip = c.skip.copy()
    skip[idx[excused]] = True
    failed = np.zeros(c.skip.shape, bool)
    failed[idx[~excused]] = True
    failed &= unlike
    result.comparisons[name] = replace(c, skip=skip, unlike=failed if failed.any() else c.unlike)
    both = int((numpy_right & torch_right).sum())
    if both:
        notes.append(f"{name}: {both} points where both sides are within 1 ULP of exact: not failures")
    off = ~numpy_right & ~np.isnan(ulp["numpy"])
    if off.any():
        i = int(np.argmax(np.where(off, ulp["numpy"], -1)))
        notes.append(
            f"{name}: NumPy is off: {_ulps_text(ulp['numpy'][i])} from exact at x = {x64[idx[i]]:.17g} "
            f"(torch {_ulps_text(ulp['torch'][i])})"
        )
    unsettled = int((np.isnan(ulp["numpy"]) & unlike[idx]).sum())
    if unsettled:
        notes.append(f"{name}: {unsettled} points differ in kind where the exact value is undefined: not judged")


def _who_is_right(ours, theirs, exact, dt, name, upstream, near, vector=False):
    """(each side's ULP error, the exact values rounded once, NumPy right, torch right) at the points given.

    ``near()`` says where an elementwise float64 derivative is near a zero of it (asked only when needed)."""
    ulp = {"numpy": ulp_error(ours, exact, dt), "torch": ulp_error(theirs, exact, dt)}
    rounded = np.array([round_once(e, dt) for e in exact])
    torch_right = ulp["torch"] <= 1
    if vector:  # where a sum cancels to exactly 0, a side's rounding residue is not an error in kind
        torch_right |= _residue(theirs, rounded, exact, float(np.finfo(dt.compute).eps), upstream)
    return ulp, rounded, _numpy_right(ulp["numpy"], ours, rounded, exact, dt, name, upstream, near, vector), torch_right


def _residue(values, rounded, exact, eps, upstream):
    """Where the exact value is 0 (to far below the dtype) and ``values`` within 4 eps of it, times the upstream."""
    scale = 1.0 if upstream is None else np.maximum(1.0, np.abs(np.asarray(upstream, dtype=np.float64)))
    import mpmath

    tiny = np.array([e is not None and (e == 0 or mpmath.mag(e) < -1100) for e in exact], dtype=bool)
    with np.errstate(invalid="ignore"):
        return tiny & (rounded == 0) & (np.abs(np.asarray(values, dtype=np.float64)) <= 4 * eps * scale)


def _numpy_right(ulp, ours, rounded, exact, dt, name, upstream, near, vector):
    """NumPy within its claimed ULP of exact, or absolutely within that many float64 eps (times the upstream)
    where its float64 terms may cancel: a float64 derivative near a zero of it, a vector's sums in any dtype."""
    bound = numpy_ulps(dt, name)
    right = ulp <= bound
    if right.all() or name == "forward" and not vector:
        return right
    scale = 2.0 if upstream is None else np.maximum(1.0, np.abs(np.asarray(upstream, dtype=np.float64)))
    allowed = max(bound, 4.0) * float(np.finfo(np.float64).eps) * scale
    with np.errstate(invalid="ignore", over="ignore"):
        e = np.array([np.nan if v is None else float(v) for v in exact])
        close_abs = np.abs(ours.astype(np.float64) - e) <= allowed
    return right | (close_abs & (True if vector else near()))


def _ulps_text(u):
    return "inf ULP" if not np.isfinite(u) else f"{u:.3g} ULP"


def _deviation(name, x, ours, theirs, exact, ulp, i):
    """One torch deviation as plain data (the JSON ``torch_deviations`` entry)."""
    return {
        "quantity": name,
        "x": float(x),
        "numpy": float(ours),
        "torch": float(theirs),
        "exact": float(exact),
        "ulp": {"numpy": float(ulp["numpy"][i]), "torch": float(ulp["torch"][i])},
    }


def _keep_finite_difference(result, answers):
    """The finite differences themselves, for the report (nan where a point was skipped)."""
    ans = answers.get("finite_difference")
    if ans is None:
        return
    ((est,), (skipped,)) = ans.values.values(), ans.skipped.values()  # one quantity: the derivative or VJP
    c = result.comparisons["finite_difference"]
    result.extras["finite_difference"] = np.where(skipped, np.nan, est)
    result.extras["fd_skipped"] = skipped
    result.extras["fd_jump"] = ans.jumps
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
        # round_once: float(mpf) rounds a subnormal twice
        full[idx] = [np.nan if v is None else round_once(v, get_dtype("float64")) for v in vals]
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


def _against_exact(result, answer, idx, dt):
    """NumPy judged against the exact values too, rounded to ``dt``, with the check's tolerances.

    Where NumPy and torch agree nothing is arbitrated: without this, a NumPy nan beside a torch nan
    where the exact value is 0 would pass with the oracle looking on.
    """
    n = result.n_points
    for key, vals in answer.values.items():
        ours = result.numpy.get(key)
        if ours is None:
            continue
        exact = np.full(n, np.nan)
        exact[idx] = [np.nan if v is None else float(round_once(v, dt)) for v in vals]
        name = f"oracle_{key}"
        r, a = comparison_tolerances(name, result.rtol, result.atol, dt)
        result.comparisons[name] = Comparison(name, ours, exact, r, a, np.isnan(exact))


# ---------------------------------------------------------------- vectors


def _independent(act, n, rows, cols):
    """The Jacobian entries whose output does not depend on the input at all: exactly 0, not compared."""
    if act.depends is None:
        return np.zeros((len(rows), len(cols)), bool)
    return ~act.depends(n, rows, cols)


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


def _evaluate_vector(act, x, params, dt, rtol, atol, order, asked, strict, steps, context=None):
    n = x.size
    xc = x.astype(np.float64, copy=False)
    g, v = _upstream(n, dt), _upstream(n, dt, UPSTREAM_SEED + 1)
    u = _upstream(n, dt, UPSTREAM_SEED + 2) if order >= 2 else None
    rows = _jacobian_rows(x)
    cols = _jacobian_columns(n, rows)
    ask = Ask(act, params, x, dt, upstream=g, order=order, tangent=v, hvp_upstream=u, rows=rows, cols=cols)
    # torch first: its transients then sit beside its results only, not beside NumPy's too
    answers = _answers(ask, asked, steps)
    steps("NumPy")
    theirs = dict(answers["torch"].values)
    jac_theirs = theirs.pop("jacobian")
    theirs["forward_ad"] = answers["torch_forward_ad"].values.get("jvp")
    theirs = {k: _pad(val, n) for k, val in theirs.items()}
    y = act.forward(xc)
    m = y.size  # glu's output is half its input: the upstream gradient has the output's length
    ours = {
        "forward": y,
        "backward": act.vjp(xc, np.ones_like(y)),
        "vjp": act.vjp(xc, g.astype(np.float64, copy=False)[:m]),
        "jvp": act.jvp(xc, v.astype(np.float64, copy=False)),
        "jacobian": act.jac_rows(xc, rows[rows < m], cols),
    }
    if order >= 2:
        ours["second"] = act.hvp(xc, g.astype(np.float64, copy=False)[:m], u.astype(np.float64, copy=False))
    jac_ours = round_to(ours.pop("jacobian"), dt)
    # one value per input element (glu's halved outputs padded with nan), each array rounded once
    ours = {k: _pad(round_to(val, dt), n) for k, val in ours.items()}
    answers = {k: _padded(ans, n) for k, ans in answers.items()}

    def padding(q, op, theirs):  # glu's halved outputs: nan on both sides past the output's length
        return np.isnan(np.asarray(theirs, np.float64)) & np.isnan(np.asarray(ours[q], np.float64))

    comps = _compare(ours, answers, asked, padding, rtol, atol, dt)
    jac = Comparison("jacobian", jac_ours, jac_theirs, rtol, atol, _independent(act, n, rows[rows < m], cols))
    upstream = _pad(g[:m].astype(np.float64), n).astype(dt.numpy)
    result = Result(act.name, params, dt.name, rtol, atol, x, ours, theirs, comps, upstream, matrices={"jacobian": jac})
    result.extras.update(
        kink=np.zeros(n, bool),
        notes=_missing(answers),
        jacobian_rows=rows[rows < m],
        tangent=v,
        jacobian_columns=cols,
        hvp_along=u,
    )
    off = jac.skip & (np.asarray(jac_theirs, dtype=np.float64) != 0)
    if off.any():
        result.extras["notes"].append(
            f"jacobian: torch gives {int(off.sum())} nonzero or nan entries where y_i does not depend on x_j (its rows "
            "are VJPs with a one-hot upstream, and 0 times an infinity is nan): those entries are 0, and not compared"
        )
    if rows.size < n:
        result.extras["notes"].append(
            f"Jacobian compared on {rows.size} sampled rows and {cols.size} columns of {n}; the VJP in full"
        )
    result.extras["torch_deviations"] = []
    steps("who is right")
    _settle_vector(result, act, dt, strict)
    steps("who is right (Jacobian)")
    _settle_jacobian(result, act, dt, strict)
    _keep_finite_difference(result, answers)
    for op in asked:
        if op.in_ulp:
            steps("exact values")
            _measure_ulps(result, op.answer(ask), np.arange(n), dt, ("vjp", "forward"))
    return result


def _padded(ans, n):
    """An answer with each per-element quantity padded to the input's length (the Jacobian left out)."""
    values = {k: _pad(v, n) for k, v in ans.values.items() if k != "jacobian"}
    return type(ans)(values, ans.missing, ans.skipped, ans.notes)
