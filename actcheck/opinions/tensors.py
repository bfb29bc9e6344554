"""Between NumPy and torch: conversions, the VJP, and evaluation one element at a time where needed.

Non-finite inputs are evaluated one element at a time: on this CPU torch's answer at
nan and +-inf can depend on whether an element falls in the vectorized loop or the
scalar tail (relu6'(nan) is 1 alone and 0 in an array of 8), so a batch would make
the answer depend on where the user put the value.
"""

import numpy as np

__all__ = ["to_torch", "to_numpy", "vjp", "by_parts", "in_context", "probe", "CONTEXTS", "trim_heap"]

CONTEXTS = (2, 8, 64)  # array lengths that change torch's CPU kernels: a pair, one vector width, the long path


def to_torch(torch, x, dtype):
    """``x`` as a tensor of ``dtype``; shared with NumPy (not copied) where the dtypes allow."""
    tdtype = getattr(torch, dtype.name)
    if x.dtype == dtype.numpy and dtype.name != "bfloat16":
        return torch.from_numpy(np.require(x, requirements=["C", "W"]))  # torch only reads it
    return torch.from_numpy(np.asarray(x, dtype=np.float32)).to(tdtype)


def to_numpy(t, dtype):
    """A tensor's values as a NumPy array of ``dtype`` (bfloat16 through ml_dtypes)."""
    t = t.detach()
    if dtype.name == "bfloat16":
        t = t.float()
    return t.numpy().astype(dtype.numpy, copy=False)


def vjp(torch, y, x, v, **kw):
    """J^T v as the gradient of sum(y * v): the same backward kernels receive exactly v.

    Passing v as grad_outputs instead makes torch import sympy (0.4 s) to check its shape.
    """
    return torch.autograd.grad((y * v).sum(), x, **kw)[0]


def by_parts(run, x, upstream, dtype):
    """``run(x, upstream)`` -> dict of arrays, on the finite points at once and each non-finite one alone.

    A quantity that any part lacks (None) is None in the whole.
    """
    finite = np.isfinite(np.asarray(x, dtype=np.float64))
    if finite.all():
        return run(x, upstream)
    idx = np.flatnonzero(finite)
    parts = [(idx, run(x[idx], _take(upstream, idx)))] if idx.size else []
    for i in np.flatnonzero(~finite):
        parts.append(([i], run(x[[i]], _take(upstream, [i]))))
    out = {}
    for key in parts[0][1]:
        if any(p[key] is None for _, p in parts):
            out[key] = None
            continue
        arr = np.empty(x.size, dtype=dtype.numpy)
        for where, p in parts:
            arr[where] = p[key]
        out[key] = arr
    return out


def in_context(run, x, upstream, dtype, n):
    """``run`` at each point as the first of ``n`` copies of it (what torch gives inside an array of ``n``)."""
    out = {}
    for i in range(x.size):
        part = run(np.repeat(x[[i]], n), None if upstream is None else np.repeat(upstream[[i]], n))
        for key, v in part.items():
            if v is None:
                out[key] = None
            elif out.get(key, 0) is not None:
                out.setdefault(key, np.empty(x.size, dtype=dtype.numpy))[i] = v[0]
    return out


def probe(run, x, upstream, dtype, alone):
    """Where torch's answer at a non-finite or extreme point (beyond the square root of the dtype's largest) alone
    differs from its answer inside arrays of CONTEXTS lengths: [{x, quantity, alone, in_array, context}]."""
    x64 = np.asarray(x, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        special = ~np.isfinite(x64) | (np.abs(x64) >= np.sqrt(float(dtype.finfo().max)))
    found = []
    for i in np.flatnonzero(special):
        for n in CONTEXTS:  # the shortest array that differs is the one named
            part = in_context(run, x[[i]], None if upstream is None else upstream[[i]], dtype, n)
            diffs = [
                {
                    "x": float(x64[i]),
                    "quantity": key,
                    "alone": float(alone[key][i]),
                    "in_array": float(v[0]),
                    "context": n,
                }
                for key, v in part.items()
                if v is not None and alone.get(key) is not None and _differ(float(alone[key][i]), float(v[0]))
            ]
            if diffs:
                found.extend(diffs)
                break
    return found


def _differ(a, b):
    return a != b and not (np.isnan(a) and np.isnan(b))


def _take(a, idx):
    return None if a is None else a[idx]


def trim_heap():
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
