"""Vector activations (softmax, log_softmax, softmin, glu): Jacobians, not derivatives.

Each record holds the NumPy forward, its vector-Jacobian product (the backward), its
Jacobian-vector product (what forward mode computes), rows of the Jacobian, the
Hessian-vector product ``hvp(x, g, u)`` = d(g . J(x))/dx contracted with u (what torch's
double backward computes), the torch reference and the exact form, side by side.
"""

import numpy as np

from ..errors import InputError
from .numerics import sigmoid, sigmoid_d, sigmoid_d2
from .record import VectorActivation

__all__ = ["ENTRIES", "DEFAULT_VECTOR"]

# moderate values where the Jacobian is rich, a tail pair, and the tiny ones (even length for glu)
DEFAULT_VECTOR = (-5.0, -3.0, -1.0, -0.5, -1e-300, 0.0, 1e-300, 0.5, 1.0, 2.0, 3.0, 4.0, -20.0, 20.0, 0.25, -0.25)


_SAVED = "torch computes the backward from its saved, rounded output"


def _diagonal(rows, cols):
    """(i, j) positions of J[rows][:, cols] that lie on J's diagonal."""
    rows, cols = np.asarray(rows), np.asarray(cols)
    i, j = np.nonzero(rows[:, None] == cols[None, :])
    return i, j


# ---------------------------------------------------------------- softmax and softmin


def _softmax(x, sign=1):
    """softmax(sign * x), in place on one temporary: a million elements should cost one array.

    With an element at +inf (softmin: -inf) the limit: all the weight on it; with several, the
    others still get 0 but how the infinite ones share it has no limit (nan).
    """
    top = np.max(x) if sign > 0 else np.min(x)
    if np.isinf(top) and (top > 0) == (sign > 0):
        return _winners(x == top, 1.0, 0.0)
    e = x - top if sign > 0 else top - x  # max-shift: exp never overflows
    np.exp(e, out=e)
    e /= np.sum(e)
    return e


def _winners(at, one, rest):
    """The limit where the elements ``at`` go to infinity: ``one`` there if it is a single one (nan if several),
    ``rest`` elsewhere."""
    return np.where(at, one if np.count_nonzero(at) == 1 else np.nan, rest)


def _sm_vjp(x, g, sign=1):
    """softmax(sign * x)'s VJP with g, times sign (so sign=-1 gives softmin's)."""
    s = _softmax(x, sign)
    dot = np.dot(s, g)
    none = s == 0 if np.isnan(dot) else None  # several infinite winners: the others' gradient is still 0
    s *= g - dot
    if none is not None:
        s[none] = 0.0
    return s if sign > 0 else np.negative(s, out=s)


def _sm_jvp(x, v, sign=1):
    return _sm_vjp(x, v, sign)  # the softmax Jacobian is symmetric


def _sm_rows(x, rows, cols, sign=1):
    s = _softmax(x, sign)
    out = -np.outer(s[rows], s[cols])
    i, j = _diagonal(rows, cols)
    out[i, j] += s[np.asarray(rows)[i]]
    return out if sign > 0 else -out


def _sm_hvp(x, g, u):
    s = _softmax(x)
    h = s * (g - np.dot(s, g))
    return u * h - s * np.dot(u, h) - h * np.dot(u, s)


def _mp_softmax(mp, xs):
    m = max(xs)
    if mp.isinf(m) and m > 0:  # the limit, as in NumPy's: see _softmax
        return _mp_winners(mp, xs, m, 1, 0)
    e = [mp.exp(v - m) for v in xs]
    total = mp.fsum(e)
    return [v / total for v in e]


def _mp_winners(mp, xs, top, one, rest):
    at = [v == top for v in xs]
    one = mp.mpf(one) if sum(at) == 1 else mp.nan
    return [one if a else mp.mpf(rest) for a in at]


def _mp_sm_vjp(mp, xs, g, sign):
    """g . J of softmax(sign * x): sign * s * (g - g . s)."""
    s = _mp_softmax(mp, [sign * v for v in xs])
    if all(gi == g[0] for gi in g) and all(mp.isfinite(si) for si in s):  # sum(s) = 1: g - g . s is exactly 0
        return [mp.mpf(0)] * len(s)
    dot = mp.fsum(gi * si for gi, si in zip(g, s, strict=True))
    return [sign * si * (gi - dot) if si != 0 else mp.mpf(0) for gi, si in zip(g, s, strict=True)]


def _mp_sm_hvp(mp, xs, g, u, sign):
    """(d(g . J)/dx) u of softmax(sign * x): sign**2 = 1, so softmax's own at sign * x."""
    s = _mp_softmax(mp, [sign * v for v in xs])
    sg = mp.fsum(gi * si for gi, si in zip(g, s, strict=True))
    h = [si * (gi - sg) for gi, si in zip(g, s, strict=True)]
    uh = mp.fsum(ui * hi for ui, hi in zip(u, h, strict=True))
    us = mp.fsum(ui * si for ui, si in zip(u, s, strict=True))
    return [mp.fsum((ui * hi, -si * uh, -hi * us)) for ui, hi, si in zip(u, h, s, strict=True)]


