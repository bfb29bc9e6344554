import numpy as np


def softmax_forward(x):
    e = np.exp(x - np.max(x))
    s = e / e.sum()
    return s, s


def softmax_backward(dout, cache):
    s = cache
    return dout * s * (1 - s)  # treats the Jacobian as diagonal
