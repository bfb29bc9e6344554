"""Kinks by choice: at a point where an activation's derivative jumps, any valid subgradient is right (``--kink any``).

Torch picks one value at each kink (relu'(0) = 0); code written to another convention
(relu'(0) = 1, the right-hand derivative) is as right mathematically. With ``kink="any"``
a derivative at a kink passes when it lies between the one-sided derivatives there (the
generalised gradient of a continuous function), or equals one of them where the function
itself jumps (hardshrink); a note names the convention it follows. By default torch's
value decides, and a failure only there says ``--kink any`` would accept it.
"""

import numpy as np

__all__ = ["KINK_MODES", "one_sided", "valid", "accept", "suggestion"]

KINK_MODES = ("torch", "any")


def one_sided(act, params, k):
    """(left, right, continuous): the derivative's limits at the kink ``k`` and whether f itself is continuous there."""
    h = 1e-9 * max(1.0, abs(k))
    pts = np.array([k - h, k + h])
    with np.errstate(all="ignore"):
        d = np.asarray(act.derivative(pts, **params), dtype=np.float64)
        f = np.asarray(act.forward(np.array([k - h, k, k + h]), **params), dtype=np.float64)
    continuous = bool(abs(f[0] - f[2]) <= 1e-6 * max(1.0, abs(f[1])))
    return float(d[0]), float(d[1]), continuous


def valid(act, params, k, value, tol=1e-7):
    """Is ``value`` a valid subgradient of ``act`` at the kink ``k``? (and the words for the convention it follows)"""
    left, right, continuous = one_sided(act, params, k)
    if not np.isfinite(value):
        return False, None
    for side, v in (("left-hand", left), ("right-hand", right)):
        if abs(value - v) <= tol * (1 + abs(v)):
            return True, f"the {side} derivative"
    lo, hi = min(left, right), max(left, right)
    if continuous and lo - tol <= value <= hi + tol:
        return True, f"a subgradient between the one-sided derivatives {lo:.6g} and {hi:.6g}"
    return False, None


def accept(act, params, x, d, vjp, u, bad):
    """Clear ``bad`` (the backward's and the VJP's) at kinks where the code's derivative is a valid subgradient;
    return the notes naming each convention followed."""
    notes = []
    for k in np.asarray(act.kinks(**params), dtype=np.float64):
        at = np.flatnonzero(x == k)
        if not at.size or not (bad["backward"][at].any() or bad["vjp"][at].any()):
            continue
        i = at[0]
        ok, words = valid(act, params, k, float(d[i]))
        if not ok or (u[i] != 0 and not valid(act, params, k, float(vjp[i] / u[i]))[0]):
            continue
        bad["backward"][at] = bad["vjp"][at] = False
        torch_value = float(np.asarray(act.derivative(np.array([k]), **params)).ravel()[0])
        notes.append(
            f"at the kink x = {k:g} your f'({k:g}) = {float(d[i]):.6g}, {words} (torch uses {torch_value:.6g}): "
            "accepted with --kink any"
        )
    return notes


def suggestion(act, params, x, d, bad):
    """The words to add when the backward is wrong only at kinks, with valid subgradients there (else None)."""
    wrong = np.flatnonzero(bad["backward"] | bad["vjp"])
    kinks = np.asarray(act.kinks(**params), dtype=np.float64)
    if bad["forward"].any() or not wrong.size or not np.isin(x[wrong], kinks).all():
        return None
    if not all(valid(act, params, float(x[i]), float(d[i]))[0] for i in wrong):
        return None
    return "a valid subgradient at the kink, only not torch's choice: --kink any accepts any valid one"
