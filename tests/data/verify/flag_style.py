import numpy as np

# activation functions: pass derivative=True to get the derivative instead


def sigmoid(x, derivative=False):
    s = 1 / (1 + np.exp(-x))
    if derivative:
        return s * (1 - s)
    return s


def tanh(x, deriv=False):
    if deriv:
        return 1 - np.tanh(x) ** 2
    return np.tanh(x)


def relu(z, grad=False):
    if grad:
        return (z > 0).astype(float)
    return np.maximum(z, 0)


def softplus(x, prime=False):
    if prime:
        return 1 / (1 + np.exp(-x))
    return np.logaddexp(0, x)


def swish(x, backward=False):
    s = 1 / (1 + np.exp(-x))
    if backward:
        return s + x * s * (1 - s)
    return x * s


def hardtanh(x, derivative=False):
    if derivative:
        return np.where((x > -1) & (x < 1), 1.0, 0.0)
    return np.clip(x, -1, 1)
