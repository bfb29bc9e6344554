"""float64 values rounded once to float32, float16 or bfloat16 — correctly, ties included.

The registry's float64 values are within ``BOUND_ULPS`` float64 ULP of the exact value
(``dtypes.numpy_ulps``: 4, 8 for f'') and, within ``ZERO_WINDOW`` of a zero of a derivative
away from x = 0, within ``ZERO_ABS`` absolutely. Rounded to a narrower dtype such a value is
the exact value rounded once unless that bound straddles a rounding boundary of the dtype (a
midpoint between two of its values, or the overflow threshold). Piecewise-linear activations
land there often: rrelu's slope (lower + upper)/2 is not a dyadic number, but x times its
float64 rounding can round onto a float16 midpoint, and nearest-even then picks a side at
random. Where the bound straddles a boundary the oracle (mpmath, exact to 2**-72 relative)
decides.
"""

import numpy as np

from .dtypes import round_to, ulp

__all__ = ["BOUND_ULPS", "ZERO_ABS", "ZERO_WINDOW", "zeros", "doubtful", "tolerance", "correctly_rounded", "ORDER"]


def _claimed():
    """float64 ULP the NumPy side is claimed (and tested) to be within, per quantity: dtypes.numpy_ulps."""
    from .dtypes import get_dtype, numpy_ulps

    f64 = get_dtype("float64")
    out = {q: numpy_ulps(f64, q) for q in ("forward", "backward", "second")}
    return out | {"vjp": out["backward"] + 1}  # g * f' rounds once more


BOUND_ULPS = _claimed()
ZERO_ABS = 8 * 2.0**-52  # near a zero of f' or f'': "within 4 ULP of 1" absolutely, doubled for f''
ZERO_WINDOW = 1.0  # how far from such a zero the absolute bound applies
ORDER = {"forward": 0, "backward": 1, "vjp": 1, "second": 2}
_FORMS = {"forward": "forward", "backward": "derivative", "vjp": "derivative", "second": "second"}
_ZEROS = {}


def _float64_values(act, params, x, quantity):
    with np.errstate(all="ignore"):
        v = np.asarray(getattr(act, _FORMS[quantity])(x, **params), dtype=np.float64)
    return v if v.shape == x.shape else np.broadcast_to(v, x.shape).copy()


def zeros(act, params, quantity):
    """Zeros of the float64 ``quantity`` on [-8, 8] away from x = 0 (where the absolute bound applies); cached."""
    key = (act.name, tuple(sorted(params.items())), _FORMS[quantity])
    if key not in _ZEROS:
        z = np.empty(0)
        if quantity != "forward":
            g = np.linspace(-8.0, 8.0, 16001)
            s = np.sign(_float64_values(act, params, g, quantity))
            i = np.flatnonzero(s[:-1] * s[1:] < 0)
            z = (g[i] + g[i + 1]) / 2
            z = z[np.abs(z) > 1e-3]
        _ZEROS[key] = z
    return _ZEROS[key]


def tolerance(quantity, dtype, x, inv_ulp, zeros_of_q):
    """How far from half an ULP of ``dtype`` the rounding error of a float64 value may be before its rounding
    is in doubt: (n + 1) float64 ULP (+1: the error is itself computed), plus ZERO_ABS near a zero."""
    tol = (BOUND_ULPS[quantity] + 1) * 2.0 ** (int(dtype.finfo().nmant) - 52) + 2.0**-50
    if not zeros_of_q.size:
        return tol
    near = np.abs(x[:, None] - zeros_of_q[None, :]).min(axis=1) <= ZERO_WINDOW
    return np.where(near, tol + ZERO_ABS * inv_ulp, tol)


def doubtful(err, rounded, value, tol):
    """Where a float64 ``value`` whose rounding ``rounded`` is ``err`` ULP off cannot decide the rounding:
    within ``tol`` of a midpoint, or beside the overflow threshold."""
    with np.errstate(invalid="ignore"):
        unsure = np.abs(err - 0.5) <= tol
    if not np.isfinite(rounded.sum() + value.sum()):
        unsure |= ~np.isfinite(rounded) | ~np.isfinite(value)
    return unsure


