"""A kernel measured in its dtype: the points, the exact values correctly rounded to the dtype (the atlas's
reference), the built-in's values, and per point the ULP error and the kind of a wrong value."""

from dataclasses import dataclass, field, replace

import numpy as np

from ..errors import InputError

__all__ = ["points", "upstream", "exact_values", "times", "derivative_zeros", "torch_builtin", "jax_builtin",
           "Measured", "measure", "in_dtype", "QUANTITIES", "EXACT"]  # fmt: skip

QUANTITIES = ("forward", "backward", "vjp", "jvp", "second")  # jvp: forward mode, where defined; second: --order 2
EXACT = {"forward": "forward", "backward": "backward", "vjp": "vjp", "jvp": "backward", "second": "second"}
_STEP = 8  # by default every 8th float16/bfloat16 value (--exhaustive: all)
_SAMPLED = {"float32": 1 << 14, "float64": 1 << 9}  # ordinal-even points, beside the grid
_MOST = 1 << 22  # float32 values --exhaustive --range may enumerate
_ZERO_WINDOW = 0.25  # beside a zero of f' (silu' at -1.278) errors are in ULP of 1: the exact value is a cancellation


def points(act, params, dt, s):
    """The dtype's values to check (float64, sorted): the grid, even steps along the ordinals, all with --exhaustive."""
    from ..atlas import points as pts
    from ..grids import default_grid

    lo, hi = s.range_ or (None, None)
    span = pts.range_span(dt, lo, hi)
    if span is None:
        raise InputError(f"no {dt.name} value lies in [{lo:g}, {hi:g})")
    a, b = span
    if s.exhaustive and dt.name in ("float16", "bfloat16", "float32"):
        if dt.name == "float32" and s.range_ is None:
            raise InputError("--exhaustive in float32 needs --range LO HI (a slice: every float32 is 2^32 values)")
        if b - a + 1 > _MOST:
            raise InputError(f"--range holds {b - a + 1:,} float32 values: at most {_MOST:,} at once")
        o = np.arange(a, b + 1, dtype=np.int64)
    elif dt.name in ("float16", "bfloat16"):
        o = np.arange(a, b + 1, _STEP, dtype=np.int64)
    else:
        o = np.unique(np.clip(np.linspace(a, b, _SAMPLED[dt.name]).round().astype(np.int64), a, b))
    x = pts.from_ordinal(o, dt).astype(np.float64)
    extra = np.concatenate([default_grid(act, params, dt), np.linspace(-40.0, 40.0, 321)])
    extra = extra.astype(np.float32).astype(dt.numpy).astype(np.float64) if dt.name == "bfloat16" else extra
    extra = extra.astype(dt.numpy).astype(np.float64)
    if s.range_ is not None:
        extra = extra[(extra >= lo) & (extra < hi)]
    x = np.unique(np.concatenate([x, extra[np.isfinite(extra)]]) + 0.0)
    return x


def upstream(x, dt):
    """A random upstream gradient in the dtype, |u| in [0.5, 2) with random signs (the same for a given x)."""
    rng = np.random.default_rng(23)
    u = rng.uniform(0.5, 2.0, x.size) * rng.choice([-1.0, 1.0], x.size)
    return in_dtype(u, dt)


def in_dtype(v, dt):
    """float64 values rounded once to the dtype (as float64)."""
    from ..dtypes import round_to

    return round_to(np.asarray(v, dtype=np.float64), dt).astype(np.float64)


def exact_values(act, params, x, dt, order=1):
    """{quantity: Exact} for forward, backward (and second) at x (the oracle for float64, the atlas's below)."""
    import warnings

    from ..atlas.reference import LowPrecision, oracle_exact

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        qs = ("forward", "backward", "second")[: order + 1]
        if dt.name == "float64":
            return oracle_exact(act, params, x, qs)
        return LowPrecision(act, params, dt, qs).exact(x)


