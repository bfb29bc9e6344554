import numpy as np


def mish(Z):
    A = Z * np.tanh(np.logaddexp(0, Z))
    return A, Z


def mish_backward(dA, cache):
    if not isinstance(cache, dict):
        raise TypeError(
            "mish_backward: cache must be the dict {'Z': ..., 'A': ...} built in mish_forward,\n"
            f"    got {type(cache).__name__} [did you pass Z itself?]"
        )
    Z = cache["Z"]
    t = np.tanh(np.logaddexp(0, Z))
    s = 1 / (1 + np.exp(-Z))
    return dA * (t + Z * s * (1 - t * t))


def hardswish(Z):
    return Z * np.clip(Z + 3, 0, 6) / 6, Z


def hardswish_backward(dA, cache):
    Z = cache["Z"]
    return dA * np.where(Z < -3, 0.0, np.where(Z <= 3, Z / 3 + 0.5, 1.0))


def relu(Z):
    return np.maximum(0, Z), Z


def relu_backward(dA, cache):
    return dA * (cache > 0)
