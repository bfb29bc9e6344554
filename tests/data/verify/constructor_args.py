import numpy as np


class PReLU:
    def __init__(self, num_parameters, init=0.25):
        self.weight = np.full(num_parameters, init)

    def forward(self, x):
        self.x = x
        return np.where(x > 0, x, self.weight * x)

    def backward(self, dout):
        return dout * np.where(self.x > 0, 1.0, self.weight)


class Swish:
    def __init__(self, beta):
        self.beta = beta

    def forward(self, x):
        self.x = x
        self.s = 1 / (1 + np.exp(-self.beta * x))
        return x * self.s

    def backward(self, dout):
        return dout * (self.s + self.beta * self.x * self.s * (1 - self.s))


class Softplus:
    def __init__(self, beta=1.0, threshold=20.0):
        self.beta = beta
        self.threshold = threshold

    def forward(self, x):
        self.x = x
        bx = self.beta * x
        return np.where(bx > self.threshold, x, np.logaddexp(0, bx) / self.beta)

    def backward(self, dout):
        bx = self.beta * self.x
        return dout * np.where(bx > self.threshold, 1.0, 1 / (1 + np.exp(-bx)))


class Hardtanh:
    def __init__(self, min_val=-2.0, max_val=2.0):
        self.min_val, self.max_val = min_val, max_val

    def forward(self, x):
        self.x = x
        return np.clip(x, self.min_val, self.max_val)

    def backward(self, dout):
        return dout * ((self.x > self.min_val) & (self.x < self.max_val))
