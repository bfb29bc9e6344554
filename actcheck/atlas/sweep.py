"""The sweep: points in chunks that stay in cache, on worker processes, tallied as they come.

In float32, float16 and bfloat16 a task is a range of ordinals (every value) or a group of
strata (a sample); a worker generates its points, evaluates them chunk by chunk (the
implementations through the opinions, the exact values through the reference) and returns
one merged Tally per quantity and implementation. Tasks come back in order and merge in
order, so memory stays a few chunks whatever the range. In float64 every point costs an
oracle call: the sample is smaller, kept point by point, and refined around its worst points.
"""

import warnings
from dataclasses import dataclass, field

import numpy as np

from . import points as pts
from .measure import PROFILE_BINS, Baseline, mp_ulp_errors, tally, ulp_errors
from .reference import low_precision_exact, oracle_exact

__all__ = ["Spec", "Swept", "run", "IMPLEMENTATIONS", "CHUNK", "DEFAULT_SAMPLES"]

IMPLEMENTATIONS = ("numpy", "torch", "torch_forward_ad")
CHUNK = 1 << 16  # points evaluated at once: every array of a chunk fits in a core's 1 MiB L2 cache
TASK_EXHAUSTIVE = 1 << 20  # ordinals per task when enumerating
TASK_SAMPLED = 1 << 18  # about this many sampled points per task
TASK_ORACLE = 64  # float64 points per task (each one an oracle call)
SPECIAL_WIDTH = {"float32": 64, "float64": 4}  # neighbours kept either side of a special point
DEFAULT_SAMPLES = {"float32": 1 << 20, "float64": 4096}
REFINE_ROUNDS = 3
REFINE_WORST = 4  # worst points refined around per quantity and implementation, each round
EDGE_ROUNDS = 16  # each cuts the gap beside a finding's run 16-fold: 2**64 ordinals down to neighbours
EDGE_ALL = 4096  # in a sampled float32 sweep a gap of fewer values is measured whole (else cut 4096-fold)
EDGE_RANGES = 4  # runs per finding whose edges are cut
REFINE_STEPS = np.array([s * (1 << j) for j in range(0, 53, 4) for s in (-1, 1)], dtype=np.int64)


@dataclass(frozen=True)
class Spec:
    """One sweep: an activation with its parameters in one dtype, the quantities measured and where."""

    name: str
    params: tuple  # (key, value) pairs
    dtype: str
    quantities: tuple
    span: tuple  # ordinals lo..hi
    exhaustive: bool
    samples: int
    seed: int
    k: int  # worst points kept

    def parts(self):
        """The activation, its parameters as a dict, and the DType."""
        from ..dtypes import get_dtype
        from ..registry import lookup

        return lookup(self.name), dict(self.params), get_dtype(self.dtype)


@dataclass
class Swept:
    """What one Spec's sweep found: a Tally per (quantity, implementation) and what was missing."""

    spec: Spec
    tallies: dict = field(default_factory=dict)
    missing: dict = field(default_factory=dict)  # (quantity, implementation) -> why
    oracle_points: int = 0
    n_points: int = 0

    def add(self, tallies, missing, oracle_points, n):
        for key, t in tallies.items():
            self.tallies[key] = self.tallies[key].then(t) if key in self.tallies else t
        self.missing.update(missing)
        self.oracle_points += oracle_points
        self.n_points += n


# ---------------------------------------------------------------- evaluating a chunk


def implementations(act, params, x, dtype, quantities):
    """({quantity: {implementation: values}}, {(quantity, implementation): why missing}) at ``x``.

    Values are in float32 for float32 (compared there), float64 otherwise.
    """
    from ..engine import numpy_side
    from ..opinions import Ask, torch_forward, torch_reverse

    order = 2 if "second" in quantities else 1
    ours = numpy_side(act, x, params, dtype, None, order)
    ask = Ask(act, params, x, dtype, order=order)
    answers = {"torch": torch_reverse.answer(ask)}
    if "backward" in quantities:
        answers["torch_forward_ad"] = torch_forward.answer(ask)
    values = {q: {"numpy": _comparable(ours[q], dtype)} for q in quantities}
    missing = {}
    for impl, ans in answers.items():
        for q in quantities:
            if impl == "torch_forward_ad" and q != "backward":
                continue
            if q in ans.values:
                values[q][impl] = _comparable(np.asarray(ans.values[q]), dtype)
            else:
                missing[(q, impl)] = ans.missing.get(q, f"{impl} gives no {q}")
    return values, missing


