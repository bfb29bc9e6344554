"""Distances from the exact value in ULP, and what a stream of them adds up to.

A ``Tally`` is everything the atlas keeps about one activation, dtype, quantity and
implementation however many points it saw: counts, the error histogram, the worst points,
the contiguous runs of findings (wrong zeros, non-finite values, wrong signs) and a
coarse profile of the error along x for plots. Tallies of consecutive chunks merge in
order, so a sweep of 2^32 points keeps a few kilobytes.
"""

import math
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "EDGES",
    "BUCKETS",
    "MAX_RANGES",
    "PROFILE_BINS",
    "FINDINGS",
    "Runs",
    "Tally",
    "Baseline",
    "tally",
    "ulp_errors",
    "mp_ulp_errors",
    "inverse_ulp",
]

# "0": the correctly rounded value itself; the others count the values that are not, by their ULP error
# (one not correctly rounded at a tie is 0.5 away too)
EDGES = (0.5, 1.0, 2.0, 4.0, 1024.0)
BUCKETS = ("0", "<=0.5", "<=1", "<=2", "<=4", "<=2^10", ">2^10")
PROFILE_BINS = 1024  # the error along x, kept for plots as the maximum over this many even slices of the span
MAX_RANGES = 64  # ranges kept per finding: the first 63 and the last
FINDINGS = ("wrong_zero", "non_finite", "wrong_sign")


def inverse_ulp(v, dtype):
    """1 / the spacing of ``dtype`` at float64 ``v`` (subnormals included), from v's exponent bits.

    The same spacing as ``actcheck.dtypes.ulp`` (tested), several times faster.
    """
    fi = dtype.finfo()
    e = np.abs(v).view(np.int64)
    e >>= 52  # the biased exponent: v in [2**(e - 1023), 2**(e - 1022))
    np.maximum(e, int(fi.minexp) + 1023, out=e)
    np.subtract(int(fi.nmant) + 2046, e, out=e)  # the biased exponent of 2**(nmant - (e - 1023))
    e <<= 52
    return e.view(np.float64)


def ulp_errors(t, value, rounded, inv_ulp):
    """|t - exact| in ULP, from the exact value's float64 ``value`` (0 for a non-finite t equal to ``rounded``,
    inf for any other).

    The float64 value is within a few float64 ULP of exact: the error is right to about 2**-26
    ULP of float32, 2**-39 of float16.
    """
    err = np.asarray(t, dtype=np.float64).copy() if t.dtype == np.float64 else t.astype(np.float64)
    np.subtract(err, value, out=err)
    np.abs(err, out=err)
    np.multiply(err, inv_ulp, out=err)
    if not np.isfinite(err.sum()):
        bad = ~np.isfinite(err)
        tb = np.asarray(t[bad], dtype=np.float64)
        err[bad] = np.where(tb == rounded[bad], 0.0, np.inf)
    return err


def mp_ulp_errors(t, exact, rounded, dtype):
    """|t - exact| in ULP of ``dtype`` at the exact value, in mpmath from the oracle's mpf values (float64)."""
    import mpmath

    from ..ulps import spacing

    err = np.empty(len(t))
    with mpmath.mp.workdps(60):
        for i, (v, e) in enumerate(zip(t, exact, strict=True)):
            v = float(v)
            if not math.isfinite(v):
                err[i] = 0.0 if v == rounded[i] else math.inf
                continue
            # the binade from e's exponent: log2 at 60 digits puts e just below 2**k in the binade above
            err[i] = float(abs(mpmath.mpf(v) - e) / spacing(e, dtype))
    return err


