import numpy as np


class Activations:
    @staticmethod
    def relu(Z):
        return np.maximum(0, Z)

    @staticmethod
    def relu_backward(dA, Z):
        return dA * (Z > 0)

    @staticmethod
    def elu(Z, alpha=1.0):
        return np.where(Z > 0, Z, alpha * np.expm1(np.minimum(Z, 0)))

    @staticmethod
    def elu_backward(dA, Z, alpha=1.0):
        return dA * np.where(Z > 0, 1.0, alpha * np.exp(np.minimum(Z, 0)))
