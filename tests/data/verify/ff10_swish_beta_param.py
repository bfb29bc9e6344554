import numpy as np

def swish(x, beta=1.0):
    return x / (1 + np.exp(-beta * x))

def swish_prime(x, beta=1.0):
    s = 1 / (1 + np.exp(-beta * x))
    return s + beta * x * s * (1 - s)
