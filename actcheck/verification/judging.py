"""Judging one of the user's pairs: their values beside torch's (a known activation) or finite differences'.

The user's code answers through ``code`` (a child process, or this one), torch or finite
differences of the user's own forward answer here, and points are compared as the engine
compares them (``result.close``): |yours - reference| <= atol + rtol*|reference|, nan equal
to nan and an infinity to the same infinity, in float64, with rtol = atol = 1e-7 against
torch and rtol = 1e-6, atol = 1e-7 against finite differences.
"""

from dataclasses import dataclass, field

import numpy as np

from .naming import INPUT, role
from .outcome import PairResult
from .params import describe_change, infer
from .text import first_lines, one_line

__all__ = ["Candidate", "judge_elementwise", "failed", "reading", "answers", "N_RANDOM", "N_EVEN", "SEED"]

N_RANDOM = 200
N_EVEN = 601  # a point every 0.1 over [-30, 30]
SEED = 12345
_QUANTITIES = ("forward", "derivative", "vjp")


@dataclass
class Candidate:
    """A pair ready to be judged: how to call it, what to compare it with, with which parameters."""

    id: str
    name: str  # as the code names it: a function's base name, Class, Class.method
    label: str  # as shown: with its notebook cells
    act: object  # the known activation, or None (checked against finite differences)
    info: dict  # how the code is called (from inspect)
    kw: dict  # keyword arguments for the user's code
    params: dict  # torch's parameters
    fixed: set  # parameters the user's code declares or --param sets: never inferred
    cells: dict | None = None
    notes: list = field(default_factory=list)
    accepts: set = field(default_factory=set)  # the code's own parameter names

    guess: str = "derivative"  # the convention the signatures suggest, before anything runs

    @property
    def style(self):
        return self.info.get("convention") or self.guess


class Answers:
    """What the user's code answered, with what it printed and warned kept as notes."""

    def __init__(self, reply, notes):
        self.values, self.errors = reply["values"], reply["errors"]
        self.cache_fix = reply.get("cache_fix")
        for n in reply.get("notes", []):
            _add(notes, n)
        for w in reply.get("warned", []):
            if not w.startswith("underflow"):  # rounding to a subnormal or 0 is what floats do in the tails
                _add(notes, f"your code warned: {w}")
        if reply.get("printed", "").strip():
            _add(notes, f"printed: {first_lines(reply['printed'])}", prefix="printed: ")
        self.sources = {"np." + w.rsplit(" in ", 1)[1].strip() for w in reply.get("warned", []) if " in " in w}


def _add(notes, note, prefix=None):
    if note in notes or (prefix and any(n.startswith(prefix) for n in notes)):
        return
    notes.append(note)


def _points(act, params):
    """The points a pair is judged at: its grid, an even spread over [-30, 30] (a slip confined to (5, 20) must
    show), and for a known activation log-uniform points too (tiny and huge magnitudes, the tails)."""
    from ..dtypes import DTYPES
    from ..grids import default_grid, random_points

    # offset by a third of a step, so the even points never sit on the round numbers user code branches at
    spread = np.linspace(-30.0, 30.0, N_EVEN) + 0.1 / 3
    if act is None:
        # finite differences skip the points within their step of a kink: log-uniform points, mostly tiny, would
        # sit beside the kink at 0 that many activations have
        base = [0.0, 1e-300, 0.1, 0.5, 1.0, 2.0, 3.0, 5.0, 20.0, 100.0]
        grid = np.concatenate([base, -np.asarray(base), np.random.default_rng(SEED).uniform(-30.0, 30.0, N_RANDOM)])
    else:
        grid = np.concatenate([default_grid(act, params, DTYPES["float64"]), random_points(N_RANDOM, SEED, -30, 30)])
    x = np.unique(np.concatenate([grid, spread]))
    return x, np.random.default_rng(SEED).uniform(-2.0, 2.0, x.size)


def answers(code, cand, x, u, quantities, notes):
    """What the user's code answers for ``quantities`` at x (upstream u); its notes added to ``notes``."""
    return Answers(code.evaluate(cand.id, cand.kw, x, u, list(quantities)), notes)


def _tolerances(act):
    from ..dtypes import DTYPES, comparison_tolerances, tolerances

    f64 = DTYPES["float64"]
    if act is None:
        return comparison_tolerances("finite_difference", f64.rtol, f64.atol, f64)
    return tolerances(f64, act)[:2]


def failed(cand, diagnosis, notes=None, reference=None):
    """A PairResult for a pair that could not be evaluated (it raised, exited, or returned no numbers)."""
    act = cand.act
    return PairResult(
        cand.label, cand.style, reference or _ref_key(act), False, {}, diagnosis, list(notes or cand.notes),
        activation=act.name if act else None, params=dict(cand.params), cells=cand.cells,
    )  # fmt: skip


def _ref_key(act):
    return "torch" if act is not None else "finite_difference"


def _torch(act, params, x, u):
    from ..dtypes import DTYPES
    from ..opinions import torch_reverse
    from ..opinions.answer import Ask

    return torch_reverse.answer(Ask(act, params, x, DTYPES["float64"], upstream=u)).values


