import numpy as np


def relu_forward(Z):
    return np.maximum(0, Z), "relu"  # caches a label, not Z


def relu_backward(dA, Z):
    return dA * (Z > 0)
