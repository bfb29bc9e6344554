"""What a user's pair is compared with, and where: torch (a known activation) or finite differences of its own
forward, at a grid, an even spread over [-30, 30] and (for torch) log-uniform points."""

import numpy as np

__all__ = ["N_RANDOM", "N_EVEN", "SEED", "points", "tolerances", "precision", "narrowest", "in_precision"]
__all__ += ["torch_values", "finite_differences", "remote"]

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


def tolerances(act, dtype="float64"):
    """(rtol, atol): torch's for ``act`` in ``dtype``, or those finite differences are judged with."""
    from ..dtypes import DTYPES, comparison_tolerances, tolerances

    dt = DTYPES[dtype]
    if act is None and dtype in _FD_TOL:
        return _FD_TOL[dtype]
    if act is None:
        return comparison_tolerances("finite_difference", dt.rtol, dt.atol, dt)
    return tolerances(dt, act)[:2]


def precision(dtypes):
    """The dtype a pair is judged in: the narrowest float its forward or derivative returns (float64 at least)."""
    return narrowest([dtypes.get("forward"), dtypes.get("derivative")])


def narrowest(names):
    """The narrowest float dtype among ``names`` (float64 when none is narrower)."""
    return next((n for n in ("bfloat16", "float16", "float32") if n in names), "float64")


def in_precision(x, u, dtype):
    """The points and upstream gradients as ``dtype`` holds them (unique, sorted), in float64."""
    if dtype == "float64":
        return x, u
    from ..dtypes import DTYPES

    dt = DTYPES[dtype]
    keep = np.abs(x) <= float(dt.finfo().max)  # 1e300 is not a float32 point, and inf would judge nothing else
    x, idx = np.unique(x[keep].astype(dt.numpy).astype(np.float64), return_index=True)
    return x, u[keep][idx].astype(dt.numpy).astype(np.float64)


def torch_values(act, params, x, u, dtype="float64"):
    """Torch autograd's forward, derivative and VJP of ``act`` at x (upstream u), in ``dtype`` (as float64)."""
    from ..dtypes import DTYPES
    from ..opinions import torch_reverse
    from ..opinions.answer import Ask

    values = torch_reverse.answer(Ask(act, params, x, DTYPES[dtype], upstream=u)).values
    return {k: np.asarray(v, dtype=np.float64) for k, v in values.items()}


def remote(code, cand, quantity):
    """The user's forward or derivative as a function of points (for diagnoses that probe further)."""

    def fn(t):
        t = np.asarray(t, dtype=np.float64)
        reply = code.evaluate(cand.id, cand.kw, t, np.ones_like(t), [quantity], cand.modes)
        return reply["values"].get(quantity, np.full(t.shape, np.nan))

    return fn


# (steps, one-sided step, its rtol and atol) per precision of the user's forward: in float32 a step of
# 2**-20 would leave only rounding noise, so the steps (and the kink test across them) are longer
_FD = {
    "float64": ((2.0**-20, 2.0**-24), 2.0**-20, 1e-4, 1e-6),
    "float32": ((2.0**-7, 2.0**-9), 2.0**-9, 1e-2, 1e-3),
    "float16": ((2.0**-3, 2.0**-4), 2.0**-4, 1e-1, 1e-1),
}
_FD["bfloat16"] = _FD["float16"]
# the tolerances a float32 (float16) forward's finite differences are judged with: its rounding over those steps
_FD_TOL = {"float32": (1e-3, 1e-3), "float16": (3e-2, 3e-2), "bfloat16": (1e-1, 1e-1)}


def finite_differences(code, cand, x, u, notes, dtype="float64"):
    """Finite differences of the user's own forward, skipping the kinks they can be found at."""
    from ..opinions.finite_difference import derivative

    steps, one, rtol, atol = _FD[dtype]
    f = remote(code, cand, "forward")
    with np.errstate(all="ignore"):
        # short steps only (the kinks are unknown): a stencil of 2e-6*|x| seldom reaches one, and
        # where it does the one-sided slopes across it disagree
        est, skipped = derivative(f, x, steps=steps)
        h = one * np.maximum(np.abs(x), 1.0)
        fx = f(x)
        left, right = (fx - f(x - h)) / h, (f(x + h) - fx) / h
        if dtype == "float64":
            kink = ~np.isclose(left, right, rtol=rtol, atol=atol)
        else:  # steps this long see curvature: h f'' between the one-sided slopes halves with h, a kink's jump does not
            half = ((f(x + h / 2) - fx) - (fx - f(x - h / 2))) / (h / 2)
            kink = ~np.isclose(right - left, 2 * half, rtol=0, atol=atol + rtol * np.abs(right))
    skip = skipped | kink
    return {
        "backward": np.where(skip, np.nan, est),
        "vjp": np.where(skip, np.nan, u * est),
        "skip": skip,
        "kinks": x[kink],
    }
