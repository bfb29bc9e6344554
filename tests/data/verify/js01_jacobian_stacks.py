"""Column-batched softmax (examples are the columns of Z) whose derivative returns a stack of Jacobians, one per
column: right, and with the diagonal-only slip."""

import numpy as np


def softmax(Z):
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax_derivative(Z):
    S = softmax(Z)
    n, m = S.shape
    J = np.zeros((m, n, n))
    for k in range(m):
        s = S[:, k]
        J[k] = np.diag(s) - np.outer(s, s)
    return J


def softmin(Z):
    e = np.exp(-Z + Z.min(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmin_derivative(Z):
    S = softmin(Z)
    n, m = S.shape
    J = np.zeros((m, n, n))
    for k in range(m):
        s = S[:, k]
        J[k] = np.diag(-s * (1 - s))  # the diagonal alone
    return J
