"""ReLU-family derivatives with f'(0) = 1 (the right-hand derivative): valid subgradients, not torch's choice."""

import numpy as np


def relu(x):
    return np.maximum(x, 0)


def relu_prime(x):
    return (x >= 0).astype(float)


def leaky_relu(x, a=0.1):
    return np.where(x > 0, x, a * x)


def leaky_relu_prime(x, a=0.1):
    return np.where(x >= 0, 1.0, a)


def selu(x):
    return 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * (np.exp(x) - 1))


def selu_prime(x):
    return 1.0507009873554805 * np.where(x >= 0, 1.0, 1.6732632423543772 * np.exp(x))


def relu6(x):
    return np.clip(x, 0, 6)


def relu6_prime(x):
    return ((x >= 0) & (x <= 6)).astype(float) * 2  # not a subgradient: 2 inside
