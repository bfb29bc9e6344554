"""A passing pair tried the ways a network calls it: on 2-D batches of rows, on short arrays, and for writes into x.

Its answers on a batch (rows are samples; square and not) and on arrays of length 1 and 2
must be the answers it gives one vector (one point) at a time, which were judged already:
a sum over the wrong axis or a missing ``keepdims=True`` shows only there. A forward that
writes into the array it is given (``x[x < 0] = 0``) changes the caller's data.
"""

import numpy as np

from .usercode import INPUT_AFTER

__all__ = ["check_shapes"]

_POINTS = np.linspace(-4.0, 4.0, 16) + 0.0137  # off the round numbers code branches at
# the same code on the same numbers: only a slip moves it further than a reduction's order of summation does
_TOL = {"float64": 1e-6, "float32": 1e-4, "float16": 3e-2, "bfloat16": 6e-2}
_WHOLE = "written for one vector at a time"
_COLUMNS = "normalises each column of a 2-D batch: checked as written for columns (each column a sample)"


def check_shapes(code, cand, result):
    """``result`` failed where the pair's batch, short-array or in-place behaviour is a slip; notes otherwise."""
    if not result.passed or any("written for" in n for n in result.notes) or cand.modes is not None:
        return result  # code for batches, scalars or columns is already called the way it was written for
    vector = cand.act is not None and cand.act.kind == "vector"
    if vector and cand.act.forward(np.zeros(4)).size != 4:
        return result  # glu halves its input: a batch of rows means nothing more
    slips = _writes_into_x(code, cand, result)
    slips += _vector_batches(code, cand, result) if vector else _elementwise_shapes(code, cand, result)
    if slips:
        result.passed = False
        result.diagnosis.extend(slips)
    return result


def _ask(code, cand, x, u, quantities, modes=("array",)):
    return code.evaluate(cand.id, cand.kw, x, u, list(quantities), modes)


def _writes_into_x(code, cand, result):
    x = _POINTS.copy()
    reply = _ask(code, cand, x, np.ones_like(x), ["forward" + INPUT_AFTER, "derivative" + INPUT_AFTER])
    out = []
    for q, word in (("forward", "forward"), ("derivative", "derivative")):
        after = reply["values"].get(q + INPUT_AFTER)
        if after is None or np.array_equal(after, x):
            continue
        if q == "forward":
            out.append("forward changes its input: it writes into the array x it is given (x[...] = ... or x *= ...); "
                       "work on a copy (x = x.copy(), or np.where)")  # fmt: skip
        else:
            result.notes.append(f"{word} writes into the array x it is given: harmless only if x is not used again")
    return out


def _tol(*replies):
    from .references import narrowest

    return _TOL[narrowest([d for r in replies for d in r.get("dtypes", {}).values()])]


def _same(a, b, tol=_TOL["float64"]):
    return (
        a is not None
        and b is not None
        and np.shape(a) == np.shape(b)
        and bool(np.all(np.isclose(a, b, rtol=tol, atol=tol, equal_nan=True)))
    )


def _elementwise_shapes(code, cand, result):
    """The pair on batches (2×8, 4×4) and arrays of length 1 and 2, beside its answers point by point."""
    rng = np.random.default_rng(20)
    u = rng.uniform(-2.0, 2.0, _POINTS.size)
    quantities = ("forward", "derivative", "vjp")
    first = _ask(code, cand, _POINTS, u, quantities, None)
    one = first["values"]
    if any(q not in one for q in quantities):
        return []
    tried = [((2, 8), "a 2-D batch (2, 8)"), ((4, 4), "a 2-D batch (4, 4)"), ((1,), "an array of length 1"),
             ((2,), "an array of length 2")]  # fmt: skip
    for shape, what in tried:
        n = int(np.prod(shape))
        reply = _ask(code, cand, _POINTS[:n].reshape(shape), u[:n].reshape(shape), quantities)
        for q in quantities:
            got, want = reply["values"].get(q), one[q][:n].reshape(shape)
            if q in reply["errors"]:
                error = reply["errors"][q]
                if not error.startswith("your code"):  # it ran and returned the wrong shape or a single number
                    return [f"on {what}: {error}"]
                result.notes.append(f"not checked on {what}: {error}")
                break
            tol = _tol(first, reply)
            if not _same(got, want, tol):
                i = int(np.argmax(~np.isclose(got, want, rtol=tol, atol=tol, equal_nan=True).ravel()))
                word = {"forward": "forward", "derivative": "derivative", "vjp": "backward with dA"}[q]
                return [
                    f"{word} on {what} differs from the same points one array at a time (at x = "
                    f"{_POINTS[i]:.6g}: {got.ravel()[i]:.6g}, not {want.ravel()[i]:.6g}): it mixes elements "
                    "(a reduction, len(x) or x.shape where the elements are meant)"
                ]
    return []


