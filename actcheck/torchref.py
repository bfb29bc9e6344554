"""PyTorch's opinions: forward, reverse-mode VJP, forward-mode JVP and double backward.

Non-finite inputs are evaluated one element at a time: on this CPU torch's answer at
nan and +-inf can depend on whether an element falls in the vectorized loop or the
scalar tail (relu6'(nan) is 1 alone and 0 in an array of 8), so a batch would make
the answer depend on where the user put the value.
"""

import warnings
from functools import partial

import numpy as np

__all__ = ["evaluate", "evaluate_vector"]


def _to_torch(torch, x, dtype):
    tdtype = getattr(torch, dtype.name)
    if x.dtype == dtype.numpy and dtype.name != "bfloat16":
        return torch.from_numpy(np.require(x, requirements=["C", "W"]))  # shared, not copied: torch only reads it
    return torch.from_numpy(np.asarray(x, dtype=np.float32)).to(tdtype)


def _to_numpy(t, dtype):
    t = t.detach()
    if dtype.name == "bfloat16":
        t = t.float()
    return t.numpy().astype(dtype.numpy, copy=False)


def vjp(torch, y, x, v, **kw):
    """J^T v as the gradient of sum(y * v): the same backward kernels receive exactly v.

    Passing v as grad_outputs instead makes torch import sympy (0.4 s) to check its shape.
    """
    return torch.autograd.grad((y * v).sum(), x, **kw)[0]


def _run(torch, fn, x, dtype, upstream, order):
    """Evaluate everything torch offers on one batch; a missing capability gives None."""
    xt = _to_torch(torch, x, dtype).requires_grad_(True)
    y = fn(torch, xt)
    g = vjp(torch, y, xt, torch.ones_like(y), create_graph=order >= 2, retain_graph=True)
    out = {"forward": _to_numpy(y, dtype), "backward": _to_numpy(g, dtype)}
    if upstream is not None:
        out["vjp"] = _to_numpy(vjp(torch, y, xt, _to_torch(torch, upstream, dtype), retain_graph=True), dtype)
    if order >= 2:
        out["second"] = _second(torch, g, xt, dtype)
    del y, g  # the reverse graph goes before forward mode runs: a lower peak
    out["forward_ad"] = _forward_ad(torch, fn, xt.detach(), dtype)
    return out


def _forward_ad(torch, fn, x, dtype, tangent=None):
    import torch.autograd.forward_ad as fwad

    tangent = torch.ones_like(x) if tangent is None else tangent
    try:
        with fwad.dual_level():
            out = fn(torch, fwad.make_dual(x, tangent))
            jvp = fwad.unpack_dual(out).tangent
    except (RuntimeError, NotImplementedError):
        return None
    return _to_numpy(jvp if jvp is not None else torch.zeros_like(out), dtype)


def _second(torch, g, xt, dtype, along=None):
    if not g.requires_grad:  # the derivative is piecewise constant: torch built no graph for it
        return np.zeros(xt.shape, dtype=dtype.numpy)
    try:
        g2 = vjp(torch, g, xt, torch.ones_like(g) if along is None else along, allow_unused=True)
    except (RuntimeError, NotImplementedError):
        return None  # e.g. hardsigmoid: "derivative for aten::hardsigmoid_backward is not implemented"
    return _to_numpy(g2 if g2 is not None else torch.zeros_like(xt), dtype)


def evaluate(fn, x, dtype, upstream=None, order=1):
    """Run ``fn(torch, tensor)`` at ``x`` (NumPy, in ``dtype``); return a dict of NumPy arrays.

    Keys: forward, backward, vjp, forward_ad, second; None where torch lacks the capability.
    """
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        finite = np.isfinite(np.asarray(x, dtype=np.float64))
        idx = np.flatnonzero(finite)
        if idx.size == x.size:
            return _run(torch, fn, x, dtype, upstream, order)
        parts = [(idx, _run(torch, fn, x[idx], dtype, _take(upstream, idx), order))] if idx.size else []
        for i in np.flatnonzero(~finite):
            parts.append(([i], _run(torch, fn, x[[i]], dtype, _take(upstream, [i]), order)))
        return _assemble(parts, x.size, dtype)


def _take(a, idx):
    return None if a is None else a[idx]


def _assemble(parts, n, dtype):
    out = {}
    for key in parts[0][1]:
        if any(p[key] is None for _, p in parts):
            out[key] = None
            continue
        arr = np.empty(n, dtype=dtype.numpy)
        for idx, p in parts:
            arr[idx] = p[key]
        out[key] = arr
    return out


def evaluate_vector(fn, x, dtype, upstream, tangent, hvp_upstream, rows, cols=None):
    """Torch on one whole vector: forward, VJPs (ones and ``upstream``), the JVP along ``tangent``,
    Jacobian ``rows``, and with ``hvp_upstream`` the double backward d(upstream . J)/dx . hvp_upstream."""
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        xt = _to_torch(torch, x, dtype).requires_grad_(True)
        y = fn(torch, xt)
        out = {"jacobian": _jacobian(torch, y, xt, dtype, rows, np.arange(x.size) if cols is None else cols)}
        grad = partial(vjp, torch, y, xt, retain_graph=True)
        out["forward"], out["backward"] = _to_numpy(y, dtype), _to_numpy(grad(torch.ones_like(y)), dtype)
        up = _to_torch(torch, upstream[: y.numel()], dtype)
        out["vjp"] = _to_numpy(grad(up), dtype)
        if hvp_upstream is not None:
            g = grad(up, create_graph=True)
            out["second"] = _second(torch, g, xt, dtype, _to_torch(torch, hvp_upstream, dtype))
            del g
        del y, grad  # the reverse graph goes before forward mode runs: a lower peak
        out["forward_ad"] = _forward_ad(torch, fn, xt.detach(), dtype, _to_torch(torch, tangent, dtype))
        return out


def _jacobian(torch, y, xt, dtype, rows, cols):
    """J[rows][:, cols], one reverse pass per row."""
    rows = rows[rows < y.numel()]
    jac = np.empty((rows.size, cols.size), dtype=dtype.numpy)
    for i, r in enumerate(rows):
        (row,) = torch.autograd.grad(y[r], xt, retain_graph=True)
        np.take(_to_numpy(row, dtype), cols, out=jac[i])
        del row
        if y.numel() > 65536:  # a short vector's passes leave little behind
            _trim_heap()
    return jac


def _trim_heap():
    """Give freed heap memory back to the system between full-length reverse passes.

    glibc keeps each pass's freed vectors resident, split by small allocations so the next
    pass cannot reuse them: on a million points, 17 rows of softmin's Jacobian grew the
    peak by up to 100 MB. Elsewhere than glibc there is nothing to do.
    """
    import ctypes

    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError, TypeError):  # not glibc (Windows cannot even open None)
        pass
