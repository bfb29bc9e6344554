"""A torch kernel judged in the dtype it runs in: its ULP from the exact value, beside torch's built-in.

The kernel (an autograd.Function, a Module, a torch function: ``kernels``) is matched to a
known activation by its name or its values; in each dtype it accepts its forward, backward
(VJP with ones) and VJP with a random upstream are measured against the exact value
correctly rounded to that dtype (the atlas's reference and tallies), and torch's own
kernel for the activation beside it. The rule: within max(torch's max error, 2 ULP) of
exact (``ulp`` sets it), and a difference in kind (a wrong zero, a non-finite value, a
wrong sign) only where torch's has the same one at the same input.
"""

import math
from dataclasses import dataclass, field, replace

import numpy as np

from ..errors import InputError
from .kernels import KINDS
from .naming import activation_for
from .outcome import PairResult, Skipped

__all__ = ["Settings", "settings", "judge_kernel", "DTYPES", "FLOOR_ULP", "QUANTITIES", "KINDS"]

DTYPES = ("float32", "bfloat16", "float16", "float64")
FLOOR_ULP = 2.0  # the least tolerance: a correctly rounded f' computed in steps may be 2 ULP off
QUANTITIES = ("forward", "backward", "vjp", "jvp", "second")  # jvp: forward mode, where defined; second: --order 2
_SHOWN = {"forward": "forward", "backward": "backward", "vjp": "VJP", "jvp": "JVP", "second": "f''"}
_EXACT = {"forward": "forward", "backward": "backward", "vjp": "vjp", "jvp": "backward", "second": "second"}
_STEP = 8  # by default every 8th float16/bfloat16 value (--exhaustive: all)
_SAMPLED = {"float32": 1 << 14, "float64": 1 << 9}  # ordinal-even points, beside the grid
_CHUNK = 1 << 16  # points per request to the child
_ZERO_WINDOW = 0.25  # beside a zero of f' (silu' at -1.278) errors are in ULP of 1: the exact value is a cancellation
_MOST = 1 << 22  # float32 values --exhaustive --range may enumerate
_KINDS = ("wrong_zero", "non_finite", "wrong_sign")
_WORDS = ("fused", "my", "custom", "fast", "naive", "safe", "stable", "manual", "own", "kernel", "impl")
_PRECISIONS = ("bf16", "fp16", "f16", "fp32", "f32", "fp64", "f64", "bfloat16", "float16", "float32", "float64")


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
    if compile is not None and not (isinstance(compile, str) and compile.replace("_", "").isalnum()):
        raise InputError(f"--compile takes a torch.compile backend (inductor, aot_eager...), got {compile!r}"[:200])
    return Settings(dtypes, ulp, exhaustive, range_, order, compile)


# ---------------------------------------------------------------- which activation


def _named(name):
    """The known activation a kernel's name means: SiLUFunction, FusedSiLU, MySwishBf16 -> silu, or None."""
    import re

    act = activation_for(name)
    if act is not None:
        return act
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", re.sub(r"\d+$", "", name)).lower().split("_")
    kept = [w for w in words if w and w not in _WORDS and w not in _PRECISIONS]
    for candidate in ("_".join(kept), "".join(kept)):
        act = activation_for(candidate) if candidate else None
        if act is not None:
            return act
    return None


def _near(a, b, dt):
    """Values that agree as one function's, evaluated two ways in ``dt`` (64 epsilons, relative to |b| + 0.01)."""
    return np.abs(a - b) <= 64 * (np.abs(b) + 1e-2) * float(dt.finfo().eps)


def _close(act, params, x, forward, dt):
    """The share of the finite points where ``forward`` agrees with the activation's (float64) value."""
    from ..atlas.reference import float64_values

    with np.errstate(all="ignore"):
        try:
            ref = float64_values(act, params, x, "forward")
        except Exception:
            return 0.0
        ok = np.isfinite(forward) & np.isfinite(ref)
        if not ok.any():
            return 0.0
        return float(np.mean(_near(forward[ok], ref[ok], dt)))