@dataclass
class Runs:
    """Where a finding holds: its count and its contiguous runs of measured points.

    Each run is [first x, last x, count, x of the measured point before it, x of the one after]
    (None at the ends of what was measured): the neighbours say where a sample can look closer.
    """

    count: int = 0
    ranges: list = field(default_factory=list)  # the first MAX_RANGES - 1 runs and the last
    n_ranges: int = 0
    starts_open: bool = False  # the segment's first measured point has the finding
    ends_open: bool = False  # its last one has it

    @classmethod
    def of(cls, x, hit_idx, n):
        """Runs of the indices ``hit_idx`` (sorted) among ``n`` measured points at ``x``."""
        if hit_idx.size == 0:
            return cls()
        cut = np.flatnonzero(np.diff(hit_idx) != 1)
        starts = np.concatenate([[0], cut + 1])
        ends = np.concatenate([cut, [hit_idx.size - 1]])
        pick = np.unique(np.concatenate([np.arange(min(starts.size, MAX_RANGES - 1)), [starts.size - 1]]))
        ranges = []
        for k in pick:
            a, b = hit_idx[starts[k]], hit_idx[ends[k]]
            before = float(x[a - 1]) if a > 0 else None
            after = float(x[b + 1]) if b + 1 < n else None
            ranges.append([float(x[a]), float(x[b]), int(b - a + 1), before, after])
        return cls(int(hit_idx.size), ranges, int(starts.size), bool(hit_idx[0] == 0), bool(hit_idx[-1] == n - 1))

    def then(self, nxt, left_end, right_start):
        """These runs followed by ``nxt``'s; ``left_end`` is this segment's last measured x, ``right_start``
        the next one's first."""
        ranges = [list(r) for r in self.ranges]
        more = [list(r) for r in nxt.ranges]
        n_ranges = self.n_ranges + nxt.n_ranges
        if self.ends_open and nxt.starts_open:
            a, b = ranges[-1], more.pop(0)
            ranges[-1] = [a[0], b[1], a[2] + b[2], a[3], b[4]]
            n_ranges -= 1
        else:
            if self.ends_open:
                ranges[-1][4] = right_start
            if nxt.starts_open:
                more[0][3] = left_end
        ranges += more
        if len(ranges) > MAX_RANGES:
            ranges = ranges[: MAX_RANGES - 1] + ranges[-1:]
        return Runs(self.count + nxt.count, ranges, n_ranges, self.starts_open, nxt.ends_open)


@dataclass
class Tally:
    """What the atlas keeps of one (activation, dtype, quantity, implementation) over the points so far."""

    k: int = 10  # worst points kept
    n: int = 0
    x_lo: float = math.nan  # the first and last measured x
    x_hi: float = math.nan
    n_finite: int = 0  # points whose error is finite (the mean is over these)
    sum_ulp: float = 0.0
    max_ulp: float = -1.0
    histogram: np.ndarray = field(default_factory=lambda: np.zeros(len(BUCKETS), np.int64))
    worst: list = field(default_factory=list)  # (ulp, x, value, exact), worst first
    findings: dict = field(default_factory=lambda: {name: Runs() for name in FINDINGS})
    peak: np.ndarray = field(default_factory=lambda: np.full(PROFILE_BINS, -1.0))  # max ULP per bin (-1: empty)
    where: np.ndarray = field(default_factory=lambda: np.full(PROFILE_BINS, np.inf))  # x of each bin's first point

    def then(self, nxt):
        """This tally followed by ``nxt`` (the next points along x)."""
        if nxt.n == 0:
            return self
        if self.n == 0:
            return nxt
        out = Tally(
            self.k, self.n + nxt.n, self.x_lo, nxt.x_hi, self.n_finite + nxt.n_finite, self.sum_ulp + nxt.sum_ulp
        )
        out.max_ulp = max(self.max_ulp, nxt.max_ulp)
        out.histogram = self.histogram + nxt.histogram
        out.worst = sorted(self.worst + nxt.worst, key=lambda w: (-w[0], w[1]))[: self.k]
        out.findings = {name: self.findings[name].then(nxt.findings[name], self.x_hi, nxt.x_lo) for name in FINDINGS}
        out.peak, out.where = np.maximum(self.peak, nxt.peak), np.fmin(self.where, nxt.where)
        return out

    @property
    def mean_ulp(self):
        return self.sum_ulp / self.n_finite if self.n_finite else None


def _buckets(err, rounded=0):
    """BUCKETS' counts: ``rounded`` values that are the correctly rounded one, then the errors ``err`` of values
    that are not (counted by comparisons: faster than searchsorted)."""
    out, below, n = np.zeros(len(BUCKETS), np.int64), 0, err.size
    out[0] = rounded
    for i, edge in enumerate(EDGES, start=1):
        upto = int(np.count_nonzero(err <= edge)) if below < n else n
        out[i], below = upto - below, upto
    out[-1] = n - below
    return out


