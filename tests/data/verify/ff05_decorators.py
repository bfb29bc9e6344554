import functools
import math
import time
import numpy as np


def timed(fn):                       # a decorator written without functools.wraps
    def wrapper(*args, **kwargs):
        t0 = time.perf_counter()
        out = fn(*args, **kwargs)
        wrapper.elapsed = time.perf_counter() - t0
        return out
    return wrapper


@timed
def sigmoid(x):
    return 1 / (1 + np.exp(-x))


@timed
def sigmoid_prime(x):
    s = sigmoid(x)
    return s * (1 - s)


@np.vectorize
def relu(x):
    return max(0.0, x)


@np.vectorize
def relu_prime(x):
    return 1.0 if x > 0 else 0.0


@functools.lru_cache(maxsize=None)
def softplus(x):
    return math.log1p(math.exp(-abs(x))) + max(x, 0.0)


@functools.lru_cache(maxsize=None)
def softplus_prime(x):
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))
