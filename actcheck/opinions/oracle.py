"""The exact opinion: closed forms in mpmath, at a precision that provably suffices, to say who is right.

f, f' and f'' are the registry's closed forms (``exact``, ``exact_d``, ``exact_d2``): no
numerical differentiation. At a kink the exact derivative is undefined (None) unless it and
every lower order take one value on both sides (celu's f' at 0 is 1 from both sides; its f''
is not; relu's f'' is 0 on both but its f' jumps); at x = nan
everything is None; at x = ±inf each value is the one at ±2**2000, snapped to its limit
(beyond 2**1100 in size: ±inf; below 2**-1100: a zero of its sign): every activation here is
that close to its limit long before. An exact zero is a float ±0.0 with the sign mathematics
gives it (the sign of the values beside it: silu(-0) = -0, logsigmoid(+inf) = -0).

How precise: a closed form is a few dozen mpmath operations, each correct to about an ULP
of the working precision, and the arguments of exp, erfc and tanh are at most 2**16 in
size (registry/exact.py clamps beyond, where the terms are negligible), so their condition
numbers cost at most 17 bits. Only a sum whose terms cancel can lose more, and every such
sum goes through ``mp.fsum``, which here records the bits it lost (log2 of its largest term
over the result). So at ``p`` bits a value is within 2**-(p - 24 - loss) relative of the true
one; it is accepted once that is 2**-72 or better (``BASE`` bits when nothing cancels, more
only where a sum did), which decides the rounding to float64 except within 2**-19 ULP of a
midpoint. Values are mpf, not rounded: the engine measures each side's distance from them
in ULP (ulps.round_once rounds them once, subnormals included). Each value is cached.
"""

import functools
import math

import numpy as np

from .answer import Answer

__all__ = [
    "answer",
    "exact_values",
    "exact_at",
    "continuous",
    "vector_exact",
    "vector_hvp",
    "vector_jvp",
    "BASE",
    "MAX_VECTOR",
    "WANTED_BITS",
]

WANTED_BITS = 72  # relative accuracy of every value
_SPARE = 24  # bits an ULP-accurate formula of a few dozen operations with arguments below 2**16 can lose
BASE = WANTED_BITS + _SPARE + 16  # working precision when no sum cancels
MAX_PREC = 8192  # a sum still cancelling here is exactly 0
INF_STANDIN = 2**2000  # an int: mpf takes it exactly
SNAP = 1100  # at ±inf: values beyond 2**SNAP are ±inf, below 2**-SNAP are 0
MAX_VECTOR = 2000  # longer vectors are not evaluated
MAX_COORDS = 32  # a vector's exact VJP is computed at most at this many coordinates
_FORMS = ("exact", "exact_d", "exact_d2")
_KEYS = ("forward", "backward", "second")


def answer(ask):
    """Exact forward, backward and (order 2) second at ``ask.x``; a vector's exact forward and VJP."""
    if ask.act.kind == "vector":
        return _vector(ask)
    return Answer(exact_values(ask.act, ask.params, ask.x.astype(np.float64), ask.order))


def exact_values(act, params, x, order=1, wanted=None):
    """{'forward': [...], 'backward': [...], ('second')} as lists of mpf or None, at float64 ``x``
    (within 2**-``wanted`` relative: WANTED_BITS unless asked)."""
    kinks = {float(k) for k in act.kinks(**params)}
    frozen = tuple(sorted(params.items()))
    out = {}
    for n, key in enumerate(_KEYS[: order + 1]):
        form = getattr(act, _FORMS[n])
        # f^(n) exists at a kink only if f, ..., f^(n) each take one value on both sides (relu's f'' does not:
        # its one-sided values are both 0, but f' jumps)
        lower = tuple(getattr(act, f) for f in _FORMS[: n + 1])
        out[key] = [
            None
            if n and float(v) in kinks and not all(_continuous(f, float(v), frozen) for f in lower)
            else exact_at(form, float(v), frozen, wanted or WANTED_BITS)
            for v in np.asarray(x)
        ]
    return out


def continuous(act, params, k):
    """Whether f itself takes one value on both sides of the kink ``k`` (softplus's pieces need not meet)."""
    return _continuous(act.exact, float(k), tuple(sorted(params.items())))


