"""Swish / tanh with a 'saturation shortcut' in the derivative (a common speed hack).
Both derivatives are wrong for x in (5, ~17): e.g. dsilu(6) is 1.0148, not 1."""
import numpy as np

def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))

def swish(x):
    return x * sigmoid(x)

def swish_prime(x):
    s = sigmoid(x)
    # beyond 6 the gradient is ~1 anyway
    return np.where(x > 6, 1.0, s * (1 + x * (1 - s)))

def tanh(x):
    return np.tanh(x)

def tanh_prime(x):
    # saturated: gradient is 0 past |x| > 5
    return np.where(np.abs(x) > 5, 0.0, 1 - np.tanh(x) ** 2)
