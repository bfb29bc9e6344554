"""What a user's pair is compared with, and where: torch (a known activation) or finite differences of its own
forward, at a grid, an even spread over [-30, 30] and (for torch) log-uniform points."""

import numpy as np

__all__ = ["N_RANDOM", "N_EVEN", "SEED", "points", "tolerances", "torch_values", "finite_differences", "remote"]

N_RANDOM = 200
N_EVEN = 601  # a point every 0.1 over [-30, 30]
SEED = 12345


def points(act, params):
    """The points a pair is judged at: its grid, an even spread over [-30, 30] (a slip confined to (5, 20) must
    show), and for a known activation log-uniform points too (tiny and huge magnitudes, the tails)."""
    from ..dtypes import DTYPES
    from ..grids import default_grid, random_points

    # offset by a third of a step, so the even points never sit on the round numbers user code branches at
    spread = np.linspace(-30.0, 30.0, N_EVEN) + 0.1 / 3
    if act is None:
        # finite differences skip the points within their step of a kink: log-uniform points, mostly tiny, would
        # sit beside the kink at 0 that many activations have
        base = [0.0, 1e-300, 0.1, 0.5, 1.0, 2.0, 3.0, 5.0, 20.0, 100.0]
        grid = np.concatenate([base, -np.asarray(base), np.random.default_rng(SEED).uniform(-30.0, 30.0, N_RANDOM)])
    else:
        grid = np.concatenate([default_grid(act, params, DTYPES["float64"]), random_points(N_RANDOM, SEED, -30, 30)])
    x = np.unique(np.concatenate([grid, spread]))
    return x, np.random.default_rng(SEED).uniform(-2.0, 2.0, x.size)


def tolerances(act):
    """(rtol, atol): torch's for ``act`` in float64, or those finite differences are judged with."""
    from ..dtypes import DTYPES, comparison_tolerances, tolerances

    f64 = DTYPES["float64"]
    if act is None:
        return comparison_tolerances("finite_difference", f64.rtol, f64.atol, f64)
    return tolerances(f64, act)[:2]


def torch_values(act, params, x, u):
    """Torch autograd's forward, derivative and VJP of ``act`` at x (upstream u), in float64."""
    from ..dtypes import DTYPES
    from ..opinions import torch_reverse
    from ..opinions.answer import Ask

    return torch_reverse.answer(Ask(act, params, x, DTYPES["float64"], upstream=u)).values


def remote(code, cand, quantity):
    """The user's forward or derivative as a function of points (for diagnoses that probe further)."""

    def fn(t):
        t = np.asarray(t, dtype=np.float64)
        reply = code.evaluate(cand.id, cand.kw, t, np.ones_like(t), [quantity], cand.modes)
        return reply["values"].get(quantity, np.full(t.shape, np.nan))

    return fn


def finite_differences(code, cand, x, u, notes):
    """Finite differences of the user's own forward, skipping the kinks they can be found at."""
    from ..opinions.finite_difference import derivative

    f = remote(code, cand, "forward")
    with np.errstate(all="ignore"):
        # short steps only (the kinks are unknown): a stencil of 2e-6*|x| seldom reaches one, and
        # where it does the one-sided slopes across it disagree
        est, skipped = derivative(f, x, steps=(2.0**-20, 2.0**-24))
        h = 2.0**-20 * np.maximum(np.abs(x), 1.0)
        fx = f(x)
        left, right = (fx - f(x - h)) / h, (f(x + h) - fx) / h
        kink = ~np.isclose(left, right, rtol=1e-4, atol=1e-6)
    skip = skipped | kink
    return {
        "backward": np.where(skip, np.nan, est),
        "vjp": np.where(skip, np.nan, u * est),
        "skip": skip,
        "kinks": x[kink],
    }
