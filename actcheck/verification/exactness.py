"""A torch or JAX kernel judged in the dtype it runs in: its ULP from the exact value, beside the built-in's.

The kernel (``kernels``, ``jaxcode``) is matched to a known activation by its name or its
values (``matching``); in each dtype it accepts its forward, backward (VJP with ones), VJP with
a random upstream (and JVP, f'' where asked) are measured against the exact value correctly
rounded to that dtype, with torch's (or jax.nn's) own function beside it (``precision``). The
rule: within max(the built-in's max error, 2 ULP) of exact (``ulp`` sets it), and a difference
in kind (a wrong zero, a non-finite value, a wrong sign) only where the built-in has the same
one at the same input. What fails is named (``causes``); code that is no known activation is
judged by finite differences of its own forward (``unknown``).
"""

import math
from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..serialize import jsonable  # a nan or inf (yours, or torch's) is a string in strict JSON
from .causes import SHOWN, cause, fmt, measured_causes, ranges, rule_causes
from .kernels import KINDS
from .matching import match, unbounded
from .outcome import PairResult, Skipped
from .precision import (
    EXACT,
    QUANTITIES,
    derivative_zeros,
    exact_values,
    in_dtype,
    jax_builtin,
    measure,
    points,
    times,
    torch_builtin,
    upstream,
)

__all__ = ["Settings", "settings", "judge_kernel", "DTYPES", "FLOOR_ULP", "QUANTITIES", "KINDS"]

DTYPES = ("float32", "bfloat16", "float16", "float64")
FLOOR_ULP = 2.0  # the least tolerance: a correctly rounded f' computed in steps may be 2 ULP off
_CHUNK = 1 << 16  # points per request to the child
_KINDS = ("wrong_zero", "non_finite", "wrong_sign")


@dataclass
class Settings:
    """What verify was asked: the dtypes, the ULP tolerance (None: the rule), every value, a range."""

    dtypes: tuple | None = None
    ulp: float | None = None
    exhaustive: bool = False
    range_: tuple | None = None
    order: int = 1
    compile: str | None = None  # a torch.compile backend: the kernel compiled, beside eager


def settings(dtypes=None, ulp=None, exhaustive=False, range_=None, order=1, compile=None):  # noqa: A002
    """Settings checked: InputError for a dtype, tolerance or range that cannot be used."""
    from ..dtypes import get_dtype

    if dtypes is not None:
        dtypes = tuple(dict.fromkeys(get_dtype(d).name for d in dtypes))
        bad = [d for d in dtypes if d not in DTYPES]
        if bad or not dtypes:
            raise InputError(f"--dtype for torch code takes {', '.join(DTYPES)}, got {bad[0] if bad else 'none'}")
    if ulp is not None and not (isinstance(ulp, int | float) and math.isfinite(ulp) and ulp >= 0):
        raise InputError(f"--ulp takes a number of ULP >= 0, got {ulp!r}")
    if range_ is not None:
        lo, hi = (float(v) for v in range_)
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise InputError("--range needs finite LO < HI (the values LO <= x < HI are checked)")
        range_ = (lo, hi)
    if exhaustive and dtypes is not None and "float64" in dtypes:
        raise InputError("--exhaustive enumerates float16, bfloat16 and float32 (with --range); float64 is sampled")
    if order not in (1, 2) or isinstance(order, bool):
        raise InputError(f"--order takes 1 or 2, got {order!r}")
    if compile is not None:
        _backend(compile)
    return Settings(dtypes, ulp, exhaustive, range_, order, compile)


def _backend(name):
    """InputError unless ``name`` is a torch.compile backend this torch has."""
    known = ()
    if isinstance(name, str):
        import torch._dynamo

        known = torch._dynamo.list_backends(exclude_tags=())
    if name not in known:
        raise InputError(
            f"--compile-backend takes one of {', '.join(known) or 'torch.compile backends'}, got {name!r}"[:300]
        )