def _match(name, x, forward, dt):
    """(activation, params, how) by name (parameters inferred when the defaults do not fit), else by values."""
    from ..registry import ACTIVATIONS
    from .inference import infer

    act = _named(name)
    if act is not None:
        params = dict(act.params)
        if _close(act, params, x, forward, dt) < 0.98:
            found, _ = infer(act, params, set(), x, forward, lambda a, b: _near(a, b, dt))
            if found is not None:
                return act, found, "name"
        return act, params, "name"
    elementwise = [a for a in ACTIVATIONS.values() if a.kind == "elementwise"]
    for act in elementwise:
        if _close(act, dict(act.params), x, forward, dt) >= 0.99:
            return act, dict(act.params), "values"
    for act in elementwise:  # a hard-coded parameter: leaky_relu with a slope of 0.2
        found, _ = (
            infer(act, dict(act.params), set(), x, forward, lambda a, b: _near(a, b, dt)) if act.params else (None, 0)
        )
        if found is not None:
            return act, found, "values"
    return None, {}, None


# ---------------------------------------------------------------- where


def _points(act, params, dt, s):
    """The dtype's values to check (float64, sorted): the grid, even steps along the ordinals, all with --exhaustive."""
    from ..atlas import points as pts
    from ..grids import default_grid

    lo, hi = s.range_ or (None, None)
    span = pts.range_span(dt, lo, hi)
    if span is None:
        raise InputError(f"no {dt.name} value lies in [{lo:g}, {hi:g})")
    a, b = span
    if s.exhaustive and dt.name in ("float16", "bfloat16", "float32"):
        if dt.name == "float32" and s.range_ is None:
            raise InputError("--exhaustive in float32 needs --range LO HI (a slice: every float32 is 2^32 values)")
        if b - a + 1 > _MOST:
            raise InputError(f"--range holds {b - a + 1:,} float32 values: at most {_MOST:,} at once")
        o = np.arange(a, b + 1, dtype=np.int64)
    elif dt.name in ("float16", "bfloat16"):
        o = np.arange(a, b + 1, _STEP, dtype=np.int64)
    else:
        o = np.unique(np.clip(np.linspace(a, b, _SAMPLED[dt.name]).round().astype(np.int64), a, b))
    x = pts.from_ordinal(o, dt).astype(np.float64)
    extra = np.concatenate([default_grid(act, params, dt), np.linspace(-40.0, 40.0, 321)])
    extra = extra.astype(np.float32).astype(dt.numpy).astype(np.float64) if dt.name == "bfloat16" else extra
    extra = extra.astype(dt.numpy).astype(np.float64)
    if s.range_ is not None:
        extra = extra[(extra >= lo) & (extra < hi)]
    x = np.unique(np.concatenate([x, extra[np.isfinite(extra)]]) + 0.0)
    return x


def _upstream(x, dt):
    """A random upstream gradient in the dtype, |u| in [0.5, 2) with random signs (the same for a given x)."""
    rng = np.random.default_rng(23)
    u = rng.uniform(0.5, 2.0, x.size) * rng.choice([-1.0, 1.0], x.size)
    return _in(u, dt)


def _in(v, dt):
    from ..dtypes import round_to

    return round_to(np.asarray(v, dtype=np.float64), dt).astype(np.float64)


# ---------------------------------------------------------------- exact values, torch's, and the measure


def _exact(act, params, x, dt, order=1):
    """{quantity: Exact} for forward, backward (and second) at x (the oracle for float64, the atlas's below)."""
    import warnings

    from ..atlas.reference import LowPrecision, oracle_exact

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        qs = ("forward", "backward", "second")[: order + 1]
        if dt.name == "float64":
            return oracle_exact(act, params, x, qs)
        return LowPrecision(act, params, dt, qs).exact(x)


