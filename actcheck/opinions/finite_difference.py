"""A third opinion independent of torch: central differences of the NumPy forward.

Computed in float64 whatever the dtype. Each point tries several steps, each refined by
two levels of Richardson extrapolation (error O(h^6)), and keeps the step whose last two
levels agree best, so tails with a short length scale (gelu at -37) get a short step.
Points within the step of a declared kink are skipped. A vector activation's VJP is
differentiated one coordinate at a time, on a sample of coordinates.
"""

import numpy as np

from .answer import Answer

__all__ = ["answer", "derivative"]

_STEPS = 2.0 ** -np.arange(4, 21, 4)  # relative to max(|x|, 1)
MAX_COORDS = 64  # a vector's VJP is differentiated along at most this many coordinates


def _richardson(f, x, h):
    d = [(f(x + s) - f(x - s)) / (2 * s) for s in (h, h / 2, h / 4)]
    r1 = [(4 * d[1] - d[0]) / 3, (4 * d[2] - d[1]) / 3]
    r2 = (16 * r1[1] - r1[0]) / 15
    return r2, np.abs(r2 - r1[1])


def derivative(f, x, kinks=(), steps=_STEPS):
    """(estimate, skipped): f'(x) by finite differences; skipped where every step reaches a kink."""
    x = np.asarray(x, dtype=np.float64)
    scale = np.maximum(np.abs(x), 1.0)
    kinks = np.asarray(kinks, dtype=np.float64)
    dist = np.min(np.abs(x[:, None] - kinks[None, :]), axis=1) if kinks.size else np.full(x.shape, np.inf)
    best = np.full(x.shape, np.nan)
    best_err = np.full(x.shape, np.inf)
    with np.errstate(all="ignore"):
        for rel in steps:
            h = rel * scale
            est, err = _richardson(f, x, h)
            usable = (h < dist) & np.isfinite(est) & (err < best_err)
            best = np.where(usable, est, best)
            best_err = np.where(usable, err, best_err)
    skipped = ~np.isfinite(x) | ~np.isfinite(best)
    return np.where(skipped, np.nan, best), skipped


def answer(ask):
    """The derivative (a vector activation: the VJP with ``ask.upstream``) by finite differences."""
    x = ask.x.astype(np.float64)
    if ask.act.kind == "vector":
        est = _vjp(ask.act, x, ask.upstream.astype(np.float64))
        return Answer({"vjp": est}, skipped={"vjp": np.isnan(est)})
    est, skipped = derivative(lambda t: ask.act.forward(t, **ask.params), x, ask.act.kinks(**ask.params))
    return Answer({"backward": est}, skipped={"backward": skipped})


def _vjp(act, x, g):
    """d(g . f(x))/dx_k by central differences, on an even spread of coordinates k (nan elsewhere)."""
    n = x.size
    m = act.forward(x).size
    coords = np.unique(np.linspace(0, n - 1, min(n, MAX_COORDS)).astype(int))
    est = np.full(n, np.nan)
    for k in coords:
        step = np.zeros(n)
        step[k] = 1.0
        phi = lambda t, step=step: np.array([np.dot(g[:m], act.forward(x + ti * step)) for ti in np.atleast_1d(t)])  # noqa: E731
        est[k] = derivative(phi, np.array([0.0]))[0][0] if np.isfinite(x[k]) else np.nan
    return est
