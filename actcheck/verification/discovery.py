"""Finding the pairs in a user's namespace: functions paired by name, flag functions, objects, namespaces.

What the user's file (or notebook, or kernel) defines counts — decorated functions too
(``np.vectorize``, ``lru_cache``, a wrapper without ``functools.wraps``); an imported or
assigned forward (``tanh = np.tanh``, ``from scipy.special import expit as sigmoid``) counts
only beside a derivative the file defines. A derivative with no forward, and classes that
cannot be an activation by their signatures alone — a constructor needing arguments without
defaults, a forward taking targets or weights — are listed as skipped with a reason here;
the rest (abstract bases) when they are first called.
"""

import contextlib
import inspect
import io

from .conventions import FlagPair, FunctionPair, many_inputs_reason
from .kernels import is_framework_class
from .naming import activation_for, base_name, derivative_stems, is_flag, pair_functions
from .objects import ObjectPair
from .params import SIZES, constructor_values
from .signatures import needs, required, signature, underlying
from .source import cell_of

__all__ = ["discover", "forward_method", "BACKWARD_METHODS", "FORWARD_METHODS"]

FORWARD_METHODS = (
    "forward",
    "forward_propagate",
    "forward_propagation",
    "forward_prop",
    "fprop",
    "activate",
    "__call__",
    "compute",
    "evaluate",
)
BACKWARD_METHODS = ("backward", "backwards", "backward_propagate", "backward_propagation", "backward_prop", "bprop",
                    "gradient", "derivative", "grad", "prime", "deriv", "derivate")  # fmt: skip


def _own(obj, module_name):
    module = getattr(obj, "__module__", None)
    return isinstance(module, str) and module == module_name  # never the user's __eq__


def _quietly(test, *args):
    """A yes/no about one of the user's values; no when asking raises (a __getattr__ of its own, a property)."""
    try:
        return bool(test(*args))
    except Exception:
        return False


def _cell(fn):
    code = getattr(underlying(fn) if callable(fn) else fn, "__code__", None)
    return cell_of(code.co_filename) if code is not None else None


def _is_function(obj):
    """A function, or a function behind a decorator (np.vectorize, lru_cache, a wrapper)."""
    if inspect.isfunction(obj):
        return True
    return callable(obj) and not inspect.isclass(obj) and inspect.isfunction(underlying(obj))


def _functions_in(space, module_name, in_class=False):
    """name -> function among ``space``'s values (a class's static and class methods unwrapped)."""
    out = {}
    for key, obj in space.items():
        fn = obj.__func__ if isinstance(obj, staticmethod | classmethod) else obj
        if _quietly(_is_function, fn) and (in_class or _own(underlying(fn), module_name)):
            out[key] = obj if in_class else fn
    return out


def _aliases(space, module_name, own):
    """name -> callable for forwards the file imports or assigns rather than defines (tanh = np.tanh)."""
    return {
        k: v for k, v in space.items()
        if isinstance(k, str) and k not in own and not k.startswith("_") and activation_for(k) is not None
        and _quietly(lambda v: callable(v) and not inspect.isclass(v) and not _own(underlying(v), module_name), v)
    }  # fmt: skip


def _function_pairs(funcs, owner=None, prefix="", aliases=None):
    """FunctionPairs and FlagPairs among ``funcs`` (a class namespace when ``owner`` is given), and the names used."""
    aliases = aliases or {}
    every = {**funcs, **aliases}
    pairs, used, names = [], set(), {}
    for fname, gname in pair_functions(list(every)):
        if gname in aliases:
            continue  # a pair of imported names is the library's, not the file's
        base = prefix + base_name(fname)
        name = base if base not in names else f"{base} ({gname})"
        names[name] = True
        f, g = (_unwrap(every[n], owner) for n in (fname, gname))
        bound = owner if _needs_instance(every[fname]) or _needs_instance(every[gname]) else None
        pairs.append(FunctionPair(name, f, g, owner=bound, attrs=(fname, gname)))
        pairs[-1].cells = {"forward": _cell(f), "backward": _cell(g)}
        used |= {fname, gname}
    for key, obj in funcs.items():
        fn = _unwrap(obj, owner)
        sig = signature(fn)
        if key in used or sig is None:
            continue
        flag = next((p.name for p in sig.parameters.values() if is_flag(p.name, p.default)), None)
        if flag:
            pair = FlagPair(prefix + key, fn, flag, owner=owner if _needs_instance(obj) else None, attr=key)
            pair.cells = {"forward": _cell(fn), "backward": _cell(fn)}
            pairs.append(pair)
            used.add(key)
    return pairs, used


