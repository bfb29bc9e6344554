"""Writes its process id where the test says, then computes for a long time at import."""
import os
import sys

import numpy as np

with open(os.environ["ACTCHECK_TEST_PIDFILE"], "w") as f:
    f.write(str(os.getpid()))
total = 0
while True:
    total += 1


def relu(x):
    return np.maximum(x, 0)


def relu_grad(x):
    return (x > 0) * 1.0