def judge_kernel(code, k, s):
    """The PairResult of one torch kernel (``k``: its description from the child), or a Skipped."""
    from ..dtypes import get_dtype

    kind = KINDS.get(k["kind"], k["kind"])
    label = k["name"]
    if k.get("needs") and k["kind"] == "module":
        return Skipped(label, f"its constructor needs {', '.join(k['needs'])} (no defaults), which actcheck cannot "
                       "supply")  # fmt: skip
    if k.get("needs"):
        return Skipped(label, f"its forward takes {', '.join(k['needs'])} beside x: judged through the function of "
                       "the file that calls its apply, if there is one")  # fmt: skip
    asked = s.dtypes or DTYPES
    runs, refused, notes = {}, {}, []
    if k.get("biases"):
        notes.append(f"judged at {' = '.join(k['biases'])} = 0 (a bias added to x, as a fused bias-activation's)")
    # beyond ±20 too: where a softplus with no threshold (JAX's) parts from torch's
    probe = np.unique(np.concatenate([np.linspace(-10, 10, 81), [-0.3, 0.3, 1.7, -2.9, -40, -25, 25, 40]]))
    for d in asked:
        dt = get_dtype(d)
        x = np.unique(in_dtype(probe, dt))
        reply = code.kernel(k["id"], d, x, upstream(x, dt))
        if "forward" in reply["values"]:
            runs[d] = (x, reply)
        else:
            refused[d] = reply["errors"].get("forward", "no forward")
    base = _result(k, kind, None, {}, notes)
    if not runs:
        why = next(iter(refused.values()))
        base.diagnosis = [f"{why} (in {', '.join(refused)})"]
        return base
    first = next(iter(runs))
    x, reply = runs[first]
    act, params, how = match(label, x, reply["values"]["forward"], get_dtype(first))
    if act is None:
        from .unknown import judge_unknown

        found = judge_unknown(code, k, kind, list(runs), s.ulp, notes)
        if found is None:
            return Skipped(label, f"a {kind} that matches no known activation by name or by its values, and does "
                           "not run in float64: its finite differences cannot be taken")  # fmt: skip
        return found
    if "float64" in runs:  # only float64 tells a softplus without threshold from torch's (25 + e**-25)
        x64, reply64 = runs["float64"]
        params = unbounded(act, params, x64, np.asarray(reply64["values"]["forward"]), get_dtype("float64"))
    if how == "values":
        notes.append(f"matched to {act.name} by its values (its name says no activation)")
    if params != dict(act.params):
        from .inference import describe_change

        notes.append(f"parameters inferred from its values: {describe_change(act, dict(act.params), params)}")
    for d, why in refused.items():
        if s.dtypes is not None:
            base.diagnosis.append(f"{d}: {why}")
        else:
            notes.append(f"does not run in {d} ({why}): not checked in it")
    rows, causes = [], []
    for d in runs:
        row, more = _judge_dtype(code, k, act, params, get_dtype(d), s, notes)
        rows.append(row)
        said = {c.split(" from |x|")[0] for c in causes}  # an overflow is named once, at the first dtype it shows in
        causes += [c for c in dict.fromkeys(more) if c not in causes and c.split(" from |x|")[0] not in said]
    result = _result(k, kind, act, params, notes)
    result.precision = rows
    result.passed = all(r["passed"] for r in rows) and not base.diagnosis
    result.diagnosis = base.diagnosis + causes + [r["summary"] for r in rows]
    result.worst = [w for r in rows for w in r.pop("_worst")][:10]
    for r in rows:
        for q, v in r["quantities"].items():
            prev, now = result.max_ulp.get(q), v["max_ulp_in_kind"]
            result.max_ulp[q] = now if prev is None else max(prev, now)
    return result


def _result(k, kind, act, params, notes):
    cell = k.get("cell")
    return PairResult(
        f"{k['name']} (cell {cell})" if cell else k["name"], kind, "exact", False, {}, [], notes,
        activation=act.name if act else None, params=dict(params), cells={"forward": cell} if cell else None,
        lines={"forward": k["line"]} if k.get("line") else {}, framework=k.get("framework", "torch"),
    )  # fmt: skip


