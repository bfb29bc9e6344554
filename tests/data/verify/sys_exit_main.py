"""Train a one-hidden-layer net on XOR. Run: python sys_exit_main.py [epochs]"""
import sys

import numpy as np


def tanh(x):
    return np.tanh(x)


def tanh_prime(x):
    return 1.0 - np.tanh(x) ** 2


def main(argv):
    epochs = int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else 10
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    rng = np.random.default_rng(0)
    W1, W2 = rng.normal(size=(2, 4)), rng.normal(size=(4, 1))
    for _ in range(epochs):
        h = tanh(X @ W1)
        out = h @ W2
        err = out - y
        W2 -= 0.1 * h.T @ err
        W1 -= 0.1 * X.T @ ((err @ W2.T) * tanh_prime(X @ W1))
    print("loss", float((err ** 2).mean()))
    return 0


sys.exit(main(sys.argv))
