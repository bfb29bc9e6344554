"""Pairs held in dicts and tuples (module level, class, instance), compute/evaluate + derivative/gradient methods,
and methods of a class whose constructor needs a size."""

import numpy as np


def _sig(x):
    return 1 / (1 + np.exp(-x))


def _dsig(x):
    s = _sig(x)
    return s * (1 - s)


ACTIVATIONS = {
    "sigmoid": (_sig, _dsig),
    "relu": (lambda x: np.maximum(x, 0), lambda x: (x > 0).astype(float)),
    "tanh": (np.tanh, lambda x: 1 - np.tanh(x)),  # slip: square missing
}

TANH = (np.tanh, lambda x: 1 - np.tanh(x) ** 2)


class Sigmoid:
    def compute(self, x):
        return 1 / (1 + np.exp(-x))

    def derivative(self, x):
        s = self.compute(x)
        return s * (1 - s)


class ELU:
    def evaluate(self, x):
        return np.where(x > 0, x, np.exp(x) - 1)

    def gradient(self, x):
        return np.where(x > 0, 1.0, np.exp(x))


class Network:
    def __init__(self, neurons):
        self.neurons = neurons
        self.activations = {"softplus": (lambda x: np.logaddexp(0, x), lambda x: _sig(x))}

    def softmax(self, x):
        e = np.exp(x - np.max(x))
        return e / e.sum()

    def softmax_derivative(self, x):
        s = self.softmax(x)
        return np.diag(s) - np.outer(s, s)
