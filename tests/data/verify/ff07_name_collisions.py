"""Correct activations whose names torch uses for a different formula or parameterisation."""
import numpy as np

def swish(x, beta=1.5):                 # Swish-beta (Ramachandran et al. 2017)
    return x / (1 + np.exp(-beta * x))

def swish_prime(x, beta=1.5):
    s = 1 / (1 + np.exp(-beta * x))
    return s + beta * x * s * (1 - s)

def hard_sigmoid(x):                    # Keras / TF1 definition
    return np.clip(0.2 * x + 0.5, 0.0, 1.0)

def hard_sigmoid_prime(x):
    return np.where((x > -2.5) & (x < 2.5), 0.2, 0.0)

def threshold(x):                       # perceptron step
    return np.where(x > 0, 1.0, 0.0)

def threshold_prime(x):
    return np.zeros_like(x)

def selu(x, alpha=1.6733, scale=1.0507):   # the paper's rounded constants
    return scale * np.where(x > 0, x, alpha * (np.exp(x) - 1))

def selu_prime(x, alpha=1.6733, scale=1.0507):
    return scale * np.where(x > 0, 1.0, alpha * np.exp(x))
