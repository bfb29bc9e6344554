"""The user's torch code, found and called in the dtype it runs in: autograd Functions, Modules, torch functions.

This runs where the user's code runs (the child process). torch is never imported here:
only a file that imported it has torch kernels, found through ``sys.modules``. A kernel is
called on a tensor of the dtype asked for; what leaves is float64 arrays of its values
(exact: every value of the low-precision dtypes is a float64) and one-line messages.
"""

import inspect
import sys

import numpy as np

from .naming import activation_for
from .text import one_line

__all__ = ["Kernel", "find_kernels", "is_framework_class", "KINDS"]

KINDS = {
    "function": "torch.autograd.Function",
    "module": "torch.nn.Module",
    "composite": "torch function",
}


def _torch():
    return sys.modules.get("torch")


def is_framework_class(cls):
    """A class of torch's making (an autograd.Function, an nn.Module): judged as a kernel, not a NumPy pair."""
    torch = _torch()
    if torch is None:
        return False
    try:
        return issubclass(cls, torch.autograd.Function | torch.nn.Module)
    except Exception:
        return False


def _own(obj, module_name):
    module = getattr(obj, "__module__", None)
    return isinstance(module, str) and module == module_name


def _uses_torch(fn, namespace):
    """A function of the file whose code names torch (or one of its modules, ``F``)."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return False
    for name in code.co_names:
        value = namespace.get(name)
        if inspect.ismodule(value) and value.__name__.split(".")[0] == "torch":
            return True
        if inspect.isclass(value) and is_framework_class(value):  # a wrapper of the file's Function: elu(x, alpha)
            return True
    return False


def _overrides(cls, base, name):
    return any(name in vars(k) for k in cls.__mro__ if k is not base and issubclass(k, base))


def find_kernels(namespace, module_name):
    """[Kernel] for the torch code ``namespace`` defines (nothing when torch was not imported)."""
    torch = _torch()
    if torch is None:
        return []
    found = []
    for key, obj in list(namespace.items()):
        if not isinstance(key, str) or key.startswith("__"):
            continue
        try:
            if inspect.isclass(obj) and _own(obj, module_name):
                if issubclass(obj, torch.autograd.Function) and _overrides(obj, torch.autograd.Function, "forward"):
                    found.append(Kernel(key, "function", obj))
                elif issubclass(obj, torch.nn.Module) and _overrides(obj, torch.nn.Module, "forward"):
                    found.append(Kernel(key, "module", obj))
            elif inspect.isfunction(obj) and _own(obj, module_name) and not key.startswith("_"):
                if activation_for(key) is not None and _uses_torch(obj, namespace):
                    found.append(Kernel(key, "composite", obj))
        except Exception:  # a value of the user's that answers oddly is not a kernel
            continue
    return found


class Kernel:
    """One torch kernel: how it is called, and its values at given points in a given dtype."""

    def __init__(self, name, kind, obj):
        self.name, self.kind, self.obj = name, kind, obj
        self.call = None

    def describe(self):
        code = getattr(self.obj, "__code__", None) or getattr(getattr(self.obj, "forward", None), "__code__", None)
        try:
            line = inspect.getsourcelines(self.obj)[1]
        except (OSError, TypeError):
            line = code.co_firstlineno if code else None
        return {"name": self.name, "kind": self.kind, "framework": "torch", "line": line, "needs": self._needs(),
                "setup_context": self.kind == "function" and _overrides(self.obj, _torch().autograd.Function,
                                                                          "setup_context")}  # fmt: skip

    def _needs(self):
        """The inputs a Function's forward requires beside x (and ctx): .apply(x) alone cannot call it."""
        if self.kind != "function":
            return []
        try:
            params = list(inspect.signature(self.obj.forward).parameters.values())
        except (TypeError, ValueError):
            return []
        ctx = not _overrides(self.obj, _torch().autograd.Function, "setup_context")
        required = [
            p.name for p in params if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        return required[1 + ctx :]

    def _callable(self):
        if self.call is None:
            if self.kind == "function":
                self.call = self.obj.apply
            elif self.kind == "module":
                self.call = self.obj()
            else:
                self.call = self.obj
        return self.call

    def evaluate(self, dtype, x, u, mine):
        """{'values': {quantity: float64 array}, 'errors': {quantity: message}, 'facts': {...}} at ``x`` in dtype."""
        torch = _torch()
        tdtype = getattr(torch, dtype)
        values, errors, facts = {}, {}, {}
        try:
            fn = self._callable()
        except Exception as e:
            return {"values": {}, "errors": {"forward": f"the constructor raised {one_line(e, mine)}"}, "facts": {}}
        xt = torch.from_numpy(np.asarray(x, dtype=np.float64)).to(tdtype).requires_grad_(True)
        before = xt.detach().clone()
        try:
            y = fn(xt)
            if not isinstance(y, torch.Tensor):
                raise TypeError(f"returned {type(y).__name__}, not a tensor")
            if y.shape != xt.shape:
                raise TypeError(f"returned shape {tuple(y.shape)} for an input of shape {tuple(xt.shape)}")
        except Exception as e:
            errors["forward"] = f"your code raised {one_line(e, mine)}"
            return {"values": values, "errors": errors, "facts": facts}
        facts["out_dtype"] = str(y.dtype).replace("torch.", "")
        values["forward"] = _f64(y)
        facts["input_changed"] = not _same(xt.detach(), before)
        facts["saved"] = _saved(torch, y, xt)
        if not y.requires_grad:
            errors["backward"] = "the output has no gradient (it was computed outside autograd: detached or no_grad)"
            return {"values": values, "errors": errors, "facts": facts}
        ones = torch.ones_like(y)
        up = torch.from_numpy(np.asarray(u, dtype=np.float64)).to(y.dtype)
        for q, v in (("backward", ones), ("again", ones), ("vjp", up)):
            try:
                (g,) = torch.autograd.grad((y * v).sum(), xt, retain_graph=True, allow_unused=True)
                if g is None:
                    raise TypeError("backward returned None for the input: no gradient reaches x")
                values[q] = _f64(g)
            except Exception as e:
                errors[q] = f"your code raised {one_line(e, mine)}"
        if "forward" in values and not facts["input_changed"]:
            facts["input_changed"] = not _same(xt.detach(), before)
        return {"values": values, "errors": errors, "facts": facts}


def _f64(t):
    t = t.detach()
    return (t.float() if t.dtype.itemsize < 4 else t).double().cpu().numpy().astype(np.float64)


def _same(a, b):
    """Bitwise the same values (nan where nan was)."""
    return bool(((a == b) | (a.isnan() & b.isnan())).all())


def _saved(torch, y, xt):
    """Which of input and output the backward node saved ('input', 'output'), as far as torch lets us see."""
    node = y.grad_fn
    out = []
    try:
        saved = node.saved_tensors if node is not None else ()
    except Exception:  # freed, or modified in place since (backward says so)
        return out
    for t in saved:
        if not isinstance(t, torch.Tensor) or t.shape != y.shape:
            continue
        if torch.equal(t.detach(), y.detach()) and "output" not in out:
            out.append("output")
        elif t.dtype == xt.dtype and torch.equal(t.detach(), xt.detach()) and "input" not in out:
            out.append("input")
    return out