def _times(e, u, dt):
    """The Exact of u * f'(x): the upstream times the exact derivative, rounded once."""
    from ..atlas.measure import inverse_ulp
    from ..atlas.reference import Exact

    with np.errstate(all="ignore"):
        if e.mp is not None:
            import mpmath

            from ..ulps import round_once

            with mpmath.mp.workdps(60):
                mp = [None if v is None else mpmath.mpf(float(w)) * v for v, w in zip(e.mp, u, strict=True)]
            value = np.array([np.nan if v is None else round_once(v, dt) for v in mp])
            return Exact(value, value.copy(), e.defined.copy(), mp, same_as=value.copy())
        value = u * e.value
        rounded = _in(value, dt)
        inv = inverse_ulp(value, dt)
        err = np.abs(value - rounded) * inv
        err[~np.isfinite(rounded)] = 0.0
        same = rounded.astype(np.float32) if dt.name == "float32" else rounded
        return Exact(value, rounded, e.defined.copy(), None, inv, err, same)


def _zeros(act, params, quantity="backward"):
    """Zeros of f' (or f'') on [-8, 8] away from x = 0 (silu' at -1.278, gelu' at -0.752)."""
    from ..atlas.reference import float64_values

    g = np.linspace(-8.0, 8.0, 16001)
    with np.errstate(all="ignore"):
        v = float64_values(act, params, g, quantity)
    i = np.flatnonzero(np.sign(v[:-1]) * np.sign(v[1:]) < 0)
    z = (g[i] + g[i + 1]) / 2
    return z[np.abs(z) > 1e-3]


def _builtin(act, params, x, u, dt, order=1):
    """torch's own forward, backward and VJP at x (float64 arrays), or {} where torch cannot."""
    import warnings

    from ..opinions import Ask, torch_reverse

    xd, ud = x.astype(dt.numpy), u.astype(dt.numpy)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            ans = torch_reverse.answer(Ask(act, params, xd, dt, upstream=ud, order=order))
        except Exception:
            return {}
    return {q: np.asarray(ans.values[q]).astype(np.float64) for q in QUANTITIES if q in ans.values}


def _jax_builtin(code, act, params, x, u, dt, facts, notes, order=1):
    """jax.nn's own function at x, computed where the code runs (JAX's values beside JAX code), or {}."""
    reply = code.builtin(act.name, params, dt.name, x, u, order)
    values = reply.get("values", {})
    if "forward" not in values:
        facts["who"] = "torch's"
        note = f"jax.nn has no {act.name}: torch's built-in is beside it"
        if note not in notes:
            notes.append(note)
        return {}
    return {q: np.asarray(values[q], dtype=np.float64) for q in QUANTITIES if q in values}


def _kinds(t, rounded, value, least, holds=None):
    """Per point: 0, or 1 a wrong zero, 2 a non-finite value, 3 a wrong sign (where t is not the rounded exact)."""
    with np.errstate(invalid="ignore"):
        differ = (t != rounded) & ~(np.isnan(t) & np.isnan(rounded))
        r_fin = np.isfinite(rounded)
        nonzero = holds if holds is not None else np.abs(value) >= least
        k = np.zeros(t.size, np.int8)
        k[differ & (np.signbit(t) != np.signbit(rounded)) & (t != 0) & (rounded != 0) & ~np.isnan(t)] = 3
        k[differ & ~np.isfinite(t) & r_fin] = 2
        k[differ & (t == 0) & nonzero & r_fin] = 1
    return k


