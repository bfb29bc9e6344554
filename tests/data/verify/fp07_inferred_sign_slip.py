"""Sign slips in hard-coded constants that parameter inference 'explains away'."""
import numpy as np

def leaky_relu(x):
    return np.where(x > 0, x, -0.01 * x)      # slip: minus sign (gives |x|/100 for x<0)

def leaky_relu_prime(x):
    return np.where(x > 0, 1.0, -0.01)

def elu(x):
    return np.where(x > 0, x, 1 - np.exp(x))  # slip: exp(x) - 1 reversed

def elu_prime(x):
    return np.where(x > 0, 1.0, -np.exp(x))

def celu(x):
    return np.maximum(0, x) + np.minimum(0, 2.0 * (np.exp(x / 2.0) - 1))  # alpha 2: fine, a real choice

def celu_prime(x):
    return np.where(x > 0, 1.0, np.exp(x / 2.0))
