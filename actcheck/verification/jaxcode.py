"""The user's JAX code, found and called in the dtype it runs in: jax.custom_vjp, jax.custom_jvp, JAX functions.

Runs where the user's code runs. JAX is never imported here: only a file that imported it has
JAX kernels, found through ``sys.modules``. float64 turns ``jax_enable_x64`` on for the call
(and back off after), as a user running in float64 would.
"""

import contextlib
import inspect
import sys

import numpy as np

from .kernels import Kernel, _own, _uses, walk
from .naming import activation_for
from .text import one_line

__all__ = ["find_jax", "JaxKernel", "builtin"]

# JAX's own function for a known activation (its parameters from torch's names), where jax.nn has one
_BUILTINS = {
    "relu": lambda nn, jnp, p: nn.relu,
    "relu6": lambda nn, jnp, p: nn.relu6,
    "leaky_relu": lambda nn, jnp, p: lambda x: nn.leaky_relu(x, p["negative_slope"]),
    "elu": lambda nn, jnp, p: lambda x: nn.elu(x, p["alpha"]),
    "selu": lambda nn, jnp, p: nn.selu,
    "celu": lambda nn, jnp, p: lambda x: nn.celu(x, p["alpha"]),
    "sigmoid": lambda nn, jnp, p: nn.sigmoid,
    "tanh": lambda nn, jnp, p: jnp.tanh,
    "logsigmoid": lambda nn, jnp, p: nn.log_sigmoid,
    "softsign": lambda nn, jnp, p: nn.soft_sign,
    "silu": lambda nn, jnp, p: nn.silu,
    "mish": lambda nn, jnp, p: nn.mish,
    # jax.nn.softplus has no beta nor threshold: computed everywhere (log(1 + exp(x)) beyond torch's threshold too)
    "softplus": lambda nn, jnp, p: lambda x: nn.softplus(p["beta"] * x) / p["beta"],
    "gelu": lambda nn, jnp, p: lambda x: nn.gelu(x, approximate=p["approximate"] == "tanh"),
    "hardsigmoid": lambda nn, jnp, p: nn.hard_sigmoid,
    "hardswish": lambda nn, jnp, p: nn.hard_swish,
}


def _jax():
    return sys.modules.get("jax")


def find_jax(namespace, module_name):
    """[JaxKernel] for the custom_vjp / custom_jvp functions and JAX functions ``namespace`` defines."""
    jax = _jax()
    if jax is None:
        return []

    def kind_of(key, obj):
        if isinstance(obj, jax.custom_vjp | jax.custom_jvp) and _own(obj.fun, module_name):
            return "custom_vjp" if isinstance(obj, jax.custom_vjp) else "custom_jvp"
        if inspect.isfunction(obj) and _own(obj, module_name) and not key.startswith("_"):
            if activation_for(key) is not None and _uses(obj, namespace, "jax"):
                return "jax"
        return None

    return [JaxKernel(*found) for found in walk(namespace, kind_of)]


def builtin(name, params):
    """A JaxKernel of jax.nn's own function for the activation ``name``, or None where JAX has none."""
    jax = _jax()
    make = _BUILTINS.get(name)
    if jax is None or make is None:
        return None
    return JaxKernel(name, "jax", make(jax.nn, jax.numpy, params))


@contextlib.contextmanager
def _x64(jax, on):
    before = bool(jax.config.read("jax_enable_x64"))
    if on != before:
        jax.config.update("jax_enable_x64", on)
    try:
        yield
    finally:
        if on != before:
            jax.config.update("jax_enable_x64", before)


