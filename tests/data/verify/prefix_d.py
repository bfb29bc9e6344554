import numpy as np

# forward functions and their derivatives, d-prefixed as in the lecture notes


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def dsigmoid(x):
    s = sigmoid(x)
    return s * (1 - s)


def Tanh(x):
    return np.tanh(x)


def dTanh(x):
    return 1 / np.cosh(x) ** 2


def relu(x):
    return np.maximum(0, x)


def d_relu(x):
    return np.where(x > 0, 1.0, 0.0)


def softplus(x):
    return np.logaddexp(0, x)


def dsoftplus(x):
    return 1 / (1 + np.exp(-x))


def silu(x):
    return x / (1 + np.exp(-x))


def dsilu(x):
    s = 1 / (1 + np.exp(-x))
    return s * (1 + x * (1 - s))


def logsigmoid(x):
    return -np.logaddexp(0, -x)


def dlogsigmoid(x):
    return 1 / (1 + np.exp(x))
