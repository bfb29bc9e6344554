"""Judging one of the user's pairs: their values beside torch's (a known activation) or finite differences'.

The user's code answers through ``code`` (a child process, or this one), torch or finite
differences of the user's own forward answer here, and points are compared as the engine
compares them (``result.close``): |yours - reference| <= atol + rtol*|reference|, nan equal
to nan and an infinity to the same infinity, in float64, with rtol = atol = 1e-7 against
torch and rtol = 1e-6, atol = 1e-7 against finite differences. Code that returns float32
(float16) is judged in that dtype: at the points it holds, beside torch in it with its
tolerances, or beside finite differences with longer steps and rtol = atol = 1e-3 (3e-2).
Beside torch each side is judged in its own dtype: a float64 derivative of a float32
forward is compared with torch in float64, with float64's tolerances, at those points.
"""

import numpy as np

from .candidate import answers, failed, ref_key
from .inference import describe_change, infer
from .kinks import accept, suggestion
from .naming import INPUT, role
from .outcome import PairResult
from .references import (
    SEED,
    finite_differences,
    in_precision,
    narrowest,
    points,
    precision,
    remote,
    tolerances,
    torch_values,
)
from .text import one_line

__all__ = ["judge_elementwise", "reading"]

_QUANTITIES = ("forward", "derivative", "vjp")


def judge_elementwise(code, cand):
    """Check an elementwise pair at its points; return its PairResult."""
    from ..result import close

    act, params, notes, rejected, opts = cand.act, dict(cand.params), list(cand.notes), None, cand.opts
    wanted = _QUANTITIES + (("derivative@y", "vjp@y") if cand.info.get("data") else ())
    x, u = _points(act, params, opts)
    got = answers(code, cand, x, u, wanted, notes)
    dtype = narrowest([opts.dtype, precision(got.dtypes)])
    rtol, atol = opts.tolerances(*tolerances(act, dtype))
    if dtype != "float64":  # same dtype on both sides: float32 code beside torch in float32, at float32 points
        why = "asked for" if dtype == opts.dtype else "returns"
        notes.append(f"{why} {dtype}: judged in {dtype}, at points {dtype} holds, with rtol {rtol:g}, atol {atol:g}")
        x, u = in_precision(x, u, dtype)
        got = answers(code, cand, x, u, wanted, notes)
    elif opts.rtol is not None or opts.atol is not None:
        notes.append(f"judged with rtol {rtol:g}, atol {atol:g}")
    sides = _sides(act, got.dtypes, dtype, notes, asked=opts.dtype is not None)
    tols = {k: opts.tolerances(*tolerances(act, d)) for k, d in sides.items()}
    same = lambda a, b, key="forward": close(a, b, *tols[key])[1]  # noqa: E731
    if "forward" in got.errors:
        rest = [got.errors[q] for q in ("derivative", "vjp") if q in got.errors]
        return failed(cand, [f"forward: {got.errors['forward']}"] + rest[:1], notes)
    if act is not None:
        try:
            ref = _torch_sides(act, params, x, u, sides)
        except Exception as e:  # torch refusing parameters the code declares (an infinite slope...)
            return failed(cand, [f"torch cannot evaluate {act.name} with {params}: {one_line(e)}"], notes)
        if not same(got.values["forward"], ref["forward"]).all():
            better, rejected = infer(act, params, cand.fixed, x, got.values["forward"], same)
            if better is not None:
                notes.append(
                    f"forward hard-codes {describe_change(act, params, better)}: checked against torch with "
                    + ", ".join(f"{k} = {v!r}" for k, v in better.items() if params.get(k) != v)
                )
                params = better
                x, u = in_precision(*_points(act, params, opts), dtype)
                got = answers(code, cand, x, u, wanted, notes)
                ref = _torch_sides(act, params, x, u, sides)
    else:
        ref = finite_differences(code, cand, x, u, notes, dtype)
    skip = ref.get("skip", False)

    def right(suffix):
        return all(
            q + suffix in got.values and bool((same(got.values[q + suffix], ref[r], r) | skip).all())
            for q, r in (("derivative", "backward"), ("vjp", "vjp"))
        )

    chosen, slip = reading(cand, right, notes)
    d, vjp = (got.values.get(q + chosen) for q in ("derivative", "vjp"))
    problem = next((got.errors[q + chosen] for q in ("derivative", "vjp") if q + chosen in got.errors), None)
    if problem is not None:
        result = failed(cand, [problem], notes)
        result.params = params
        return result
    result = _verdict(code, cand, act, params, x, u, got, ref, d, vjp, slip, notes, tols, sides)
    if rejected and not result.passed:
        result.diagnosis.insert(0, rejected)  # a sign slip or a forgotten slope, not another parameter
    return result


