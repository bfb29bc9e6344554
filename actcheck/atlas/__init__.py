"""The accuracy atlas: how far torch's (and NumPy's) activations and derivatives are from exact.

For each activation, dtype, quantity (forward, backward, second) and implementation (NumPy,
torch's reverse mode, torch's forward mode), every float16 and bfloat16 value, a stratified
float32 sample (or every float32 value in a range) and a refined float64 sample are measured
in ULP against the correctly rounded exact value:

- ``points``: ordinals, strata, special points;
- ``reference``: correctly rounded exact values (float64 reference, the oracle at the doubtful points);
- ``measure``: ULP errors, tallies (histogram, findings, worst points);
- ``chunk``: a worker's share, evaluated and tallied chunk by chunk;
- ``sweep``: the tasks on worker processes, merged in order, and the refinements;
- ``cluster``: where the tasks run (this process, a LocalCluster, an existing Dask cluster);
- ``store``: finished tasks kept on disk (``--store``), so that a rerun measures only what is missing.
"""

from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from .measure import BUCKETS, FINDINGS

__all__ = ["accuracy", "Atlas", "AtlasResult", "DEFAULT_DTYPES", "QUANTITIES", "reproduce", "format_x"]

DEFAULT_DTYPES = ("float16", "bfloat16", "float32")
QUANTITIES = ("forward", "backward", "second")
# beyond these a request could not fit: every float32 is --exhaustive, a float64 point an oracle call
MAX_SAMPLES = {"float32": 1 << 26, "float64": 1 << 20}
MAX_WORST = 1000
MAX_JOBS = 64


@dataclass
class AtlasResult:
    """One row of the atlas: an activation, dtype, quantity and implementation, and its Tally."""

    activation: str
    params: dict
    dtype: str
    quantity: str
    implementation: str
    exhaustive: bool
    tally: object
    defaults: dict

    @property
    def n_points(self):
        return self.tally.n

    def reproduce(self, x, value=None):
        """The command that shows this implementation's value at ``x`` beside the exact one (with ``--context N``
        where torch gives the atlas's ``value`` only inside an array, as it did inside the atlas's chunk)."""
        n = None if value is None else self.context(x, value)
        return reproduce(self.activation, self.params, self.defaults, self.dtype, x, self.quantity, n)

    def context(self, x, value):
        """None if torch alone gives ``value`` at ``x``, else the shortest array length (2, 8, 64) inside which it
        does: f16/bf16 gelu differs from 64 elements up, and the atlas evaluates 65,536 at once."""
        if self.implementation == "numpy":
            return None
        from ..dtypes import get_dtype
        from ..opinions import Ask, torch_forward, torch_reverse
        from ..opinions.tensors import CONTEXTS
        from ..registry import lookup

        dt = get_dtype(self.dtype)
        order = 2 if self.quantity == "second" else 1
        x = np.array([x]).astype(dt.numpy)
        opinion = torch_forward if self.implementation == "torch_forward_ad" else torch_reverse
        for n in (None, *CONTEXTS):
            ask = Ask(lookup(self.activation), self.params, x, dt, order=order, context=n)
            got = opinion.answer(ask).values.get(self.quantity)
            if got is not None and (float(got[0]) == value or (np.isnan(got[0]) and np.isnan(value))):
                return n
        return None

    def to_dict(self):
        """The JSON object the README documents."""
        from ..serialize import jsonable

        t = self.tally
        return {
            "activation": self.activation,
            "params": self.params,
            "dtype": self.dtype,
            "quantity": self.quantity,
            "implementation": self.implementation,
            "n_points": t.n,
            "exhaustive": self.exhaustive,
            "max_ulp": None if t.n == 0 else jsonable(t.max_ulp),
            "mean_ulp": t.mean_ulp,
            "histogram": dict(zip(BUCKETS, (int(c) for c in t.histogram), strict=True)),
            **{name: _finding(t.findings[name]) for name in FINDINGS},
            "worst": [
                {
                    "x": x,
                    "value": jsonable(v),
                    "exact": jsonable(e),
                    "ulp": jsonable(u),
                    "reproduce": self.reproduce(x, v),
                }
                for u, x, v, e in t.worst
            ],
        }