SOFTMAX = VectorActivation(
    name="softmax",
    formula="exp(x_i) / sum_j exp(x_j)",
    forward=_softmax,
    vjp=_sm_vjp,
    jvp=_sm_jvp,
    jac_rows=_sm_rows,
    hvp=_sm_hvp,
    torch=lambda T, x: T.softmax(x, dim=-1),
    exact=_mp_softmax,
    exact_vjp=lambda mp, xs, g: _mp_sm_vjp(mp, xs, g, 1),
    exact_hvp=lambda mp, xs, g, u: _mp_sm_hvp(mp, xs, g, u, 1),
    exact_jvp=lambda mp, xs, v: _mp_sm_vjp(mp, xs, v, 1),  # the Jacobian is symmetric
    stepwise=_SAVED,
)

SOFTMIN = VectorActivation(
    name="softmin",
    formula="softmax(-x)",
    forward=lambda x: _softmax(x, -1),
    vjp=lambda x, g: _sm_vjp(x, g, -1),
    jvp=lambda x, v: _sm_jvp(x, v, -1),
    jac_rows=lambda x, rows, cols: _sm_rows(x, rows, cols, -1),
    hvp=lambda x, g, u: _sm_hvp(-x, g, u),  # d/dx[-H(-x)] = H'(-x)
    torch=lambda T, x: T.nn.functional.softmin(x, dim=-1),
    exact=lambda mp, xs: _mp_softmax(mp, [-v for v in xs]),
    exact_vjp=lambda mp, xs, g: _mp_sm_vjp(mp, xs, g, -1),
    exact_hvp=lambda mp, xs, g, u: _mp_sm_hvp(mp, xs, g, u, -1),
    exact_jvp=lambda mp, xs, v: _mp_sm_vjp(mp, xs, v, -1),
    stepwise=_SAVED,
)


# ---------------------------------------------------------------- log_softmax


def _log_softmax(x):
    top = np.max(x)
    if np.isposinf(top):  # the limit: 0 at a single infinite element (nan at several), -inf elsewhere
        return _winners(x == top, 0.0, -np.inf)
    z = x - top
    return z - np.log(np.sum(np.exp(z)))  # logsumexp


def _lsm_vjp(x, g):
    return g - _softmax(x) * np.sum(g)


def _lsm_jvp(x, v):
    return v - np.dot(_softmax(x), v)


def _lsm_rows(x, rows, cols):
    s = _softmax(x)
    out = -np.tile(s[cols], (len(rows), 1))
    i, j = _diagonal(rows, cols)
    out[i, j] += 1
    return out


def _lsm_hvp(x, g, u):
    s = _softmax(x)
    return -np.sum(g) * s * (u - np.dot(u, s))


def _mp_log_softmax(mp, xs):
    m = max(xs)
    if mp.isinf(m) and m > 0:
        return _mp_winners(mp, xs, m, 0, -mp.inf)
    lse = m + mp.log(mp.fsum(mp.exp(v - m) for v in xs))
    return [v - lse for v in xs]


def _mp_lsm_vjp(mp, xs, g):
    """g . J of log_softmax: g - s * sum(g)."""
    s = _mp_softmax(mp, xs)
    total = mp.fsum(g)
    return [gi - si * total for gi, si in zip(g, s, strict=True)]


def _mp_lsm_jvp(mp, xs, v):
    """J v of log_softmax: v - v . s."""
    s = _mp_softmax(mp, xs)
    vs = mp.fsum(vi * si for vi, si in zip(v, s, strict=True))
    return [vi - vs for vi in v]


def _mp_lsm_hvp(mp, xs, g, u):
    """(d(g . J)/dx) u of log_softmax: -sum(g) * s * (u - u . s)."""
    s = _mp_softmax(mp, xs)
    total, us = mp.fsum(g), mp.fsum(ui * si for ui, si in zip(u, s, strict=True))
    return [-total * si * (ui - us) for ui, si in zip(u, s, strict=True)]


LOG_SOFTMAX = VectorActivation(
    name="log_softmax",
    formula="x_i - log(sum_j exp(x_j))",
    forward=_log_softmax,
    vjp=_lsm_vjp,
    jvp=_lsm_jvp,
    jac_rows=_lsm_rows,
    hvp=_lsm_hvp,
    torch=lambda T, x: T.log_softmax(x, dim=-1),
    exact=_mp_log_softmax,
    exact_vjp=lambda mp, xs, g: _mp_lsm_vjp(mp, xs, g),
    exact_hvp=lambda mp, xs, g, u: _mp_lsm_hvp(mp, xs, g, u),
    exact_jvp=lambda mp, xs, v: _mp_lsm_jvp(mp, xs, v),
    aliases=("logsoftmax",),
    stepwise=_SAVED,
)