def _judge_dtype(code, k, act, params, dt, s, notes):
    """({dtype row}, [causes]) for one dtype: every point measured, the rule applied, the slips named."""
    x_all = points(act, params, dt, s)
    zeros = {"backward": derivative_zeros(act, params)}
    if s.order >= 2:
        zeros["second"] = derivative_zeros(act, params, "second")
    eager, compiled = _Run(k, s), _Run(k, s) if s.compile and k.get("framework") == "torch" else None
    for run in (eager, compiled):
        if run is not None:
            run.facts["params"] = params
    differ = {}
    for c in range(0, x_all.size, _CHUNK):
        x = x_all[c : c + _CHUNK]
        u = upstream(x, dt)
        exact = exact_values(act, params, x, dt, s.order)
        exact["vjp"] = times(exact["backward"], u, dt)
        reply = eager.ask(code, dt, x, u)
        if eager.facts["who"] == "JAX's":
            builtin = jax_builtin(code, act, params, x, u, dt, eager.facts, notes, s.order)
        if eager.facts["who"] == "torch's":
            builtin = torch_builtin(act, params, x, u, dt, s.order)
        eager.measure(reply, x, u, exact, builtin, zeros, dt)
        if compiled is not None:
            again = compiled.ask(code, dt, x, u, s.compile)
            compiled.measure(again, x, u, exact, builtin, zeros, dt)
            for q, v in again["values"].items():
                if q in reply["values"] and q != "again":
                    a, b = np.asarray(v), np.asarray(reply["values"][q])
                    differ[q] = differ.get(q, 0) + int(np.count_nonzero((a != b) & ~(np.isnan(a) & np.isnan(b))))
    out_dtype = eager.facts["out_dtype"]
    if out_dtype not in (None, dt.name):
        notes.append(f"returns {out_dtype} for a {dt.name} input: judged against exact rounded to {dt.name}")
    row, causes = _verdict(act, dt, s, eager.meas, eager.errors, eager.facts, x_all.size)
    if compiled is not None:
        _with_compiled(row, causes, _verdict(act, dt, s, compiled.meas, compiled.errors, compiled.facts, x_all.size),
                       differ, s.compile)  # fmt: skip
    return row, causes


class _Run:
    """One way of calling the kernel (eager, or under torch.compile): its replies measured chunk by chunk."""

    def __init__(self, k, s):
        self.k, self.s = k, s
        self.meas, self.errors = {}, {}
        self.facts = {"again_differs": 0, "input_changed": False, "saved": [], "ignores": [0, 0], "kind": k["kind"],
                      "who": "JAX's" if k.get("framework") == "jax" else "torch's"}  # fmt: skip

    def ask(self, code, dt, x, u, compiled=None):
        reply = code.kernel(self.k["id"], dt.name, x, u, self.s.order, compiled) if compiled else \
            code.kernel(self.k["id"], dt.name, x, u, self.s.order)  # fmt: skip
        _facts(self.facts, reply, u)
        for q, msg in reply["errors"].items():
            self.errors.setdefault(q, msg)
        return reply

    def measure(self, reply, x, u, exact, builtin, zeros, dt):
        for q in QUANTITIES:
            if q in reply["values"]:
                v = np.asarray(reply["values"][q], dtype=np.float64)
                z = zeros["second" if q == "second" else "backward"] if q != "forward" else None
                b = builtin.get(EXACT[q])
                measure(self.meas, q, x, v, b, exact[EXACT[q]], dt, z, u if q == "vjp" else None)


def _with_compiled(row, causes, judged, differ, backend):
    """The compiled run beside the eager one in the dtype's row: bitwise differences, and its own verdict."""
    crow, ccauses = judged
    words = [SHOWN[q] for q in QUANTITIES if q in crow["quantities"]]
    if not words:
        said = f"under torch.compile ({backend}): no values"
    elif not any(differ.values()):
        said = f"under torch.compile ({backend}): {', '.join(words)} bitwise the same as eager"
    else:
        parts = [f"{SHOWN[q]} at {n} input{'s' * (n != 1)}" for q, n in differ.items() if n]
        said = f"under torch.compile ({backend}): differs from eager ({', '.join(parts)})"
        if crow["passed"]:
            mine = ", ".join(fmt(v["max_ulp_in_kind"]) for v in crow["quantities"].values())
            said += f", within {mine} ULP of exact"
    if not crow["passed"]:
        said += ", and fails: " + "; ".join(crow["failures"] or ["see its causes"])
        causes += [f"under torch.compile ({backend}): {c}" for c in ccauses if c not in causes]
    if row["passed"] and not crow["passed"]:
        row["summary"] = row["summary"].replace(": PASS", ": FAIL", 1)
    row["passed"] = row["passed"] and crow["passed"]
    row["compiled"] = {"backend": backend, "passed": crow["passed"], "differs_from_eager": differ,
                       "quantities": crow["quantities"]}  # fmt: skip
    row["summary"] += f"; {said}"