class JaxKernel(Kernel):
    """One JAX function: its forward, VJPs (jax.vjp) and JVP (jax.jvp) in a dtype."""

    framework = "jax"

    def _everything(self, x, up, order=1):
        """Forward, VJP with ones and with ``up``, (but for a custom_vjp) the JVP with ones, and with ``order`` 2
        the second derivative (reverse over reverse), in one trace."""
        jax = _jax()
        y, pullback = jax.vjp(self.obj, x)
        _checked(y, x)
        ones = jax.numpy.ones_like(y)
        out = {"forward": y, "backward": pullback(ones)[0], "vjp": pullback(up.astype(y.dtype))[0]}
        if self.kind != "custom_vjp":
            out["jvp"] = jax.jvp(self.obj, (x,), (jax.numpy.ones_like(x),))[1]
        if order >= 2:
            out["second"] = self._second(jax, x, ones)
        return out

    def _second(self, jax, x, ones):
        def grad(v):
            return jax.vjp(self.obj, v)[1](ones)[0]

        return jax.vjp(grad, x)[1](ones)[0]

    def _eagerly(self, jax, xt, up, mine, order=1):
        """What ``_everything`` gives, quantity by quantity, each failure a message."""
        values, errors = {}, {}
        try:
            y, pullback = jax.vjp(self.obj, xt)
            values["forward"] = _f64(_checked(y, xt))
        except Exception as e:
            return {}, {"forward": f"your code raised {one_line(e, mine)}"}
        for q, v in (("backward", jax.numpy.ones_like(y)), ("vjp", up.astype(y.dtype))):
            try:
                values[q] = _f64(pullback(v)[0])
            except Exception as e:
                errors[q] = f"your code raised {one_line(e, mine)}"
        if self.kind != "custom_vjp":
            try:
                values["jvp"] = _f64(jax.jvp(self.obj, (xt,), (jax.numpy.ones_like(xt),))[1])
            except Exception as e:
                errors["jvp"] = f"your code raised {one_line(e, mine)}"
        if order >= 2:
            try:
                values["second"] = _f64(self._second(jax, xt, jax.numpy.ones_like(xt)))
            except Exception as e:
                errors["second"] = f"double backward failed: your code raised {one_line(e, mine)}"
        return values, errors

    def helpers(self):
        return [f for f in (getattr(self.obj, "fwd", None), getattr(self.obj, "bwd", None),
                            getattr(self.obj, "jvp", None)) if f is not None]  # fmt: skip

    def _needs(self):
        try:
            params = list(inspect.signature(getattr(self.obj, "fun", self.obj)).parameters.values())
        except (TypeError, ValueError):
            return []
        required = [
            p.name for p in params if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        nondiff = set(getattr(self.obj, "nondiff_argnums", ()) or ())
        return [n for i, n in enumerate(required[1:], 1) if i not in nondiff]

    def evaluate(self, dtype, x, u, mine, order=1, compiled=None):
        jax = _jax()
        import ml_dtypes

        npdt = ml_dtypes.bfloat16 if dtype == "bfloat16" else np.dtype(dtype)
        values, errors, facts = {}, {}, {"saved": []}
        with _x64(jax, dtype == "float64"):
            jnp = jax.numpy
            xt = jnp.asarray(np.asarray(x, dtype=np.float64).astype(npdt))
            up = jnp.asarray(np.asarray(u, dtype=np.float64).astype(npdt))
            try:  # one compiled program for everything: XLA compiles once per shape, not once per operation
                values = {q: _f64(v) for q, v in jax.jit(self._everything, static_argnums=2)(xt, up, order).items()}
            except Exception:  # not traceable (Python branches on values...): eagerly, each quantity on its own
                values, errors = self._eagerly(jax, xt, up, mine, order)
            if "forward" not in values:
                return {"values": {}, "errors": errors, "facts": {}}
            facts["out_dtype"] = dtype  # checked in _everything / _eagerly: the same shape and dtype
        return {"values": values, "errors": errors, "facts": facts}


def _checked(y, x):
    if getattr(y, "shape", None) != x.shape:
        raise TypeError(f"returned {type(y).__name__} of shape {getattr(y, 'shape', None)}, not {x.shape}")
    return y


def _f64(a):
    return np.asarray(a).astype(np.float64)


def _same_np(a, b):
    return bool(((a == b) | (np.isnan(a.astype(np.float64)) & np.isnan(b.astype(np.float64)))).all())
