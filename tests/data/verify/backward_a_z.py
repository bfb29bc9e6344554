import numpy as np


class Sigmoid:
    def __init__(self) -> None:
        self.name = "sigmoid"

    def __call__(self, z):
        return 1 / (1 + np.exp(-z))

    def backward(self, a, z):
        # a is the activation computed in the forward pass
        return a * (1 - a)


class Tanh:
    def __init__(self) -> None:
        self.name = "tanh"

    def __call__(self, z):
        return np.tanh(z)

    def backward(self, a, z):
        return 1 - a ** 2


class LeakyReLU:
    def __init__(self) -> None:
        self.name = "leaky_relu"

    def __call__(self, z):
        alpha = 0.01
        return np.where(z > 0, z, z * alpha)

    def backward(self, a, z):
        alpha = 0.01
        return np.where(z > 0, 1, z * alpha)


class ReLU:
    def __init__(self) -> None:
        self.name = "relu"

    def __call__(self, z):
        return np.maximum(0, z)

    def backward(self, a, z):
        return (z > 0).astype(float)