def _facts(facts, reply, u):
    f, vals = reply.get("facts", {}), reply["values"]
    for q, n in f.get("layout", {}).items():
        facts.setdefault("layout", {})[q] = facts.get("layout", {}).get(q, 0) + n
    facts["out_dtype"] = f.get("out_dtype")
    facts["input_changed"] |= bool(f.get("input_changed"))
    facts["saved"] = sorted(set(facts["saved"]) | set(f.get("saved", [])))
    if "backward" in vals and "again" in vals:
        a, b = (np.asarray(vals[q]) for q in ("backward", "again"))
        facts["again_differs"] += int(np.count_nonzero((a != b) & ~(np.isnan(a) & np.isnan(b))))
    if "backward" in vals and "vjp" in vals:
        g, v = np.asarray(vals["backward"]), np.asarray(vals["vjp"])
        use = (np.abs(u) != 1) & (g != 0) & np.isfinite(g)
        facts["ignores"][0] += int(np.count_nonzero(use & (g == v)))
        facts["ignores"][1] += int(np.count_nonzero(use))


_WHAT = {1: "returns 0", 2: "returns inf or nan", 3: "has the wrong sign"}


def _verdict(act, dt, s, meas, errors, facts, n):
    d, who = dt.name, facts["who"]
    if "backward" not in errors and any("modified by an inplace" in errors.get(q, "") for q in ("again", "vjp")):
        errors = {q: m for q, m in errors.items() if q not in ("again", "vjp")}
        facts["again_differs"] = facts["again_differs"] or -1
    causes = [cause(q, msg) for q, msg in errors.items() if q not in ("again", "layout")]
    if "layout" in errors:
        causes.append(errors["layout"].replace("your code", "it"))
    row = {"dtype": d, "n_points": n, "exhaustive": bool(s.exhaustive and d != "float64"), "quantities": {},
           "passed": True, "_worst": []}  # fmt: skip
    parts, failed_parts, alike = [], [], {}
    for q in QUANTITIES:
        if q not in meas:
            row["passed"] = row["passed"] and q not in errors and q != "forward"
            continue
        x, yours, exact, err, kind = meas[q].arrays()
        ey, ky = err["yours"], kind["yours"]
        eb, kb = err.get("torch"), kind.get("torch")
        if eb is not None:
            fine = (kb == 0) & np.isfinite(eb)
            own = float(eb[fine].max()) if fine.any() else 0.0
        else:
            own = None
        tol = s.ulp if s.ulp is not None else max(FLOOR_ULP, own or 0.0)
        shared = (ky != 0) & (kb == ky) if kb is not None else np.zeros(ky.size, bool)
        # who is wrong: where yours is no further from exact than torch's own value, yours is not the one
        nearer = (ey <= eb) & (ky != 2) if eb is not None and s.ulp is None else np.zeros(ky.size, bool)
        bad = (((ky != 0) & ~shared) | ((ky == 0) & ~(ey <= tol))) & ~nearer
        clean = ky == 0
        mine = float(ey[clean].max()) if clean.any() else 0.0
        again = _reproduce(act, facts.get("params", {}), d)
        entry = _entry(meas[q].tally["yours"], mine, tol, int(bad.sum()), again)
        entry["passed"] = not bad.any()
        if "torch" in meas[q].tally:
            entry["builtin"] = "jax" if who == "JAX's" else "torch"
            entry["torch" if who == "torch's" else "jax"] = _entry(meas[q].tally["torch"], own, None, None, again)
        row["quantities"][q] = entry
        word = SHOWN[q]
        parts.append((word, mine, own))
        for code_, what in _WHAT.items():
            yours_only = (ky == code_) & ~shared & ~nearer
            if yours_only.any():
                also = "" if kb is None else (f" where {who} does not" if not (kb[yours_only] == code_).any() else "")
                failed_parts.append((f"{what} on {ranges(x, yours_only)}{also}", word))
            both = (ky == code_) & shared
            if both.any():
                alike.setdefault(f"{what} on {ranges(x, both)} where {who} does too", []).append(word)
        off = bad & (ky == 0)
        if off.any():
            j = np.flatnonzero(off)[np.argmax(ey[off])]
            failed_parts.append((f"{int(off.sum())} input{'s' * bool(off.sum() != 1)} beyond {fmt(tol)} ULP "
                                 f"(worst {fmt(float(ey[j]))} ULP at x = {x[j]:.6g})", word))  # fmt: skip
        if bad.any():
            row["passed"] = False
            order = np.flatnonzero(bad)[np.argsort(-np.where(np.isfinite(ey[bad]), ey[bad], 1e308), kind="stable")]
            for j in order[:3]:
                row["_worst"].append({"x": jsonable(x[j]), "quantity": q, "dtype": d, "yours": jsonable(yours[j]),
                                      "reference": jsonable(exact[j]), "ulp": jsonable(ey[j])})  # fmt: skip
        if bad.any() or q == "vjp":
            causes += measured_causes(q, d, x, ey, ky, kb, facts, meas, dt)
    if facts["again_differs"]:
        row["passed"] = False
        what = (
            "torch refuses a second backward"
            if facts["again_differs"] < 0
            else f"a second backward gives other values at {facts['again_differs']} inputs"
        )
        causes.append(f"backward changes a tensor it saved, in place: {what} (compute out of place: y * (1 - y), "
                      "not y.mul_(1 - y))")  # fmt: skip
    if facts["input_changed"]:
        row["passed"] = False
        causes.append("your code writes into its input x in place (torch's convention: leave x unchanged)")
    if errors:
        row["passed"] = False
    if not row["passed"]:
        causes += rule_causes(facts.get("kind"), row["quantities"], meas)
    rule = f"≤ {fmt(s.ulp)} ULP (--ulp)" if s.ulp is not None else f"≤ max({who}, 2) ULP"
    verdict = "PASS" if row["passed"] else "FAIL"
    row["rule"] = rule
    row["layout_differs"] = dict(facts.get("layout", {}))  # 2-D non-contiguous batch vs 1-D: values that differ
    row["summary"] = f"{d} ({n:,} inputs): {verdict}" + _said(failed_parts, parts, alike, who) + f"; rule {rule}"
    moved = {q: k for q, k in row["layout_differs"].items() if k}
    if moved:
        row["summary"] += (
            "; on a 2-D non-contiguous batch (x.t()) "
            + ", ".join(f"{SHOWN[q]} differs at {k} input{'s' * (k != 1)}" for q, k in moved.items())
            + " from the 1-D call"
        )
    grouped = {}
    for text, word in failed_parts:
        grouped.setdefault(text, []).append(word)
    row["failures"] = [f"{' and '.join(w)} {_plural(t) if len(w) > 1 else t}" for t, w in grouped.items()]
    return row, [c for c in causes if c]