@functools.lru_cache(maxsize=1 << 10)
def _continuous(form, k, frozen_params):
    """Whether ``form`` takes one value on both sides of the kink ``k`` (to 2**-100, 2**-600 away, and further
    in by the smallest parameter's size: celu's alpha = 5e-324 sets the scale its exponential changes on)."""
    import mpmath

    sizes = [abs(float(v)) for _, v in frozen_params if isinstance(v, int | float) and math.isfinite(v) and v != 0]
    with mpmath.mp.workprec(1024):
        step = mpmath.mpf(2) ** -600 * max(1, abs(k)) * min([1.0, *sizes])
        left, right = (form(mpmath.mp, mpmath.mpf(k) + s, **dict(frozen_params)) for s in (-step, step))
        if left is None or right is None:
            return False
        return abs(left - right) <= mpmath.mpf(2) ** -100 * max(1, abs(left), abs(right))


def exact_at(form, v, frozen_params=(), wanted=WANTED_BITS):
    """``form(mp, x, **params)`` at the float ``v``: an mpf within 2**-``wanted`` relative, ±inf, a float ±0.0
    (a zero carries the sign of the mathematics: see ``_zero``), or None."""
    return _exact_at(form, v, math.copysign(1.0, v), frozen_params, wanted)  # -0.0 == 0.0: the sign keys the cache


@functools.lru_cache(maxsize=1 << 16)
def _exact_at(form, v, sign, frozen_params, wanted):
    import mpmath

    if math.isnan(v):
        return None
    params = dict(frozen_params)
    x = (INF_STANDIN if v > 0 else -INF_STANDIN) if math.isinf(v) else v
    ctx = _Tracked(mpmath.mp)
    prec = BASE + wanted - WANTED_BITS
    while True:
        with mpmath.mp.workprec(prec):
            ctx.loss = 0
            value = form(ctx, mpmath.mpf(x), **params)
        need = wanted + _SPARE + ctx.loss
        if value is None or need <= prec or prec >= MAX_PREC:
            break
        prec = min(MAX_PREC, need + 16)
    if value is None:
        return None
    if math.isinf(v):
        if abs(value) > mpmath.mpf(2) ** SNAP:
            return mpmath.inf if value > 0 else -mpmath.inf
        if abs(value) < mpmath.mpf(2) ** -SNAP:
            return -0.0 if value < 0 else 0.0
    if value == 0:
        return _zero(ctx, form, sign * (v == 0), params, prec)
    return value


def _zero(ctx, form, side, params, prec):
    """An exact zero as a float carrying the sign mathematics gives it: at x = ±0 (``side``), the sign of
    f(±2**-200) (silu(-0) = -0: silu(x) ~ x/2); elsewhere, and where f is identically 0, +0."""
    import mpmath

    if side:  # 2**-200 at 1024 bits or more: tanhshrink's x - tanh(x) ~ x**3/3 does not cancel to 0
        with mpmath.mp.workprec(max(prec, 1024)):
            beside = form(ctx, mpmath.mpf(2) ** -200 * side, **params)
        if beside is not None and beside < 0:
            return -0.0
    return 0.0


class _Tracked:
    """mpmath's context, with an ``fsum`` that records how many bits the sum lost to cancellation."""

    def __init__(self, mp):
        self._mp = mp
        self.loss = 0

    def __getattr__(self, name):
        return getattr(self._mp, name)

    def fsum(self, terms):
        terms = list(terms)
        total = self._mp.fsum(terms)
        big = max(abs(t) for t in terms)
        if big:
            lost = self._mp.mag(big) - self._mp.mag(total) + 1 if total else MAX_PREC
            self.loss = max(self.loss, lost)
        return total


def _vector(ask):
    """Exact forward and VJP (with ``ask.upstream``) of a vector activation, the VJP on a sample of elements."""
    act, n = ask.act, ask.x.size
    if n > MAX_VECTOR:
        reason = f"oracle skipped: vectors longer than {MAX_VECTOR} elements"
        return Answer({}, {"forward": reason, "vjp": reason}, notes=[reason])
    coords = set(np.unique(np.linspace(0, n - 1, min(n, MAX_COORDS)).astype(int)).tolist())
    fwd, vjp = vector_exact(act, ask.x, ask.upstream, coords)
    notes = [f"oracle: exact VJP at {len(coords)} of {n} elements"] if len(coords) < n else []
    return Answer({"forward": fwd, "vjp": vjp}, notes=notes)


