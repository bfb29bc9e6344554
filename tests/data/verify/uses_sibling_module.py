import numpy as np

from _act_helpers import logistic  # a module next to this file


def sigmoid(x):
    return logistic(x)


def sigmoid_derivative(x):
    s = logistic(x)
    return s * (1 - s)


def silu(x):
    return x * logistic(x)


def silu_derivative(x):
    s = logistic(x)
    return s * (1 + x * (1 - s))
