"""victorzhou.com 'intro to neural networks' shape: deriv_sigmoid."""
import numpy as np

def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def deriv_sigmoid(x):
    fx = sigmoid(x)
    return fx * (1 - fx)
