import numpy as np

from dnn_utils_v2 import sigmoid, sigmoid_backward, relu, relu_backward  # course helper, not shipped


def tanh(Z):
    return np.tanh(Z), Z


def tanh_backward(dA, cache):
    return dA * (1 - np.tanh(cache) ** 2)