def _unpaired(funcs, used):
    """(name, reason) for each function named as a known activation's derivative that has no forward beside it."""
    out = []
    for key in funcs:
        stems = [s for s in derivative_stems(key) if activation_for(s) is not None]
        if key not in used and stems and activation_for(key) is None:
            out.append((key, f"a derivative with no forward: no {stems[0]} is defined beside it"))
    return out


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


def forward_method(cls):
    """The method that is a class's forward (forward, fprop, activate, __call__...), or None."""
    for m in FORWARD_METHODS:
        if m == "__call__" and _defines_call(cls) or m != "__call__" and callable(getattr(cls, m, None)):
            return m
    return None


def _object_pairs(cname, cls, classes):
    """ObjectPairs for a class with a forward and backward-like methods (one each), or a (name, reason) to skip it."""
    fwd = forward_method(cls)
    bwds = [m for m in BACKWARD_METHODS if callable(getattr(cls, m, None))]
    if fwd is None or not bwds:
        return []
    static = isinstance(inspect.getattr_static(cls, fwd), staticmethod)
    names = required(getattr(cls, fwd))
    ctx = static and names[:1] == ["ctx"]  # torch.autograd.Function's shape
    names = names[1:] if ctx or not static else names
    method = getattr(cls, fwd)
    sig = signature(method) if inspect.isfunction(method) else None  # np.tanh as a class attribute takes x
    if not names and sig is not None and not any(p.kind == p.VAR_POSITIONAL for p in sig.parameters.values()):
        return cname, f"abstract: {fwd}(self) takes no input"
    if len(names) > 1 or "loss" in cname.lower() and len(names) != 1:
        return cname, many_inputs_reason(names)
    wanted = needs(cls)
    act = activation_for(cname)
    supplied = constructor_values(act, wanted) if wanted else {}
    if supplied is not None and act is None and any(n.lower() in SIZES for n in supplied):
        supplied = None  # Dense(units) is a layer with weights; Sigmoid(n) an activation that keeps a size
    if supplied is None:
        return cname, f"constructor needs {', '.join(wanted)} (no defaults), which actcheck cannot supply"
    subclassed = any(other is not cls and issubclass(other, cls) for other in classes)
    pairs = []
    for i, bwd in enumerate(bwds):
        pair = ObjectPair(cname if i == 0 else f"{cname}.{bwd}", cls, fwd, bwd, subclassed, ctx, supplied)
        pair.cells = {"forward": _cell(getattr(cls, fwd)), "backward": _cell(getattr(cls, bwd))}
        pairs.append(pair)
    return pairs


def _is_pair(value, module_name):
    """A (forward, derivative) tuple or list: two functions (or a library forward), the derivative the file's own."""
    if type(value) not in (tuple, list) or len(value) != 2:
        return False
    f, g = value
    return _quietly(lambda: _is_function(g) and _own(underlying(g), module_name) and callable(f)
                    and not inspect.isclass(f))  # fmt: skip


def _held_pairs(space, module_name, prefix=""):
    """FunctionPairs for (f, df) held in a tuple (TANH = (f, df)) or a dict of them ({'relu': (f, df)})."""
    pairs = []
    for key, value in list(space.items()):
        if not isinstance(key, str) or key.startswith("__"):
            continue
        if _is_pair(value, module_name):
            pairs.append(_held(f"{prefix}{key}", key, value))
        elif type(value) is dict:
            for k, v in list(value.items()):
                if isinstance(k, str) and _is_pair(v, module_name):
                    pairs.append(_held(f"{prefix}{key}[{k!r}]", k, v))
    return pairs


