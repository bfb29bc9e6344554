import sys

import numpy as np


class ReLU:
    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, dout):
        return dout * self.mask


class Tanh:
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        grad = dout * (1 - self.out ** 2)
        print("tanh grad", grad.shape, grad.mean())
        sys.exit()  # stop here while debugging the exploding gradients
        return grad
