"""First and second derivatives side by side; the first derivative has a slip."""
import numpy as np

def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def sigmoid_prime(x):
    s = sigmoid(x)
    return s * (1 - s) * 1.01          # slip: 1% off

def sigmoid_prime_prime(x):
    s = sigmoid(x)
    d = s * (1 - s) * 1.01
    return d * (1 - 2 * s)

def tanh(x):
    return np.tanh(x)

def dtanh(x):
    return 1 - np.tanh(x) ** 2

def ddtanh(x):
    t = np.tanh(x)
    return -2 * t * (1 - t ** 2)
