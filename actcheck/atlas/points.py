"""Which inputs the atlas measures: every value, a stratified sample over every binade, and special points.

Points are handled as *ordinals*: each finite value of a dtype numbered in increasing order
(-0 just below +0), so a range of values is a range of integers, a binade is an interval, and
the next value up is the next integer. Enumerating a range is then counting, in chunks.
"""

from dataclasses import dataclass

import numpy as np

from .reference import round_to

__all__ = [
    "to_ordinal",
    "from_ordinal",
    "finite_span",
    "range_span",
    "Stratum",
    "strata",
    "stratum_points",
    "special_points",
    "neighbours",
    "sorted_unique",
]

_UINT = {2: np.uint16, 4: np.uint32, 8: np.uint64}


def _width(dtype):
    return dtype.numpy.itemsize * 8


def to_ordinal(x, dtype):
    """The ordinals (int64) of ``x`` (an array in ``dtype``): increasing with the value, -0 is -1 and +0 is 0."""
    w = _width(dtype)
    bits = np.ascontiguousarray(x, dtype=dtype.numpy).view(_UINT[w // 8])
    if w == 64:
        signed = bits.view(np.int64)
        return np.where(signed < 0, -(signed & np.int64(2**63 - 1)) - 1, signed)
    u = bits.astype(np.int64)
    mag = u & (2 ** (w - 1) - 1)
    return np.where(u >> (w - 1) != 0, -mag - 1, mag)


def from_ordinal(o, dtype):
    """The values (in ``dtype``) with ordinals ``o``."""
    w = _width(dtype)
    o = np.asarray(o, dtype=np.int64)
    neg = o < 0
    mag = np.where(neg, -(o + 1), o)
    if w == 64:
        u = mag.view(np.uint64) | (neg.astype(np.uint64) << np.uint64(63))
    else:
        u = (mag | (neg.astype(np.int64) << (w - 1))).astype(_UINT[w // 8])
    return u.view(dtype.numpy)


def finite_span(dtype):
    """(lowest, highest) ordinal of the finite values of ``dtype``."""
    top = int(to_ordinal(np.array([dtype.finfo().max], dtype=dtype.numpy), dtype)[0])
    return -top - 1, top


def range_span(dtype, lo=None, hi=None):
    """Ordinals of the values v of ``dtype`` with lo <= v < hi (the whole finite line without a range).

    Returns None when no value of the dtype lies in the range.
    """
    first, last = finite_span(dtype)
    if lo is not None:
        first = max(first, _first_at_least(lo, dtype))
    if hi is not None:
        last = min(last, _first_at_least(hi, dtype) - 1)
    return (first, last) if first <= last else None


def _first_at_least(v, dtype):
    """The ordinal of the least value of ``dtype`` that is >= v (clamped to just beyond the finite line)."""
    first, last = finite_span(dtype)
    r = float(round_to(np.array([float(v)]), dtype)[0])
    if np.isinf(r):
        return last + 1 if r > 0 else first
    o = int(to_ordinal(np.array([r], dtype=dtype.numpy), dtype)[0])
    return o + 1 if r < v else o


@dataclass(frozen=True)
class Stratum:
    """One binade of one sign (or the subnormals), cut to the range: ordinals lo..hi, n samples wanted."""

    lo: int
    hi: int
    n: int
    index: int  # its place in the whole line, so its sample depends on the seed and the stratum only


def strata(dtype, span, samples):
    """The strata covering ``span`` (ordinals), in increasing order, sharing ``samples`` evenly (at least 1 each)."""
    mant = int(dtype.finfo().nmant)
    lo, hi = span
    edges = []
    first, last = finite_span(dtype)
    n_binades = (last + 1) >> mant  # exponent fields 0 (subnormals) .. max
    for e in range(n_binades - 1, -1, -1):  # negative side, from the most negative binade
        edges.append((-(e + 1 << mant), -(e << mant) - 1))
    for e in range(n_binades):
        edges.append((e << mant, ((e + 1) << mant) - 1))
    cut = [(max(a, lo), min(b, hi), i) for i, (a, b) in enumerate(edges) if a <= hi and b >= lo]
    each = max(1, samples // max(1, len(cut)))
    return [Stratum(a, b, each, i) for a, b, i in cut]


def stratum_points(s, seed, endpoints):
    """The ordinals sampled in stratum ``s``: all of them if it is small, else n uniform ones (and its ends)."""
    size = s.hi - s.lo + 1
    if size <= s.n + 2:
        return np.arange(s.lo, s.hi + 1, dtype=np.int64)
    rng = np.random.default_rng([seed, s.index])
    o = rng.integers(s.lo, s.hi, size=s.n, endpoint=True, dtype=np.int64)
    if endpoints:
        o = np.concatenate([o, [s.lo, s.hi]])
    return sorted_unique(o)


def sorted_unique(o):
    """``o`` sorted without repeats (np.unique hashes integers first: slower here)."""
    o = np.sort(o)
    return o[np.concatenate([[True], o[1:] != o[:-1]])] if o.size else o


def neighbours(o, k, span):
    """Every ordinal within ``k`` of each of ``o``, kept inside ``span``."""
    o = np.asarray(o, dtype=np.int64)
    if o.size == 0:
        return o
    near = (o[:, None] + np.arange(-k, k + 1, dtype=np.int64)[None, :]).ravel()
    return sorted_unique(near[(near >= span[0]) & (near <= span[1])])


# ---------------------------------------------------------------- special points

_GRID = 4096  # ordinals probed for transitions; each bracket found is then bisected to the value


def special_points(act, params, dtype, quantities, span, width):
    """Ordinals worth measuring beyond a sample: kinks, where exp under/overflows, and where each
    quantity's correctly rounded value changes kind (normal, subnormal, zero, its limit, overflow),
    each with ``width`` neighbours either side, inside ``span``."""
    centres = [_kinks(act, params, dtype), _exp_edges(dtype)]
    for q in quantities:
        centres.append(_transitions(act, params, dtype, q, span))
    o = np.concatenate([np.asarray(c, dtype=np.int64) for c in centres])
    return neighbours(o[(o >= span[0]) & (o <= span[1])], width, span)


def _ordinals_near(values, dtype):
    v = round_to(np.asarray(values, dtype=np.float64), dtype)
    v = v[np.isfinite(v)]
    return to_ordinal(v.astype(dtype.numpy), dtype)


def _kinks(act, params, dtype):
    return _ordinals_near(act.kinks(**params), dtype)


def _exp_edges(dtype):
    """Where exp(x), exp(-x), exp(2x) and exp(-2x) leave the normal range, reach 0 or overflow in ``dtype``."""
    fi = dtype.finfo()
    logs = np.log([float(fi.max), float(fi.tiny), float(fi.smallest_subnormal)])
    return _ordinals_near(np.concatenate([logs, -logs, logs / 2, -logs / 2]), dtype)


def _kind(act, params, dtype, q, o):
    """A code for what the correctly rounded value of quantity ``q`` is at ordinals ``o``: its class and
    whether it equals the value at either end of the line."""
    from .reference import float64_values

    x = from_ordinal(o, dtype).astype(np.float64)
    r = round_to(float64_values(act, params, x, q), dtype)
    tiny = float(dtype.finfo().tiny)
    a = np.abs(r)
    cls = np.where(~np.isfinite(r), 0, np.where(a == 0, 1, np.where(a < tiny, 2, 3)))
    return cls, r


def _transitions(act, params, dtype, q, span):
    """Ordinals where the kind of ``q``'s value changes, found on an even grid of ordinals and bisected."""
    grid = np.unique(np.linspace(span[0], span[1], _GRID).astype(np.int64))
    cls, r = _kind(act, params, dtype, q, grid)
    ends = r[[0, -1]]

    def code(cls, r):
        return cls + 4 * (r == ends[0]) + 8 * (r == ends[1]) + 16 * np.signbit(r)

    c = code(cls, r)
    i = np.flatnonzero(c[1:] != c[:-1])
    a, b, ca = grid[i], grid[i + 1], c[i]
    while a.size and (b - a > 1).any():
        m = a + (b - a) // 2
        cm = code(*_kind(act, params, dtype, q, m))
        same = cm == ca
        a, b = np.where(same, m, a), np.where(same, b, m)
    return np.concatenate([a, b])
