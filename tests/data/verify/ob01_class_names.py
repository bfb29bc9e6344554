import numpy as np
from dataclasses import dataclass


class SigmoidActivation:
    def __call__(self, x):
        return 1 / (1 + np.exp(-x))

    def gradient(self, x):
        s = self(x)
        return s * (1 - s)


class ActivationReLU:
    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, grad):
        return grad * self.mask


class ReLUFunction:
    def __call__(self, x):
        return np.maximum(x, 0)

    def derivative(self, x):
        return (x > 0).astype(x.dtype)


@dataclass
class LeakyReLU:
    negative_slope: float = 0.2

    def __call__(self, x):
        return np.where(x >= 0, x, self.negative_slope * x)

    def gradient(self, x):
        return np.where(x > 0, 1.0, self.negative_slope)


class PReLU:
    def __init__(self, num_parameters=1, init=0.25):
        self.weight = np.full(num_parameters, init)

    def forward(self, x):
        self.x = x
        return np.where(x > 0, x, self.weight * x)

    def backward(self, dout):
        self.dweight = np.sum(dout * np.minimum(self.x, 0))
        return np.where(self.x > 0, dout, self.weight * dout)


class SoftplusLayer:
    def __init__(self, beta=1.0, threshold=20.0):
        self.beta, self.threshold = beta, threshold

    def forward(self, x):
        self.x = x
        bx = self.beta * x
        return np.where(bx > self.threshold, x, np.log1p(np.exp(np.minimum(bx, self.threshold))) / self.beta)

    def backward(self, dout):
        bx = self.beta * self.x
        return dout * np.where(bx > self.threshold, 1.0, 1 / (1 + np.exp(-bx)))
