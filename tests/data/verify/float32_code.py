"""A from-scratch library that works in float32 throughout (as most GPU-minded code does): judged in float32."""
import numpy as np
DTYPE = np.float32

def sigmoid(x):
    x = np.asarray(x, dtype=DTYPE)
    return (1 / (1 + np.exp(-x))).astype(DTYPE)

def sigmoid_prime(x):
    s = sigmoid(x)
    return s * (1 - s)

def tanh(x):
    return np.tanh(np.asarray(x, dtype=DTYPE))

def tanh_prime(x):
    t = tanh(x)
    return 1 - t * t

def softplus(x):
    x = np.asarray(x, dtype=DTYPE)
    return np.logaddexp(DTYPE(0), x)

def softplus_prime(x):
    return sigmoid(x)

def gelu(x):
    x = np.asarray(x, dtype=DTYPE)
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))

def gelu_prime(x):
    x = np.asarray(x, dtype=np.float64)
    c = np.sqrt(2 / np.pi)
    t = np.tanh(c * (x + 0.044715 * x ** 3))
    return (0.5 * (1 + t) + 0.5 * x * (1 - t ** 2) * c * (1 + 3 * 0.044715 * x ** 2)).astype(DTYPE)


def softsign(x):
    x = np.asarray(x, dtype=DTYPE)
    return x / (1 + np.abs(x))


def softsign_prime(x):
    x = np.asarray(x, dtype=DTYPE)
    return 1 / (1 + np.abs(x))  # the square left out


def bent_identity(x):
    x = np.asarray(x, dtype=DTYPE)
    return (np.sqrt(x * x + 1) - 1) / 2 + x


def bent_identity_prime(x):
    x = np.asarray(x, dtype=DTYPE)
    return x / (2 * np.sqrt(x * x + 1)) + 1


def bent_half(x):
    x = np.asarray(x, dtype=DTYPE)
    return (np.sqrt(x * x + 1) - 1) / 2 + x


def bent_half_prime(x):
    x = np.asarray(x, dtype=DTYPE)
    return x / (2.05 * np.sqrt(x * x + 1)) + 1  # 2.05 for 2
