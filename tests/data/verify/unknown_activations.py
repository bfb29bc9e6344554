"""Activations torch does not ship. There is no reference implementation,
so the derivatives can only be checked against the forward itself."""
import numpy as np


def bent_identity(x):
    return (np.sqrt(x ** 2 + 1) - 1) / 2 + x


def bent_identity_derivative(x):
    return x / (2 * np.sqrt(x ** 2 + 1)) + 1


def gaussian(x):
    return np.exp(-x ** 2)


def gaussianDerivative(x):
    return -2 * np.exp(-x ** 2)


def sinusoid(x):
    return np.sin(x)


def d_sinusoid(x):
    return np.cos(x)


def isru(x, alpha=1.0):
    return x / np.sqrt(1 + alpha * x ** 2)


def isru_grad(x, alpha=1.0):
    return (1 / np.sqrt(1 + alpha * x ** 2)) ** 3


def squareplus(x, b=4.0):
    return (x + np.sqrt(x * x + b)) / 2


def squareplus_prime(x, b=4.0):
    return (1 + x / np.sqrt(x * x + b)) / 2
