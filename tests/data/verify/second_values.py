"""Parameters tried at a second value: whole-number defaults, ints (a power stays whole), names the two
functions give one parameter, and hardtanh's bounds one at a time. Each slip is right only at the default."""
import numpy as np


def scaled_tanh(x, alpha=2.0):
    return np.tanh(alpha * x)


def scaled_tanh_prime(x, alpha=2.0):
    return 2.0 * (1 - np.tanh(alpha * x) ** 2)  # 2.0 for alpha


def relu_power(x, p=2):
    r = np.maximum(x, 0.0)
    out = np.ones_like(r)
    for _ in range(p):  # an int power: a second value of 2.5 would break range()
        out = out * r
    return out


def relu_power_prime(x, p=2):
    r = np.maximum(x, 0.0)
    out = p * np.ones_like(r)
    for _ in range(p - 1):
        out = out * r
    return out


def cube_power(x, k=2):
    return np.maximum(x, 0.0) ** k


def cube_power_prime(x, k=2):
    return 2 * np.maximum(x, 0.0)  # hard-codes k = 2


def leaky_relu(z, negative_slope=0.01):
    return np.where(z > 0, z, negative_slope * z)


def leaky_relu_prime(z, alpha=0.01):
    return np.where(z > 0, 1.0, 0.01)  # ignores alpha, torch's negative_slope


def hardtanh(x, min_val=-1.0, max_val=1.0):
    return np.clip(x, min_val, max_val)


def hardtanh_prime(x, min_val=-1.0, max_val=1.0):
    return (np.abs(x) < max_val).astype(float)  # assumes the interval is symmetric


def poly_act(x, n_terms=4):
    out = np.zeros_like(np.asarray(x, dtype=float))
    for k in range(n_terms):  # a count: left at its default
        out = out + (-1) ** k * x ** (2 * k + 1) / np.prod(np.arange(1, 2 * k + 2))
    return out


def poly_act_prime(x, n_terms=4):
    out = np.zeros_like(np.asarray(x, dtype=float))
    for k in range(n_terms):
        out = out + (-1) ** k * x ** (2 * k) / np.prod(np.arange(1, 2 * k + 1))
    return out
