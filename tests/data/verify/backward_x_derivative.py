import numpy as np


class Activation:
    def forward(self, x):
        raise NotImplementedError

    def backward(self, x):
        raise NotImplementedError


class Softsign(Activation):
    def forward(self, x):
        return x / (1 + np.abs(x))

    def backward(self, x):
        return 1 / (1 + np.abs(x)) ** 2


class Mish(Activation):
    def forward(self, x):
        return x * np.tanh(np.logaddexp(0, x))

    def backward(self, x):
        t = np.tanh(np.logaddexp(0, x))
        s = 1 / (1 + np.exp(-x))
        return t + x * s * (1 - t * t)


class Tanhshrink(Activation):
    def forward(self, x):
        return x - np.tanh(x)

    def backward(self, x):
        return np.tanh(x) ** 2


class CELU(Activation):
    def __init__(self, alpha=1.0):
        self.alpha = alpha

    def forward(self, x):
        return np.maximum(0, x) + np.minimum(0, self.alpha * np.expm1(np.minimum(x, 0) / self.alpha))

    def backward(self, x):
        return np.where(x > 0, 1.0, np.exp(np.minimum(x, 0) / self.alpha))
