import numpy as np


def softplus(x):
    return np.logaddexp(0, x)


def softplus_derivative(x):
    # complex exponent to stop numpy warning about overflow
    return 1 / (1 + np.exp(-x + 0j))


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_derivative(x):
    s = sigmoid(x)
    return s * (1 - s)
