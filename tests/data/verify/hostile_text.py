import numpy as np


def relu(x):
    return np.maximum(x, 0)


def relu_grad(x):
    raise ValueError("bad\x1b[31m\x00\x07 red\nsecond line")


def tanh(x):
    print("\x1b[2J\x1b[31mcleared your screen\x07")
    return np.tanh(x)


def tanh_grad(x):
    return 1 - np.tanh(x) ** 2
