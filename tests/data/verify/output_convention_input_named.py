import numpy as np


# sigmoid function
def sigmoid(x):
    return 1 / (1 + np.exp(-x))


# derivative of sigmoid
def sigmoid_derivative(x):
    return x * (1 - x)


def tanh(X):
    return np.tanh(X)


# derivative of tanh
def tanh_derivative(X):
    return 1 - X ** 2


def relu(X):
    return np.maximum(0, X)


def relu_derivative(X):
    return np.greater(X, 0).astype(int)


if __name__ == "__main__":
    print(sigmoid_derivative(sigmoid(np.array([0.0, 1.0]))))
