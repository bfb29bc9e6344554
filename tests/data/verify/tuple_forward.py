import numpy as np


def sigmoid(z):
    a = 1 / (1 + np.exp(-z))
    return a, z  # (activation, cache) like the course helpers


def sigmoid_prime(z):
    return sigmoid(z) * (1 - sigmoid(z))


def tanh(x):
    return np.tanh(x),


def tanh_prime(x):
    return 1 - tanh(x) ** 2


def relu(z):
    return np.maximum(z, 0), z


def relu_backward(dA, cache):
    return dA * (cache > 0)
