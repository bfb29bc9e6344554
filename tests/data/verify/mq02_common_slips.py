import numpy as np

def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def sigmoid_prime(x):
    return sigmoid(x) * (1 + sigmoid(x))       # sign slip

def tanh(x):
    return np.tanh(x)

def tanh_prime(x):
    return 1 - np.tanh(x ** 2)                  # square in the wrong place

def elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * (np.exp(x) - 1))

def elu_prime(x, alpha=1.0):
    return np.where(x > 0, 1.0, elu(x, alpha))  # "+ alpha" forgotten

def softsign(x):
    return x / (1 + np.abs(x))

def softsign_prime(x):
    return softsign(x)                          # returns the forward

def softplus(x):
    return np.logaddexp(0, x)

def softplus_prime(x):
    return np.exp(x) / (1 + np.exp(-x))         # exp(x) instead of 1 in the numerator
