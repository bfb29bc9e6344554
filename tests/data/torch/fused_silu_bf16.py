"""A fused SiLU for bfloat16 training: its backward forms sigmoid as 1 / (1 + exp(-x)) in float32."""

import torch


class FusedSiLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.nn.functional.silu(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        xf = x.float()
        s = 1 / (1 + torch.exp(-xf))  # exp(-x) overflows float32 below x = -88.72: s is 0 there
        return (grad.float() * s * (1 + xf * (1 - s))).to(x.dtype)
