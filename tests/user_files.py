"""User files the tests write: a NumPy sigmoid pair that is right and a tanh pair whose derivative lacks its square."""

SIGMOID_RIGHT_TANH_SLIPPED = """import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1 - s)


def tanh(x):
    return np.tanh(x)


def tanh_grad(x):
    return 1 - np.tanh(x)
"""