def vector_exact(act, x, upstream, coords):
    """A vector activation's exact outputs (all) and VJP with ``upstream`` at ``coords`` (None elsewhere).

    The VJP is the record's closed form (``exact_vjp``), or mpmath's derivative of g . f(x + t e_k)
    at t = 0; either at precisions doubled until two agree.
    """
    import mpmath

    mp = mpmath.mp
    n = x.size
    xs = [mp.mpf(float(v)) for v in np.asarray(x, dtype=np.float64)]
    m = len(act.exact(mp, xs))
    g = [mp.mpf(float(v)) for v in np.asarray(upstream, dtype=np.float64)[:m]]
    scale = max([1.0] + [abs(float(v)) for v in xs])
    fwd = _converged_all(lambda: act.exact(mp, xs), scale) + [None] * (n - m)
    if act.exact_vjp is not None:  # a closed form of exact inputs: no step, so no digits spent on x's size
        vjp = _converged_all(lambda: act.exact_vjp(mp, xs, g), 1.0)
        return fwd, [vjp[k] if k in coords else None for k in range(n)]

    def along(k):
        def gf(t):
            xt = list(xs)
            xt[k] = xt[k] + t
            return mp.fsum(gi * yi for gi, yi in zip(g, act.exact(mp, xt), strict=True))

        return _converged(lambda: mp.diff(gf, 0), scale)

    return fwd, [along(k) if k in coords else None for k in range(n)]


def vector_hvp(act, x, upstream, u, coords):
    """A vector activation's exact HVP (d(g . J)/dx) u at ``coords`` (None elsewhere), from its closed form."""
    import mpmath

    mp = mpmath.mp
    n = x.size
    xs = [mp.mpf(float(v)) for v in np.asarray(x, dtype=np.float64)]
    m = len(act.exact(mp, xs))
    g = [mp.mpf(float(v)) for v in np.asarray(upstream, dtype=np.float64)[:m]]
    us = [mp.mpf(float(v)) for v in np.asarray(u, dtype=np.float64)]
    hvp = _converged_all(lambda: act.exact_hvp(mp, xs, g, us), 1.0)
    return [hvp[k] if k in coords else None for k in range(n)]


def vector_jvp(act, x, tangent):
    """A vector activation's exact JVP J v (one value per output), from its closed form."""
    import mpmath

    mp = mpmath.mp
    xs = [mp.mpf(float(v)) for v in np.asarray(x, dtype=np.float64)]
    vs = [mp.mpf(float(v)) for v in np.asarray(tangent, dtype=np.float64)]
    return _converged_all(lambda: act.exact_jvp(mp, xs, vs), 1.0)


def _converged_all(compute, scale):
    """A whole vector, at doubling precisions until every element has converged (one evaluation per precision)."""
    import mpmath

    mp = mpmath.mp
    prev, dps = None, 40
    while True:
        with mp.workdps(dps):
            cur = [mp.mpf(v) for v in compute()]
            floor = scale * mp.mpf(10) ** -dps
            tols = [max(abs(v) * mp.mpf(2) ** -70, mp.mpf(2) ** -1100) for v in cur]
            settled = prev is not None and all(
                abs(a - b) <= t and floor <= t for a, b, t in zip(cur, prev, tols, strict=True)
            )
        if settled or dps >= 5000:
            return cur
        prev, dps = cur, dps * 2


def _converged(compute, scale, dps=40):
    """Evaluate at 40, 80, 160... digits until two agree to 2**-70 relative and ``scale``*10**-dps is below that."""
    import mpmath

    mp = mpmath.mp
    prev = None
    while True:
        with mp.workdps(dps):
            cur = mp.mpf(compute())
            tol = max(abs(cur) * mp.mpf(2) ** -70, mp.mpf(2) ** -1100)
            settled = prev is not None and abs(cur - prev) <= tol and scale * mp.mpf(10) ** -dps <= tol
        if settled or dps >= 5000:
            return cur
        prev, dps = cur, dps * 2
