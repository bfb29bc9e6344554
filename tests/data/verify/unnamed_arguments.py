"""Parameter names that say nothing: which argument is the upstream gradient is found by probing."""
import numpy as np


def tanh(v):
    return np.tanh(v)


def tanh_backward(p, q):
    return p * (1 - np.tanh(q) ** 2)  # p is the upstream gradient: the result is linear in it


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def sigmoid_backward(q, p):
    s = 1 / (1 + np.exp(-q))
    return p * s * (1 - s)  # here the second argument is


class Softplus:
    def forward(self, v):
        self.v = v
        return np.logaddexp(0, v)

    def backward(self, w):
        return w / (1 + np.exp(-self.v))  # w scales what forward saw: state, so w is the upstream gradient


class Softsign:
    def forward(self, v):
        return v / (1 + np.abs(v))

    def backward(self, w):
        return 1 / (1 + np.abs(w)) ** 2  # f'(w), whatever forward saw: w is the input
