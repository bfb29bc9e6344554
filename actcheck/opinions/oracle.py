"""The exact opinion: mpmath at 40 significant digits and more, to say who is right when two disagree.

Derivatives of the exact form come from mpmath's own differentiation at that precision;
on one side of the nearest kink, they use one-sided steps so the step never crosses it.
At a kink itself the exact derivative is undefined (None). Values are mpf, not rounded:
the engine measures each side's distance from them in ULP.
"""

import math

import numpy as np

from .answer import Answer

__all__ = ["answer", "exact_values", "DPS", "MAX_VECTOR"]

DPS = 40
MAX_VECTOR = 2000  # longer vectors are not evaluated
MAX_COORDS = 32  # a vector's exact VJP is computed at most at this many coordinates


def answer(ask):
    """Exact forward, backward and (order 2) second at ``ask.x``; a vector's exact forward and VJP."""
    if ask.act.kind == "vector":
        return _vector(ask)
    return Answer(exact_values(ask.act, ask.params, ask.x.astype(np.float64), ask.order))


def exact_values(act, params, x, order=1):
    """{'forward': [...], 'backward': [...], ('second')} as lists of mpf or None, at float64 ``x``."""
    import mpmath

    mp = mpmath.mp
    kinks = [mp.mpf(k) for k in act.kinks(**params)]
    keys = ["forward", "backward", "second"][: order + 1]
    out = {k: [] for k in keys}
    f = lambda t: act.exact(mpmath, t, **params)  # noqa: E731
    for v in np.asarray(x, dtype=np.float64):
        for key, value in _exact_at(mp, f, float(v), kinks, keys).items():
            out[key].append(value)
    return out


def _exact_at(mp, f, v, kinks, keys):
    """The exact values at one float ``v``: None where undefined (non-finite x, a kink)."""
    if not math.isfinite(v):
        return dict.fromkeys(keys)
    t = mp.mpf(v)
    fx = converged(lambda: f(t), max(1, abs(v)))
    side = _side(t, kinks)
    scale = max(1, abs(v), abs(fx))
    out = {"forward": fx}
    for n, key in enumerate(keys[1:], 1):
        out[key] = None if side is None else converged(lambda n=n: mp.diff(f, t, n, direction=side), scale)
    return out


def converged(compute, scale):
    """Evaluate at 40, 80, 160... digits until two agree and the noise floor is below the answer.

    Naive exact forms cancel (1 + tanh(z) in GELU's tail, x - tanh(x) near 0) and numerical
    differentiation loses about log10(|f|/|f'|) digits; an answer counts once two precisions
    agree to 2**-70 relative (or 2**-1100 absolute, far below float64's least subnormal) and
    ``scale`` (the size of the intermediates) times 10**-dps is below that too.
    """
    import mpmath

    mp = mpmath.mp
    dps, prev = DPS, None
    while True:
        with mp.workdps(dps):
            cur = mp.mpf(compute())
            tol = max(abs(cur) * mp.mpf(2) ** -70, mp.mpf(2) ** -1100)
            settled = prev is not None and abs(cur - prev) <= tol and scale * mp.mpf(10) ** -dps <= tol
        if settled or dps >= 5000:
            return cur
        prev, dps = cur, dps * 2


def _side(t, kinks):
    """Which one-sided step keeps mpmath's differentiation off the nearest kink.

    0 (central) away from kinks, +1/-1 right beside one, None exactly at one.
    """
    if not kinks:
        return 0
    nearest = min(kinks, key=lambda k: abs(t - k))
    if t == nearest:
        return None
    if abs(t - nearest) > 1e-6 * max(1, abs(t)):
        return 0
    return 1 if t > nearest else -1


def _vector(ask):
    """Exact forward and VJP (with ``ask.upstream``) of a vector activation, the VJP on a sample of elements."""
    import mpmath

    mp = mpmath.mp
    act, n = ask.act, ask.x.size
    if n > MAX_VECTOR:
        reason = f"oracle skipped: vectors longer than {MAX_VECTOR} elements"
        return Answer({}, {"forward": reason, "vjp": reason}, notes=[reason])
    x = [mp.mpf(float(v)) for v in ask.x.astype(np.float64)]
    m = len(act.exact(mp, x))
    g = [mp.mpf(float(v)) for v in ask.upstream.astype(np.float64)[:m]]
    scale = max([1.0] + [abs(float(v)) for v in x])
    fwd = [converged(lambda i=i: act.exact(mp, x)[i], scale) for i in range(m)] + [None] * (n - m)
    coords = set(np.unique(np.linspace(0, n - 1, min(n, MAX_COORDS)).astype(int)).tolist())

    def along(k):
        def gf(t):
            xt = list(x)
            xt[k] = xt[k] + t
            return mp.fsum(gi * yi for gi, yi in zip(g, act.exact(mp, xt), strict=True))

        return converged(lambda: mp.diff(gf, 0), scale)

    vjp = [along(k) if k in coords else None for k in range(n)]
    notes = [f"oracle: exact VJP at {len(coords)} of {n} elements"] if len(coords) < n else []
    return Answer({"forward": fwd, "vjp": vjp}, notes=notes)