def _finding(runs):
    if runs.count == 0:
        return {"count": 0, "first": None, "last": None, "ranges": []}
    return {
        "count": runs.count,
        "first": runs.ranges[0][0],
        "last": runs.ranges[-1][1],
        "ranges": [r[:2] for r in runs.ranges],
    }


@dataclass
class Atlas:
    """Every row measured, and notes (what an implementation does not offer)."""

    results: list
    notes: list

    def to_dict(self):
        return {"results": [r.to_dict() for r in self.results]}


def accuracy(
    names,
    *,
    dtypes=DEFAULT_DTYPES,
    quantities=("forward", "backward"),
    exhaustive=False,
    range_=None,
    samples=None,
    seed=0,
    jobs=None,
    worst=10,
    progress=None,
    params=None,
    scheduler=None,
    store=None,
):
    """Measure ``names`` (or ["all"]) and return an Atlas; InputError for anything that cannot be measured.

    The tasks run on a LocalCluster of ``jobs`` worker processes (a small sweep in this process), or on
    the Dask scheduler at ``scheduler``; ``store`` (a directory, or a Store) keeps each finished task and
    reads back those it holds.
    """
    from ..engine import check
    from . import chunk, sweep
    from .store import Store

    acts = _activations(names, params or {})
    dts = _dtypes(dtypes, exhaustive)
    quantities = _quantities(quantities)
    lo, hi = _range(range_)
    _count("--samples", samples, MAX_SAMPLES["float64" if any(d.name == "float64" for d in dts) else "float32"])
    _count("--seed", seed, None, least=0)
    _count("--worst", worst, MAX_WORST)
    jobs = _jobs(jobs)
    specs = []
    for act, p in acts:
        for dt in dts:
            if params:  # torch may not hold them in this dtype: InputError now, not a worker's traceback
                check(act.name, [-1.0, 1.0], dtype=dt.name, order=2, **p)
            span = _span(dt, lo, hi)
            n = samples or sweep.DEFAULT_SAMPLES.get(dt.name, 0)
            specs.append(chunk.Spec(act.name, tuple(p.items()), dt.name, quantities, span, exhaustive, n, seed, worst))
    if store is not None and not isinstance(store, Store):
        store = Store(store)
    swept = sweep.run(specs, jobs, progress, scheduler=scheduler, store=store)
    return _atlas(swept, acts)


def _atlas(swept, acts):
    defaults = {a.name: dict(a.params) for a, _ in acts}
    from . import chunk

    results, notes = [], []
    for s in swept:
        spec = s.spec
        every = spec.exhaustive or spec.dtype in ("float16", "bfloat16")
        for q in spec.quantities:
            for impl in chunk.IMPLEMENTATIONS:
                if (q, impl) in s.tallies:
                    t = s.tallies[(q, impl)]
                    results.append(
                        AtlasResult(spec.name, dict(spec.params), spec.dtype, q, impl, every, t, defaults[spec.name])
                    )
                elif (q, impl) in s.missing:
                    notes.append(f"{spec.name} · {spec.dtype} · {q}: {s.missing[(q, impl)]}")
    return Atlas(results, sorted(set(notes)))


