"""A third opinion independent of torch: central differences of the NumPy forward.

Computed in float64 whatever the dtype. Each point tries several steps, each refined by
two levels of Richardson extrapolation (error O(h^6)), and keeps the step whose last two
levels agree best, so tails with a short length scale (gelu at -37) get a short step.
Points within the step of a declared kink are skipped.
"""

import numpy as np

from .compare import FD_ATOL, FD_RTOL, Comparison

__all__ = ["derivative", "add_finite_difference"]

_STEPS = 2.0 ** -np.arange(4, 21, 4)  # relative to max(|x|, 1)


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


def add_finite_difference(result, act, params):
    """Add the finite-difference comparison (NumPy's derivative against it) to ``result``."""
    x = result.x.astype(np.float64)
    est, skipped = derivative(lambda t: act.forward(t, **params), x, act.kinks(**params))
    rtol, atol = max(result.rtol, FD_RTOL), max(result.atol, FD_ATOL)
    result.comparisons["finite_difference"] = Comparison(
        "finite_difference", result.numpy["backward"], est, rtol, atol, skipped
    )
    result.extras["finite_difference"] = np.where(skipped, np.nan, est)
    result.extras["fd_skipped"] = skipped
    result.extras.setdefault("tolerances", {})["finite_difference"] = {"rtol": rtol, "atol": atol}


def add_vector_finite_difference(result, act, max_coords=64):
    """Check the VJP coordinate by coordinate: d(g . f(x))/dx_k by central differences, on a sample of k."""
    x = result.x.astype(np.float64)
    g = result.upstream.astype(np.float64)
    n = x.size
    m = act.forward(x).size
    coords = np.unique(np.linspace(0, n - 1, min(n, max_coords)).astype(int))
    est = np.full(n, np.nan)
    for k in coords:
        step = np.zeros(n)
        step[k] = 1.0
        phi = lambda t, step=step: np.array([np.dot(g[:m], act.forward(x + ti * step)) for ti in np.atleast_1d(t)])  # noqa: E731
        est[k] = derivative(phi, np.array([0.0]))[0][0] if np.isfinite(x[k]) else np.nan
    skipped = np.isnan(est)
    rtol, atol = max(result.rtol, FD_RTOL), max(result.atol, FD_ATOL)
    result.comparisons["finite_difference"] = Comparison(
        "finite_difference", result.numpy["vjp"], est, rtol, atol, skipped
    )
    result.extras["finite_difference"] = est
    result.extras["fd_skipped"] = skipped
    result.extras.setdefault("tolerances", {})["finite_difference"] = {"rtol": rtol, "atol": atol}
