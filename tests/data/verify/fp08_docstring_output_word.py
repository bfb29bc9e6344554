"""Derivatives whose parameter is z (the input) and that compute f'(f(z)): the slip README says is caught.
Their docstrings merely mention 'output'."""
import numpy as np

def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))

def sigmoid_prime(z):
    """Derivative of the sigmoid, used to scale the output error during backprop."""
    return z * (1 - z)

def tanh(z):
    return np.tanh(z)

def tanh_prime(z):
    """Gradient of tanh (see the output layer)."""
    return 1 - z ** 2