def _comparable(a, dtype):
    """Values in the dtype they are compared in: float32 as they are, the others as float64 (exactly)."""
    return a.astype(np.float32 if dtype.name == "float32" else np.float64, copy=False)


_CACHE = {}


def _reference(spec):
    """The low-precision reference of ``spec`` (its zeros found once per process)."""
    key = (spec.name, spec.params, spec.dtype, spec.quantities)
    if key not in _CACHE:
        act, params, dt = spec.parts()
        _CACHE.clear()
        _CACHE[key] = low_precision_exact(act, params, dt, spec.quantities)
    return _CACHE[key]


@dataclass
class Measured:
    """One quantity at a chunk's points: the baseline, each implementation's values, and how to score them."""

    base: Baseline
    values: dict  # implementation -> values at the measured points
    errors_at: object  # (idx, float64 values) -> ULP errors there


def evaluate(spec, o):
    """Each quantity at ordinals ``o`` (sorted): ({quantity: Measured}, missing, oracle points)."""
    act, params, dt = spec.parts()
    x = pts.from_ordinal(o, dt)
    x64 = x.astype(np.float64)
    segments = segments_of(spec, o)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        if spec.dtype == "float64":
            exact, asked = oracle_exact(act, params, x64, spec.quantities), x64.size
        else:
            ref = _reference(spec)
            before = ref.oracle_points
            exact = ref.exact(x64)
            asked = ref.oracle_points - before
        values, missing = implementations(act, params, x, dt, spec.quantities)
        out = {}
        for q in spec.quantities:
            e = exact[q]
            if e.defined.all():
                out[q] = _measured(e, x64, segments, values[q], dt, spec.k)
                continue
            kept = np.flatnonzero(e.defined)
            vals = {i: t[kept] for i, t in values[q].items()}
            out[q] = _measured(_taken(e, kept), x64[kept], _kept_segments(segments, kept), vals, dt, spec.k)
    return out, missing, asked


def _taken(e, kept):
    """An Exact at the points ``kept`` only."""
    arrays = {k: None if v is None else v[kept] for k, v in vars(e).items() if k != "mp"}
    return type(e)(**arrays, mp=None if e.mp is None else [e.mp[i] for i in kept])


def _measured(e, x, segments, values, dt, k):
    if e.mp is None:

        def errors_at(at, t):
            return ulp_errors(t, e.value[at], e.rounded[at], e.inv_ulp[at])

        err, holds = e.err, None
    else:
        err = mp_ulp_errors(e.rounded, e.mp, e.rounded, dt)
        holds = np.array([abs(v) >= _least(dt) for v in e.mp], dtype=bool)

        def errors_at(at, t):
            mp = e.mp[at] if isinstance(at, slice) else [e.mp[i] for i in at]
            return mp_ulp_errors(t, mp, e.rounded[at], dt)

    base = Baseline(x, e.value, e.rounded, e.same_as, err, k, segments, _least(dt), holds)
    return Measured(base, values, errors_at)


def _least(dt):
    return float(dt.finfo().smallest_subnormal)


