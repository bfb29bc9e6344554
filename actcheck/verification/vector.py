"""``verify`` for a user's softmax-family pair: whole vectors, VJPs against torch, the diagonal slip.

A pair whose parameters torch lacks (a softmin's temperature) is judged against the
Jacobian of its own forward by central differences instead (``fd=True``).
"""

import numpy as np

from .candidate import answers, failed
from .judging import reading
from .outcome import PairResult

__all__ = ["judge_vector"]


def _vectors():
    from ..registry.vectors import DEFAULT_VECTOR

    rng = np.random.default_rng(2024)
    vs = [np.array(DEFAULT_VECTOR), np.array([1000.0, 0.0, -1000.0, 5.0]), np.array([1.0, 2.0, 3.0, 4.0])]
    vs += [rng.normal(0, 3, n) for n in (6, 10, 16)]
    return vs


def _torch(act, x, g, dtype="float64"):
    from ..dtypes import DTYPES
    from ..opinions import torch_reverse
    from ..opinions.answer import Ask

    ask = Ask(act, {}, x, DTYPES[dtype], upstream=g, rows=np.array([], int), cols=np.arange(x.size))
    return {k: np.asarray(v, dtype=np.float64) for k, v in torch_reverse.answer(ask).values.items()}


def _differences(code, cand, x, g, dtype="float64"):
    """The VJPs (ones and g) of the user's own forward, its Jacobian by central differences column by column."""
    h = (2.0**-20 if dtype == "float64" else 2.0**-9) * np.maximum(np.abs(x), 1.0)

    def f(t):
        reply = code.evaluate(cand.id, cand.kw, t, np.ones(g.size), ["forward"], cand.modes)
        return reply["values"].get("forward", np.full(g.size, np.nan))

    jac = np.stack([(f(x + h[j] * e) - f(x - h[j] * e)) / (2 * h[j]) for j, e in enumerate(np.eye(x.size))], 1)
    return {"forward": None, "backward": np.ones(g.size) @ jac, "vjp": g @ jac}


def _runs(code, cand, act, wanted, notes, fd, dtype):
    """(x, upstream, the code's answers, the reference's) on each vector (the one check_pair was given), in
    ``dtype``; a PairResult if the forward fails."""
    from ..dtypes import DTYPES

    rng = np.random.default_rng(7)
    runs = []
    for x in _vectors() if cand.opts.points is None else [cand.opts.points]:
        g = rng.uniform(-2, 2, act.forward(x).size)
        x, g = (v.astype(DTYPES[dtype].numpy).astype(np.float64) for v in (x, g))
        got = answers(code, cand, x, g, wanted, notes)
        if "forward" in got.errors:
            return failed(cand, [f"forward: {got.errors['forward']}"], notes)
        runs.append((x, g, got, _differences(code, cand, x, g, dtype) if fd else _torch(act, x, g, dtype)))
    return runs


def judge_vector(code, cand, fd=False):
    """Check a vector pair on a few vectors (against torch, or with ``fd`` its own forward's Jacobian); diagnose a
    backward that treats the Jacobian as diagonal."""
    from ..result import close
    from .references import narrowest, precision, tolerances

    act, notes = cand.act, list(cand.notes)
    wanted = ["forward", "derivative", "vjp"] + (["derivative@y", "vjp@y"] if cand.info.get("data") else [])
    opts = cand.opts
    runs = _runs(code, cand, act, wanted, notes, fd, opts.dtype or "float64")
    if isinstance(runs, PairResult):
        return runs
    dtype = narrowest([opts.dtype] + [precision(got.dtypes) for _, _, got, _ in runs])
    rtol, atol = opts.tolerances(*((1e-6, 1e-7) if fd else (1e-7, 1e-7)))
    if dtype != "float64":  # same dtype on both sides, as for elementwise pairs
        rtol, atol = opts.tolerances(*tolerances(None if fd else act, dtype))
        why = "asked for" if dtype == opts.dtype else "returns"
        notes.append(f"{why} {dtype}: judged in {dtype}, on vectors {dtype} holds, with rtol {rtol:g}, atol {atol:g}")
        runs = _runs(code, cand, act, wanted, notes, fd, dtype)
        if isinstance(runs, PairResult):
            return runs

    def same(mine, ref):
        if ref is None:  # finite differences judge no forward
            return np.array([0.0]), np.array([True])
        if mine is None or np.shape(mine) != np.shape(ref):
            return np.array([np.inf]), np.array([False])
        return close(mine, ref, rtol, atol)

    def right(suffix):
        return all(bool(same(got.values.get(q + suffix), ref[r])[1].all()) for _, _, got, ref in runs
                   for q, r in (("derivative", "backward"), ("vjp", "vjp")))  # fmt: skip

    chosen, slip = reading(cand, right, notes)
    errs = {"forward": 0.0, "backward": 0.0, "vjp": 0.0}
    ok, diagonal, forward_ok = slip is None, True, None if fd else True
    seen = []  # (x, g, yours, reference, good) per run, for the diagnosis and the worst points
    for x, g, got, ref in runs:
        problem = next((got.errors[q + chosen] for q in ("derivative", "vjp") if q + chosen in got.errors), None)
        if problem is not None:
            return failed(cand, [problem], notes)
        mine = {"forward": got.values["forward"], "backward": got.values["derivative" + chosen]}
        mine["vjp"] = got.values["vjp" + chosen]
        goods = {}
        for key in errs:
            err, good = same(mine[key], ref[key])
            errs[key] = max(errs[key], float(err.max()))
            goods[key] = good
            ok &= bool(good.all())
            if key == "forward" and not fd:
                forward_ok &= bool(good.all())
        seen.append((x, g, mine, ref, goods))
        diagonal &= not fd and _is_diagonal(act, x, g, mine["vjp"], max(rtol, 1e-6), max(atol, 1e-9))
    # with dA = 1 a softmax's VJP is 0 whatever the code: the column shows the larger, the random dA's too
    errs["backward"] = max(errs["backward"], errs["vjp"])
    diagnosis = [slip] if slip else []
    if not ok and not slip:
        diagnosis += _vector_slip(act, fd, seen, errs, diagonal, notes, (rtol, atol))
    if fd:
        errs["forward"] = None
    reference, activation = ("finite_difference", None) if fd else ("torch", act.name)
    worst = [] if ok else _worst(seen)
    return PairResult(cand.label, cand.style, reference, ok, errs, diagnosis, notes, worst, activation=activation,
                      params=dict(cand.params), cells=cand.cells, forward_ok=forward_ok)  # fmt: skip


