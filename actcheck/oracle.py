"""The exact opinion: mpmath at 40 significant digits says who is right when two disagree.

Derivatives of the exact form come from mpmath's own differentiation at that precision;
on one side of the nearest kink, they use one-sided steps so the step never crosses it.
At a kink itself the exact derivative is undefined (null). With many points the oracle
samples the worst ones and an even spread, rather than running mpmath on a million.
"""

import math

import numpy as np

from .dtypes import get_dtype, ulp

__all__ = ["exact_values", "ulp_error", "add_oracle", "MAX_POINTS"]

DPS = 40
MAX_POINTS = 2000  # beyond this, the oracle sees the worst half and an even spread of the rest


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
    fx = _converged(lambda: f(t), max(1, abs(v)))
    side = _side(t, kinks)
    scale = max(1, abs(v), abs(fx))
    out = {"forward": fx}
    for n, key in enumerate(keys[1:], 1):
        out[key] = None if side is None else _converged(lambda n=n: mp.diff(f, t, n, direction=side), scale)
    return out


def _converged(compute, scale):
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


def ulp_error(values, exact, dtype):
    """|value - exact| in units in the last place of ``dtype`` at the exact value (nan where undefined)."""
    import mpmath

    out = np.full(len(exact), np.nan)
    with mpmath.mp.workdps(DPS):
        for i, (v, e) in enumerate(zip(values, exact, strict=True)):
            if e is None:
                continue
            v = float(v)
            if not math.isfinite(v):
                out[i] = 0.0 if v == float(e) else np.inf
                continue
            out[i] = float(abs(mpmath.mpf(v) - e) / float(ulp(float(e), dtype)))
    return out


def _sample(result):
    """Indices the oracle evaluates: all, or the worst and an even spread."""
    n = result.n_points
    if n <= MAX_POINTS:
        return np.arange(n)
    half = MAX_POINTS // 2
    spread = np.linspace(0, n - 1, half).astype(int)
    return np.unique(np.concatenate([result.worst(half), spread]))


def add_oracle(result, act, params, order):
    """Add exact values, each side's ULP error, max ULP and who is closer, to ``result.extras``."""
    dt = get_dtype(result.dtype)
    idx = _sample(result)
    exact = exact_values(act, params, result.x[idx].astype(np.float64), order)
    n = result.n_points
    ext = result.extras
    ext["exact"], ext["ulp"], ext["max_ulp"] = {}, {}, {}
    for key, vals in exact.items():
        full = np.full(n, np.nan)
        full[idx] = [np.nan if v is None else float(v) for v in vals]
        ext["exact"][key] = full
        sides = {}
        for side, source in (("numpy", result.numpy), ("torch", result.torch)):
            arr = np.full(n, np.nan)
            if source.get(key) is not None:
                arr[idx] = ulp_error(source[key][idx], vals, dt)
            sides[side] = arr
        ext["ulp"][key] = sides
        ext["max_ulp"][key] = {s: _max(a) for s, a in sides.items()}
    ext["closer"] = _closer(result)
    if idx.size < n:
        ext["notes"].append(f"oracle evaluated at {idx.size} of {n} points: the worst and an even spread")


def _max(a):
    a = a[~np.isnan(a)]
    return None if a.size == 0 else (float(a.max()) if np.isfinite(a.max()) else "inf")


def _closer(result, keys=("backward", "forward")):
    """Per point, 'numpy' or 'torch' where the two differ and one is nearer the exact value."""
    out = np.full(result.n_points, "", dtype=object)
    ulps = result.extras["ulp"]
    for key in keys:
        a, b = ulps[key]["numpy"], ulps[key]["torch"]
        differ = (result.numpy[key] != result.torch[key]) & ~np.isnan(a) & ~np.isnan(b) & (out == "")
        out[differ & (a < b)] = "numpy"
        out[differ & (b < a)] = "torch"
    return out


def add_vector_oracle(result, act, max_len=2000, max_coords=32):
    """Exact forward and VJP (with the seeded upstream) for a vector activation, and each side's ULP error."""
    import mpmath

    mp = mpmath.mp
    n, ext = result.n_points, result.extras
    if n > max_len:
        ext["notes"].append(f"oracle skipped: vectors longer than {max_len} elements")
        return
    dt = get_dtype(result.dtype)
    x = [mp.mpf(float(v)) for v in result.x.astype(np.float64)]
    m = len(act.exact(mp, x))
    g = [mp.mpf(float(v)) for v in result.upstream.astype(np.float64)[:m]]
    scale = max([1.0] + [abs(float(v)) for v in x])
    fwd = [_converged(lambda i=i: act.exact(mp, x)[i], scale) for i in range(m)] + [None] * (n - m)
    coords = set(np.unique(np.linspace(0, n - 1, min(n, max_coords)).astype(int)).tolist())

    def along(k):
        def gf(t):
            xt = list(x)
            xt[k] = xt[k] + t
            return mp.fsum(gi * yi for gi, yi in zip(g, act.exact(mp, xt), strict=True))

        return _converged(lambda: mp.diff(gf, 0), scale)

    vjp = [along(k) if k in coords else None for k in range(n)]
    ext["exact"], ext["ulp"], ext["max_ulp"] = {}, {}, {}
    for key, vals in (("forward", fwd), ("vjp", vjp)):
        ext["exact"][key] = np.array([np.nan if v is None else float(v) for v in vals])
        sides = {
            side: ulp_error(src[key], vals, dt) for side, src in (("numpy", result.numpy), ("torch", result.torch))
        }
        ext["ulp"][key] = sides
        ext["max_ulp"][key] = {s: _max(a) for s, a in sides.items()}
    ext["closer"] = _closer(result, keys=("vjp", "forward"))
    if len(coords) < n:
        ext["notes"].append(f"oracle: exact VJP at {len(coords)} of {n} elements")
