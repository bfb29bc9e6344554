import numpy as np

def sigmoid(x, derivative=0):
    s = 1 / (1 + np.exp(-x))
    if derivative:
        return s * (1 - s)
    return s

def tanh(x, mode="forward"):
    if mode == "backward":
        return 1 - np.tanh(x) ** 2
    return np.tanh(x)

def relu(x, deriv: bool = False):
    if deriv:
        return (x > 0).astype(float)
    return np.maximum(x, 0)

def softsign(x, derivative=None):
    if derivative:
        return 1 / (1 + np.abs(x)) ** 2
    return x / (1 + np.abs(x))