@dataclass
class Baseline:
    """A chunk's measured points (sorted along x) and their exact values, and what the correctly rounded
    value itself scores there: an implementation's tally starts from it and corrects the points where
    its value differs (usually few)."""

    x: np.ndarray
    value: np.ndarray  # float64 nearest the exact value
    rounded: np.ndarray  # correctly rounded to the dtype, as float64
    same_as: np.ndarray  # ``rounded`` in the dtype values are compared in
    err: np.ndarray  # ULP error of ``rounded``
    k: int
    segments: tuple  # (starts, bins): where along the points each profile bin begins, and which bin
    least: float = 0.0  # the dtype's smallest subnormal: an exact value this large is one the dtype holds
    holds: np.ndarray | None = None  # where |exact| >= least, when ``value`` cannot tell (float64's own range)

    def __post_init__(self):
        e = self.err
        self.sum = float(e.sum())
        self.max = float(e.max()) if e.size else -1.0
        self.histogram = _buckets(e[:0], e.size)  # the correctly rounded value is itself
        self.top, self.top_whole = _top(e, self.k)
        self.peak, self.where = np.full(PROFILE_BINS, -1.0), np.full(PROFILE_BINS, np.inf)
        _profile(self.segments, e, self.x, self.peak, self.where)


_BLOCK = 256


def _top(err, k):
    """Indices (in order) of the k largest of ``err``, ties to the least index; and whether no tie was left out.

    The k largest lie in the k blocks of 256 with the largest maxima, so only those are searched.
    """
    n = err.size
    if n <= k:
        return np.arange(n), True
    idx = None
    if n > 4 * k * _BLOCK:
        m = n - n % _BLOCK
        peaks = err[:m].reshape(-1, _BLOCK).max(axis=1)
        if m < n:
            peaks = np.append(peaks, err[m:].max())
        blocks = np.flatnonzero(peaks >= np.partition(peaks, -k)[-k])
        if blocks.size <= 4 * k:  # else values repeat across many blocks: search them all
            idx = (blocks[:, None] * _BLOCK + np.arange(_BLOCK)).ravel()
            idx = idx[idx < n]
    sub = err if idx is None else err[idx]
    cut = np.partition(sub, -k)[-k]
    above, ties = np.flatnonzero(sub > cut), np.flatnonzero(sub == cut)
    keep = np.concatenate([above, ties[: k - above.size]])
    keep.sort()
    return (keep if idx is None else idx[keep]), ties.size <= k - above.size


def _profile(segments, err, x, peak, where):
    """Raise ``peak`` (per bin) to the largest ``err`` in each bin and ``where`` down to its first x."""
    starts, bins = segments
    if err.size == 0:
        return
    if starts.size == 1:
        b = bins[0]
        peak[b], where[b] = max(peak[b], err.max()), min(where[b], x[0])
        return
    peak[bins] = np.maximum(peak[bins], np.maximum.reduceat(err, starts))
    where[bins] = np.fmin(where[bins], x[starts])


def _subsegments(segments, idx):
    """The segments of the points ``idx`` (sorted) of a segmented chunk."""
    starts, bins = segments
    if starts.size == 1:
        return segments
    seg = np.searchsorted(starts, idx, side="right") - 1
    first = np.concatenate([[0], np.flatnonzero(np.diff(seg)) + 1]) if idx.size else np.empty(0, np.int64)
    return first, bins[seg[first]]


