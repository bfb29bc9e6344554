import math


def relu(x):
    return max(0.0, x)


def relu_derivative(x):
    return 1.0 if x > 0 else 0.0


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def sigmoid_derivative(x):
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x):
    return math.tanh(x)


def tanh_derivative(x):
    return 1.0 - math.tanh(x) ** 2
