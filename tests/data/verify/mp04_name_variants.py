import numpy as np

def sigmoid_fn(x):
    return 1 / (1 + np.exp(-x))

def sigmoid_derivative_fn(x):
    s = sigmoid_fn(x)
    return s * (1 - s)

def tanh(x):
    return np.tanh(x)

def d_tanh_dx(x):
    return 1 - np.tanh(x) ** 2

def softplus(x):
    return np.logaddexp(0, x)

def derivative_softplus(x):
    return 1 / (1 + np.exp(-x))

def elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(x))

def elu_diff(x, alpha=1.0):
    return np.where(x > 0, 1.0, alpha * np.exp(x))
