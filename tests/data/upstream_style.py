"""Course style: forward returns (A, cache), backward(dA, cache) returns dA * f'(Z)."""

import numpy as np


def relu(Z):
    return np.maximum(0, Z), Z


def relu_backward(dA, cache):
    Z = cache
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def sigmoid(Z):
    A = 1 / (1 + np.exp(-Z))
    return A, Z


def sigmoid_backward(dA, cache):
    s = 1 / (1 + np.exp(-cache))
    return dA * s * (1 - s)


def leaky_relu_forward(Z, alpha=0.1):
    return np.where(Z > 0, Z, alpha * Z)


def leaky_relu_backward(dout, Z, alpha=0.1):
    return dout * np.where(Z > 0, 1.0, alpha)


def load_data(path):
    raise RuntimeError("never called: not an activation")
