import numpy as np
from scipy.special import erf


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def grad_sigmoid(x):
    s = sigmoid(x)
    return s * (1 - s)


def elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * (np.exp(x) - 1))


def grad_elu(x, alpha=1.0):
    return np.where(x > 0, 1.0, alpha * np.exp(x))


def gelu(x):
    return 0.5 * x * (1 + erf(x / np.sqrt(2)))


def grad_gelu(x):
    # numerical derivative (approximation)
    h = 1e-5
    return (gelu(x + h) - gelu(x - h)) / (2 * h)


SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


def selu(x):
    return SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * (np.exp(x) - 1))


def backward_selu(x):
    return SELU_SCALE * np.where(x > 0, 1.0, np.exp(x))