@dataclass
class Measured:
    """One quantity in one dtype over every point: per-point errors and kinds, and the atlas's tallies."""

    x: list = field(default_factory=list)
    yours: list = field(default_factory=list)
    exact: list = field(default_factory=list)
    err: dict = field(default_factory=dict)  # impl -> [arrays]
    kind: dict = field(default_factory=dict)
    tally: dict = field(default_factory=dict)  # impl -> Tally
    kinks: list = field(default_factory=list)  # (x, yours, torch's) where the exact value does not exist

    def add(self, impl, x, err, kind, t, yours=None, exact=None):
        self.err.setdefault(impl, []).append(err)
        self.kind.setdefault(impl, []).append(kind)
        self.tally[impl] = self.tally[impl].then(t) if impl in self.tally else t
        if yours is not None:
            self.x.append(x)
            self.yours.append(yours)
            self.exact.append(exact)

    def arrays(self):
        cat = np.concatenate
        return (cat(self.x), cat(self.yours), cat(self.exact), {k: cat(v) for k, v in self.err.items()},
                {k: cat(v) for k, v in self.kind.items()})  # fmt: skip


def _near_zeros(x, zeros, scale, dt):
    """Where x is beside a zero of the quantity (away from x = 0): there its ULP are meaningless (the exact value
    is a difference of terms near 1), so the error is measured in ULP of 1 * |upstream| instead."""
    if not zeros.size:
        return np.zeros(x.size, bool), None
    near = (np.abs(x[:, None] - zeros[None, :]) <= _ZERO_WINDOW).any(axis=1)
    return near, float(dt.finfo().eps) * np.abs(scale)


def _measure(into, q, x, yours, builtin, e, dt, zeros=None, scale=None):
    """Add one chunk's errors of yours (and torch's) for quantity ``q`` to ``into[q]``."""
    from ..atlas.chunk import least, measured

    keep = np.flatnonzero(e.defined)
    m = into.setdefault(q, Measured())
    if keep.size < x.size:
        at = np.flatnonzero(~e.defined)
        m.kinks += list(zip(x[at], yours[at], builtin[at] if builtin is not None else [None] * at.size, strict=True))
        arrays = {k: (None if v is None else v[keep]) for k, v in vars(e).items() if k not in ("mp", "defined")}
        e = replace(e, **arrays, defined=e.defined[keep], mp=None if e.mp is None else [e.mp[i] for i in keep])
    xs = x[keep]
    near, unit = _near_zeros(xs, zeros if zeros is not None else np.empty(0), scale[keep] if scale is not None
                             else np.ones(xs.size), dt)  # fmt: skip
    impls = {"yours": yours[keep]} | ({"torch": builtin[keep]} if builtin is not None else {})
    comparable = {k: v.astype(np.float32) if dt.name == "float32" else v for k, v in impls.items()}
    segments = (np.zeros(1, np.int64), np.zeros(1, np.int64))
    with np.errstate(all="ignore"):
        meas = measured(e, xs, segments, comparable, dt, 10)
        holds = meas.base.holds
        from ..atlas.measure import tally

        for impl, t in comparable.items():
            err = meas.errors_at(slice(None), t if e.mp is None else t.astype(np.float64))
            both_nan = np.isnan(impls[impl]) & np.isnan(e.rounded)
            err = np.where(both_nan, 0.0, err)
            kind = _kinds(impls[impl], e.rounded, e.value, least(dt), holds)
            if near.any():
                err[near] = np.abs(impls[impl][near] - e.value[near]) / unit[near]
                kind[near & (kind != 2)] = 0
            m.add(impl, xs, err, kind, tally(meas.base, t, meas.errors_at),
                  impls[impl] if impl == "yours" else None, e.rounded if impl == "yours" else None)  # fmt: skip


