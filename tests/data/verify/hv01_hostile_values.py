"""A notebook's module level: data arrays beside classes, and objects whose ==, bool, hash and getattr are hostile."""

import numpy as np

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])  # XOR data beside a network class
y = np.array([0.0, 1.0, 1.0, 0.0])


class Hostile:
    def __eq__(self, other):
        raise RuntimeError("== called on a user object")

    def __bool__(self):
        raise RuntimeError("bool() called on a user object")

    def __hash__(self):
        raise RuntimeError("hash() called on a user object")

    def __getattr__(self, name):
        return np.ones(3)  # every missing attribute is an array: __module__, __wrapped__ too

    def __call__(self, x):
        return x


relu = Hostile()  # a callable named like an activation that is no function
weird = Hostile()


class A:
    pass


class Network:
    def __init__(self, sizes=(2, 3, 1)):
        self.sizes = sizes
        self.probe = Hostile()

    def sigmoid(self, z):
        return 1 / (1 + np.exp(-z))

    def sigmoid_prime(self, z):
        s = self.sigmoid(z)
        return s * (1 - s)


def tanh(x):
    return np.tanh(x)


def tanh_prime(x):
    return 1 - np.tanh(x) ** 2
