"""Parameters across the two sides: the user's names and torch's, ``--param`` overrides, hard-coded values.

A user's ``leaky_relu(Z, alpha=0.1)`` means torch's ``negative_slope=0.1``; ``--param`` may
use either name and reaches the user's function under its own. A forward that hard-codes
a value (a slope of 0.1 written into the formula) has that value inferred from what it
computes, and is checked against torch with it.
"""

import numpy as np

from ..errors import InputError

__all__ = ["torch_name", "user_kw", "torch_params", "check_known", "infer", "describe_change"]

# a user's parameter name -> torch's, per activation
_ALIASES = {
    "leaky_relu": dict.fromkeys(("alpha", "slope", "a", "leak", "leakiness", "negativeslope"), "negative_slope"),
    "prelu": {"alpha": "weight", "a": "weight", "slope": "weight", "init": "weight"},
    "hardshrink": {"lam": "lambd", "lambda_": "lambd", "threshold": "lambd", "lmbda": "lambd"},
    "softshrink": {"lam": "lambd", "lambda_": "lambd", "threshold": "lambd", "lmbda": "lambd"},
    "hardtanh": {"min": "min_val", "max": "max_val", "lo": "min_val", "hi": "max_val", "low": "min_val",
                 "high": "max_val", "minval": "min_val", "maxval": "max_val"},
    "elu": {"a": "alpha"},
    "celu": {"a": "alpha"},
    "softplus": {"b": "beta"},
}  # fmt: skip
_CHOICES = {"approximate": ("none", "tanh")}  # string parameters a forward may hard-code


def torch_name(act, user_name):
    """Torch's name for a user's parameter of ``act`` (None when torch has no such parameter)."""
    if act is None:
        return None
    if user_name in act.params:
        return user_name
    low = user_name.lower()
    return next((t for t in act.params if t.lower() == low), None) or _ALIASES.get(act.name, {}).get(low)


def user_kw(act, accepts, overrides):
    """The keyword arguments ``--param`` gives the user's code: under the name given, and under the user's own.

    For a known activation only its own parameters are overridden (selu's scale constants are
    not its alpha); for one checked by finite differences, any the code takes.
    """
    if act is None:
        return dict(overrides)
    kw = {}
    for name, value in overrides.items():
        t = torch_name(act, name)
        if t is not None:
            kw[name] = value
            kw.update({a: value for a in accepts if torch_name(act, a) == t})
    return kw


def torch_params(act, declared, overrides):
    """Torch's parameters: its defaults, then what the user's code declares, then ``--param``."""
    if act is None:
        return {}
    params = dict(act.params)
    for source in (declared, overrides):
        for name, value in source.items():
            t = torch_name(act, name)
            if t is not None and not isinstance(act.params[t], str):
                params[t] = float(value)
    return params


def check_known(overrides, pairs, where):
    """Raise InputError for a ``--param`` that no pair takes, under its name or torch's."""
    for name in overrides:
        if any(name in names or torch_name(act, name) for act, names in pairs):
            continue
        taken = sorted({n for act, names in pairs for n in [*names, *(act.params if act else ())]})
        takes = f" (they take {', '.join(taken)})" if taken else " (they take none)"
        raise InputError(f"--param {name}: no pair in {where} takes a parameter {name}{takes}")


def infer(act, params, fixed, x, yours, close):
    """Parameters under which torch's forward matches the user's at every point, or None.

    Only parameters the user's code does not declare (``fixed``) are free: a string
    parameter is tried at each of its values, numeric ones are fitted by Gauss-Newton to
    the forward's values, then rounded to the fewest digits that still match.
    """
    free = [k for k in act.params if not any(torch_name(act, f) == k for f in fixed)]
    strings = [k for k in free if isinstance(act.params[k], str)]
    numeric = [k for k in free if not isinstance(act.params[k], str)]
    tries = [dict(params)] + [dict(params, **{k: c}) for k in strings for c in _CHOICES.get(k, ()) if c != params[k]]
    for base in tries:
        found = _fit(act, base, numeric, x, yours, close) if numeric else base
        if found is not None and found != params and _matches(act, found, x, yours, close):
            return found
    return None


def _forward(act, params, x):
    with np.errstate(all="ignore"):
        try:
            return np.asarray(act.forward(x, **params), dtype=np.float64)
        except Exception:
            return np.full(x.shape, np.nan)


def _matches(act, params, x, yours, close):
    return bool(close(yours, _forward(act, params, x)).all())


def _fit(act, base, names, x, yours, close):
    use = np.isfinite(yours) & (np.abs(x) <= 50)
    if use.sum() < len(names) + 2:
        return None
    xs, ys = x[use], yours[use]
    p = np.array([float(base[k]) for k in names])

    def residual(q):
        return _forward(act, dict(base, **dict(zip(names, q, strict=True))), xs) - ys

    with np.errstate(all="ignore"):
        for _ in range(30):
            r = residual(p)
            h = 1e-6 * np.maximum(np.abs(p), 1.0)
            jac = np.stack(
                [(residual(p + h * e) - residual(p - h * e)) / (2 * h[i]) for i, e in enumerate(np.eye(p.size))], 1
            )
            ok = np.isfinite(r) & np.isfinite(jac).all(axis=1)
            if not ok.any():
                return None
            step = np.linalg.lstsq(jac[ok], -r[ok], rcond=None)[0]
            p = p + step
            if np.all(np.abs(step) <= 1e-13 * np.maximum(np.abs(p), 1.0)):
                break
    for digits in (1, 2, 3, 4, 6, 8, 10, 12, 15):  # the value the user wrote has few digits
        rounded = dict(base, **{k: float(f"{v:.{digits}g}") for k, v in zip(names, p, strict=True)})
        if _matches(act, rounded, x, yours, close):
            return rounded
    return None


def describe_change(act, before, after):
    """'negative_slope = 0.1 (torch's default is 0.01)' for each parameter inference changed."""
    parts = []
    for k, v in after.items():
        if before.get(k) != v:
            parts.append(f"{k} = {v!r} (torch's default is {act.params[k]!r})")
    return ", ".join(parts)
