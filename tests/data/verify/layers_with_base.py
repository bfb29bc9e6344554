import numpy as np


class Layer:
    def forward(self, x):
        raise NotImplementedError("forward() is not implemented.")

    def backward(self, dout):
        raise NotImplementedError("backward() is not implemented.")


class ReLU(Layer):
    def forward(self, x):
        self.inputs = x
        return np.maximum(x, 0)

    def backward(self, dout):
        return dout * np.where(self.inputs > 0, 1, 0)


class LeakyReLU(Layer):
    def __init__(self, alpha=0.01):
        self.alpha = alpha

    def forward(self, x):
        self.inputs = x
        return np.where(x > 0, x, x * self.alpha)

    def backward(self, dout):
        return dout * np.where(self.inputs > 0, 1.0, self.alpha)


class Sigmoid(Layer):
    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return dout * self.out * (1 - self.out)


class Linear(Layer):
    def __init__(self, in_features, out_features):
        self.W = np.random.randn(in_features, out_features) * np.sqrt(2 / in_features)
        self.b = np.zeros(out_features)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return dout @ self.W.T


class SoftmaxCrossEntropy(Layer):
    def forward(self, logits, labels):
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        self.p = e / e.sum(axis=1, keepdims=True)
        self.labels = labels
        return -np.log(self.p[np.arange(len(labels)), labels]).mean()

    def backward(self, dout=1.0):
        g = self.p.copy()
        g[np.arange(len(self.labels)), self.labels] -= 1
        return dout * g / len(self.labels)
