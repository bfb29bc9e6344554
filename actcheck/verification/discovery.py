"""Finding the activation pairs in a user's module: function pairs, layer classes, static-method namespaces."""

import inspect
from dataclasses import dataclass, field

__all__ = ["Pair", "discover", "required", "reference_name"]

_BACKWARD_SUFFIXES = ("_backward", "_derivative", "_grad", "_prime", "_deriv")


@dataclass
class Pair:
    """A forward/backward pair found in a file, with the calling convention it uses."""

    name: str
    style: str  # "derivative", "upstream", "layer"
    forward: object
    backward: object = None
    layer: type = None
    notes: list = field(default_factory=list)


def _own(obj, module):
    return getattr(obj, "__module__", None) == module.__name__


def required(fn):
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return []
    return [
        p
        for p in params
        if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]


def _pairs_in(namespace, module, owner=None):
    """Function pairs among ``namespace``'s callables: NAME_forward/NAME and NAME_backward (or similar)."""
    funcs = {}
    for key, obj in namespace.items():
        fn = obj.__func__ if isinstance(obj, staticmethod) else obj
        if inspect.isfunction(fn) and (owner is not None or _own(fn, module)):
            funcs[key] = fn
    pairs = []
    for key, bwd in funcs.items():
        suffix = next((s for s in _BACKWARD_SUFFIXES if key.endswith(s)), None)
        if suffix is not None:
            base = key[: -len(suffix)]
        elif key.startswith("d_") and key[2:] in funcs:  # d_relu beside relu
            base = key[2:]
        else:
            continue
        fwd = funcs.get(base + "_forward") or funcs.get(base)
        if fwd is None:
            continue
        style = "derivative" if len(required(bwd)) == 1 else "upstream"
        name = f"{owner}.{base}" if owner else base
        pairs.append(Pair(name, style, fwd, bwd))
    return pairs


def discover(module):
    """Every activation pair in ``module``: function pairs, layer classes, and namespaces of static methods."""
    pairs = _pairs_in(vars(module), module)
    for cname, cls in vars(module).items():
        if not inspect.isclass(cls) or not _own(cls, module):
            continue
        if callable(getattr(cls, "forward", None)) and callable(getattr(cls, "backward", None)):
            try:
                cls()
            except Exception:
                continue  # needs arguments: not a layer we can build
            pairs.append(Pair(cname, "layer", None, layer=cls))
        else:
            pairs.extend(_pairs_in(vars(cls), module, owner=cname))
    return pairs


def reference_name(name):
    """The known activation a user's name means (ReLULayer, Activations.relu, leaky-relu...), or None."""
    from ..registry import lookup

    base = name.split(".")[-1]
    for cut in ("layer", "activation", "function", "func", "fn"):
        low = base.lower().rstrip("_")
        if low.endswith(cut) and len(low) > len(cut):
            base = base[: len(low) - len(cut)]
    act = lookup(base.rstrip("_"))
    return act
