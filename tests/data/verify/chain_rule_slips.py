"""Activations built from other activations; the derivatives need the chain rule."""
import numpy as np


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def tanh(x):
    # tanh(x) = 2 * sigmoid(2x) - 1
    return 2 * _sigmoid(2 * x) - 1


def tanh_grad(x):
    s = _sigmoid(2 * x)
    return 2 * s * (1 - s)


def silu(x):
    return x * _sigmoid(x)


def silu_grad(x):
    s = _sigmoid(x)
    return s + x * s * (1 - s)


def hardsigmoid(x):
    return np.clip(x / 6 + 0.5, 0, 1)


def hardsigmoid_grad(x):
    return np.where((x > -3) & (x < 3), 1 / 6, 0.0)


def hardswish(x):
    return x * hardsigmoid(x)


def hardswish_grad(x):
    # product rule: hardsigmoid(x) + x * hardsigmoid'(x)
    return hardsigmoid(x) + x * hardsigmoid_grad(x)
