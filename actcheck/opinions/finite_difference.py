"""A third opinion independent of torch: central differences of the NumPy forward.

Computed in float64 whatever the dtype. Each point tries several steps, each refined by
two levels of Richardson extrapolation (error O(h^6)), and keeps the step whose last two
levels agree best, so tails with a short length scale (gelu at -37) get a short step.
Points within the step of a declared kink are skipped; where f itself jumps there (softplus
with beta * x = threshold between its two pieces, pytorch#31110) a note says so. A vector activation's VJP is
differentiated one coordinate at a time, on a sample of coordinates.
"""

import numpy as np

from .answer import Answer

__all__ = ["answer", "derivative"]

_STEPS = 2.0 ** -np.arange(4, 21, 4)  # relative to max(|x|, 1)
MAX_COORDS = 64  # a vector's VJP is differentiated along at most this many coordinates
_RESOLVED = 1e-7  # a vector's difference quotient of 0 stands only where a change this size would have shown


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
    kinks = ask.act.kinks(**ask.params)
    est, skipped = derivative(lambda t: ask.act.forward(t, **ask.params), x, kinks)
    jumps, notes = _jumps(ask.act, ask.params, x, kinks, skipped)
    return Answer({"backward": est}, skipped={"backward": skipped}, notes=notes, jumps=jumps)


def _jump(f, k):
    """(f just below ``k``, f just above) if f jumps there, else None.

    Between the floats either side of k a continuous f changes about as much as over the next
    float step; a jump (softplus's pieces miss by log1p(e**-threshold)/beta) changes a thousand
    times more. The exact jump may lie between two floats (threshold/beta rounded): hence the neighbours.
    """
    with np.errstate(all="ignore"):
        v = f(k + np.array([-2, -1, 1, 2]) * np.spacing(abs(k) or 5e-324))
    step = max(abs(v[1] - v[0]), abs(v[3] - v[2]))
    if np.all(np.isfinite(v)) and abs(v[2] - v[1]) > 1000 * step:
        return float(v[1]), float(v[2])
    return None


def _jumps(act, params, x, kinks, skipped):
    """Where a skipped point is a kink at which f itself jumps, and a note naming each such jump."""
    jumps, notes = np.zeros(x.shape, bool), []
    for k in sorted({float(k) for k in kinks}):
        at = skipped & (np.abs(x - k) <= np.spacing(abs(k) or 5e-324))
        sides = _jump(lambda t: act.forward(t, **params), k) if at.any() else None
        if sides:
            jumps |= at
            below, above = sides
            notes.append(
                f"{act.name} jumps at x = {k!r}: from {below!r} to {above!r} (by {above - below:.3g}); "
                "f' does not exist there: the finite difference skips it"
            )
    return jumps, notes


def _vjp(act, x, g):
    """d(g . f(x))/dx_k by central differences, on an even spread of coordinates k (nan elsewhere).

    The step is relative to x_k (1e-4 beside 1e308 moves nothing), and g . (f(x') - f(x)) is summed
    over the outputs' changes alone: outputs that do not move (1e308 beside a change of 0.4) cancel exactly.
    """
    n = x.size
    base = act.forward(x)
    m = base.size
    coords = np.unique(np.linspace(0, n - 1, min(n, MAX_COORDS)).astype(int))
    est = np.full(n, np.nan)

    def phi(values, k):
        out = []
        for v in np.atleast_1d(values):
            moved = x.copy()
            moved[k] = v
            fk = act.forward(moved)
            out.append(np.dot(g[:m], np.where(fk == base, 0.0, fk - base)))
        return np.array(out)

    with np.errstate(all="ignore"):
        # the smallest change the outputs can show, over the shortest step: a 0 below it is not seen, not known
        unseen = np.sum(np.abs(g[:m]) * np.spacing(np.abs(base))) / (_STEPS[-1] * np.maximum(np.abs(x), 1.0))
    for k in coords:
        est[k] = derivative(lambda v, k=k: phi(v, k), x[k : k + 1])[0][0] if np.isfinite(x[k]) else np.nan
        if est[k] == 0 and not unseen[k] <= _RESOLVED:  # glu's a*sigmoid'(b) = 0.45 beside a = 1e308: lost
            est[k] = np.nan
    return est
