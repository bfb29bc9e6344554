"""Upstream gradients named out_grad / output_error / output_gradient (needle, Aflak's Medium post)."""
import numpy as np

def relu(x):
    return np.maximum(x, 0)

def relu_backward(out_grad, x):
    return out_grad * (x > 0)

def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def sigmoid_backward(output_error, x):
    s = sigmoid(x)
    return output_error * s * (1 - s)

def tanh(x):
    return np.tanh(x)

def tanh_backward(output_gradient, inputs):
    return output_gradient * (1 - np.tanh(inputs) ** 2)