def _bin_start(spec, b):
    """The first ordinal of profile bin ``b`` (PROFILE_BINS even slices of the span)."""
    lo, hi = spec.span
    return lo + -(-b * (hi - lo + 1) // PROFILE_BINS)


def _bin_of(spec, o):
    lo, hi = spec.span
    return min((int(o) - lo) * PROFILE_BINS // (hi - lo + 1), PROFILE_BINS - 1)


def segments_of(spec, o):
    """(starts, bins): where along the sorted ordinals ``o`` each profile bin begins, and which bin it is."""
    if o.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    b0, b1 = _bin_of(spec, o[0]), _bin_of(spec, o[-1])
    bins = np.arange(b0, b1 + 1)
    starts = np.concatenate([[0], np.searchsorted(o, [_bin_start(spec, int(b)) for b in bins[1:]])])
    last = np.concatenate([starts[1:] != starts[:-1], [True]])  # an empty bin shares its start with the next
    return starts[last].astype(np.int64), bins[last]


def _kept_segments(segments, kept):
    """The segments of the points ``kept`` (sorted indices) of a segmented chunk."""
    starts, bins = segments
    s = np.searchsorted(kept, starts)
    last = np.concatenate([s[1:] != s[:-1], [True]]) & (s < kept.size)
    return s[last].astype(np.int64), bins[last]


def measure(spec, o):
    """One chunk's tallies: ({(quantity, implementation): Tally}, missing, oracle points)."""
    evaluated, missing, asked = evaluate(spec, o)
    tallies = {}
    for q, m in evaluated.items():
        for impl, t in m.values.items():
            tallies[(q, impl)] = tally(m.base, t, m.errors_at)
    return tallies, missing, asked


# ---------------------------------------------------------------- tasks


def tasks(index, spec):
    """The tasks of a low-precision sweep, in order along x: (index, spec, kind, payload)."""
    lo, hi = spec.span
    if spec.exhaustive or spec.dtype in ("float16", "bfloat16"):
        for a in range(lo, hi + 1, TASK_EXHAUSTIVE):
            yield index, spec, "range", (a, min(hi, a + TASK_EXHAUSTIVE - 1))
        return
    act, params, dt = spec.parts()
    special = pts.special_points(act, params, dt, spec.quantities, spec.span, SPECIAL_WIDTH[spec.dtype])
    group = []
    for s in pts.strata(dt, spec.span, spec.samples):
        group.append(s)
        if sum(min(g.n, g.hi - g.lo + 1) for g in group) >= TASK_SAMPLED:
            yield index, spec, "strata", (group, _within(special, group))
            group = []
    if group:
        yield index, spec, "strata", (group, _within(special, group))


def _within(special, group):
    return special[(special >= group[0].lo) & (special <= group[-1].hi)]


def run_task(task):
    """A worker's share: the task's points in chunks, tallied and merged in order."""
    index, spec, kind, payload = task
    swept = Swept(spec)
    for o in _ordinals(spec, kind, payload):
        tallies, missing, asked = measure(spec, o)
        swept.add(tallies, missing, asked, o.size)
    return index, swept.tallies, swept.missing, swept.oracle_points, swept.n_points


def _ordinals(spec, kind, payload):
    """The task's ordinals, CHUNK at a time."""
    if kind == "range":
        a, b = payload
        for c in range(a, b + 1, CHUNK):
            yield np.arange(c, min(b, c + CHUNK - 1) + 1, dtype=np.int64)
        return
    group, special = payload
    endpoints = spec.dtype == "float32"  # float64 pays an oracle call per point: no binade ends there
    o = pts.sorted_unique(np.concatenate([pts.stratum_points(s, spec.seed, endpoints) for s in group] + [special]))
    for c in range(0, o.size, CHUNK):
        yield o[c : c + CHUNK]


# ---------------------------------------------------------------- float64: point by point, refined


def run_points(task):
    """Evaluate float64 points, keeping each one: (ordinals, {quantity: arrays by name}, missing)."""
    _, spec, o = task
    evaluated, missing, _ = evaluate(spec, o)
    kept = {}
    for q, m in evaluated.items():
        b, every = m.base, np.arange(m.base.x.size)
        impls = {impl: (t, m.errors_at(every, t.astype(np.float64))) for impl, t in m.values.items()}
        kept[q] = {"x": b.x, "value": b.value, "rounded": b.rounded, "err": b.err, "holds": b.holds, "impls": impls}
    return o, kept, missing


class Float64Sweep:
    """A float64 sweep's points so far, and where to look next."""

    def __init__(self, spec):
        self.spec = spec
        self.dtype = spec.parts()[2]
        self.parts = []  # per evaluated batch: {quantity: arrays by name (see run_points)}
        self.missing = {}
        self.seen = set()

    def initial(self):
        """The stratified sample and the special points."""
        act, params, dt = self.spec.parts()
        strata = pts.strata(dt, self.spec.span, self.spec.samples)
        sample = [pts.stratum_points(s, self.spec.seed, False) for s in strata]
        special = pts.special_points(act, params, dt, self.spec.quantities, self.spec.span, SPECIAL_WIDTH["float64"])
        return self._new(np.concatenate(sample + [special]))

    def _new(self, o):
        o = pts.sorted_unique(np.asarray(o, dtype=np.int64))
        o = o[(o >= self.spec.span[0]) & (o <= self.spec.span[1])]
        o = np.array([v for v in o.tolist() if v not in self.seen], dtype=np.int64)
        self.seen.update(o.tolist())
        return o

    def add(self, kept, missing):
        self.parts.append(kept)
        self.missing.update(missing)

    def _ordinal(self, x):
        return int(pts.to_ordinal(np.array([x], dtype=self.dtype.numpy), self.dtype)[0])

    def refine(self, tallies):
        """Ordinals around each quantity's and implementation's worst points, not yet measured."""
        around = [self._ordinal(w[1]) for t in tallies.values() for w in t.worst[:REFINE_WORST]]
        if not around:
            return np.empty(0, np.int64)
        return self._new((np.array(around, dtype=np.int64)[:, None] + REFINE_STEPS[None, :]).ravel())

    def edges(self, tallies):
        """Ordinals that cut the gap between each finding's run and the measured points beside it 16-fold."""
        cuts = [_between(a, b, 16) for a, b in edge_gaps(tallies, self.dtype)]
        return self._new([o for c in cuts for o in c])

    def tallies(self):
        """Every point so far, sorted along x, tallied at once."""
        dt = self.dtype
        out = {}
        for q in self.spec.quantities:
            parts = [p[q] for p in self.parts]

            def joined(key, parts=parts):
                return np.concatenate([p[key] for p in parts])

            x = joined("x")
            order = np.argsort(x, kind="stable")
            x = x[order]
            o = pts.to_ordinal(x.astype(dt.numpy), dt)
            value, rounded, err, holds = (joined(k)[order] for k in ("value", "rounded", "err", "holds"))
            base = Baseline(x, value, rounded, rounded, err, self.spec.k, segments_of(self.spec, o), _least(dt), holds)
            for impl in parts[0]["impls"]:
                t = np.concatenate([p["impls"][impl][0] for p in parts])[order]
                errs = np.concatenate([p["impls"][impl][1] for p in parts])[order]
                out[(q, impl)] = tally(base, t, lambda idx, _, errs=errs: errs[idx])
        return out


def _between(a, b, parts):
    """Ordinals cutting (a, b) into ``parts`` even pieces; every one inside when it holds fewer."""
    if b - a <= parts:
        return list(range(a + 1, b))
    return sorted({a + (b - a) * k // parts for k in range(1, parts)} - {a, b})


def edge_gaps(tallies, dtype):
    """(a, b) ordinal pairs: the gaps between each finding's first runs and the measured points beside them."""

    def ordinal(v):
        return int(pts.to_ordinal(np.array([v], dtype=dtype.numpy), dtype)[0])

    gaps = set()
    for t in tallies.values():
        for runs in t.findings.values():
            for first, last, _, before, after in runs.ranges[:EDGE_RANGES]:
                if before is not None:
                    gaps.add((ordinal(before), ordinal(first)))
                if after is not None:
                    gaps.add((ordinal(last), ordinal(after)))
    return {g for g in gaps if g[1] - g[0] > 1}


# ---------------------------------------------------------------- running it all


def _init_worker():
    import torch

    torch.set_num_threads(1)  # one process per core: torch's own threads would only contend


def _mapper(jobs):
    """An in-order map over ``jobs`` worker processes (in this process for one job), and its closer."""
    if jobs <= 1:
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # as in a worker: the sweep is one job, and 65,536 points need no threads
        return (lambda fn, items: map(fn, items)), (lambda: torch.set_num_threads(threads))
    import multiprocessing as mp

    from .. import engine  # noqa: F401  what every worker needs, imported once and shared by forking
    from ..opinions import torch_forward, torch_reverse  # noqa: F401

    __import__("torch")  # importing starts no threads: forking after it is safe (no torch op has run here)
    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    pool = mp.get_context(method).Pool(jobs, initializer=_init_worker)
    return (lambda fn, items: pool.imap(fn, items)), pool.terminate


def run(specs, jobs=1, progress=None):
    """Sweep every Spec; returns a Swept each, in order. ``progress(done, total)`` follows the tasks."""
    results = [Swept(s) for s in specs]
    every = [(i, s) for i, s in enumerate(specs) if s.dtype != "float64" and _every_value(s)]
    sampled = {i: list(tasks(i, s)) for i, s in enumerate(specs) if s.dtype != "float64" and not _every_value(s)}
    high = [(i, s) for i, s in enumerate(specs) if s.dtype == "float64"]
    plan = [t for i, s in every for t in tasks(i, s)]
    tick = _Ticker(progress, len(plan) + sum(map(len, sampled.values())))
    imap, close = _mapper(jobs)
    try:
        for index, tallies, missing, asked, n in imap(run_task, plan):
            results[index].add(tallies, missing, asked, n)  # merged as they come: memory stays a chunk's
            tick()
        _sampled(results, sampled, imap, tick)
        for i, spec in high:
            _float64(results[i], spec, imap, tick)
    finally:
        close()
    return results


def _every_value(spec):
    return spec.exhaustive or spec.dtype in ("float16", "bfloat16")


def _sampled(results, plans, imap, tick):
    """Sampled sweeps: each task's tallies kept apart, so that tasks holding the edge of a finding's
    run can be measured again with the values in the gap beside it, until the edges are exact."""
    done = {}
    todo = [(i, k) for i, plan in plans.items() for k in range(len(plan))]
    for _ in range(EDGE_ROUNDS + 1):
        for (i, k), out in zip(todo, imap(run_task, [plans[i][k] for i, k in todo]), strict=True):
            done[(i, k)] = out[1:]
            tick()
        todo = []
        for i, plan in plans.items():
            merged = _merged(results[i].spec, [done[(i, k)] for k in range(len(plan))])
            extra = _edge_points(merged.tallies, merged.spec)
            for k, task in enumerate(plan):
                index, spec, kind, (group, special) = task
                inside = extra[(extra >= group[0].lo) & (extra <= group[-1].hi)]
                if inside.size:
                    plan[k] = (index, spec, kind, (group, pts.sorted_unique(np.concatenate([special, inside]))))
                    todo.append((i, k))
        if not todo:
            break
        tick.more(len(todo))
    for i, plan in plans.items():
        results[i] = _merged(results[i].spec, [done[(i, k)] for k in range(len(plan))])


def _merged(spec, outs):
    swept = Swept(spec)
    for tallies, missing, asked, n in outs:
        swept.add(tallies, missing, asked, n)
    return swept


def _edge_points(tallies, spec):
    """Values in the gaps beside findings' runs: all of a small gap, 64 even cuts of a large one."""
    dt = spec.parts()[2]
    cuts = [_between(a, b, EDGE_ALL) for a, b in edge_gaps(tallies, dt)]
    return np.array(sorted({o for c in cuts for o in c}), dtype=np.int64)


class _Ticker:
    def __init__(self, progress, total):
        self.progress, self.total, self.done = progress, total, 0

    def more(self, n):
        self.total += n

    def __call__(self):
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total)


def _float64(swept, spec, imap, tick):
    """The float64 sweep: the sample and special points, rounds around the worst points, then the edges
    of each finding's runs cut down to neighbouring values."""
    sweep = Float64Sweep(spec)

    def measure_batch(batch):
        chunks = [(0, spec, batch[c : c + TASK_ORACLE]) for c in range(0, batch.size, TASK_ORACLE)]
        tick.more(len(chunks))
        for _, kept, missing in imap(run_points, chunks):
            sweep.add(kept, missing)
            tick()
        return sweep.tallies()

    tallies, before = measure_batch(sweep.initial()), None
    for _ in range(REFINE_ROUNDS):
        now = {key: t.max_ulp for key, t in tallies.items()}
        batch = sweep.refine(tallies) if now != before else np.empty(0, np.int64)
        if batch.size == 0:
            break  # no worse point found near the worst ones
        before, tallies = now, measure_batch(batch)
    for _ in range(EDGE_ROUNDS):
        batch = sweep.edges(tallies)
        if batch.size == 0:
            break
        tallies = measure_batch(batch)
    swept.tallies, swept.missing = tallies, sweep.missing
    swept.oracle_points = swept.n_points = len(sweep.seen)