def _held(name, called, value):
    f, g = value
    pair = FunctionPair(name, f, g)
    pair.called, pair.held = called, True
    pair.cells = {"forward": _cell(f), "backward": _cell(g)}
    return pair


def _may_hold_pairs(cls, namespace):
    """Does the class's own __init__ mention functions (a lambda, a function of the file, one of its methods)?
    Only then is it made during discovery: a constructor that trains a network, or exits, is left alone."""
    init = vars(cls).get("__init__")
    code = getattr(init, "__code__", None) if inspect.isfunction(init) else None
    if code is None:
        return False
    if any(inspect.iscode(c) for c in code.co_consts):
        return True
    return any(_quietly(inspect.isfunction, namespace.get(n)) or inspect.isfunction(vars(cls).get(n))
               for n in code.co_names)  # fmt: skip


def _instance_pairs(cname, cls, module_name, namespace):
    """Pairs an instance holds (self.activations = {'relu': (f, df)}), when actcheck can make one."""
    if not _may_hold_pairs(cls, namespace):
        return []
    wanted = needs(cls)
    values = constructor_values(None, wanted) if wanted else {}
    if values is None:
        return []
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            obj = cls(**values)
        space = dict(vars(obj))
    except BaseException:  # noqa: BLE001 - the constructor is the user's: whatever it raises, there is no instance
        return []
    return _held_pairs(space, module_name, cname + ".")


def discover(namespace, module_name):
    """(pairs, skipped): every candidate pair in ``namespace``, and (name, reason) for what is not one."""
    funcs = _functions_in(namespace, module_name)
    pairs, used = _function_pairs(funcs, aliases=_aliases(namespace, module_name, funcs))
    held = _held_pairs(namespace, module_name)
    skipped = _unpaired(funcs, used)
    classes = [c for c in namespace.values() if _quietly(lambda c: inspect.isclass(c) and _own(c, module_name)
               and not is_framework_class(c), c)]  # fmt: skip
    for cname, cls in namespace.items():
        if not any(cls is c for c in classes):  # identity: the user's values are never compared with ==
            continue
        found = _object_pairs(cname, cls, classes)
        if isinstance(found, tuple):
            skipped.append(found)
            found = []
        pairs.extend(found)
        # methods pairing among themselves (Activations.relu, a network's sigmoid/sigmoid_prime), the object's aside
        taken = {p.fwd for p in found} | {p.bwd for p in found}
        methods = {k: v for k, v in _functions_in(vars(cls), module_name, True).items() if k not in taken}
        for pair in _function_pairs(methods, cls, cname + ".")[0]:
            if activation_for(pair.name.split(".")[-1]) is None:
                pair.called = cname  # Sigmoid's f and df are the sigmoid
            pairs.append(pair)
        pairs += _held_pairs(vars(cls), module_name, cname + ".") + _instance_pairs(cname, cls, module_name, namespace)
    return _once_each(pairs + held), skipped


def _once_each(pairs):
    """Each (forward, derivative) once, under its best name: a public function's name (Activations.relu), then a
    dict's entry (ACTIVATIONS['relu']), then private names (_sig, _dsig)."""

    def rank(p):
        if getattr(p, "held", False):
            return 1
        return 2 if p.name.split(".")[-1].startswith("_") else 0

    best = {}
    for p in pairs:
        if isinstance(p, FunctionPair):
            key = (id(underlying(p.f)), id(underlying(p.g)))
            if key not in best or rank(p) < rank(best[key]):
                best[key] = p
    keep = {id(p) for p in best.values()}
    return [p for p in pairs if not isinstance(p, FunctionPair) or id(p) in keep]
