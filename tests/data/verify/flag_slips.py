"""Flag style with the slips people make in it."""
import numpy as np


def sigmoid(x, derivative=False):
    s = 1 / (1 + np.exp(-x))
    if derivative:
        return s * 1 - s  # precedence: s * (1 - s) was meant
    return s


def tanh(x, deriv=False):
    if deriv:
        return 1 - np.tanh(x)  # the square is missing
    return np.tanh(x)


def relu(z, grad=False):
    if grad:
        return (z >= 0).astype(float)  # 1 at the kink, where torch says 0
    return np.maximum(z, 0)


def elu(x, alpha=1.0, derivative=False):
    if derivative:
        return np.where(x > 0, 1.0, alpha * np.exp(x))
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))
