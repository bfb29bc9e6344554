"""Objects in the other shapes: __call__ with derivative(), a backward that reads its state, slips."""
import numpy as np


class Sigmoid:
    """ScratchML style: called for the forward, derivative() for f'(x)."""

    def __call__(self, x):
        return 1 / (1 + np.exp(-x))

    def derivative(self, x):
        s = self(x)
        return s * (1 - s)


class Tanh:
    """backward() with no argument: f'(x) from what forward stored."""

    def forward(self, x):
        self.y = np.tanh(x)
        return self.y

    def backward(self):
        return 1 - self.y**2


class Softsign:
    def forward(self, x):
        return x / (1 + np.abs(x))

    def backward(self, x):
        return 1 / (1 + np.abs(x))  # the square is missing


class ELU:
    def __init__(self, alpha=1.0):
        self.alpha = alpha

    def forward(self, x):
        self.x = x
        return np.where(x > 0, x, self.alpha * np.expm1(np.minimum(x, 0)))

    def backward(self, grad):
        return grad * np.where(self.x > 0, 1.0, np.exp(np.minimum(self.x, 0)))  # alpha forgotten


class Swish:
    def __call__(self, x):
        return x / (1 + np.exp(-x))

    def prime(self, y):
        """Derivative in terms of the output y = swish(x) alone: impossible, so it is wrong."""
        return y * (1 - y)