# ---------------------------------------------------------------- glu


def _halves(x):
    n = x.shape[-1] // 2
    return x[:n], x[n:]


def _glu(x):
    a, b = _halves(x)
    return a * sigmoid(b)


def _glu_vjp(x, g):
    a, b = _halves(x)
    # a * sigmoid'(b) first: it is at most a/4, and exactly 0 where sigmoid'(b) is (g * a alone may overflow)
    return np.concatenate([g * sigmoid(b), g * (a * sigmoid_d(b))])


def _glu_jvp(x, v):
    a, b = _halves(x)
    va, vb = _halves(v)
    return sigmoid(b) * va + a * sigmoid_d(b) * vb


def _glu_rows(x, rows, cols):
    a, b = _halves(x)
    rows = np.asarray(rows)
    out = np.zeros((len(rows), len(cols)), dtype=x.dtype)
    i, j = _diagonal(rows, cols)  # d y_r / d a_r
    out[i, j] = sigmoid(b[rows[i]])
    i, j = _diagonal(rows + a.size, cols)  # d y_r / d b_r
    out[i, j] = a[rows[i]] * sigmoid_d(b[rows[i]])
    return out


def _glu_hvp(x, g, u):
    a, b = _halves(x)
    ua, ub = _halves(u)
    # the bounded factors first, as in the VJP: a product of two huge ones must not make inf * 0
    gd = g * sigmoid_d(b)
    return np.concatenate([ub * gd, ua * gd + g * (ub * (a * sigmoid_d2(b)))])


def _glu_depends(n, rows, cols):
    rows, cols = np.asarray(rows)[:, None], np.asarray(cols)[None, :]
    return (cols == rows) | (cols == rows + n // 2)


def _check_glu(x):
    if x.shape[-1] % 2:
        raise InputError(f"glu halves its input: it needs an even number of values, got {x.shape[-1]}")


def _mp_glu_vjp(mp, xs, g):
    """g . J of glu: g * sigmoid(b) for a, g * a * sigmoid'(b) for b."""
    from .exact import sigmoid as mp_sigmoid
    from .exact import sigmoid_d as mp_sigmoid_d

    n = len(xs) // 2
    a, b = xs[:n], xs[n:]
    return [gi * mp_sigmoid(mp, bi) for gi, bi in zip(g, b, strict=True)] + [
        gi * ai * mp_sigmoid_d(mp, bi) for gi, ai, bi in zip(g, a, b, strict=True)
    ]


def _mp_glu_hvp(mp, xs, g, u):
    """(d(g . J)/dx) u of glu: g s'(b) u_b for a; g (s'(b) u_a + a s''(b) u_b) for b."""
    from .exact import sigmoid_d as mp_sigmoid_d
    from .exact import sigmoid_d2 as mp_sigmoid_d2

    n = len(xs) // 2
    a, b, ua, ub = xs[:n], xs[n:], u[:n], u[n:]
    d1 = [mp_sigmoid_d(mp, bi) for bi in b]
    d2 = [mp_sigmoid_d2(mp, bi) for bi in b]
    return [gi * di * ubi for gi, di, ubi in zip(g, d1, ub, strict=True)] + [
        gi * (di * uai + ai * d2i * ubi) for gi, di, uai, ai, d2i, ubi in zip(g, d1, ua, a, d2, ub, strict=True)
    ]


def _mp_glu_jvp(mp, xs, v):
    """J v of glu: s(b) v_a + a s'(b) v_b."""
    from .exact import sigmoid as mp_sigmoid
    from .exact import sigmoid_d as mp_sigmoid_d

    n = len(xs) // 2
    a, b, va, vb = xs[:n], xs[n:], v[:n], v[n:]
    return [
        mp.fsum((mp_sigmoid(mp, bi) * vai, ai * mp_sigmoid_d(mp, bi) * vbi))
        for ai, bi, vai, vbi in zip(a, b, va, vb, strict=True)
    ]


def _mp_glu(mp, xs):
    n = len(xs) // 2
    return [a / (1 + mp.exp(-b)) for a, b in zip(xs[:n], xs[n:], strict=True)]


GLU = VectorActivation(
    name="glu",
    formula="a * sigmoid(b), where x = [a, b] (halves of the last dimension)",
    forward=_glu,
    vjp=_glu_vjp,
    jvp=_glu_jvp,
    jac_rows=_glu_rows,
    depends=_glu_depends,
    hvp=_glu_hvp,
    torch=lambda T, x: T.nn.functional.glu(x, dim=-1),
    exact=_mp_glu,
    exact_vjp=lambda mp, xs, g: _mp_glu_vjp(mp, xs, g),
    exact_hvp=_mp_glu_hvp,
    exact_jvp=_mp_glu_jvp,
    validate_input=_check_glu,
    stepwise="torch's backward rounds sigmoid(b) and its derivative to the dtype before multiplying",
)

ENTRIES = (SOFTMAX, LOG_SOFTMAX, SOFTMIN, GLU)
