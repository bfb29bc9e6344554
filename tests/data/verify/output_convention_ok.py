"""Nonlinearities for a tiny MLP.

Derivatives are written in terms of the activation's output, because the
forward pass already stored it: if y = sigmoid(x) then dy/dx = y * (1 - y).
"""
import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def sigmoid_prime(y):
    return y * (1.0 - y)


def tanh(x):
    return np.tanh(x)


def tanh_derivative(a):
    return 1.0 - a ** 2


def softsign(x):
    return x / (1.0 + np.abs(x))


def dsoftsign(out):
    # softsign'(x) = 1 / (1 + |x|)^2 = (1 - |out|)^2
    return (1.0 - np.abs(out)) ** 2


def relu(x):
    return np.maximum(x, 0.0)


def relu_grad(x):
    return (x > 0).astype(np.float64)