# ---------------------------------------------------------------- judging


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
    probe = np.unique(np.concatenate([np.linspace(-10, 10, 81), [-0.3, 0.3, 1.7, -2.9]]))
    for d in asked:
        dt = get_dtype(d)
        x = np.unique(_in(probe, dt))
        reply = code.kernel(k["id"], d, x, _upstream(x, dt))
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
    act, params, how = _match(label, x, reply["values"]["forward"], get_dtype(first))
    if act is None:
        from .unknown import judge_unknown

        found = judge_unknown(code, k, kind, list(runs), s.ulp, notes)
        if found is None:
            return Skipped(label, f"a {kind} that matches no known activation by name or by its values, and does "
                           "not run in float64: its finite differences cannot be taken")  # fmt: skip
        return found
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
    x_all = _points(act, params, dt, s)
    zeros = {"backward": _zeros(act, params)}
    if s.order >= 2:
        zeros["second"] = _zeros(act, params, "second")
    eager, compiled = _Run(k, s), _Run(k, s) if s.compile and k.get("framework") == "torch" else None
    differ = {}
    for c in range(0, x_all.size, _CHUNK):
        x = x_all[c : c + _CHUNK]
        u = _upstream(x, dt)
        exact = _exact(act, params, x, dt, s.order)
        exact["vjp"] = _times(exact["backward"], u, dt)
        reply = eager.ask(code, dt, x, u)
        if eager.facts["who"] == "JAX's":
            builtin = _jax_builtin(code, act, params, x, u, dt, eager.facts, notes, s.order)
        if eager.facts["who"] == "torch's":
            builtin = _builtin(act, params, x, u, dt, s.order)
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
                b = builtin.get(_EXACT[q])
                _measure(self.meas, q, x, v, b, exact[_EXACT[q]], dt, z, u if q == "vjp" else None)


def _with_compiled(row, causes, judged, differ, backend):
    """The compiled run beside the eager one in the dtype's row: bitwise differences, and its own verdict."""
    crow, ccauses = judged
    words = [_SHOWN[q] for q in QUANTITIES if q in crow["quantities"]]
    if not any(differ.values()):
        said = f"under torch.compile ({backend}): {', '.join(words)} bitwise the same as eager"
    else:
        parts = [f"{_SHOWN[q]} at {n} input{'s' * (n != 1)}" for q, n in differ.items() if n]
        said = f"under torch.compile ({backend}): differs from eager ({', '.join(parts)})"
        if crow["passed"]:
            mine = ", ".join(_fmt(v["max_ulp_in_kind"]) for v in crow["quantities"].values())
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


def _fmt(v):
    if v is None or not math.isfinite(v):
        return "inf" if v is not None else "—"
    return f"{v:.3g}" if v < 1e4 else f"{v:.2e}"


def _ranges(x, hit, most=3):
    """'[a, b] (n inputs)' for the contiguous runs of ``hit`` along sorted x, the first ``most``."""
    idx = np.flatnonzero(hit)
    if not idx.size:
        return ""
    cut = np.flatnonzero(np.diff(idx) != 1)
    starts, ends = np.concatenate([[0], cut + 1]), np.concatenate([cut, [idx.size - 1]])
    parts = []
    for a, b in list(zip(starts, ends, strict=True))[:most]:
        lo, hi = x[idx[a]], x[idx[b]]
        parts.append(f"x = {lo:.4g}" if lo == hi else f"[{lo:.4g}, {hi:.4g}]")
    more = f" and {starts.size - most} more ranges" if starts.size > most else ""
    return ", ".join(parts) + more + f" ({idx.size} input{'s' * (idx.size != 1)})"


_WHAT = {1: "returns 0", 2: "returns inf or nan", 3: "has the wrong sign"}


