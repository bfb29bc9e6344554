import os
import threading

import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1 - s)


def _train():
    w = np.zeros(3)
    for _ in range(100):
        w += 0.01 * sigmoid_grad(w)


worker = threading.Thread(target=_train)
worker.start()
worker.join()
print("done")
os._exit(0)  # the plotting backend leaves a thread behind; leave hard
