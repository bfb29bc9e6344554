"""torch's forward mode (dual tensors): f'(x) for an elementwise activation, J v for a vector one.

A separate code path from reverse mode in torch, so a separate opinion: where the two
modes pick different subgradients at a kink, the engine notes it.
"""

import warnings

from .answer import Answer
from .tensors import by_parts, in_context, to_numpy, to_torch

__all__ = ["answer"]


def answer(ask):
    """torch's forward-mode derivative at ``ask.x`` (tangent ones), or a vector's JVP along ``ask.tangent``."""
    import torch

    fn = lambda T, t: ask.act.torch(T, t, **ask.params)  # noqa: E731
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if ask.act.kind == "vector":
            key = "jvp"
            value = _jvp(
                torch, fn, to_torch(torch, ask.x, ask.dtype), ask.dtype, to_torch(torch, ask.tangent, ask.dtype)
            )
        else:
            key = "backward"
            run = lambda x, _: {key: _jvp(torch, fn, to_torch(torch, x, ask.dtype), ask.dtype)}  # noqa: E731
            if ask.context:
                value = in_context(run, ask.x, None, ask.dtype, ask.context)[key]
            else:
                value = by_parts(run, ask.x, None, ask.dtype)[key]
    if value is None:
        where = f" in {ask.dtype.name}" if ask.act.kind == "vector" else ""
        return Answer({}, {key: f"torch has no forward-mode derivative for {ask.act.name}{where}"})
    return Answer({key: value})


def _jvp(torch, fn, x, dtype, tangent=None):
    import torch.autograd.forward_ad as fwad

    tangent = torch.ones_like(x) if tangent is None else tangent
    try:
        with fwad.dual_level():
            out = fn(torch, fwad.make_dual(x, tangent))
            jvp = fwad.unpack_dual(out).tangent
    except (RuntimeError, NotImplementedError):
        return None
    return to_numpy(jvp if jvp is not None else torch.zeros_like(out), dtype)
