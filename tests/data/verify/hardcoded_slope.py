import numpy as np


def leaky_relu(x):
    return np.where(x > 0, x, 0.1 * x)


def leaky_relu_derivative(x):
    return np.where(x > 0, 1.0, 0.1)


class LeakyReLU:
    """Leaky ReLU layer (slope 0.2 for negative inputs)."""

    def forward(self, x):
        self.x = x
        return np.maximum(0.2 * x, x)

    def backward(self, dout):
        return dout * np.where(self.x > 0, 1.0, 0.01)


def elu(x):
    return np.where(x > 0, x, 0.5 * (np.exp(x) - 1))


def elu_derivative(x):
    return np.where(x > 0, 1.0, 0.5 * np.exp(x))
