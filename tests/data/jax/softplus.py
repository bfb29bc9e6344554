"""A stable softplus as a jax.custom_vjp (the pattern of JAX libraries): right, beside jax.nn.softplus."""

import jax
import jax.numpy as jnp


@jax.custom_vjp
def softplus(x):
    return jnp.logaddexp(x, 0.0)


def _fwd(x):
    return softplus(x), x


def _bwd(x, g):
    return (g * jax.nn.sigmoid(x),)


softplus.defvjp(_fwd, _bwd)