def judge_elementwise(code, cand):
    """Check an elementwise pair at its points; return its PairResult."""
    from ..result import close

    act, params, notes = cand.act, dict(cand.params), list(cand.notes)
    rtol, atol = _tolerances(act)
    same = lambda a, b: close(a, b, rtol, atol)[1]  # noqa: E731
    wanted = _QUANTITIES + (("derivative@y", "vjp@y") if cand.info.get("data") else ())
    x, u = _points(act, params)
    got = answers(code, cand, x, u, wanted, notes)
    if "forward" in got.errors:
        rest = [got.errors[q] for q in ("derivative", "vjp") if q in got.errors]
        return failed(cand, [f"forward: {got.errors['forward']}"] + rest[:1], notes)
    if act is not None:
        try:
            ref = _torch(act, params, x, u)
        except Exception as e:  # torch refusing parameters the code declares (an infinite slope...)
            return failed(cand, [f"torch cannot evaluate {act.name} with {params}: {one_line(e)}"], notes)
        if not same(got.values["forward"], ref["forward"]).all():
            better = infer(act, params, cand.fixed, x, got.values["forward"], same)
            if better is not None:
                notes.append(
                    f"forward hard-codes {describe_change(act, params, better)}: checked against torch with "
                    + ", ".join(f"{k} = {v!r}" for k, v in better.items() if params.get(k) != v)
                )
                params = better
                x, u = _points(act, params)
                got = answers(code, cand, x, u, wanted, notes)
                ref = _torch(act, params, x, u)
    else:
        ref = _finite_differences(code, cand, x, u, notes)
    skip = ref.get("skip", False)

    def right(suffix):
        return all(
            q + suffix in got.values and bool((same(got.values[q + suffix], ref[r]) | skip).all())
            for q, r in (("derivative", "backward"), ("vjp", "vjp"))
        )

    chosen, slip = reading(cand, right, notes)
    d, vjp = (got.values.get(q + chosen) for q in ("derivative", "vjp"))
    problem = next((got.errors[q + chosen] for q in ("derivative", "vjp") if q + chosen in got.errors), None)
    if problem is not None:
        result = failed(cand, [problem], notes)
        result.params = params
        return result
    return _verdict(code, cand, act, params, x, u, got, ref, d, vjp, slip, notes, (rtol, atol))


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


def _verdict(code, cand, act, params, x, u, got, ref, d, vjp, slip, notes, tol):
    from ..result import close
    from .diagnosis import Evidence, diagnose

    fwd = got.values["forward"]
    skip = ref.get("skip", np.zeros(x.size, bool))
    mine = {"forward": fwd, "backward": d, "vjp": vjp}
    errs, bad = {}, {}
    for key in ("forward", "backward", "vjp"):
        if key == "forward" and act is None:
            continue
        err, good = close(mine[key], ref[key], *tol)
        err = np.where(skip, 0.0, err)
        errs[key] = float(err.max()) if err.size else 0.0
        bad[key] = ~(good | skip)
    if act is not None:
        _settle(act, params, x, u, mine, ref, bad, notes)
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
                      act.name if act is not None else None)  # fmt: skip
        diagnosis += diagnose(ev, _remote(code, cand, "forward"), _remote(code, cand, "derivative"), got.sources)
    return PairResult(
        cand.label, "output" if (cand.style == "derivative" and _in_output(notes)) else cand.style, _ref_key(act), ok,
        errs, diagnosis, notes, [] if ok else _worst_points(x, u, mine, ref, bad), activation=act.name if act else None,
        params=params, cells=cand.cells,
    )  # fmt: skip


def _settle(act, params, x, u, mine, ref, bad, notes):
    """Where yours and torch disagree, the exact value decides: yours within 1 ULP of it is right, torch or not.

    Clears those points in ``bad`` and says where torch was the one off.
    """
    from ..dtypes import DTYPES
    from ..engine import arbitrate

    for key, b in bad.items():
        idx = np.flatnonzero(b)
        if not idx.size:
            continue
        sides = {"yours": mine[key][idx], "torch": ref[key][idx]}
        _, ulp = arbitrate(act, params, x[idx], DTYPES["float64"], key, sides, u[idx] if key == "vjp" else None)
        right = ulp["yours"] <= 1
        if right.any():
            b[idx[right]] = False
            worst = float(np.max(ulp["torch"][right]))
            notes.append(
                f"{key}: at {int(right.sum())} points where yours and torch disagree yours is within 1 ULP of the "
                f"exact value: torch is off there (up to {worst:.3g} ULP), not yours"
            )


def _in_output(notes):
    return any(n.startswith("checked in the output convention") for n in notes)


def _remote(code, cand, quantity):
    """The user's forward or derivative as a function of points (for diagnoses that probe further)."""

    def fn(t):
        t = np.asarray(t, dtype=np.float64)
        reply = code.evaluate(cand.id, cand.kw, t, np.ones_like(t), [quantity])
        return reply["values"].get(quantity, np.full(t.shape, np.nan))

    return fn


def _finite_differences(code, cand, x, u, notes):
    """Finite differences of the user's own forward, skipping the kinks they can be found at."""
    from ..opinions.finite_difference import derivative

    f = _remote(code, cand, "forward")
    with np.errstate(all="ignore"):
        # short steps only (the kinks are unknown): a stencil of 2e-6*|x| seldom reaches one, and
        # where it does the one-sided slopes across it disagree
        est, skipped = derivative(f, x, steps=(2.0**-20, 2.0**-24))
        h = 2.0**-20 * np.maximum(np.abs(x), 1.0)
        fx = f(x)
        left, right = (fx - f(x - h)) / h, (f(x + h) - fx) / h
        kink = ~np.isclose(left, right, rtol=1e-4, atol=1e-6)
    skip = skipped | kink
    return {
        "backward": np.where(skip, np.nan, est),
        "vjp": np.where(skip, np.nan, u * est),
        "skip": skip,
        "kinks": x[kink],
    }


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