def times(e, u, dt):
    """The Exact of u * f'(x): the upstream times the exact derivative, rounded once."""
    from ..atlas.measure import inverse_ulp
    from ..atlas.reference import Exact

    with np.errstate(all="ignore"):
        if e.mp is not None:
            import mpmath

            from ..ulps import round_once

            with mpmath.mp.workdps(60):
                mp = [None if v is None else mpmath.mpf(float(w)) * v for v, w in zip(e.mp, u, strict=True)]
            value = np.array([np.nan if v is None else round_once(v, dt) for v in mp])
            return Exact(value, value.copy(), e.defined.copy(), mp, same_as=value.copy())
        value = u * e.value
        rounded = in_dtype(value, dt)
        inv = inverse_ulp(value, dt)
        err = np.abs(value - rounded) * inv
        err[~np.isfinite(rounded)] = 0.0
        same = rounded.astype(np.float32) if dt.name == "float32" else rounded
        return Exact(value, rounded, e.defined.copy(), None, inv, err, same)


def derivative_zeros(act, params, quantity="backward"):
    """Zeros of f' (or f'') on [-8, 8] away from x = 0 (silu' at -1.278, gelu' at -0.752)."""
    from ..atlas.reference import float64_values

    g = np.linspace(-8.0, 8.0, 16001)
    with np.errstate(all="ignore"):
        v = float64_values(act, params, g, quantity)
    i = np.flatnonzero(np.sign(v[:-1]) * np.sign(v[1:]) < 0)
    z = (g[i] + g[i + 1]) / 2
    return z[np.abs(z) > 1e-3]


def torch_builtin(act, params, x, u, dt, order=1):
    """torch's own forward, backward, VJP (and f'') at x (float64 arrays), or {} where torch cannot.

    Evaluated in one array, as the user's kernel is: not probed point by point in arrays of other
    lengths (what ``check`` does at extreme points), which an exhaustive sweep cannot afford.
    """
    import warnings

    import torch

    from ..opinions.tensors import by_parts, to_numpy, to_torch, vjp

    def run(xs, us):
        xt = to_torch(torch, xs, dt).requires_grad_(True)
        y = act.torch(torch, xt, **params)
        g = vjp(torch, y, xt, torch.ones_like(y), create_graph=order >= 2, retain_graph=True)
        out = {"forward": to_numpy(y, dt), "backward": to_numpy(g, dt)}
        out["vjp"] = to_numpy(vjp(torch, y, xt, to_torch(torch, us, dt), retain_graph=True), dt)
        if order >= 2:
            out["second"] = _torch_second(torch, g, xt, dt)
        return out

    xd, ud = x.astype(dt.numpy), u.astype(dt.numpy)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            values = by_parts(run, xd, ud, dt)
        except Exception:
            return {}
    return {q: np.asarray(v).astype(np.float64) for q, v in values.items() if v is not None}


def _torch_second(torch, g, xt, dt):
    """torch's double backward, or None where it has none (hardsigmoid's)."""
    from ..opinions.tensors import to_numpy, vjp

    if not g.requires_grad:  # a piecewise-constant derivative: torch built no graph for it
        return np.zeros(xt.shape, dtype=dt.numpy)
    try:
        g2 = vjp(torch, g, xt, torch.ones_like(g), allow_unused=True)
    except (RuntimeError, NotImplementedError):
        return None
    return to_numpy(g2 if g2 is not None else torch.zeros_like(xt), dt)


def jax_builtin(code, act, params, x, u, dt, facts, notes, order=1):
    """jax.nn's own function at x, computed where the code runs (JAX's values beside JAX code), or {}."""
    reply = code.builtin(act.name, params, dt.name, x, u, order)
    values = reply.get("values", {})
    if "forward" not in values:
        facts["who"] = "torch's"
        note = f"jax.nn has no {act.name}: torch's built-in is beside it"
        if note not in notes:
            notes.append(note)
        return {}
    return {q: np.asarray(values[q], dtype=np.float64) for q in QUANTITIES if q in values}


def _kinds(t, rounded, value, least, holds=None):
    """Per point: 0, or 1 a wrong zero, 2 a non-finite value, 3 a wrong sign (where t is not the rounded exact)."""
    with np.errstate(invalid="ignore"):
        differ = (t != rounded) & ~(np.isnan(t) & np.isnan(rounded))
        r_fin = np.isfinite(rounded)
        nonzero = holds if holds is not None else np.abs(value) >= least
        k = np.zeros(t.size, np.int8)
        k[differ & (np.signbit(t) != np.signbit(rounded)) & (t != 0) & (rounded != 0) & ~np.isnan(t)] = 3
        k[differ & ~np.isfinite(t) & r_fin] = 2
        k[differ & (t == 0) & nonzero & r_fin] = 1
    return k