_SHIFT = {"softmax": "np.exp(x - np.max(x))", "log_softmax": "x - np.max(x) before np.exp",
          "softmin": "np.exp(-(x - np.min(x)))"}  # fmt: skip


def _vector_slip(act, fd, seen, errs, diagonal, notes, tol):
    """The sentence naming a vector pair's slip: overflow without a max-shift, a diagonal Jacobian, a sign, a
    backward of zeros; else the largest difference (with the rows' axis when the forward is wrong on rows)."""
    ref_name = "finite differences" if fd else "torch"
    for x, _, mine, ref, _ in seen:
        if ref["forward"] is None or np.shape(mine["forward"]) != np.shape(ref["forward"]):
            continue
        blown = ~np.isfinite(mine["forward"]) & np.isfinite(ref["forward"])
        if blown.any():
            shift = _SHIFT.get(act.name, "the max subtracted first")
            return [
                f"forward overflows on large inputs (inf/nan for x = [{', '.join(f'{v:.4g}' for v in x[:4])}…]): "
                f"np.exp of a large x is inf — shift first: {shift}"
            ]
    if diagonal:
        return [
            f"backward treats the Jacobian as diagonal (dout * f'(x_i) alone): {act.name}'s backward "
            "couples every element, e.g. softmax: s * (dout - sum(dout * s))"
        ]
    vjps = [(m["vjp"], r["vjp"]) for _, _, m, r, _ in seen if np.shape(m["vjp"]) == np.shape(r["vjp"])]
    forward_bad = not all(bool(gd["forward"].all()) for *_, gd in seen)
    if vjps and not forward_bad:
        if all(np.allclose(m, -r, rtol=max(tol[0], 1e-6), atol=max(tol[1], 1e-9)) for m, r in vjps):
            return [f"backward has the wrong sign: it returns minus {ref_name}'s VJP everywhere"]
        if all(np.allclose(m, 0.0, atol=1e-12) for m, _ in vjps) and not all(np.allclose(r, 0) for _, r in vjps):
            return ["backward returns 0 for every input (with a random upstream gradient too)"]
    worst = max(errs, key=lambda k: errs[k] or 0.0)
    text = f"{worst} differs from {ref_name} by up to {errs[worst]:.3g}"
    if forward_bad and any(n.startswith("written for 2-D batches") for n in notes):
        text += " on a batch of rows: each row must be normalised on its own (axis=1, keepdims=True)"
    return [text]


def _worst(seen, k=5):
    """The elements furthest from the reference (the forward's where it is wrong, else the VJP's), each with its
    whole input vector."""
    from ..serialize import jsonable

    rows = []
    for x, g, mine, ref, goods in seen:
        key = "forward" if ref["forward"] is not None and not goods["forward"].all() else "vjp"
        yours, theirs = mine[key], ref[key]
        if np.shape(yours) != np.shape(theirs) or np.shape(theirs) != np.shape(x):
            continue
        with np.errstate(all="ignore"):
            err = np.nan_to_num(np.abs(yours - theirs), nan=np.inf)
        for i in np.flatnonzero(~np.asarray(goods[key]).reshape(x.shape) if np.size(goods[key]) == x.size else []):
            row = {"x": jsonable(x[i]), "quantity": key, "yours": jsonable(yours[i]), "reference": jsonable(theirs[i])}
            if key == "vjp":
                row["upstream"] = jsonable(g[i])
            row["input"] = [jsonable(v) for v in x]
            rows.append((float(err[i]), row))
    rows.sort(key=lambda r: -r[0])
    return [r for _, r in rows[:k]]


def _is_diagonal(act, x, g, vjp, rtol, atol):
    """Does the user's VJP equal g times the Jacobian's diagonal?"""
    rows = np.arange(x.size)
    try:
        diag = np.diagonal(act.jac_rows(x, rows, rows)) if act.forward(x).size == x.size else None
    except Exception:
        return False
    if diag is None or np.shape(vjp) != np.shape(g):
        return False
    return bool(np.allclose(vjp, g * diag, rtol=rtol, atol=atol))
