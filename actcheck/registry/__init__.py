"""The registry: every activation, by family, with lookup by name and parameter checking.

Each family module keeps its activations' NumPy forward, derivatives, torch reference and
exact form beside the record that names them:

- ``rectifiers``: relu, relu6, leaky_relu, rrelu, prelu, threshold
- ``exponential``: elu, selu, celu
- ``sigmoids``: sigmoid, tanh, logsigmoid, softplus, softsign, silu, mish
- ``gelu``: gelu (exact and tanh)
- ``shrinks``: hardshrink, softshrink, tanhshrink
- ``hard``: hardtanh, hardsigmoid, hardswish
- ``vectors``: softmax, log_softmax, softmin, glu
"""

import numpy as np

from . import exponential, gelu, hard, rectifiers, shrinks, sigmoids, vectors
from .record import Activation, ParamError, VectorActivation

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "VectorActivation",
    "ParamError",
    "lookup",
    "suggest",
    "resolve_params",
]

_FAMILIES = (rectifiers, exponential, sigmoids, gelu, shrinks, hard, vectors)
ACTIVATIONS = {a.name: a for family in _FAMILIES for a in family.ENTRIES}


def _key(name):
    return name.lower().replace("-", "").replace("_", "")


_BY_KEY = {_key(a.name): a for a in ACTIVATIONS.values()} | {
    _key(al): a for a in ACTIVATIONS.values() for al in a.aliases
}


def lookup(name):
    """Return the activation called ``name`` (any case, dashes or underscores, or an alias), or None."""
    return _BY_KEY.get(_key(name))


def suggest(name):
    """Return the closest known activation name, or None."""
    import difflib

    close = difflib.get_close_matches(_key(name), list(_BY_KEY), n=1, cutoff=0.6)
    return _BY_KEY[close[0]].name if close else None


def resolve_params(act, given):
    """Merge ``given`` over the defaults, coerce types, validate; raise ParamError on a bad one."""
    unknown = set(given) - set(act.params)
    if unknown:
        names = ", ".join(sorted(unknown))
        takes = ", ".join(act.params) or "no parameters"
        raise ParamError(f"{act.name} has no parameter {names} (it takes {takes})")
    params = dict(act.params)
    for k, v in given.items():
        default = act.params[k]
        if not isinstance(default, str) and isinstance(v, str | bytes | bool | np.bool_):
            raise ParamError(f"{k} must be a number, got {v!r}")  # as rtol: float('1e-3') and True are not asked
        try:
            params[k] = v if isinstance(default, str) else float(v)
        except (TypeError, ValueError):
            raise ParamError(f"{k} must be a number, got {v!r}") from None
        if isinstance(params[k], float) and not np.isfinite(params[k]):
            raise ParamError(f"{k} must be finite, got {v!r}")
    act.validate(**params)
    return params
