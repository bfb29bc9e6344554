"""JAX code: a custom_vjp SiLU, a custom_jvp ELU and a plain tanh that are right; a custom_jvp swish whose rule is not
the derivative of its forward (the product rule's second term forgotten)."""

import jax
import jax.numpy as jnp


@jax.custom_vjp
def silu(x):
    return x * jax.nn.sigmoid(x)


def silu_fwd(x):
    return silu(x), x


def silu_bwd(x, g):
    xf = x.astype(jnp.promote_types(x.dtype, jnp.float32))  # bfloat16/float16 worked in float32, rounded once
    s = jax.nn.sigmoid(xf)
    return ((g * s * (1 + xf * (1 - s))).astype(x.dtype),)


silu.defvjp(silu_fwd, silu_bwd)


@jax.custom_jvp
def elu(x):
    return jnp.where(x > 0, x, jnp.expm1(x))


@elu.defjvp
def elu_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return elu(x), jnp.where(x > 0, 1.0, jnp.exp(x)).astype(x.dtype) * t


def tanh(x):
    return jnp.tanh(x)


@jax.custom_jvp
def swish(x):
    return x * jax.nn.sigmoid(x)


@swish.defjvp
def swish_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return swish(x), jax.nn.sigmoid(x) * t  # d(x s)/dx is s + x s (1 - s): the second term is missing