def correctly_rounded(act, params, x, values, dtype, upstream=None):
    """{quantity: values in ``dtype``}: the float64 ``values`` at float64 ``x`` rounded once, and where
    that is in doubt, the exact value rounded once (the VJP's as ``upstream`` times the exact f')."""
    out = {q: round_to(v, dtype) for q, v in values.items()}
    if dtype.name == "float64" or getattr(act, "kind", "") != "elementwise":
        return out
    need = np.full(x.shape, -1)
    for q, v in values.items():
        r = out[q].astype(np.float64)
        with np.errstate(all="ignore"):
            inv = 1 / ulp(v, dtype)
            err = np.abs(v - r) * inv
            tol = tolerance(q, dtype, x, inv, zeros(act, params, q))
        idx = np.flatnonzero(doubtful(err, r, v, tol) & ~np.isnan(x))
        need[idx] = np.maximum(need[idx], ORDER[q])
    for order in range(3):
        idx = np.flatnonzero(need == order)
        if idx.size:
            _settle(act, params, x, idx, order, out, dtype, upstream)
    return out


_REFINE = (256, 1024, 4096)  # bits asked of the oracle, in turn, while its value lies on a midpoint


def _midpoint(e, dtype, bits):
    """The midpoint of ``dtype`` the mpf ``e``, known to 2**-``bits`` relative, may lie on either side of, or None."""
    import mpmath

    from .ulps import round_once, spacing

    if e is None or not mpmath.isfinite(e) or e == 0:
        return None
    with mpmath.mp.workprec(bits + 64):
        near, u = mpmath.mpf(round_once(e, dtype)), spacing(e, dtype)
        mid = near + mpmath.sign(e - near) * u / 2
        return mid if abs(e - mid) <= abs(e) * mpmath.mpf(2) ** (8 - bits) else None


def decided_exact(act, params, x, order, dtype, upstream=None):
    """The oracle's exact values at float64 ``x`` up to ``order`` ({quantity: [mpf or None]}), each precise
    enough to decide its rounding to ``dtype``; with ``upstream``, the VJP's too.

    At 2**-72 the oracle cannot tell silu(x) = x/2 + x**2/4 from x/2 for a tiny x, a bfloat16 midpoint:
    a value that lies on a midpoint is asked again at 256, 1024 and 4096 bits. One that stays there
    is taken to be the midpoint (the exact values of piecewise-linear activations are dyadic; so is a
    product like softsign'(39) * g = g/1600 for g = 1025 * 2**-19), and rounds to even.
    """
    import mpmath

    from .opinions.oracle import WANTED_BITS, exact_values

    exact = exact_values(act, params, x, order)
    if upstream is not None and "backward" in exact:
        with mpmath.mp.workprec(512):
            g = [mpmath.mpf(float(v)) for v in upstream]
            exact["vjp"] = [None if e is None else e * gi for e, gi in zip(exact["backward"], g, strict=True)]
    for q, values in exact.items():
        bits = WANTED_BITS
        for wanted in (*_REFINE, None):
            again = [i for i, e in enumerate(values) if _midpoint(e, dtype, bits) is not None]
            if not again:
                break
            if (
                wanted is None
            ):  # still on it at 4096 bits: it is the midpoint (g/1600 is 41 * 2**-25 for g = 1025 * 2**-19)
                for i in again:
                    values[i] = _midpoint(values[i], dtype, bits)
                break
            base = "backward" if q == "vjp" else q
            finer = exact_values(act, params, x[again], ORDER[base], wanted)[base]
            for i, e in zip(again, finer, strict=True):
                if e is not None and q == "vjp":
                    with mpmath.mp.workprec(wanted + 128):
                        e = e * mpmath.mpf(float(upstream[i]))
                values[i] = e
            bits = wanted
    return exact


def _settle(act, params, x, idx, order, out, dtype, upstream):
    """Replace ``out`` at ``idx`` by the exact values rounded once (where they exist: not at a kink)."""
    from .ulps import round_once

    g = None if upstream is None or "vjp" not in out else np.asarray(upstream)[idx]
    exact = decided_exact(act, params, x[idx], order, dtype, g)
    for q in out:
        if ORDER[q] > order or q not in exact:
            continue
        for i, e in zip(idx, exact[q], strict=True):
            if e is not None:
                out[q][i] = round_once(e, dtype)
