import faulthandler
import numpy as np
faulthandler.enable()

def relu(x):
    return np.maximum(x, 0)

def relu_prime(x):
    return (x > 0) * 1.0
