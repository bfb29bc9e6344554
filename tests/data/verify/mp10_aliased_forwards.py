"""Forwards that are library functions bound to a name; derivatives written by hand (one is wrong)."""
import numpy as np
from scipy.special import expit as sigmoid

tanh = np.tanh

def sigmoid_prime(x):
    return sigmoid(x) * (1 - sigmoid(x))

def tanh_prime(x):
    return 1 - np.tanh(x)          # slip: square missing


class Tanh:
    forward = np.tanh

    def backward(self, x):
        return 1 - np.tanh(x) ** 2
