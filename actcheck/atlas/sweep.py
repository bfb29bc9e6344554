"""The sweep: every (activation, dtype) asked, its tasks on a Dask cluster (or in this process), merged in order.

In float32, float16 and bfloat16 the tasks' tallies come back in order and merge as they
come, so memory stays a few chunks per worker whatever the range. A sampled sweep keeps its
few tasks' tallies apart and measures again the tasks holding the edge of a finding's run,
with the values in the gap beside it, until each edge is a pair of neighbouring values. In
float64 every point costs an oracle call: the sample is smaller, kept point by point,
refined around its worst points and then at the edges of its findings' runs.
"""

import numpy as np

from . import cluster
from . import points as pts
from .chunk import SPECIAL_WIDTH, Swept, least, run_points, run_task, segments_of, tasks
from .measure import Baseline, tally

__all__ = ["run", "DEFAULT_SAMPLES", "edge_gaps"]

DEFAULT_SAMPLES = {"float32": 1 << 20, "float64": 4096}
TASK_ORACLE = 64  # float64 points per task (each one an oracle call)
REFINE_ROUNDS = 3
REFINE_WORST = 4  # worst points refined around per quantity and implementation, each round
REFINE_STEPS = np.array([s * (1 << j) for j in range(0, 53, 4) for s in (-1, 1)], dtype=np.int64)
EDGE_ROUNDS = 16  # each cuts the gap beside a finding's run 16-fold: 2**64 ordinals down to neighbours
EDGE_ALL = 4096  # in a sampled float32 sweep a gap of fewer values is measured whole (else cut 4096-fold)
EDGE_RANGES = 4  # runs per finding whose edges are cut


# ---------------------------------------------------------------- float64: point by point, refined


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
            base = Baseline(x, value, rounded, rounded, err, self.spec.k, segments_of(self.spec, o), least(dt), holds)
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

IN_PROCESS = 8  # a sweep of at most this many tasks runs here: a LocalCluster's start (~1-2 s) would cost more


def run(specs, jobs=1, progress=None, scheduler=None, store=None):
    """Sweep every Spec; returns a Swept each, in order.

    The tasks run here, on a LocalCluster of ``jobs`` worker processes, or on the Dask scheduler at
    ``scheduler``; with a Store, those it holds are read back and the others kept in it.
    ``progress(done, total, values)`` follows the tasks (values: the points measured so far).
    """
    results = [Swept(s) for s in specs]
    every = [(i, s) for i, s in enumerate(specs) if s.dtype != "float64" and _every_value(s)]
    sampled = {i: list(tasks(i, s)) for i, s in enumerate(specs) if s.dtype != "float64" and not _every_value(s)}
    high = [(i, s) for i, s in enumerate(specs) if s.dtype == "float64"]
    plan = [t for i, s in every for t in tasks(i, s)]
    tick = _Ticker(progress, len(plan) + sum(map(len, sampled.values())))
    place = _Place(jobs, scheduler, len(plan) + sum(map(len, sampled.values())) + (len(high) * IN_PROCESS))

    def imap(fn, items):
        items = list(items)
        out = store.imap(place.imap, fn, items) if store is not None else place.imap(fn, items)
        for item, result in zip(items, out, strict=True):
            tick(_size(item))
            yield result

    try:
        for (index, *_), (tallies, missing) in zip(plan, imap(run_task, plan), strict=True):
            results[index].add(tallies, missing)  # merged as they come: memory stays a few tasks'
        _sampled(results, sampled, imap, tick)
        for i, spec in high:
            _float64(results[i], spec, imap, tick)
    finally:
        place.close()
    return results


class _Place:
    """Where the tasks run, decided at the first task: nothing is started for a sweep the store holds."""

    def __init__(self, jobs, scheduler, n_tasks):
        self.jobs, self.scheduler, self.n_tasks = jobs, scheduler, n_tasks
        self.place = None

    def imap(self, fn, items):
        items = list(items)
        if not items:
            return iter(())
        if self.place is None:
            self.place = self._start()
        return self.place.imap(fn, items)

    def _start(self):
        if self.scheduler is None and (self.jobs <= 1 or self.n_tasks <= IN_PROCESS):
            return cluster.Local()
        return cluster.connect(self.jobs, self.scheduler)

    def close(self):
        if self.place is not None:
            self.place.close()


def _size(item):
    """How many values a task measures."""
    kind = item[2] if len(item) == 4 else None
    if kind == "range":
        return item[3][1] - item[3][0] + 1
    if kind == "strata":
        group, special = item[3]
        return sum(min(g.n, g.hi - g.lo + 1) for g in group) + int(special.size)
    return int(item[2].size)  # float64 points


def _every_value(spec):
    return spec.exhaustive or spec.dtype in ("float16", "bfloat16")


def _sampled(results, plans, imap, tick):
    """Sampled sweeps: each task's tallies kept apart, so that tasks holding the edge of a finding's
    run can be measured again with the values in the gap beside it, until the edges are exact."""
    done = {}
    todo = [(i, k) for i, plan in plans.items() for k in range(len(plan))]
    for _ in range(EDGE_ROUNDS + 1):
        for (i, k), out in zip(todo, imap(run_task, [plans[i][k] for i, k in todo]), strict=True):
            done[(i, k)] = out
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
    for tallies, missing in outs:
        swept.add(tallies, missing)
    return swept


def _edge_points(tallies, spec):
    """Values in the gaps beside findings' runs: all of a small gap, 64 even cuts of a large one."""
    dt = spec.parts()[2]
    cuts = [_between(a, b, EDGE_ALL) for a, b in edge_gaps(tallies, dt)]
    return np.array(sorted({o for c in cuts for o in c}), dtype=np.int64)


class _Ticker:
    def __init__(self, progress, total):
        self.progress, self.total, self.done, self.values = progress, total, 0, 0

    def more(self, n):
        self.total += n

    def __call__(self, values):
        self.done += 1
        self.values += values
        if self.progress:
            self.progress(self.done, self.total, self.values)


def _float64(swept, spec, imap, tick):
    """The float64 sweep: the sample and special points, rounds around the worst points, then the edges
    of each finding's runs cut down to neighbouring values."""
    sweep = Float64Sweep(spec)

    def measure_batch(batch):
        chunks = [(0, spec, batch[c : c + TASK_ORACLE]) for c in range(0, batch.size, TASK_ORACLE)]
        tick.more(len(chunks))
        for kept, missing in imap(run_points, chunks):
            sweep.add(kept, missing)
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