def _points(act, params, opts):
    """(x, upstream): the points check_pair was given, or the pair's usual ones."""
    if opts.points is None:
        return points(act, params)
    return opts.points, np.random.default_rng(SEED).uniform(-2.0, 2.0, opts.points.size)


def _sides(act, dtypes, dtype, notes, asked=False):
    """The dtype each quantity is judged in beside torch: its own where it is wider than the points' ``dtype``
    (unless the dtype was ``asked`` for: check_pair(dtype=...) judges every side in it)."""
    own = {"forward": "forward", "backward": "derivative", "vjp": "vjp"}
    sides = dict.fromkeys(own, dtype)
    if act is None or dtype == "float64" or asked:
        return sides  # finite differences of a float32 forward cannot judge a derivative more finely than it
    for key, q in own.items():
        if dtypes.get(q) == "float64":
            sides[key] = "float64"
    wider = [own[k] for k, d in sides.items() if d != dtype]
    if wider:
        rtol, atol = tolerances(act, "float64")
        notes.append(f"{' and '.join(wider)} return{'s' * (len(wider) == 1)} float64: judged beside torch in float64, "
                     f"with rtol {rtol:g}, atol {atol:g}")  # fmt: skip
    return sides


def _torch_sides(act, params, x, u, sides):
    """Torch's values, each quantity in the dtype it is judged in."""
    ref = {}
    for dt in dict.fromkeys(sides.values()):
        values = torch_values(act, params, x, u, dt)
        ref.update({k: values[k] for k, d in sides.items() if d == dt})
    return ref


def reading(cand, right, notes):
    """Which of the code's answers to judge: with x given ("") or with f(x) ("@y", the output convention);
    and the slip when only the output convention is right but the code does not say it takes f(x).

    ``right(suffix)`` says whether the answers with that suffix match the reference. The output
    convention passes only when the code says so (a parameter named y, a, out... or a
    docstring); a derivative right only when given f(x) whose parameter reads as x fails.
    """
    data = cand.info.get("data")
    if not data:
        return "", None
    param = data["param"]
    as_x, as_y = right(""), right("@y")
    if data["says_output"]:
        if as_x and not as_y:
            notes.append(f"its parameter {param} reads as the activation's output, but it takes x: checked as f'(x)")
            return "", None
        notes.append(f"checked in the output convention: its parameter {param} is the activation's output f(x)")
        return "@y", None
    if not as_x and as_y:
        reads = "reads as the input x" if role(param) == INPUT else "does not say it is the output"
        return "", (
            f"{cand.info.get('call') or 'backward'} evaluates f' at f(x): right only if called with the activation's "
            f"output (its parameter {param} {reads}; name it y, or say so in its docstring)"
        )
    return "", None


def _verdict(code, cand, act, params, x, u, got, ref, d, vjp, slip, notes, tols, sides):
    from ..result import close
    from .diagnosis import Evidence, diagnose

    fwd = got.values["forward"]
    skip = ref.get("skip", np.zeros(x.size, bool))
    mine = {"forward": fwd, "backward": d, "vjp": vjp}
    errs, bad, arrays = {}, {}, {}
    for key in ("forward", "backward", "vjp"):
        if key == "forward" and act is None:
            continue
        err, good = close(mine[key], ref[key], *tols[key])
        err = np.where(skip, 0.0, err)
        errs[key] = float(err.max()) if err.size else 0.0
        bad[key] = ~(good | skip)
        arrays[key] = err
    if act is not None:
        _settle(act, params, x, u, mine, ref, bad, notes, sides, cand.opts.strict)
        if cand.opts.oracle:
            _against_exact(act, params, x, u, mine, bad, notes, sides, tols)
        if cand.kink == "any" and d is not None and vjp is not None:
            before = {k: bad[k].copy() for k in ("backward", "vjp")}
            notes += accept(act, params, x, d, vjp, u, bad)
            for k, b in before.items():  # a subgradient accepted is no error
                errs[k] = float(np.where(b & ~bad[k], 0.0, arrays[k]).max()) if x.size else 0.0
    ok = not any(b.any() for b in bad.values()) and slip is None and not got.cache_fix
    diagnosis = []
    if slip:
        diagnosis.append(slip)
    elif got.cache_fix:
        diagnosis.append(got.cache_fix)
    if skip.sum() * 10 > skip.size * 9:  # never a pass about (next to) nothing
        ok = False
        diagnosis.append(
            f"finite differences could judge the derivative at only {skip.size - skip.sum()} of {skip.size} points: "
            "the forward is not finite (or not smooth) at the rest"
        )
    if not ok and not slip:
        ref_d, ref_vjp = np.where(skip, d, ref["backward"]), np.where(skip, vjp, ref["vjp"])
        with np.errstate(all="ignore"):
            d_at_out = act.derivative(np.nan_to_num(fwd, nan=0.0), **params) if act is not None else None
        kinks = act.kinks(**params) if act is not None else ref["kinks"]
        ref_name = "torch" if act is not None else "finite differences"
        ev = Evidence(x, fwd, ref.get("forward"), d, ref_d, vjp, ref_vjp, u, kinks, d_at_out, ref_name,
                      act.name if act is not None else None, tols["backward"])  # fmt: skip
        diagnosis += diagnose(ev, remote(code, cand, "forward"), remote(code, cand, "derivative"), got.sources)
        hint = suggestion(act, params, x, d, bad) if act is not None and cand.kink != "any" else None
        if hint and diagnosis:
            diagnosis[0] += f" — {hint}"
    return PairResult(
        cand.label, "output" if (cand.style == "derivative" and _in_output(notes)) else cand.style, ref_key(act), ok,
        errs, diagnosis, notes, [] if ok else _worst_points(x, u, mine, ref, bad), activation=act.name if act else None,
        params=params, cells=cand.cells, forward_ok=not bad["forward"].any() if "forward" in bad else None,
    )  # fmt: skip


