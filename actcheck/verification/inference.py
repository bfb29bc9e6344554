"""Parameters a forward hard-codes, inferred from what it computes: a slope of 0.1 written into the formula.

Only values that mean what the parameter means are inferred (``params.DOMAINS``: a leaky
slope in (0, 1), an alpha above 0), with few digits, changing as few parameters as
possible: a sign slip or a forgotten slope is a failure, not another parameter.
"""

import itertools

import numpy as np

from .params import DOMAINS, torch_name

__all__ = ["infer", "describe_change"]

_CHOICES = {"approximate": ("none", "tanh")}  # string parameters a forward may hard-code
_DIGITS = (1, 2, 3, 4)  # the value the user wrote is short


def infer(act, params, fixed, x, yours, close):
    """(parameters under which torch's forward matches the user's at every point, or None; and a sentence
    when the only ones that would are not what the parameter means, or None).

    Only parameters the user's code does not declare (``fixed``) are free: a string
    parameter is tried at each of its values, numeric ones are fitted by Gauss-Newton to
    the forward's values, fewest first, then rounded to the fewest digits that still match.
    """
    free = [k for k in act.params if not any(torch_name(act, f) == k for f in fixed)]
    strings = [k for k in free if isinstance(act.params[k], str)]
    numeric = [k for k in free if not isinstance(act.params[k], str)]
    tries = [dict(params)] + [dict(params, **{k: c}) for k in strings for c in _CHOICES.get(k, ()) if c != params[k]]
    rejected = None
    for base in tries:
        for n in range(0 if base != params else 1, len(numeric) + 1):
            for names in itertools.combinations(numeric, n):
                found = _fit(act, base, list(names), x, yours, close) if names else base
                if found is None or found == params or not _matches(act, found, x, yours, close):
                    continue
                why = _not_meaningful(act, params, found)
                if why is None:
                    return found, None
                rejected = rejected or why
    return None, rejected


def _not_meaningful(act, before, params):
    """Why inferred ``params`` are not a choice of the parameter but another function (None when they are one)."""
    for k, (lo, hi) in DOMAINS.get(act.name, {}).items():
        if k in params and params[k] != before.get(k) and not lo < params[k] < hi:
            return (
                f"forward matches torch's {act.name} only with {k} = {params[k]!r}, which is not what {k} means "
                f"({lo:g} < {k} < {hi:g}): a slip in the formula, not another {k}"
            )
    if act.name == "hardtanh" and not params["min_val"] < params["max_val"]:
        return "forward matches torch's hardtanh only with min_val >= max_val: a slip in the formula"
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
    for digits in _DIGITS:
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
