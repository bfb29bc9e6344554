"""Correct torch code: each must PASS in every dtype it runs in."""

import torch
import torch.nn.functional as F


class SiLUFunction(torch.autograd.Function):
    """Fused SiLU: saves x; f' = s * (1 + x * (1 - s)) formed in float64, rounded once."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return F.silu(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        xd = x.double()
        s = torch.sigmoid(xd)
        return (grad.double() * (s * (1 + xd * (1 - s)))).to(x.dtype)


class Tanh(torch.autograd.Function):
    """setup_context style, with forward mode (jvp) too."""

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
        return t * (1 - y * y)


class SigmoidFromOutput(torch.autograd.Function):
    """f' = y (1 - y) from the saved output: in bfloat16 y rounds to 1 beyond x = 5.5, so f' is 0 there,
    exactly as torch's own sigmoid backward (which also uses its output)."""

    @staticmethod
    def forward(ctx, x):
        y = torch.sigmoid(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * y * (1 - y)


class Softplus(torch.nn.Module):
    def forward(self, x):
        return torch.nn.functional.softplus(x)


def relu(x):
    return torch.clamp(x, min=0)


@torch.library.custom_op("actcheck_corpus::gelu", mutates_args=())
def gelu_op(x: torch.Tensor) -> torch.Tensor:
    """A custom op (a C++ or Triton kernel in real life) with its backward registered."""
    return torch.nn.functional.gelu(x)


@gelu_op.register_fake
def _(x):
    return torch.empty_like(x)


def _gelu_setup(ctx, inputs, output):
    ctx.save_for_backward(inputs[0])


def _gelu_backward(ctx, grad):
    (x,) = ctx.saved_tensors
    return torch.ops.aten.gelu_backward(grad, x)


gelu_op.register_autograd(_gelu_backward, setup_context=_gelu_setup)
