"""Parameters torch's activation lacks, with slips: never a reason to leave torch unasked."""

import numpy as np


def relu(x, leak=0.0):
    return np.abs(x)  # |x| is not relu at any leak


def relu_prime(x, leak=0.0):
    return np.sign(x)


class Sigmoid:
    """Zeroes every x <= threshold: not a sigmoid at any threshold."""

    def __init__(self, threshold=1e-3):
        self.threshold = threshold

    def forward(self, x):
        self.out = np.where(x <= self.threshold, 0.0, 1 / (1 + np.exp(-x)))
        return self.out

    def backward(self, x):
        s = 1 / (1 + np.exp(-x))
        return np.where(x <= self.threshold, 0.0, s * (1 - s))


def swish(x, beta=1.5):
    return x / (1 + np.exp(-beta * x))


def swish_prime(x, beta=1.5):
    s = 1 / (1 + np.exp(-beta * x))
    return s + x * s * (1 - s)  # beta dropped from the second term: wrong at beta = 1.5, right at beta = 1