def tally(base, t, errors_at):
    """The Tally of values ``t`` (in the dtype ``base.same_as`` is in) against ``base``.

    ``errors_at(at, t)`` gives the ULP errors of the values ``t`` at points ``at`` (an index
    array or a slice). Where t equals the correctly rounded value its error is the
    baseline's; elsewhere it is at least that (nothing is nearer the exact value than its
    rounding), so when few points differ, the maximum, histogram, worst points and profile
    need only the baseline and those points; when most differ, all are scored at once.
    """
    n = base.x.size
    if n == 0:
        return Tally(base.k)
    out = Tally(base.k, n, float(base.x[0]), float(base.x[-1]))
    differ = t != base.same_as
    off = np.flatnonzero(differ)
    dense = off.size * 4 > n
    if dense:
        err = errors_at(slice(None), t)
        _score(out, err, n)
        out.histogram = _buckets(err[differ], n - int(np.count_nonzero(differ)))
        top, _ = _top(err, base.k)
        out.worst = _rows(base, t, top, err[top])
        _profile(base.segments, err, base.x, out.peak, out.where)
    elif off.size == 0:
        out.n_finite, out.sum_ulp, out.max_ulp, out.histogram = n, base.sum, base.max, base.histogram.copy()
        out.worst = _rows(base, t, base.top, base.err[base.top])
        out.peak, out.where = base.peak.copy(), base.where.copy()
        return out
    else:
        err = errors_at(off, t[off])
        _score(out, err, off.size)
        out.n_finite += n - off.size
        out.sum_ulp += base.sum - float(base.err[off].sum())
        out.max_ulp = max(base.max, out.max_ulp)
        out.histogram = base.histogram + _buckets(err, -off.size)
        top = base.top[~np.isin(base.top, off)]
        if top.size < base.k and not base.top_whole:  # ties left out of the baseline's own worst: look again
            matched = base.err.copy()
            matched[off] = -1.0
            top, _ = _top(matched, base.k)
            top = top[matched[top] >= 0]
        idx = np.concatenate([top, off])
        order = np.argsort(idx, kind="stable")
        rows = _rows(base, t, idx[order], np.concatenate([base.err[top], err])[order])
        out.worst = rows
        out.peak, out.where = base.peak.copy(), base.where.copy()
        _profile(_subsegments(base.segments, off), err, base.x[off], out.peak, out.where)
    # a finding is a value that differs from the rounded exact one and is 0, not finite, or of another sign
    if dense:
        odd = np.flatnonzero(differ & ((t == 0) | ~np.isfinite(t) | (np.signbit(t) != np.signbit(base.same_as))))
    else:
        to = t[off]
        odd = off[(to == 0) | ~np.isfinite(to) | (np.signbit(to) != np.signbit(base.same_as[off]))]
    if odd.size:
        tv, rv = t[odd].astype(np.float64), base.rounded[odd]
        r_finite = np.isfinite(rv)
        hits = {
            "wrong_zero": (tv == 0) & _holds(base, odd) & r_finite,
            "non_finite": ~np.isfinite(tv) & r_finite,
            "wrong_sign": (np.signbit(tv) != np.signbit(rv)) & (tv != 0) & (rv != 0) & ~np.isnan(tv),
        }
        out.findings = {name: Runs.of(base.x, odd[h], n) for name, h in hits.items()}
    return out


def _score(out, err, n):
    """Count, sum and maximum of ``err`` (the sum and count over the finite ones) into ``out``."""
    if n == 0:
        return
    s = float(err.sum())
    if math.isfinite(s):
        out.n_finite, out.sum_ulp = n, s
    else:
        finite = np.isfinite(err)
        out.n_finite, out.sum_ulp = int(np.count_nonzero(finite)), float(err[finite].sum())
    out.max_ulp = float(err.max())


def _holds(base, idx):
    """Whether the exact value at ``idx`` is a non-zero the dtype holds (at least its least subnormal)."""
    return base.holds[idx] if base.holds is not None else np.abs(base.value[idx]) >= base.least


def _rows(base, t, idx, e):
    """The k worst of the points ``idx`` (in order along x) with errors ``e``, ties to the least x:
    (ulp, x, value, exact), worst first."""
    k = base.k
    pick = np.arange(e.size)
    if e.size > k:
        kth = np.partition(e, -k)[-k]
        above, ties = np.flatnonzero(e > kth), np.flatnonzero(e == kth)
        pick = np.concatenate([above, ties[: k - above.size]])
    rows = [(float(e[j]), float(base.x[idx[j]]), float(t[idx[j]]), float(base.value[idx[j]])) for j in pick]
    return sorted(rows, key=lambda w: (-w[0], w[1]))
