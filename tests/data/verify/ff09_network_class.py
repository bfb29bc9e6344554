"""The classic tutorial: a tiny network class with sigmoid helpers as methods."""
import numpy as np


class NeuralNetwork:
    def __init__(self, input_size=2, hidden_size=3, output_size=1, seed=0):
        rng = np.random.default_rng(seed)
        self.W1 = rng.normal(size=(input_size, hidden_size))
        self.W2 = rng.normal(size=(hidden_size, output_size))

    def sigmoid(self, s):
        return 1 / (1 + np.exp(-s))

    def sigmoid_prime(self, s):
        return s * (1 - s)           # called with the sigmoid's output

    def forward(self, X):
        self.z2 = self.sigmoid(X @ self.W1)
        return self.sigmoid(self.z2 @ self.W2)

    def backward(self, X, y, o):
        o_delta = (y - o) * self.sigmoid_prime(o)
        z2_delta = o_delta @ self.W2.T * self.sigmoid_prime(self.z2)
        self.W1 += X.T @ z2_delta
        self.W2 += self.z2.T @ o_delta


class MLP:
    def __init__(self, sizes):
        self.sizes = sizes

    def relu(self, x):
        return np.maximum(x, 0)

    def relu_derivative(self, x):
        return (x > 0).astype(float)
