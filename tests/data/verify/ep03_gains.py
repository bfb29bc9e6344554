"""A gain torch lacks: a sigmoid's slope is 1 for torch's sigmoid (not 0, as a relu's slope would be); a tanh's alpha has
no value actcheck knows, so only its own forward judges it."""

import numpy as np


def sigmoid(x, slope=2.0):
    return 1 / (1 + np.exp(-slope * x))


def sigmoid_prime(x, slope=2.0):
    s = sigmoid(x, slope)
    return slope * s * (1 - s)


def tanh(x, alpha=1.7):
    return np.tanh(alpha * x)


def tanh_prime(x, alpha=1.7):
    return alpha * (1 - np.tanh(alpha * x) ** 2)