def _verdict(act, dt, s, meas, errors, facts, n):
    d, who = dt.name, facts["who"]
    if "backward" not in errors and any("modified by an inplace" in errors.get(q, "") for q in ("again", "vjp")):
        errors = {q: m for q, m in errors.items() if q not in ("again", "vjp")}
        facts["again_differs"] = facts["again_differs"] or -1
    causes = [_cause(q, msg) for q, msg in errors.items() if q not in ("again", "layout")]
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
        entry = _entry(meas[q].tally["yours"], mine, tol, int(bad.sum()))
        entry["passed"] = not bad.any()
        if "torch" in meas[q].tally:
            entry["builtin"] = "jax" if who == "JAX's" else "torch"
            entry["torch" if who == "torch's" else "jax"] = _entry(meas[q].tally["torch"], own, None, None)
        row["quantities"][q] = entry
        word = _SHOWN[q]
        parts.append((word, mine, own))
        for code_, what in _WHAT.items():
            yours_only = (ky == code_) & ~shared & ~nearer
            if yours_only.any():
                also = "" if kb is None else (f" where {who} does not" if not (kb[yours_only] == code_).any() else "")
                failed_parts.append((f"{what} on {_ranges(x, yours_only)}{also}", word))
            both = (ky == code_) & shared
            if both.any():
                alike.setdefault(f"{what} on {_ranges(x, both)} where {who} does too", []).append(word)
        off = bad & (ky == 0)
        if off.any():
            j = np.flatnonzero(off)[np.argmax(ey[off])]
            failed_parts.append((f"{int(off.sum())} input{'s' * bool(off.sum() != 1)} beyond {_fmt(tol)} ULP "
                                 f"(worst {_fmt(float(ey[j]))} ULP at x = {x[j]:.6g})", word))  # fmt: skip
        if bad.any():
            row["passed"] = False
            order = np.flatnonzero(bad)[np.argsort(-np.where(np.isfinite(ey[bad]), ey[bad], 1e308), kind="stable")]
            for j in order[:3]:
                row["_worst"].append({"x": float(x[j]), "quantity": q, "dtype": d, "yours": float(yours[j]),
                                      "reference": float(exact[j]), "ulp": float(ey[j])})  # fmt: skip
        if bad.any() or q == "vjp":
            causes += _causes(q, d, x, ey, ky, kb, facts, meas, dt)
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
        causes += _rule_causes(facts.get("kind"), row["quantities"], meas)
    rule = f"≤ {_fmt(s.ulp)} ULP (--ulp)" if s.ulp is not None else f"≤ max({who}, 2) ULP"
    verdict = "PASS" if row["passed"] else "FAIL"
    row["rule"] = rule
    row["layout_differs"] = dict(facts.get("layout", {}))  # 2-D non-contiguous batch vs 1-D: values that differ
    row["summary"] = f"{d} ({n:,} inputs): {verdict}" + _said(failed_parts, parts, alike, who) + f"; rule {rule}"
    moved = {q: k for q, k in row["layout_differs"].items() if k}
    if moved:
        row["summary"] += (
            "; on a 2-D non-contiguous batch (x.t()) "
            + ", ".join(f"{_SHOWN[q]} differs at {k} input{'s' * (k != 1)}" for q, k in moved.items())
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
        mine = ", ".join(_fmt(m) for _, m, _ in parts)
        out.append(f"; yours ({words}) within {mine} ULP")
        if all(o is not None for _, _, o in parts):
            out.append(f" where {who} is within {', '.join(_fmt(o) for _, _, o in parts)}")
    out += [f"; {', '.join(w)} {_plural(t) if len(w) > 1 else t}" for t, w in alike.items()]
    return "".join(out)


def _entry(t, clean_max, tol, n_bad):
    from ..atlas import _finding

    return {
        "max_ulp": None if t.n == 0 else (None if not math.isfinite(t.max_ulp) else t.max_ulp),
        "max_ulp_in_kind": clean_max,  # the largest error where the value is of the right kind
        "mean_ulp": t.mean_ulp,
        **({"tolerance_ulp": tol, "beyond": n_bad} if tol is not None else {}),
        **{name: _finding(t.findings[name]) for name in _KINDS},
        "worst": [
            {"x": wx, "value": v, "exact": e, "ulp": u if math.isfinite(u) else None} for u, wx, v, e in t.worst[:5]
        ],
    }


def _rule_causes(kind, quantities, meas):
    """A derivative rule the code defines that is not the derivative of its own forward."""
    ok = {q: v["passed"] for q, v in quantities.items()}
    if kind == "custom_jvp" and ok.get("forward") and not (ok.get("jvp", True) and ok.get("backward", True)):
        return ["its custom_jvp rule is not the derivative of its forward: the forward is right, the JVP (and the "
                "VJP JAX transposes from it) is not"]  # fmt: skip
    if kind == "function" and "jvp" in quantities and ok.get("backward") and not ok.get("jvp"):
        return ["its jvp (forward mode) disagrees with its backward, which is right: jvp must return f'(x) * tangent"]
    return []


def _cause(q, msg):
    """A sentence naming the slip behind an exception from the kernel."""
    import re

    m = re.search(r"incorrect number of gradients \(expected (\d+), got (\d+)\)", msg)
    if m:
        want, got = m.groups()
        grads, inputs = f"gradient{'s' * (got != '1')}", f"input{'s' * (want != '1')}"
        return (f"backward returns {got} {grads} where forward takes {want} {inputs}: return one per input of "
                "forward (None for one that needs no gradient)")  # fmt: skip
    if "its backward is not differentiable" in msg:
        return msg[msg.index("its backward") :] + " (--order 2)"
    if "modified by an inplace operation" in msg:
        return ("a tensor saved for backward was changed in place after it was saved (torch refuses the backward): "
                "save a copy, or compute out of place")  # fmt: skip
    return f"{_SHOWN.get(q, q)}: {msg}"


def _causes(q, d, x, ey, ky, kb, facts, meas, dt):
    """Sentences naming the cause of what was measured for ``q`` in dtype ``d``."""
    out = []
    kb = kb if kb is not None else np.zeros_like(ky)
    bad_zero = (ky == 1) & (kb != 1)
    if q == "vjp" and facts["ignores"][1] and facts["ignores"][0] >= 0.9 * facts["ignores"][1]:
        out.append("backward ignores grad_output: it returns f'(x) whatever the upstream gradient "
                   "(return grad_output * f'(x))")  # fmt: skip
    if q == "backward" and bad_zero.any() and "output" in facts["saved"] and d in ("bfloat16", "float16"):
        out.append(f"backward forms f' from the saved output y, which is rounded to {d}: f' from it returns 0 "
                   f"on {_ranges(x, bad_zero)} (save the input x, or y in float32, and form f' from that)")  # fmt: skip
    if q in ("forward", "backward") and d == "float64":
        fine = (ky == 0) & np.isfinite(ey) & (np.abs(x) >= 0.1) & (np.abs(x) <= 10)
        share = float(np.mean((ey[fine] >= 2.0**22) & (ey[fine] <= 2.0**34))) if fine.any() else 0.0
        if share >= 0.25:
            typical = float(np.median(ey[fine]))
            out.append(f"in float64 its {q} is off by {typical:.3g} ULP typically (one float32 ULP is 2^29 float64 "
                       "ULP): float32's precision, from a float32 constant or intermediate in the float64 kernel "
                       "(torch.tensor(c) is float32; .float())")  # fmt: skip
    for code_, ks, lo, hi in ((2, (1, 2, 3, 0.5), 0.97, 1.25), (1, (1,), 1.0, 1.05)):
        hit = (ky == code_) & (kb != code_) & (np.abs(x) > 5)
        if not hit.any():
            continue
        j = np.flatnonzero(hit)
        edge = abs(float(x[j[np.argmin(np.abs(x[j]))]]))
        for big in {d: float(dt.finfo().max), "float32": float(np.finfo(np.float32).max)}.items():
            limit = math.log(big[1])
            k = next((k for k in ks if lo <= edge * k / limit <= hi), None)
            if k is not None:
                arg = {1: "x", 2: "2x", 3: "3x", 0.5: "x/2"}[k]
                what = "inf or nan" if code_ == 2 else "0"
                out.append(f"{_SHOWN[q]} overflows in exp: {what} from |x| = {edge:.4g} on, where exp({arg}) "
                           f"exceeds {big[0]}'s largest value (exp(x) > {big[1]:.3g} beyond x = {limit:.4g}); "
                           "use exp(-|x|) forms or torch's sigmoid/softplus")  # fmt: skip
                break
    return out
