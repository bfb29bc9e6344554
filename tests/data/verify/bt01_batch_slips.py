"""Slips that show only on a 2-D batch, a short array, or in the caller's array: every pair is right on one vector."""

import numpy as np


def softmax(x):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))  # shifts by each row's max...
    return e / np.sum(e, axis=0)  # ...but normalises each column


def softmax_backward(dout, x):
    s = softmax(x)
    return s * (dout - np.sum(dout * s, axis=-1, keepdims=True))


def log_softmax(x):
    m = np.max(x, axis=-1)  # keepdims missing: (rows,) does not broadcast against (rows, n)
    return x - m - np.log(np.sum(np.exp(x - m), axis=-1))


def log_softmax_backward(dout, x):
    s = np.exp(log_softmax(x))
    return dout - s * np.sum(dout, axis=-1)


def relu(x):
    x[x < 0] = 0  # writes into the caller's array
    return x


def relu_prime(x):
    return (x > 0).astype(float)


def sigmoid(x):
    return 1 / (1 + np.exp(-x.ravel()))  # flattens a batch


def sigmoid_prime(x):
    s = 1 / (1 + np.exp(-x))
    return s * (1 - s)


def tanh(x):
    return np.squeeze(np.tanh(x))  # a single number for an array of length 1


def tanh_prime(x):
    return 1 - np.tanh(x) ** 2
