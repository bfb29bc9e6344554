"""Patterns from public code: EfficientNet-PyTorch's memory-efficient Swish; Megatron-LM's fused bias GeLU
(its forward takes a bias: judged through the wrapper, and itself at bias 0) and openai_gelu (calling a torch.jit.script function);
a Function under the deprecated torch.cuda.amp decorators, which warn when the file is imported."""

import torch
from torch.cuda.amp import custom_bwd, custom_fwd


class SwishImplementation(torch.autograd.Function):
    @staticmethod
    def forward(ctx, i):
        result = i * torch.sigmoid(i)
        ctx.save_for_backward(i)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        i = ctx.saved_tensors[0]
        sigmoid_i = torch.sigmoid(i)
        return grad_output * (sigmoid_i * (1 + i * (1 - sigmoid_i)))


class MemoryEfficientSwish(torch.nn.Module):
    def forward(self, x):
        return SwishImplementation.apply(x)


class Swish(torch.nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(x)


@torch.jit.script
def bias_gelu(bias, y):
    x = bias + y
    return x * 0.5 * (1.0 + torch.tanh(0.79788456 * x * (1 + 0.044715 * x * x)))


@torch.jit.script
def bias_gelu_back(g, bias, y):
    x = bias + y
    tanh_out = torch.tanh(0.79788456 * x * (1 + 0.044715 * x * x))
    ff = 0.5 * x * ((1 - tanh_out * tanh_out) * (0.79788456 + 0.1070322243 * x * x)) + 0.5 * (1 + tanh_out)
    return ff * g


class GeLUFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input, bias):
        ctx.save_for_backward(input, bias)
        return bias_gelu(bias, input)

    @staticmethod
    def backward(ctx, grad_output):
        input, bias = ctx.saved_tensors
        tmp = bias_gelu_back(grad_output, bias, input)
        return tmp, tmp.sum()


def bias_gelu_impl(x):
    return GeLUFunction.apply(x, torch.zeros((), dtype=x.dtype))


class ReLUFn(torch.autograd.Function):
    @staticmethod
    @custom_fwd
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    @custom_bwd
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (x > 0).to(grad.dtype)


@torch.jit.script
def gelu_impl(x):
    """OpenAI's gelu implementation (Megatron-LM's model/utils.py)."""
    return 0.5 * x * (1.0 + torch.tanh(0.7978845608028654 * x * (1.0 + 0.044715 * x * x)))


def openai_gelu(x):
    return gelu_impl(x)
