"""torch code with the slips people make in custom backward passes: each must FAIL, naming its cause."""

import math

import torch


class ELUFunction(torch.autograd.Function):
    """forward takes alpha too; backward returns one gradient where two are due."""

    @staticmethod
    def forward(ctx, x, alpha):
        ctx.save_for_backward(x)
        ctx.alpha = alpha
        return torch.nn.functional.elu(x, alpha)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * torch.where(x > 0, 1.0, ctx.alpha * torch.exp(x)).to(x.dtype)


def elu(x, alpha=1.0):
    return ELUFunction.apply(x, alpha)


class Sigmoid(torch.autograd.Function):
    """backward forgets grad_output."""

    @staticmethod
    def forward(ctx, x):
        x64 = x.double()
        y = torch.sigmoid(x)
        ctx.save_for_backward(x64)
        return y

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        s = torch.sigmoid(x)
        return (s * (1 - s)).to(grad.dtype)


class FusedSiLU(torch.autograd.Function):
    """saves its bfloat16 output and forms silu' from it: s = y / x, f' = s + y (1 - s)."""

    @staticmethod
    def forward(ctx, x):
        y = x * torch.sigmoid(x)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        s = torch.where(x == 0, 0.5, y / x)
        return grad * (s + y * (1 - s))


class GELU(torch.autograd.Function):
    """the tanh approximation with its constant held in a float32 tensor: float64 off at float32's precision."""

    @staticmethod
    def forward(ctx, x):
        c = torch.tensor(math.sqrt(2 / math.pi))  # float32
        ctx.save_for_backward(x)
        return 0.5 * x * (1 + torch.tanh(c * (x + 0.044715 * x**3)))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        c = torch.tensor(math.sqrt(2 / math.pi))
        inner = c * (x + 0.044715 * x**3)
        t = torch.tanh(inner)
        return grad * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x))


class Softplus(torch.autograd.Function):
    """log(1 + exp(x)): exp overflows."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.log(1 + torch.exp(x))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * torch.sigmoid(x)


class SiLUInPlace(torch.autograd.Function):
    """saves x, then multiplies x in place to make the output: torch refuses the backward."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.mul_(torch.sigmoid(x))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        s = torch.sigmoid(x)
        return grad * s * (1 + x * (1 - s))


class SigmoidInPlaceBackward(torch.autograd.Function):
    """backward overwrites the saved output in place: a second backward gives other values."""

    @staticmethod
    def forward(ctx, x):
        y = torch.sigmoid(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * y.mul_(1 - y)


class TanhForwardMode(torch.autograd.Function):
    """backward is right; jvp (forward mode) returns the sigmoid's derivative form y (1 - y)."""

    @staticmethod
    def forward(x):
        return torch.tanh(x)

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(output)
        ctx.save_for_forward(output)

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (1 - y * y)

    @staticmethod
    def jvp(ctx, t):
        (y,) = ctx.saved_tensors
        return t * y * (1 - y)