def _plural(text):
    return text.replace("returns ", "return ", 1).replace("has the", "have the", 1)


def _said(failed_parts, parts, alike, who):
    """The dtype's line: what fails (each once, with the quantities it hits), then yours beside torch's."""
    grouped = {}
    for text, word in failed_parts:
        grouped.setdefault(text, []).append(word)
    out = [f" — {' and '.join(w)} {_plural(t) if len(w) > 1 else t}" for t, w in grouped.items()]
    if parts:
        words = ", ".join(w for w, _, _ in parts)
        mine = ", ".join(fmt(m) for _, m, _ in parts)
        out.append(f"; yours ({words}) within {mine} ULP")
        if all(o is not None for _, _, o in parts):
            out.append(f" where {who} is within {', '.join(fmt(o) for _, _, o in parts)}")
    out += [f"; {', '.join(w)} {_plural(t) if len(w) > 1 else t}" for t, w in alike.items()]
    return "".join(out)


def _reproduce(act, params, dtype):
    """x -> the command that shows the exact value (and torch's) at x in the dtype."""
    from ..atlas import reproduce

    return lambda x: reproduce(act.name, params, dict(act.params), dtype, x)


def _entry(t, clean_max, tol, n_bad, again):
    from ..atlas import _finding

    return {
        "max_ulp": None if t.n == 0 else (None if not math.isfinite(t.max_ulp) else t.max_ulp),
        "max_ulp_in_kind": clean_max,  # the largest error where the value is of the right kind
        "mean_ulp": t.mean_ulp,
        **({"tolerance_ulp": tol, "beyond": n_bad} if tol is not None else {}),
        **{name: _finding(t.findings[name]) for name in _KINDS},
        "worst": [
            {
                "x": jsonable(wx),
                "value": jsonable(v),
                "exact": jsonable(e),
                "ulp": u if math.isfinite(u) else None,
                "reproduce": again(wx),
            }
            for u, wx, v, e in t.worst[:5]
        ],
    }
