"""Only the wrong derivative is named in a way actcheck doesn't pair: the slip goes unseen,
and the file's other (correct) pair makes it exit 0."""
import numpy as np

def relu(x):
    return np.maximum(0, x)

def relu_prime(x):
    return (x > 0).astype(float)

def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def sigmoid_der(x):
    return sigmoid(x) * 1 - sigmoid(x)   # precedence slip
