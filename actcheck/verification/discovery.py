"""Finding the pairs in a user's namespace: functions paired by name, flag functions, objects, namespaces.

Only what the user's file (or notebook, or kernel) defines counts; imported names do not.
Classes that cannot be an activation by their signatures alone — a constructor needing
arguments without defaults, a forward taking targets or weights — are listed as skipped
with a reason here; the rest (abstract bases) when they are first called.
"""

import inspect

from .conventions import FlagPair, FunctionPair, many_inputs_reason, required
from .naming import base_name, is_flag, pair_functions
from .objects import ObjectPair
from .source import cell_of

__all__ = ["discover", "BACKWARD_METHODS"]

BACKWARD_METHODS = ("backward", "gradient", "derivative", "grad", "prime", "deriv", "derivate")


def _own(obj, module_name):
    return getattr(obj, "__module__", None) == module_name


def _cell(fn):
    code = getattr(inspect.unwrap(fn) if callable(fn) else fn, "__code__", None)
    return cell_of(code.co_filename) if code is not None else None


def _functions_in(space, module_name, in_class=False):
    """name -> function among ``space``'s values (a class's static and class methods unwrapped)."""
    out = {}
    for key, obj in space.items():
        fn = obj.__func__ if isinstance(obj, staticmethod | classmethod) else obj
        if inspect.isfunction(fn) and (in_class or _own(fn, module_name)):
            out[key] = obj if in_class else fn
    return out


def _function_pairs(funcs, owner=None, prefix=""):
    """FunctionPairs and FlagPairs among ``funcs`` (a class namespace when ``owner`` is given)."""
    pairs, used, names = [], set(), {}
    for fname, gname in pair_functions(list(funcs)):
        base = prefix + base_name(fname)
        name = base if base not in names else f"{base} ({gname})"
        names[name] = True
        f, g = (_unwrap(funcs[n], owner) for n in (fname, gname))
        bound = owner if _needs_instance(funcs[fname]) or _needs_instance(funcs[gname]) else None
        pairs.append(FunctionPair(name, f, g, owner=bound, attrs=(fname, gname)))
        pairs[-1].cells = {"forward": _cell(f), "backward": _cell(g)}
        used |= {fname, gname}
    for key, obj in funcs.items():
        fn = _unwrap(obj, owner)
        if key in used:
            continue
        try:
            params = inspect.signature(fn).parameters.values()
        except (TypeError, ValueError):
            continue
        flag = next((p.name for p in params if is_flag(p.name, p.default)), None)
        if flag:
            pair = FlagPair(prefix + key, fn, flag, owner=owner if _needs_instance(obj) else None, attr=key)
            pair.cells = {"forward": _cell(fn), "backward": _cell(fn)}
            pairs.append(pair)
    return pairs


def _unwrap(obj, owner):
    if isinstance(obj, staticmethod):
        return obj.__func__
    if isinstance(obj, classmethod):
        return getattr(owner, obj.__func__.__name__)
    return obj


def _needs_instance(obj):
    return inspect.isfunction(obj)  # a plain function in a class body is an instance method


def _defines_call(cls):
    return any("__call__" in vars(k) for k in cls.__mro__[:-1])


def _object_pair(cname, cls, classes):
    """An ObjectPair for a class with a forward and a backward-like method, or a (name, reason) to skip it."""
    fwd = "forward" if callable(getattr(cls, "forward", None)) else "__call__" if _defines_call(cls) else None
    bwd = next((m for m in BACKWARD_METHODS if callable(getattr(cls, m, None))), None)
    if fwd is None or bwd is None:
        return None
    method = inspect.getattr_static(cls, fwd)
    names = required(getattr(cls, fwd))
    names = names if isinstance(method, staticmethod) else names[1:]
    if len(names) > 1 or "loss" in cname.lower() and len(names) != 1:
        return cname, many_inputs_reason(names)
    needs = required(cls)
    if needs:
        return cname, f"constructor needs {', '.join(needs)} (no defaults)"
    subclassed = any(other is not cls and issubclass(other, cls) for other in classes)
    pair = ObjectPair(cname, cls, fwd, bwd, subclassed)
    pair.cells = {"forward": _cell(getattr(cls, fwd)), "backward": _cell(getattr(cls, bwd))}
    return pair


def discover(namespace, module_name):
    """(pairs, skipped): every candidate pair in ``namespace``, and (name, reason) for what is not one."""
    pairs = _function_pairs(_functions_in(namespace, module_name))
    skipped = []
    classes = [c for c in namespace.values() if inspect.isclass(c) and _own(c, module_name)]
    for cname, cls in namespace.items():
        if cls not in classes:
            continue
        found = _object_pair(cname, cls, classes)
        if isinstance(found, tuple):
            skipped.append(found)
        elif found is not None:
            pairs.append(found)
        else:
            pairs.extend(_function_pairs(_functions_in(vars(cls), module_name, True), cls, cname + "."))
    return pairs, skipped