def _activations(names, params):
    from ..registry import ACTIVATIONS, lookup, resolve_params

    if [n.lower() for n in names] == ["all"]:
        chosen = [a for a in ACTIVATIONS.values() if a.kind == "elementwise"]
    elif "all" in (n.lower() for n in names):
        raise InputError("'all' stands alone: it names every activation (give it once, without other names)")
    else:
        chosen = []
        for n in names:
            a = lookup(n)
            if a is None:
                raise InputError(f"unknown activation {n!r} (actcheck list shows them all)")
            if a.kind != "elementwise":
                raise InputError(f"{a.name} is a vector activation: the atlas measures elementwise ones")
            chosen.append(a)
    if not chosen:
        raise InputError("no activation given")
    unused = set(params) - {k for a in chosen for k in a.params}
    if unused:
        raise InputError(f"no activation measured takes {', '.join(sorted(unused))}")
    out = []
    for a in {a.name: a for a in chosen}.values():
        out.append((a, resolve_params(a, {k: v for k, v in params.items() if k in a.params})))
    return out


def _dtypes(names, exhaustive):
    from ..dtypes import get_dtype

    dts = list(dict.fromkeys(get_dtype(n) for n in names))
    if not dts:
        raise InputError("no dtype given")
    if exhaustive and any(d.name == "float64" for d in dts):
        raise InputError("--exhaustive enumerates float32 (float16 and bfloat16 always are); float64 is sampled")
    return dts


def _quantities(qs):
    qs = tuple(dict.fromkeys(q.lower() for q in qs))
    bad = [q for q in qs if q not in QUANTITIES]
    if bad or not qs:
        raise InputError(f"unknown quantity {bad[0] if bad else ''!r} (choose from {', '.join(QUANTITIES)})")
    return tuple(q for q in QUANTITIES if q in qs)


def _range(range_):
    if range_ is None:
        return None, None
    lo, hi = (float(v) for v in range_)
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise InputError("--range needs finite LO and HI")
    if not lo < hi:
        raise InputError("--range needs LO < HI (the values LO <= x < HI are measured)")
    return lo, hi


def _span(dt, lo, hi):
    from .points import range_span

    span = range_span(dt, lo, hi)
    if span is None:
        raise InputError(f"no {dt.name} value lies in [{lo:g}, {hi:g})")
    return span


def _count(what, n, most, least=1):
    """Refuse a count below ``least`` or above ``most`` (None: unbounded), saying the limits."""
    if n is None:
        return
    if n < least or (most is not None and n > most):
        limits = f"{least} <= N <= {most:,}" if most is not None else f"N >= {least}"
        raise InputError(f"{what} needs {limits}, got {n:,}")


def _jobs(jobs):
    import os

    if jobs is None:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    _count("--jobs", jobs, MAX_JOBS)
    return jobs


# ---------------------------------------------------------------- reproducing a point


def format_x(x, dtype_name):
    """The shortest decimal that ``actcheck NAME --dtype D -- X`` reads back as the same value of the dtype."""
    from ..dtypes import get_dtype

    dt = get_dtype(dtype_name)
    with np.errstate(over="ignore"):
        target = np.array([x], dtype=np.float64).astype(dt.numpy)
    for digits in range(1, 18):
        s = f"{x:.{digits}g}"
        raw = np.array([float(s)])
        with np.errstate(over="ignore"):  # a too-short decimal may overflow the dtype: then it is not the one
            back = raw.astype(np.float32).astype(dt.numpy) if dt.name == "bfloat16" else raw.astype(dt.numpy)
        if back.view(np.uint8).tobytes() == target.view(np.uint8).tobytes():
            return s
    return repr(float(x))


def reproduce(name, params, defaults, dtype, x, quantity="forward", context=None):
    """``actcheck NAME --dtype D --oracle [--order 2] [--context N] [--param V ...] -- X``, parameters other than
    the defaults as options; ``--order 2`` for f'' (torch's forward-mode f' is always shown: no option)."""
    opts = ["--order", "2"] if quantity == "second" else []
    opts += ["--context", str(context)] if context else []
    for k, v in params.items():
        if defaults.get(k) != v:
            opts.append(f"--{k.replace('_', '-')} {v if isinstance(v, str) else repr(float(v))}")
    return " ".join(["actcheck", name, "--dtype", dtype, "--oracle", *opts, "--", format_x(x, dtype)])
