"""Layer objects: forward keeps state for backward."""

import matplotlib.pyplot as plt  # noqa: F401  (real course files import their plotting)
import numpy as np


class ReLU:
    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, dout):
        return dout * self.mask


class Tanh:
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        return dout * (1 - self.out**2)


class SigmoidLayer:
    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return dout * self.out * (1 - self.out)


class Dense:
    def __init__(self, n_in, n_out):  # needs arguments: not an activation layer
        self.w = np.zeros((n_in, n_out))
