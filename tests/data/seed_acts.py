import numpy as np


# sigmoid function
def sigmoid_forward(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_backward(x):
    sigmoid = 1 / (1 + np.exp(-x))
    return sigmoid * (1 - sigmoid)


# tanh function
def tanh_forward(x):
    return np.tanh(x)


def tanh_backward(x):
    return 1 - np.tanh(x) ** 2


# Relu function
def relu_forward(x):
    return max(0, x)


def relu_backward(x):
    return 0 if x <= 0 else 1


# Leaky relu function
def leaky_relu_forward(x):
    return max(0.01 * x, x)


def leaky_relu_backward(x):
    return 0.01 if x <= 0 else 1


# elu function
def elu_forward(x, alpha=1):
    return x if x > 0 else alpha * (np.exp(x) - 1)


def elu_backward(x):
    if x > 0:
        return 1
    else:
        return np.exp(x)


x = np.array([-5.0, 0.0, 2.0, 3.0, 5.0])
print("Sigmoid : ", sigmoid_forward(x))
