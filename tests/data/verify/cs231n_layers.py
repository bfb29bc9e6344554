"""Modular layer functions: every forward returns (out, cache), every backward
takes the upstream derivative and that cache."""
import numpy as np


def affine_forward(x, w, b):
    """x: (N, D), w: (D, M), b: (M,)"""
    out = x.reshape(x.shape[0], -1).dot(w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    x, w, b = cache
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T.dot(dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db


def relu_forward(x):
    out = np.maximum(0, x)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    x = cache
    dx = dout * (x > 0)
    return dx


def sigmoid_forward(x):
    out = 1.0 / (1.0 + np.exp(-x))
    return out, out


def sigmoid_backward(dout, cache):
    out = cache
    # local gradient of the sigmoid, expressed with its output
    return out * (1.0 - out)


def tanh_forward(x):
    out = np.tanh(x)
    cache = x
    return out, cache


def tanh_backward(dout, cache):
    x = cache
    return dout * (1.0 - np.tanh(x) ** 2)
