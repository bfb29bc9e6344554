"""Where to look: default grids, dense grids, and values from the command line or stdin."""

import numpy as np

__all__ = ["default_grid", "linspace", "random_points", "parse_values", "ValueParseError"]

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
    up, down = (np.nextafter(k, np.array(v, dtype=dtype.numpy)).astype(np.float64) for v in (np.inf, -np.inf))
    beside = [kinks - _BESIDE, kinks + _BESIDE, up, down]
    return _in_dtype(np.concatenate([common, list(act.extra_points), kinks, *beside]), dtype)


def linspace(start, stop, n):
    """n evenly spaced points from start to stop, inclusive."""
    return np.linspace(start, stop, n)


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


def parse_values(tokens, source="argument"):
    """Parse number tokens; ``tokens`` yields (line_no, token) or plain strings."""
    values = []
    for item in tokens:
        line, tok = item if isinstance(item, tuple) else (None, item)
        try:
            values.append(float(tok))
        except ValueError:
            where = f"line {line}: " if line is not None else ""
            hint = " (an unknown option?)" if tok.startswith("-") else ""
            raise ValueParseError(f"{where}not a number: {tok!r}{hint}") from None
    if not values:
        raise ValueParseError(f"no values in {source}")
    return np.asarray(values, dtype=np.float64)


def stdin_tokens(stream):
    """Yield (line_no, token) for every whitespace-separated token in ``stream``."""
    for n, line in enumerate(stream, 1):
        for tok in line.split():
            yield n, tok
