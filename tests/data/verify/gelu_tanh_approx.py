import math

import numpy as np


class GELU:
    """Gaussian Error Linear Unit, tanh approximation (as in GPT-2)."""

    def __init__(self):
        self.c = math.sqrt(2.0 / math.pi)

    def forward(self, x):
        self.x = x
        self.t = np.tanh(self.c * (x + 0.044715 * x ** 3))
        return 0.5 * x * (1.0 + self.t)

    def backward(self, dout):
        x, t = self.x, self.t
        dt = (1.0 - t ** 2) * self.c * (1.0 + 3 * 0.044715 * x ** 2)
        return dout * (0.5 * (1.0 + t) + 0.5 * x * dt)


_erf = np.vectorize(math.erf)


def gelu(x):
    """Exact GELU with the error function."""
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def gelu_derivative(x):
    return 0.5 * (1.0 + _erf(x / math.sqrt(2.0))) + x * np.exp(-0.5 * x ** 2) / math.sqrt(2.0 * math.pi)
