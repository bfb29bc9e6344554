"""Where to look: default grids, dense grids, and values from the command line or stdin."""

import math
import re

import numpy as np

from .errors import InputError

__all__ = [
    "default_grid",
    "linspace",
    "random_points",
    "parse_values",
    "stdin_tokens",
    "ValueParseError",
    "point_count",
    "max_points",
    "available_memory",
    "BYTES_PER_POINT",
]

# Peak memory a checked point costs at most (measured: `all --order 2` on a million points, ~500 bytes);
# a dense grid must fit in the memory available at that rate.
BYTES_PER_POINT = 512
FALLBACK_MAX_POINTS = 10**8  # where the available memory cannot be read
_F64_MAX = float(np.finfo(np.float64).max)

# 0, moderate values, the tails and tiny values; each activation adds its kinks and extras
_COMMON = (0.0, 1e-300, 0.1, 0.5, 1.0, 2.0, 3.0, 5.0, 20.0, 100.0, 750.0, 1e4)
_BESIDE = 1e-3


class ValueParseError(ValueError):
    """A token that is not a number, or no numbers at all."""


def _in_dtype(values, dtype):
    """Round float64 values to ``dtype`` and return them as float64 (unique, sorted)."""
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(over="ignore"):
        v = v.astype(np.float32).astype(dtype.numpy) if dtype.name == "bfloat16" else v.astype(dtype.numpy)
    v = v.astype(np.float64) + 0.0  # -0.0 becomes 0.0
    return np.unique(v[np.isfinite(v)])


def default_grid(act, params, dtype):
    """The activation's interesting places in ``dtype``: kinks and just beside them, 0, tails, tiny values."""
    common = [s * v for v in _COMMON for s in (1.0, -1.0)]
    kinks = _in_dtype(act.kinks(**params), dtype)
    k = kinks.astype(dtype.numpy)
    with np.errstate(over="ignore"):  # a kink at the dtype's largest value (softplus with no threshold): inf beside it
        up, down = [np.nextafter(k, np.array(v, dtype=dtype.numpy)).astype(np.float64) for v in (np.inf, -np.inf)]
    beside = [kinks - _BESIDE, kinks + _BESIDE, up, down]
    return _in_dtype(np.concatenate([common, list(act.extra_points), kinks, *beside]), dtype)


def linspace(start, stop, n):
    """n evenly spaced points from start to stop, inclusive (finite bounds; any span within float64)."""
    if math.isfinite(stop - start):
        return np.linspace(start, stop, n)
    return np.linspace(start / 2, stop / 2, n) * 2  # -1.7e308 to 1.7e308: the span itself overflows


def available_memory():
    """Bytes of memory available to a new allocation (Linux's MemAvailable), or None when unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        import os

        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def max_points():
    """The most points a grid may have here: what fits in available memory at BYTES_PER_POINT each."""
    avail = available_memory()
    return FALLBACK_MAX_POINTS if avail is None else max(1, avail // BYTES_PER_POINT)


def point_count(n, what):
    """Check that a grid of ``n`` points can be made and checked; InputError with the limit otherwise."""
    if n < 1:
        raise InputError(f"{what} needs N >= 1, got {n}")
    limit = max_points()
    if n > limit:
        avail = available_memory()
        why = f"{avail / 2**30:.1f} GiB available" if avail is not None else "the fixed limit"
        raise InputError(
            f"{what} {n} points cannot fit: at most {limit:,} here (about {BYTES_PER_POINT} bytes a point, {why})"
        )
    return n


def random_points(n, seed=0, lo=None, hi=None):
    """n seeded points, log-uniform in |x| with both signs, so tails and tiny values are sampled.

    Without a range, magnitudes run from 1e-300 to 1e4; with one, from the smallest
    positive magnitude the range allows (or 1e-300) up to its largest, then clipped to it.
    """
    rng = np.random.default_rng(seed)
    lo = -1e4 if lo is None else lo
    hi = 1e4 if hi is None else hi
    top = max(abs(lo), abs(hi))
    bottom = 1e-300 if lo <= 0 <= hi else min(abs(lo), abs(hi))
    mags = np.exp(rng.uniform(np.log(bottom), np.log(top), n)) if top > 0 else np.zeros(n)
    signs = rng.choice([-1.0, 1.0], n)
    x = signs * mags
    if lo < 0 < hi:
        return np.clip(x, lo, hi)
    return np.clip(np.abs(x) if lo >= 0 else -np.abs(x), lo, hi)


LINE_LIMIT = 1 << 20  # characters in one line of standard input
TOKEN_LIMIT = 1100  # characters in one number (the longest exact decimal of a float64 has 767 digits)
_NUMBER = re.compile(r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)", re.I | re.A)


def _cut(tok, width=40):
    """A token as shown in a message: its repr, cut to a few dozen characters."""
    text = repr(tok)
    return text if len(text) <= width else text[: width - 1] + "…"


def parse_values(tokens, source="argument"):
    """Parse number tokens; ``tokens`` yields (line_no, token) or plain strings.

    A token beyond float64's range (1e400) is an error, not infinity: write inf for that.
    """
    values = []
    for item in tokens:
        line, tok = item if isinstance(item, tuple) else (None, item)
        where = f"line {line}: " if line is not None else ""
        try:
            if len(tok) > TOKEN_LIMIT or not _NUMBER.fullmatch(tok):  # not 1_000, nor digits other than 0-9
                raise ValueError(tok)
            v = float(tok)
        except ValueError:
            hint = " (an unknown option?)" if tok.startswith("-") else ""
            raise ValueParseError(f"{where}not a number: {_cut(tok)}{hint}") from None
        if math.isinf(v) and tok.strip().lstrip("+-").lower() not in ("inf", "infinity"):
            raise ValueParseError(
                f"{where}{tok} is beyond float64's range (largest finite {_F64_MAX:g}); use inf for infinity"
            )
        values.append(v)
    if not values:
        raise ValueParseError(f"no values in {source}")
    return np.asarray(values, dtype=np.float64)


def stdin_tokens(stream):
    """Yield (line_no, token) for every whitespace-separated token in ``stream`` (text, or bytes in UTF-8)."""
    n = 0
    while True:
        line = stream.readline(LINE_LIMIT + 1)  # bounded: /dev/zero has no newline
        if not line:
            return
        n += 1
        if len(line) > LINE_LIMIT:
            raise ValueParseError(f"line {n} is longer than {LINE_LIMIT:,} characters: {_cut(line)}")
        for tok in line.split():
            if isinstance(tok, bytes):
                try:
                    tok = tok.decode("utf-8")
                except UnicodeDecodeError:
                    raise ValueParseError(f"line {n}: not a number (nor UTF-8 text): {_cut(tok)}") from None
            yield n, tok
