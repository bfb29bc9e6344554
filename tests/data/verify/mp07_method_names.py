import numpy as np


class SigmoidLayer:
    def forward_propagate(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward_propagate(self, output_error, learning_rate):
        return output_error * self.out * (1 - self.out)


class TanhLayer:
    def forward(self, x):
        self.y = np.tanh(x)
        return self.y

    def backwards(self, grad):
        return grad * (1 - self.y ** 2)


class ReLUFunction:
    """numpy re-implementation of torch.autograd.Function."""

    @staticmethod
    def forward(ctx, x):
        ctx["x"] = x
        return np.maximum(x, 0)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * (ctx["x"] > 0)


class Softplus:
    def fprop(self, x):
        self.x = x
        return np.logaddexp(0, x)

    def bprop(self, dy):
        return dy / (1 + np.exp(-self.x))


class ELU:
    def __init__(self, alpha=1.0):
        self.alpha = alpha

    def activate(self, x):
        return np.where(x > 0, x, self.alpha * np.expm1(x))

    def derivative(self, x):
        return np.where(x > 0, 1.0, self.alpha * np.exp(x))
