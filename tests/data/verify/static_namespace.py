import numpy as np


class Activations:
    """Namespace of activation functions and their derivatives."""

    @staticmethod
    def relu(z):
        return np.maximum(0, z)

    @staticmethod
    def relu_derivative(z):
        return (z > 0).astype(float)

    @staticmethod
    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    @staticmethod
    def sigmoid_derivative(z):
        s = Activations.sigmoid(z)
        return s * 1 - s

    @staticmethod
    def tanh(z):
        return np.tanh(z)

    @staticmethod
    def tanh_derivative(z):
        return 1 - np.tanh(z) ** 2

    @staticmethod
    def leaky_relu(z, alpha=0.01):
        return np.maximum(alpha * z, z)

    @staticmethod
    def leaky_relu_derivative(z, alpha=0.01):
        return np.where(z > 0, 1.0, alpha)


ACTIVATIONS = {
    "relu": (Activations.relu, Activations.relu_derivative),
    "sigmoid": (Activations.sigmoid, Activations.sigmoid_derivative),
    "tanh": (Activations.tanh, Activations.tanh_derivative),
}
