import sys
import numpy as np
sys.stdout.reconfigure(encoding="utf-8")   # common at the top of scripts written on Windows

def relu(x):
    return np.maximum(x, 0)

def relu_prime(x):
    return (x > 0) * 1.0
