import numpy as np
from scipy.special import expit  # numerically stable sigmoid


def sigmoid(x):
    return expit(x)


def sigmoid_prime(z):
    """Derivative of the sigmoid function, where z = sigmoid(x) is the
    activation computed in the forward pass (not the pre-activation)."""
    return z * (1 - z)


def tanh(x):
    return np.tanh(x)


def tanh_prime(h):
    """Derivative of tanh given the hidden state h = tanh(x)."""
    return 1 - h * h


def elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def elu_prime(x, alpha=1.0):
    """Derivative of ELU with respect to its input x."""
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0)))
