"""Which known activation a torch or JAX kernel is: by its name (FusedSiLU, MySwishBf16), else by its values,
with the parameters it hard-codes inferred from them (as for NumPy pairs)."""

import re

import numpy as np

from .naming import activation_for

__all__ = ["match", "unbounded"]

_WORDS = ("fused", "my", "custom", "fast", "naive", "safe", "stable", "manual", "own", "kernel", "impl")
_PRECISIONS = ("bf16", "fp16", "f16", "fp32", "f32", "fp64", "f64", "bfloat16", "float16", "float32", "float64")


def _named(name):
    """The known activation a kernel's name means: SiLUFunction, FusedSiLU, MySwishBf16 -> silu, or None."""
    act = activation_for(name)
    if act is not None:
        return act
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", re.sub(r"\d+$", "", name)).lower().split("_")
    kept = [w for w in words if w and w not in _WORDS and w not in _PRECISIONS]
    for candidate in ("_".join(kept), "".join(kept)):
        act = activation_for(candidate) if candidate else None
        if act is not None:
            return act
    return None


def _near(a, b, dt):
    """Values that agree as one function's, evaluated two ways in ``dt`` (64 epsilons, relative to |b| + 0.01)."""
    return np.abs(a - b) <= 64 * (np.abs(b) + 1e-2) * float(dt.finfo().eps)


def _close(act, params, x, forward, dt):
    """The share of the finite points where ``forward`` agrees with the activation's (float64) value."""
    from ..atlas.reference import float64_values

    with np.errstate(all="ignore"):
        try:
            ref = float64_values(act, params, x, "forward")
        except Exception:
            return 0.0
        ok = np.isfinite(forward) & np.isfinite(ref)
        if not ok.any():
            return 0.0
        return float(np.mean(_near(forward[ok], ref[ok], dt)))


# a parameter's value that means "none": softplus computed without torch's threshold (JAX's, logaddexp)
_UNBOUNDED = {"softplus": {"threshold": float(np.finfo(np.float64).max)}}


def unbounded(act, params, x, forward, dt):
    """``params``, or their unbounded form where the kernel's values fit that better (a softplus without threshold)."""
    alt = {**params, **_UNBOUNDED.get(act.name, {})}
    if alt != params and _close(act, alt, x, forward, dt) > _close(act, params, x, forward, dt):
        return alt
    return params


def match(name, x, forward, dt):
    """(activation, params, how) by name (parameters inferred when the defaults do not fit), else by values."""
    from ..registry import ACTIVATIONS
    from .inference import infer

    act = _named(name)
    if act is not None:
        params = dict(act.params)
        if _close(act, params, x, forward, dt) < 0.98:
            found, _ = infer(act, params, set(), x, forward, lambda a, b: _near(a, b, dt))
            if found is not None:
                return act, found, "name"
        return act, params, "name"
    elementwise = [a for a in ACTIVATIONS.values() if a.kind == "elementwise"]
    for act in elementwise:
        if _close(act, dict(act.params), x, forward, dt) >= 0.99:
            return act, dict(act.params), "values"
    for act in elementwise:  # a hard-coded parameter: leaky_relu with a slope of 0.2
        found, _ = (
            infer(act, dict(act.params), set(), x, forward, lambda a, b: _near(a, b, dt)) if act.params else (None, 0)
        )
        if found is not None:
            return act, found, "values"
    return None, {}, None
