import numpy as np


def hardtanh(x, min_val=-1.0, max_val=1.0):
    return np.clip(x, min_val, max_val)


def hardtanh_bwd(dy, x, min_val=-1.0, max_val=1.0):
    return dy * ((x > min_val) & (x < max_val))


def softsign(x):
    return x / (1 + np.abs(x))


def softsign_deriv(x):
    return 1 / np.square(1 + np.abs(x))


def relu6(x):
    return np.minimum(np.maximum(x, 0), 6)


def relu6_backward(x):
    return ((x > 0) & (x < 6)).astype(x.dtype)


def hardshrink(x, lambd=0.5):
    return np.where(np.abs(x) > lambd, x, 0.0)


def hardshrink_gradient(x, lambd=0.5):
    return (np.abs(x) > lambd).astype(float)


def softshrink(x, lambd=0.5):
    return np.sign(x) * np.maximum(np.abs(x) - lambd, 0)


def softshrink_grad(x, lambd=0.5):
    return (np.abs(x) > lambd).astype(float)


def threshold(x, threshold=0.1, value=20.0):
    return np.where(x > threshold, x, value)


def thresholdDerivative(x, threshold=0.1, value=20.0):
    return np.where(x > threshold, 1.0, 0.0)


def celu(x):
    return np.where(x > 0, x, np.expm1(x))


def celuPrime(x):
    return np.where(x > 0, 1.0, np.exp(x))
