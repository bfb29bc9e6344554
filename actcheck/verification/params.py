"""Parameters across the two sides: the user's names and torch's, ``--param`` overrides, hard-coded values.

A user's ``leaky_relu(Z, alpha=0.1)`` means torch's ``negative_slope=0.1``; ``--param`` may
use either name and reaches the user's function under its own. A parameter the code
declares is also tried at a second value (a derivative that ignores its own alpha fails
there). Values a forward hard-codes are inferred in ``inference``.
"""

import math
import re

from ..errors import InputError

__all__ = ["torch_name", "user_kw", "torch_params", "check_known", "lacking", "second_values", "neutral", "DOMAINS"]
__all__ += ["constructor_values", "SIZES"]

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
# where each parameter means what it says (open intervals): a slope of 0 or 1 is relu or the identity, an alpha
# of 0 a relu, a negative one another function
DOMAINS = {
    "leaky_relu": {"negative_slope": (0, 1)},
    "prelu": {"weight": (0, 1)},
    "rrelu": {"lower": (0, 1), "upper": (0, 1)},
    "elu": {"alpha": (1e-3, 1e3)},
    "celu": {"alpha": (1e-3, 1e3)},
    "softplus": {"beta": (1e-3, 1e3), "threshold": (1, 1e3)},
    "hardshrink": {"lambd": (1e-3, 1e3)},
    "softshrink": {"lambd": (1e-3, 1e3)},
    "hardtanh": {"min_val": (-1e3, 1e3), "max_val": (-1e3, 1e3)},
    "threshold": {"threshold": (-1e3, 1e3), "value": (-1e3, 1e3)},
}
# numerical guards and array layout, not a different activation: never a reason to leave torch
_COUNT = re.compile(r"^(n|num|number)(_|$)|(^|_)(size|count|features|channels|order|seed|parameters)$")
_NOT_A_PARAMETER = ("eps", "epsilon", "tol", "clip", "axis", "dim", "keepdims", "max_value", "min_value", "limit")


# where a parameter torch's activation lacks makes the function that activation: a leak of 0 is a plain relu, a
# temperature of 1 a plain softmax, a threshold of 0 no threshold, a swish's beta (a sigmoid's slope) of 1 torch's
_LEAKS = ("leak", "leakiness", "negative_slope", "negativeslope", "slope", "alpha")
_NEUTRAL = {
    **dict.fromkeys(("temperature", "temp", "tau", "beta", "scale"), 1.0),
    **dict.fromkeys(("threshold", "thresh", "shift", "offset"), 0.0),
}
_RECTIFIERS = ("relu", "relu6")  # where a slope or alpha is a leak; elsewhere (a sigmoid's slope) it is a gain
_GAINS = ("slope", "gain", "k")
# SELU's constants as arguments: torch's are its own
_NEUTRAL_FOR = {
    "selu": {"alpha": 1.6732632423543772848170429916717, "scale": 1.0507009873554804934193349852946,
             "lambda_": 1.0507009873554804934193349852946, "lambd": 1.0507009873554804934193349852946,
             "lamb": 1.0507009873554804934193349852946, "lam": 1.0507009873554804934193349852946},
}  # fmt: skip


# a constructor's required arguments actcheck can supply: the activation's own parameters (torch's default where
# torch has it, else these) and sizes (a layer's width: 1 broadcasts over any batch)
_SUPPLIED = {
    **dict.fromkeys(("alpha", "negative_slope", "slope", "leak", "a"), 0.1),
    "beta": 1.0, "threshold": 0.0, "lambd": 0.5, "lambda_": 0.5, "lam": 0.5, "min_val": -1.0, "max_val": 1.0,
    "approximate": "none",
}  # fmt: skip
SIZES = ("neurons", "n", "units", "n_units", "n_neurons", "num_neurons", "num_units", "size", "width", "n_nodes",
         "num_parameters")  # fmt: skip


def constructor_values(act, names):
    """{name: value} for a constructor's required parameters, or None when one is neither a parameter actcheck
    knows nor a size."""
    out = {}
    for name in names:
        t = torch_name(act, name)
        if t is not None:
            out[name] = act.params[t]
        elif name.lower() in _SUPPLIED:
            out[name] = _SUPPLIED[name.lower()]
        elif name.lower() in SIZES:
            out[name] = 1
        else:
            return None
    return out


def neutral(act, name):
    """The value of a parameter torch's ``act`` lacks at which the function is that activation (None if unknown)."""
    low, act_name = name.lower(), getattr(act, "name", None)
    if low in _NEUTRAL_FOR.get(act_name, {}):
        return _NEUTRAL_FOR[act_name][low]
    if low in _LEAKS and act_name in _RECTIFIERS:
        return 0.0
    if low in _GAINS and act_name not in _RECTIFIERS:
        return 1.0
    return _NEUTRAL.get(low)


def torch_name(act, user_name):
    """Torch's name for a user's parameter of ``act`` (None when torch has no such parameter)."""
    if act is None:
        return None
    if user_name in act.params:
        return user_name
    low = user_name.lower()
    return next((t for t in act.params if t.lower() == low), None) or _ALIASES.get(act.name, {}).get(low)


def user_kw(act, accepts, overrides):
    """The keyword arguments ``--param`` gives the user's code: under the name given, and under the user's own
    name for the same torch parameter (``--param negative_slope=0.2`` reaches an ``alpha``)."""
    if act is None:
        return dict(overrides)
    kw = {}
    for name, value in overrides.items():
        t = torch_name(act, name)
        if t is not None or name in accepts:
            kw[name] = value
        if t is not None:
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
            if t is not None and isinstance(act.params[t], str):
                params[t] = value if isinstance(value, str) else params[t]  # gelu's approximate, given as text
            elif t is not None:
                params[t] = float(value)
    return params


def check_known(overrides, pairs, where, flag="--param "):
    """Raise InputError for a ``--param`` (a keyword of check_pair's: ``flag`` "parameter ") that no pair takes,
    under its name or torch's."""
    for name in overrides:
        if any(name in names or torch_name(act, name) for act, names in pairs):
            continue
        taken = sorted({n for act, names in pairs for n in [*names, *(act.params if act else ())]})
        takes = f" (they take {', '.join(taken)})" if taken else " (they take none)"
        raise InputError(f"{flag}{name}: no pair in {where} takes a parameter {name}{takes}")


def lacking(act, names):
    """The parameters among ``names`` (what the code declares) that torch's ``act`` has no counterpart for."""
    return sorted(n for n in names if torch_name(act, n) is None and n.lower() not in _NOT_A_PARAMETER)


def second_values(act, declared, names, fixed):
    """{user name: value}: a second value for each parameter in ``names`` the code declares (not one ``--param``
    fixed), inside what the parameter means; empty when there is none to try."""
    out = {}
    for name in sorted(names):
        v = declared.get(name)
        if name in fixed or v is None or not math.isfinite(v) or name.lower() in _NOT_A_PARAMETER:
            continue
        t = torch_name(act, name)
        lo, hi = DOMAINS.get(getattr(act, "name", None), {}).get(t, (-math.inf, math.inf))
        if isinstance(v, int):  # an int default: a power stays whole at v + 1; a count (n, num_parameters) is left
            if (t is None and _COUNT.search(name.lower())) or not lo < v + 1 < hi:
                continue
            out[name] = v + 1
            continue
        other = v * 1.5 if v != 0 else 0.5
        if not lo < other < hi:
            other = (v + lo) / 2 if math.isfinite(lo) else v / 2
        if lo < other < hi and other != v:
            out[name] = float(f"{other:.4g}")
    return out
