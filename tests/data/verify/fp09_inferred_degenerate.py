"""Slips that turn the activation into another one; parameter inference accepts them."""
import numpy as np

def leaky_relu(x):
    return np.where(x > 0, x, x)          # slip: the slope was forgotten (identity)

def leaky_relu_prime(x):
    return np.ones_like(x)

def elu(x):
    return np.where(x > 0, x, 0 * (np.exp(x) - 1))   # slip: alpha 0 (it's a relu)

def elu_prime(x):
    return np.where(x > 0, 1.0, 0.0)

def softplus(x):
    return np.log1p(np.exp(-np.abs(10 * x))) / 10 + np.maximum(x, 0)   # beta=10 typed by accident

def softplus_prime(x):
    return 1 / (1 + np.exp(-10 * x))
