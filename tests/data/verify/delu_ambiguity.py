"""elu and selu with d-prefixed derivatives: delu is d(elu), dselu is d(selu),
drelu is d(relu) -- none of them is an activation of its own."""
import numpy as np

ALPHA = 1.6732632423543772
SCALE = 1.0507009873554805


def elu(x):
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0)))


def delu(x):
    return np.where(x > 0, 1.0, np.exp(np.minimum(x, 0)))


def selu(x):
    return SCALE * np.where(x > 0, x, ALPHA * np.expm1(np.minimum(x, 0)))


def dselu(x):
    return SCALE * np.where(x > 0, 1.0, ALPHA * np.exp(np.minimum(x, 0)))


def relu(x):
    return np.maximum(x, 0)


def drelu(x):
    return (x > 0) * 1.0


def gelu(x):
    from scipy.special import erf
    return 0.5 * x * (1 + erf(x / np.sqrt(2)))


def dgelu(x):
    from scipy.special import erf
    cdf = 0.5 * (1 + erf(x / np.sqrt(2)))
    pdf = np.exp(-0.5 * x * x) / np.sqrt(2 * np.pi)
    return cdf + x * pdf