def _vector_batches(code, cand, result):
    """A vector pair on batches of rows (3×5, 4×4), row by row beside the same rows one at a time."""
    rng = np.random.default_rng(21)
    quantities = ("forward", "derivative", "vjp")
    seen = {}  # shape -> ("error", message) | ("wrong", sentence or None) | ("ok", None)
    for shape in ((3, 5), (4, 4)):
        x = rng.normal(0.0, 2.0, shape)
        u = rng.uniform(-2.0, 2.0, shape)
        reply = _ask(code, cand, x, u, quantities)
        if "forward" in reply["errors"]:
            seen[shape] = ("error", reply["errors"]["forward"])
            continue
        got, verdicts = reply["values"], []
        for axis in (0, 1):  # rows are the samples (x[i]); or columns are (x[:, j], a course's (n_classes, m))
            one = [
                _ask(code, cand, np.take(x, i, axis), np.take(u, i, axis), quantities, None) for i in range(shape[axis])
            ]
            if any(q not in r["values"] for r in one for q in quantities):
                return []
            want = {q: np.stack([r["values"][q] for r in one], axis=axis) for q in quantities}
            tol = _tol(reply, *one)
            if not _same(got.get("forward"), want["forward"], tol):
                verdicts.append("forward")
            elif any(q not in reply["errors"] and not _same(got.get(q), want[q], tol) for q in ("derivative", "vjp")):
                verdicts.append("backward")
            else:
                verdicts.append("ok")
        if "ok" in verdicts:
            seen[shape] = ("ok", None)
            if verdicts[0] != "ok" and _COLUMNS not in result.notes:
                result.notes.append(_COLUMNS)
        elif verdicts[0] == "forward":
            seen[shape] = ("wrong", _batch_slip(cand, shape, got["forward"], _tol(reply)))
        else:
            seen[shape] = ("wrong", (
                f"backward on a batch of rows {shape[0]}×{shape[1]} differs from the same rows one at a time: "
                "each row's gradient must use that row's output alone (sum over axis=-1 with keepdims=True)"
            ))  # fmt: skip
    kinds = {k for k, _ in seen.values()}
    wide, square = seen.get((3, 5)), seen.get((4, 4))
    if wide and square and wide[0] == "error" and "broadcast" in wide[1] and square[0] == "wrong":
        return [
            "forward fails on a batch of rows 3×5 (operands could not be broadcast) and is wrong on a square one: "
            "a reduction (np.max, np.sum) lost its axis — keepdims=True was meant (np.sum(e, axis=-1, keepdims=True))"
        ]
    if "wrong" in kinds:
        slip = next(s for k, s in seen.values() if k == "wrong")
        if slip is None:
            result.notes.append(f"{_WHOLE}: a 2-D batch is normalised as a whole (not checked on batches)")
            return []
        return [slip]
    if "error" in kinds:
        result.notes.append(
            f"not checked on a batch of rows: {next(m for k, m in seen.values() if k == 'error')[:120]}"
        )
    return []


def _batch_slip(cand, shape, got, tol):
    """Why the forward's rows on a batch are not the rows' own: the axis it normalises over, or None (a vector at a
    time, said in a note)."""
    with np.errstate(all="ignore"):
        mass = np.exp(got) if cand.act.name == "log_softmax" else got
    where = f"on a batch of rows {shape[0]}×{shape[1]}"
    total = 1e-9 if tol <= 1e-6 else tol  # how near 1 a sum of probabilities is in the code's precision
    if cand.act.name in ("softmax", "softmin", "log_softmax"):
        if np.isclose(mass.sum(), 1.0, rtol=total):
            return None
        if np.allclose(mass.sum(axis=0), 1.0, rtol=total):
            return (
                f"forward normalises each column {where} (axis=0) but shifts or scales by the rows: the axes of its "
                "reductions disagree (np.max over one axis, np.sum over another); use one axis with keepdims=True"
            )
    return (
        f"forward {where} differs from the same rows one at a time: each row must be normalised on its own "
        "(axis=-1 with keepdims=True)"
    )
