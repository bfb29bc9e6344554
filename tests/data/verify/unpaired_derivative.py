"""Derivatives whose forward is not in the file: listed as skipped, never silently dropped."""
import numpy as np


def relu(x):
    return np.maximum(0, x)


def relu_prime(x):
    return (x > 0).astype(float)


def sigmoid_der(x):  # its sigmoid lives in another module
    s = 1 / (1 + np.exp(-x))
    return s * 1 - s
