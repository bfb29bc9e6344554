"""A worker's share of the atlas: points generated, evaluated and tallied chunk by chunk.

A chunk is 65,536 sorted values of the dtype. Its exact values come from the reference, the
implementations' values from the opinions (torch's two modes) and ``engine.numpy_side``
(NumPy's); ``tally`` scores each implementation against them. A task (a range of ordinals,
or a group of strata with their special points) is a run of chunks whose tallies merge in
order; the float64 sweep instead keeps its points one by one (``run_points``).
"""

import functools
import warnings
from dataclasses import dataclass, field

import numpy as np

from . import points as pts
from .measure import PROFILE_BINS, Baseline, mp_ulp_errors, tally, ulp_errors
from .reference import LowPrecision, oracle_exact

__all__ = [
    "Spec",
    "Swept",
    "IMPLEMENTATIONS",
    "CHUNK",
    "TASK_SAMPLED",
    "TASK_EXHAUSTIVE",
    "SPECIAL_WIDTH",
    "implementations",
    "evaluate",
    "measure",
    "segments_of",
    "least",
    "tasks",
    "run_task",
    "run_points",
    "measured",
]

IMPLEMENTATIONS = ("numpy", "torch", "torch_forward_ad")
CHUNK = 1 << 16  # points evaluated at once: every array of a chunk fits in a core's 1 MiB L2 cache
TASK_EXHAUSTIVE = 1 << 20  # ordinals per task when enumerating
TASK_SAMPLED = 1 << 18  # about this many sampled points per task
SPECIAL_WIDTH = {"float32": 64, "float64": 4}  # neighbours kept either side of a special point


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

    def add(self, tallies, missing):
        """The tallies of the next points along x."""
        for key, t in tallies.items():
            self.tallies[key] = self.tallies[key].then(t) if key in self.tallies else t
        self.missing.update(missing)


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
        _CACHE[key] = LowPrecision(act, params, dt, spec.quantities)
    return _CACHE[key]


@dataclass
class Measured:
    """One quantity at a chunk's points: the baseline, each implementation's values, and how to score them."""

    base: Baseline
    values: dict  # implementation -> values at the measured points
    errors_at: object  # (idx, float64 values) -> ULP errors there


def evaluate(spec, o):
    """Each quantity at ordinals ``o`` (sorted): ({quantity: Measured}, missing)."""
    act, params, dt = spec.parts()
    x = pts.from_ordinal(o, dt)
    x64 = x.astype(np.float64)
    segments = segments_of(spec, o)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        ref = None if spec.dtype == "float64" else _reference(spec)
        exact = oracle_exact(act, params, x64, spec.quantities) if ref is None else ref.exact(x64)
        values, missing = implementations(act, params, x, dt, spec.quantities)
        out = {}
        for q in spec.quantities:
            e = exact[q]
            edges = None if ref is None else functools.partial(ref.at_edges, q)
            if e.defined.all():
                out[q] = measured(e, x64, segments, values[q], dt, spec.k, edges)
                continue
            kept = np.flatnonzero(e.defined)
            vals = {i: t[kept] for i, t in values[q].items()}
            out[q] = measured(_taken(e, kept), x64[kept], _kept_segments(segments, kept), vals, dt, spec.k, edges)
    return out, missing


def _taken(e, kept):
    """An Exact at the points ``kept`` only."""
    arrays = {k: None if v is None else v[kept] for k, v in vars(e).items() if k != "mp"}
    return type(e)(**arrays, mp=None if e.mp is None else [e.mp[i] for i in kept])


def measured(e, x, segments, values, dt, k, edges=None):
    """A Measured of ``values`` (implementation -> values) against the Exact ``e`` at sorted ``x``."""
    if e.mp is None:

        def errors_at(at, t):
            err = ulp_errors(t, e.value[at], e.rounded[at], e.inv_ulp[at])
            return err if edges is None else edges(x[at], e.value[at], err)

        err, holds = e.err, None
    else:
        err = mp_ulp_errors(e.rounded, e.mp, e.rounded, dt)
        holds = np.array([abs(v) >= least(dt) for v in e.mp], dtype=bool)

        def errors_at(at, t):
            mp = e.mp[at] if isinstance(at, slice) else [e.mp[i] for i in at]
            return mp_ulp_errors(t, mp, e.rounded[at], dt)

    base = Baseline(x, e.value, e.rounded, e.same_as, err, k, segments, least(dt), holds)
    return Measured(base, values, errors_at)


def least(dt):
    """The dtype's smallest subnormal."""
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
    """One chunk's tallies: ({(quantity, implementation): Tally}, missing)."""
    evaluated, missing = evaluate(spec, o)
    tallies = {}
    for q, m in evaluated.items():
        for impl, t in m.values.items():
            tallies[(q, impl)] = tally(m.base, t, m.errors_at)
    return tallies, missing


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
    """A worker's share: the task's points in chunks, tallied and merged in order: (tallies, missing)."""
    _, spec, kind, payload = task
    swept = Swept(spec)
    for o in _ordinals(spec, kind, payload):
        swept.add(*measure(spec, o))
    return swept.tallies, swept.missing


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


# ---------------------------------------------------------------- float64: every point kept


def run_points(task):
    """Evaluate float64 points, keeping each one: ({quantity: arrays by name}, missing)."""
    _, spec, o = task
    evaluated, missing = evaluate(spec, o)
    kept = {}
    for q, m in evaluated.items():
        b, every = m.base, np.arange(m.base.x.size)
        impls = {impl: (t, m.errors_at(every, t.astype(np.float64))) for impl, t in m.values.items()}
        kept[q] = {"x": b.x, "value": b.value, "rounded": b.rounded, "err": b.err, "holds": b.holds, "impls": impls}
    return kept, missing
