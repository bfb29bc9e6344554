"""Slips each diagnosis must name: overflow without a max-shift, a sign, a backward of zeros, a constant derivative
from an if on the whole array, forward and derivative defaults that disagree."""

import numpy as np


def softmax(x):
    e = np.exp(x)
    return e / np.sum(e)


def softmax_grad(dout, x):
    s = softmax(x)
    return s * (dout - np.sum(dout * s))


def softmin(x):
    e = np.exp(-(x - np.min(x)))
    return e / np.sum(e)


def softmin_backward(dout, x):
    s = softmin(x)
    return s * (dout - np.sum(dout * s))  # sign slip: softmin's VJP is -s*(...)


def log_softmax(x):
    return x - np.max(x) - np.log(np.sum(np.exp(x - np.max(x))))


def log_softmax_backward(dout, x):
    return np.zeros_like(x) + 1e-17 * dout


def relu(x):
    return np.maximum(x, 0)


def relu_prime(x):
    if x.any() < 0:
        return 0
    return 1


def leaky_relu(x, alpha=0.01):
    return np.where(x > 0, x, alpha * x)


def leaky_relu_prime(x, alpha=0.1):
    return np.where(x > 0, 1.0, alpha)
