import numpy as np

class Abort(BaseException):
    pass

def relu(x):
    return np.maximum(x, 0)

def relu_prime(x):
    raise Abort("stop training")

def tanh(x):
    return np.tanh(x)

def tanh_prime(x):
    raise KeyboardInterrupt

def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def sigmoid_prime(x):
    s = sigmoid(x)
    return s * (1 - s)