def _settle(act, params, x, u, mine, ref, bad, notes, sides, strict=False):
    """Where yours and torch disagree, the exact value decides: yours within 1 ULP of it is right, torch or not.

    Clears those points in ``bad`` (not with ``strict``: torch's deviations fail too) and says where torch was
    the one off.
    """
    from ..dtypes import DTYPES
    from ..engine import arbitrate

    for key, b in bad.items():
        idx = np.flatnonzero(b)
        if not idx.size:
            continue
        both = {"yours": mine[key][idx], "torch": ref[key][idx]}
        _, ulp = arbitrate(act, params, x[idx], DTYPES[sides[key]], key, both, u[idx] if key == "vjp" else None)
        right = ulp["yours"] <= 1
        if right.any():
            worst = float(np.max(ulp["torch"][right]))
            notes.append(
                f"{key}: at {int(right.sum())} points where yours and torch disagree yours is within 1 ULP of the "
                f"exact value: torch is off there (up to {worst:.3g} ULP), not yours"
                + (" (strict: failures all the same)" if strict else "")
            )
            if not strict:
                b[idx[right]] = False


def _against_exact(act, params, x, u, mine, bad, notes, sides, tols):
    """With the oracle: your values judged against the exact ones rounded to each side's dtype too, with the
    same tolerances (where yours and torch agree nothing else looks at the exact value)."""
    from ..dtypes import DTYPES
    from ..engine import arbitrate
    from ..result import close
    from ..ulps import round_once

    off = []
    for key in bad:
        dt = DTYPES[sides[key]]
        exact, _ = arbitrate(act, params, x, dt, key, {}, u if key == "vjp" else None)
        rounded = np.array([np.nan if e is None else float(round_once(e, dt)) for e in exact])
        wrong = ~close(mine[key], rounded, *tols[key])[1] & ~np.isnan(rounded)
        bad[key] |= wrong
        if wrong.any():
            i = int(np.flatnonzero(wrong)[0])
            off.append(f"{key} at x = {x[i]:.17g}: yours {mine[key][i]:.17g}, exact {rounded[i]:.17g}")
    notes.append(
        f"oracle: judged against exact values at {x.size} points" + (f"; off: {'; '.join(off)}" if off else "")
    )


def _in_output(notes):
    return any(n.startswith("checked in the output convention") for n in notes)


def _worst_points(x, u, mine, ref, bad, k=5):
    """The points where the code is furthest from the reference (non-finite mismatches first), each naming its
    quantity: the forward's and the derivative's; the VJP's only when those two are right."""
    from ..result import close
    from ..serialize import jsonable

    rows = []
    for key, word in (("forward", "forward"), ("backward", "derivative"), ("vjp", "vjp")):
        if key not in bad or not bad[key].any() or (key == "vjp" and rows):
            continue
        err = close(mine[key], ref[key], 0, 0)[0]
        scale = 1e-7 + 1e-7 * np.nan_to_num(np.abs(ref[key]), nan=0.0, posinf=0.0)
        with np.errstate(all="ignore"):
            ratio = np.where(bad[key], err / scale, -1.0)
        for i in np.argsort(-ratio, kind="stable")[:k]:
            if ratio[i] < 0:
                break
            row = {"x": jsonable(x[i]), "quantity": word, "yours": jsonable(mine[key][i])}
            row["reference"] = jsonable(ref[key][i])
            if key == "vjp":
                row["upstream"] = jsonable(u[i])
            rows.append((ratio[i], row))
    rows.sort(key=lambda r: -r[0])
    return [r for _, r in rows[:k]]
