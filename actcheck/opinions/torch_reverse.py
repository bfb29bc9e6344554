"""torch's reverse mode: the forward, the backward (VJP with ones and with an upstream
gradient), the double backward, and a vector activation's Jacobian rows."""

import warnings

import numpy as np

from .answer import Answer
from .tensors import by_parts, in_context, probe, to_numpy, to_torch, trim_heap, vjp

__all__ = ["answer"]


def answer(ask):
    """torch's forward, backward, vjp and (order 2) second at ``ask.x``; vectors add the Jacobian."""
    import torch

    fn = _bound(ask)
    inconsistent = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if ask.act.kind == "vector":
            values = _vector(torch, fn, ask)
        else:
            run = lambda x, up: _run(torch, fn, x, ask.dtype, up, ask.order)  # noqa: E731
            if ask.context:
                values = in_context(run, ask.x, ask.upstream, ask.dtype, ask.context)
            else:
                values = by_parts(run, ask.x, ask.upstream, ask.dtype)
                # f and f' only: the VJP and f'' come from the same kernels, and the probe should cost little
                light = lambda x, up: _run(torch, fn, x, ask.dtype, None, 1)  # noqa: E731
                inconsistent = probe(light, ask.x, None, ask.dtype, values)
    missing = {}
    if ask.order >= 2 and values.get("second") is None:
        missing["second"] = f"torch has no double backward for {ask.act.name}; second derivatives not compared"
    return Answer({k: v for k, v in values.items() if v is not None}, missing, inconsistent=inconsistent)


def _bound(ask):
    return lambda T, t: ask.act.torch(T, t, **ask.params)


def _run(torch, fn, x, dtype, upstream, order):
    """Everything reverse mode offers on one batch; a missing capability gives None."""
    xt = to_torch(torch, x, dtype).requires_grad_(True)
    y = fn(torch, xt)
    g = vjp(torch, y, xt, torch.ones_like(y), create_graph=order >= 2, retain_graph=True)
    out = {"forward": to_numpy(y, dtype), "backward": to_numpy(g, dtype)}
    if upstream is not None:
        out["vjp"] = to_numpy(vjp(torch, y, xt, to_torch(torch, upstream, dtype), retain_graph=True), dtype)
    if order >= 2:
        out["second"] = _second(torch, g, xt, dtype)
    return out


def _second(torch, g, xt, dtype, along=None):
    if not g.requires_grad:  # the derivative is piecewise constant: torch built no graph for it
        return np.zeros(xt.shape, dtype=dtype.numpy)
    try:
        g2 = vjp(torch, g, xt, torch.ones_like(g) if along is None else along, allow_unused=True)
    except (RuntimeError, NotImplementedError):
        return None  # e.g. hardsigmoid: "derivative for aten::hardsigmoid_backward is not implemented"
    return to_numpy(g2 if g2 is not None else torch.zeros_like(xt), dtype)


def _vector(torch, fn, ask):
    """One whole vector: forward, VJPs (ones and ``ask.upstream``), Jacobian rows, and with
    ``ask.hvp_upstream`` the double backward d(upstream . J)/dx . hvp_upstream."""
    dtype = ask.dtype
    xt = to_torch(torch, ask.x, dtype).requires_grad_(True)
    y = fn(torch, xt)
    out = {"jacobian": _jacobian(torch, y, xt, dtype, ask.rows, ask.cols)}
    out["forward"] = to_numpy(y, dtype)
    out["backward"] = to_numpy(vjp(torch, y, xt, torch.ones_like(y), retain_graph=True), dtype)
    up = to_torch(torch, ask.upstream[: y.numel()], dtype)
    out["vjp"] = to_numpy(vjp(torch, y, xt, up, retain_graph=True), dtype)
    if ask.hvp_upstream is not None:
        g = vjp(torch, y, xt, up, retain_graph=True, create_graph=True)
        out["second"] = _second(torch, g, xt, dtype, to_torch(torch, ask.hvp_upstream, dtype))
    return out


def _jacobian(torch, y, xt, dtype, rows, cols):
    """J[rows][:, cols], one reverse pass per row."""
    rows = rows[rows < y.numel()]
    jac = np.empty((rows.size, cols.size), dtype=dtype.numpy)
    for i, r in enumerate(rows):
        (row,) = torch.autograd.grad(y[r], xt, retain_graph=True)
        np.take(to_numpy(row, dtype), cols, out=jac[i])
        del row
        if y.numel() > 65536:  # a short vector's passes leave little behind
            trim_heap()
    return jac
