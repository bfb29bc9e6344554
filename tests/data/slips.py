"""The slips people make, one per pair."""

import numpy as np


def sigmoid_forward(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_backward(x):
    s = 1 / (1 + np.exp(-x))
    return s * 1 - s  # precedence: meant s * (1 - s)


def tanh_forward(x):
    return np.tanh(x)


def tanh_backward(x):
    return 1 - np.tanh(x)  # forgot the square


def relu_forward(Z):
    return np.maximum(0, Z), Z


def relu_backward(dA, Z):
    return (Z > 0).astype(float)  # forgot the upstream gradient


def leaky_relu_forward(Z, alpha=0.01):
    return np.where(Z > 0, Z, alpha * Z), Z


def leaky_relu_backward(dA, Z, alpha=0.01):
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = alpha  # assigned the slope instead of scaling dA by it
    return dZ


def silu_forward(x):
    out = x / (1 + np.exp(-x))
    return out, out  # caches the output...


def silu_backward(dout, cache):
    x = cache  # ...and differentiates at it
    s = 1 / (1 + np.exp(-x))
    return dout * (s + x * s * (1 - s))


def relu6_forward(x):
    return np.clip(x, 0, 6)


def relu6_backward(x):
    return ((x >= 0) & (x <= 6)).astype(float)  # relu'(0) = 1 where torch uses 0


def softplus_forward(x):
    return np.log(1 + np.exp(x))  # overflows for large x


def softplus_backward(x):
    return 1 / (1 + np.exp(-x))


def elu_forward(x):
    return np.where(x > 0, x, np.exp(x) - 1)


def elu_backward(x):
    return 0.5 * np.where(x > 0, 1.0, np.exp(x))  # off by a constant factor


def selu_forward(x):
    return 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(np.minimum(x, 0)))


def selu_backward(x):
    return 1.0507009873554805 * np.where(x > 0, 1.0, np.exp(x))  # forgot alpha, only for x < 0
