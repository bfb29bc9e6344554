"""A custom_jvp log, right where it is defined: x <= 0 is outside its domain, not a wrong derivative."""

import jax
import jax.numpy as jnp


@jax.custom_jvp
def safe_log(x):
    return jnp.log(x)


@safe_log.defjvp
def safe_log_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return jnp.log(x), t / x
