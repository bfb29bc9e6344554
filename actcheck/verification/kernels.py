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

__all__ = ["Kernel", "find_torch", "walk", "is_framework_class", "KINDS"]

KINDS = {
    "function": "torch.autograd.Function",
    "module": "torch.nn.Module",
    "composite": "torch function",
    "custom_op": "torch.library.custom_op",
    "custom_vjp": "jax.custom_vjp",
    "custom_jvp": "jax.custom_jvp",
    "jax": "JAX function",
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


def _uses(fn, namespace, framework):
    """A function of the file whose code names ``framework`` (torch, jax: or one of their modules, ``F``, ``jnp``)."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return False
    for name in code.co_names:
        value = namespace.get(name)
        if inspect.ismodule(value) and value.__name__.split(".")[0] == framework:
            return True
        if framework == "torch" and inspect.isclass(value) and is_framework_class(value):  # elu(x, alpha) -> .apply
            return True
        if framework == "torch" and type(value).__name__ in ("CustomOpDef", "ScriptFunction"):  # Megatron's openai_gelu
            return True
    return False


def _overrides(cls, base, name):
    return any(name in vars(k) for k in cls.__mro__ if k is not base and issubclass(k, base))


def walk(namespace, kind_of):
    """[(name, kind, value)] for the entries of ``namespace`` that ``kind_of(name, value)`` gives a kind."""
    found = []
    for key, obj in list(namespace.items()):
        if not isinstance(key, str) or key.startswith("__"):
            continue
        try:
            kind = kind_of(key, obj)
        except Exception:  # a value of the user's that answers oddly is not a kernel
            continue
        if kind is not None:
            found.append((key, kind, obj))
    return found


def find_torch(namespace, module_name):
    """[Kernel] for the torch code ``namespace`` defines (nothing when torch was not imported)."""
    torch = _torch()
    if torch is None:
        return []

    def kind_of(key, obj):
        if type(obj).__name__ == "CustomOpDef" and _own(getattr(obj, "_init_fn", None), module_name):
            return "custom_op"
        if inspect.isclass(obj) and _own(obj, module_name):
            if issubclass(obj, torch.autograd.Function) and _overrides(obj, torch.autograd.Function, "forward"):
                return "function"
            if issubclass(obj, torch.nn.Module) and _overrides(obj, torch.nn.Module, "forward"):
                return "module"
        elif inspect.isfunction(obj) and _own(obj, module_name) and not key.startswith("_"):
            if activation_for(key) is not None and _uses(obj, namespace, "torch"):
                return "composite"
        return None

    return [Kernel(*found) for found in walk(namespace, kind_of)]


_BIASES = ("bias", "b", "bias_")  # a Function's input added to x (a fused bias-activation): judged at 0


class Kernel:
    """One torch kernel: how it is called, and its values at given points in a given dtype."""

    def __init__(self, name, kind, obj):
        self.name, self.kind, self.obj = name, kind, obj
        self.call = None
        self.compiled = {}  # backend -> the callable under torch.compile

    framework = "torch"

    def helpers(self):
        """The functions that are parts of this kernel (a custom op's backward, a custom_vjp's fwd and bwd)."""
        if self.kind != "custom_op":
            return []
        return [f for f in (getattr(self.obj, "_backward_fn", None), getattr(self.obj, "_setup_context_fn", None)) if f]

    def describe(self):
        target = getattr(self.obj, "_init_fn", None) or getattr(self.obj, "fun", None) or self.obj
        try:
            line = inspect.getsourcelines(target)[1]
        except (OSError, TypeError):
            code = getattr(target, "__code__", None)
            line = code.co_firstlineno if code else None
        from .source import cell_of

        fn = getattr(target, "forward", target)
        code = getattr(inspect.unwrap(fn) if callable(fn) else fn, "__code__", None)
        cell = cell_of(code.co_filename) if code is not None else None
        needs = self._needs()
        biases = [n for n in needs if n in _BIASES] if self.kind == "function" else []
        return {"name": self.name, "kind": self.kind, "framework": self.framework, "line": None if cell else line,
                "cell": cell, "needs": [n for n in needs if n not in biases], "biases": biases}  # fmt: skip

    def _needs(self):
        """The inputs a Function's forward requires beside x (and ctx): .apply(x) alone cannot call it."""
        target = {"function": lambda o: o.forward, "custom_op": lambda o: o._init_fn,
                  "module": lambda o: o.__init__}.get(self.kind)  # fmt: skip
        if target is None:
            return []
        try:
            params = list(inspect.signature(target(self.obj)).parameters.values())
        except (TypeError, ValueError, AttributeError):
            return []
        # what comes before the parameters: ctx and x (a Function's forward), self (a Module's constructor), x
        ctx = self.kind == "function" and not _overrides(self.obj, _torch().autograd.Function, "setup_context")
        required = [
            p.name for p in params if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        return required[1 + ctx :]  # self, x, or ctx and x

    def _callable(self):
        if self.call is None:
            if self.kind == "function":
                biases = [n for n in self._needs() if n in _BIASES]
                # Megatron's GeLUFunction.apply(x, bias): the activation is what it gives at a zero bias
                self.call = (
                    self.obj.apply if not biases else lambda x: self.obj.apply(x, *(x.new_zeros(()),) * len(biases))
                )
            elif self.kind == "module":
                self.call = self.obj()
            else:
                self.call = self.obj
        return self.call

    def evaluate(self, dtype, x, u, mine, order=1, compiled=None):
        """{'values': {quantity: float64 array}, 'errors': {quantity: message}, 'facts': {...}} at ``x`` in dtype.

        ``order`` 2 adds 'second': the derivative of its backward (double backward), f''(x).
        """
        torch = _torch()
        tdtype = getattr(torch, dtype)
        values, errors, facts = {}, {}, {}
        try:
            fn = self._callable()
        except Exception as e:
            return {"values": {}, "errors": {"forward": f"the constructor raised {one_line(e, mine)}"}, "facts": {}}
        if compiled:
            try:
                if compiled not in self.compiled:  # dynamic: one compilation for every length of input
                    self.compiled[compiled] = torch.compile(fn, backend=compiled, dynamic=True)
                fn = self.compiled[compiled]
            except Exception as e:
                return {"values": {}, "errors": {"forward": f"torch.compile failed: {one_line(e, mine)}"}, "facts": {}}
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
        if not compiled:
            try:
                facts["layout"] = self._layout(torch, fn, xt.detach(), values)
            except Exception as e:
                errors["layout"] = f"on a 2-D non-contiguous input your code raised {one_line(e, mine)}"
        if order >= 2:
            try:
                values["second"] = self._second(torch, y, xt)
            except Exception as e:
                errors["second"] = f"double backward failed: your code raised {one_line(e, mine)}"
        if self.kind == "function" and _overrides(self.obj, torch.autograd.Function, "jvp"):
            try:
                values["jvp"] = self._forward_mode(torch, fn, xt.detach())
            except Exception as e:
                errors["jvp"] = f"your code raised {one_line(e, mine)}"
        return {"values": values, "errors": errors, "facts": facts}

    @staticmethod
    def _layout(torch, fn, x, values):
        """How many values differ (forward, backward) when x comes as a 2-D non-contiguous batch, x.t()."""
        n = x.numel() - x.numel() % 2
        if n < 4:
            return {}
        xt = x[:n].reshape(2, n // 2).t().detach().requires_grad_(True)  # (n/2, 2), strides (1, n/2)
        y = fn(xt)
        if not isinstance(y, torch.Tensor) or y.shape != xt.shape:
            raise TypeError(f"returned {tuple(getattr(y, 'shape', ()))} for an input of shape {tuple(xt.shape)}")
        (g,) = torch.autograd.grad(y.sum(), xt)
        back = {"forward": _f64(y.t().reshape(-1)), "backward": _f64(g.t().reshape(-1))}
        out = {}
        for q, v in back.items():
            w = values.get(q)
            if w is not None:
                w = w[:n]
                out[q] = int(np.count_nonzero((v != w) & ~(np.isnan(v) & np.isnan(w))))
        return out

    @staticmethod
    def _second(torch, y, xt):
        """f''(x): the gradient of the backward (with ones), which must itself be differentiable."""
        # an upstream that requires grad: a differentiable backward's result then always has a graph (relu's too)
        v = torch.ones_like(y).requires_grad_(True)
        (g,) = torch.autograd.grad((y * v).sum(), xt, create_graph=True)
        if not g.requires_grad:
            raise TypeError(
                "its backward is not differentiable: the gradient it returns has no graph (@once_differentiable, "
                ".detach(), torch.no_grad() or NumPy inside), so there is no double backward"
            )
        if type(g.grad_fn).__name__ in ("Error", "DelayedError"):  # what @once_differentiable hands back
            raise TypeError("its backward is not differentiable (@once_differentiable), so there is no double backward")
        (g2,) = torch.autograd.grad(g.sum(), xt, allow_unused=True)
        return np.zeros(xt.shape) if g2 is None else _f64(g2)

    @staticmethod
    def _forward_mode(torch, fn, x):
        """The Function's jvp with tangent ones (forward mode): f'(x) elementwise."""
        import torch.autograd.forward_ad as fwad

        with fwad.dual_level():
            out = fn(fwad.make_dual(x.clone(), torch.ones_like(x)))
            tangent = fwad.unpack_dual(out).tangent
        if tangent is None:
            raise TypeError("jvp gave no tangent for the output")
        return _f64(tangent)


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
