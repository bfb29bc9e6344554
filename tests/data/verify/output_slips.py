"""The output convention, said by the parameter's name, with a slip inside."""
import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_prime(y):
    return y * 1 - y  # precedence: y * (1 - y) was meant


def tanh(x):
    return np.tanh(x)


def tanh_prime(out):
    return 1 - out  # the square is missing


def relu(x):
    return np.maximum(x, 0)


def relu_prime(a):
    return (a > 0).astype(float)  # relu'(x) from relu(x): right either way
