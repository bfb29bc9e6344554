import numpy as np


class ReLU:
    def forward(self, Z):
        return np.maximum(0, Z)

    def backward(self, dA, Z):
        dZ = np.array(dA, copy=True)
        dZ[Z <= 0] = 0
        return dZ


class Sigmoid:
    def forward(self, Z):
        return 1 / (1 + np.exp(-Z))

    def backward(self, dA, Z):
        s = self.forward(Z)
        return dA * s * (1 - s)


class Tanh:
    def forward(self, Z):
        return np.tanh(Z)

    def backward(self, dA, Z):
        return dA * (1 - Z ** 2)


class Softplus:
    def forward(self, Z):
        return np.maximum(Z, 0) + np.log1p(np.exp(-np.abs(Z)))

    def backward(self, dA, Z):
        return dA / (1 + np.exp(-Z))