@dataclass
class Measured:
    """One quantity in one dtype over every point: per-point errors and kinds, and the atlas's tallies."""

    x: list = field(default_factory=list)
    yours: list = field(default_factory=list)
    exact: list = field(default_factory=list)
    err: dict = field(default_factory=dict)  # impl -> [arrays]
    kind: dict = field(default_factory=dict)
    tally: dict = field(default_factory=dict)  # impl -> Tally
    kinks: list = field(default_factory=list)  # (x, yours, torch's) where the exact value does not exist

    def add(self, impl, x, err, kind, t, yours=None, exact=None):
        self.err.setdefault(impl, []).append(err)
        self.kind.setdefault(impl, []).append(kind)
        self.tally[impl] = self.tally[impl].then(t) if impl in self.tally else t
        if yours is not None:
            self.x.append(x)
            self.yours.append(yours)
            self.exact.append(exact)

    def arrays(self):
        cat = np.concatenate
        return (cat(self.x), cat(self.yours), cat(self.exact), {k: cat(v) for k, v in self.err.items()},
                {k: cat(v) for k, v in self.kind.items()})  # fmt: skip


def _near_zeros(x, zeros, scale, dt):
    """Where x is beside a zero of the quantity (away from x = 0): there its ULP are meaningless (the exact value
    is a difference of terms near 1), so the error is measured in ULP of 1 * |upstream| instead."""
    if not zeros.size:
        return np.zeros(x.size, bool), None
    near = (np.abs(x[:, None] - zeros[None, :]) <= _ZERO_WINDOW).any(axis=1)
    return near, float(dt.finfo().eps) * np.abs(scale)


def measure(into, q, x, yours, builtin, e, dt, zeros=None, scale=None):
    """Add one chunk's errors of yours (and torch's) for quantity ``q`` to ``into[q]``."""
    from ..atlas.chunk import least, measured

    keep = np.flatnonzero(e.defined)
    m = into.setdefault(q, Measured())
    if keep.size < x.size:
        at = np.flatnonzero(~e.defined)
        m.kinks += list(zip(x[at], yours[at], builtin[at] if builtin is not None else [None] * at.size, strict=True))
        arrays = {k: (None if v is None else v[keep]) for k, v in vars(e).items() if k not in ("mp", "defined")}
        e = replace(e, **arrays, defined=e.defined[keep], mp=None if e.mp is None else [e.mp[i] for i in keep])
    xs = x[keep]
    near, unit = _near_zeros(xs, zeros if zeros is not None else np.empty(0), scale[keep] if scale is not None
                             else np.ones(xs.size), dt)  # fmt: skip
    impls = {"yours": yours[keep]} | ({"torch": builtin[keep]} if builtin is not None else {})
    comparable = {k: v.astype(np.float32) if dt.name == "float32" else v for k, v in impls.items()}
    segments = (np.zeros(1, np.int64), np.zeros(1, np.int64))
    with np.errstate(all="ignore"):
        meas = measured(e, xs, segments, comparable, dt, 10)
        holds = meas.base.holds
        from ..atlas.measure import tally

        for impl, t in comparable.items():
            err = meas.errors_at(slice(None), t if e.mp is None else t.astype(np.float64))
            both_nan = np.isnan(impls[impl]) & np.isnan(e.rounded)
            err = np.where(both_nan, 0.0, err)
            kind = _kinds(impls[impl], e.rounded, e.value, least(dt), holds)
            if near.any():
                err[near] = np.abs(impls[impl][near] - e.value[near]) / unit[near]
                kind[near & (kind != 2)] = 0
            m.add(impl, xs, err, kind, tally(meas.base, t, meas.errors_at),
                  impls[impl] if impl == "yours" else None, e.rounded if impl == "yours" else None)  # fmt: skip
