"""The dtypes actcheck checks in, and their default tolerances (torch.testing.assert_close's)."""

from dataclasses import dataclass

import numpy as np

from .errors import InputError

__all__ = [
    "DType",
    "DTYPES",
    "get_dtype",
    "ALIASES",
    "tolerances",
    "comparison_tolerances",
    "ulp",
    "round_to",
    "numpy_ulps",
    "FD_RTOL",
    "FD_ATOL",
]

# A finite difference is good to ~1e-9 relative; the NumPy derivative it checks is in the dtype:
# against it, tolerances are at least these.
FD_RTOL = 1e-6
FD_ATOL = 1e-8


@dataclass(frozen=True)
class DType:
    name: str
    rtol: float
    atol: float
    compute: str  # torch's CPU kernels compute in this dtype (NumPy always computes in float64, rounding once)

    @property
    def numpy(self):
        """The NumPy dtype (bfloat16 through ml_dtypes)."""
        if self.name == "bfloat16":
            import ml_dtypes

            return np.dtype(ml_dtypes.bfloat16)
        return np.dtype(self.name)

    def finfo(self):
        """finfo for this dtype (ml_dtypes' for bfloat16)."""
        if self.name == "bfloat16":
            import ml_dtypes

            return ml_dtypes.finfo(ml_dtypes.bfloat16)
        return np.finfo(self.name)


DTYPES = {
    "float64": DType("float64", rtol=1e-7, atol=1e-7, compute="float64"),
    "float32": DType("float32", rtol=1.3e-6, atol=1e-5, compute="float32"),
    "float16": DType("float16", rtol=1e-3, atol=1e-5, compute="float32"),
    "bfloat16": DType("bfloat16", rtol=1.6e-2, atol=1e-5, compute="float32"),
}


# the names people write for them in PyTorch, NumPy, JAX and mixed-precision configs ("float" is left out:
# float64 in NumPy, float32 in torch)
ALIASES = {
    "double": "float64", "fp64": "float64", "f64": "float64",
    "single": "float32", "fp32": "float32", "f32": "float32",
    "half": "float16", "fp16": "float16", "f16": "float16",
    "bf16": "bfloat16",
}  # fmt: skip


def get_dtype(name):
    """Return the DType called ``name`` (or an alias: fp32, half, bf16, torch.float32, np.float64, ...);
    raise InputError listing the choices otherwise."""
    key = name.strip().lower()
    for prefix in ("torch.", "numpy.", "np.", "jnp."):
        key = key.removeprefix(prefix)
    try:
        return DTYPES[ALIASES.get(key, key)]
    except KeyError:
        raise InputError(
            f"unknown dtype {name!r} (choose from {', '.join(DTYPES)}; aliases such as fp32, half, bf16, double)"
        ) from None


def ulp(values, dtype):
    """The spacing of ``dtype`` at each of ``values`` (float64 array), subnormals included."""
    fi = dtype.finfo()
    v = np.abs(np.asarray(values, dtype=np.float64))
    _, e = np.frexp(v)
    e = np.maximum(np.where(v == 0, int(fi.minexp), e - 1), int(fi.minexp))
    return np.ldexp(1.0, e - int(fi.nmant))


def round_to(values, dtype):
    """float64 ``values`` rounded once, to nearest-even, to ``dtype``.

    NumPy's casts to float32 and float16 round once; ml_dtypes' cast to bfloat16 goes
    through float32 and so rounds twice. For bfloat16 the float32 step rounds to odd
    instead (truncate, then set the last bit where anything was cut off): with 16 bits
    to spare that makes the second rounding the only one (Boldo and Melquiond).
    """
    values = np.asarray(values, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        if dtype.name != "bfloat16":
            return values.astype(dtype.numpy)
        f = values.astype(np.float32)
        back = f.astype(np.float64)
        cut = back != values  # nan too: its last bit may be set, it stays nan
        bits = f.view(np.uint32)
        bits = np.where(cut & (np.abs(back) > np.abs(values)), bits - 1, bits)  # rounded away: step back
        bits = np.where(cut, bits | 1, bits).astype(np.uint32)
    return bits.view(np.float32).astype(dtype.numpy)


def numpy_ulps(dtype, quantity):
    """How many ULP of ``dtype`` from exact NumPy's values are claimed to be (the README's accuracy claim).

    float64: 4 for f, f' and the VJP, 8 for f''. The others are computed in float64 and
    rounded once: 1.
    """
    if dtype.name != "float64":
        return 1.0
    return 8.0 if quantity == "second" else 4.0


def tolerances(dtype, act):
    """Default (rtol, atol) for ``act`` in ``dtype``, and a note when widened.

    In float16 and bfloat16 NumPy computes in float32 and rounds once; where torch
    rounds part-way (``act.stepwise`` says why) its error is a few roundings of values
    up to ~1, times an upstream gradient up to 2: atol becomes twice the dtype's epsilon,
    as OpInfo's tolerance overrides do.
    """
    if act.stepwise and dtype.compute != dtype.name:
        atol = 2 * float(dtype.finfo().eps)
        return dtype.rtol, atol, f"atol widened to {atol:g} in {dtype.name}: {act.stepwise}"
    return dtype.rtol, dtype.atol, None


def comparison_tolerances(name, rtol, atol, dtype):
    """(rtol, atol) for the comparison called ``name`` given the check's own.

    Against finite differences, at least FD_RTOL and FD_ATOL. Torch's double backward is a
    graph of ops that each round: in float16/bfloat16 its atol is at least 2 eps.
    """
    if name == "finite_difference":
        return max(rtol, FD_RTOL), max(atol, FD_ATOL)
    if name == "second" and dtype.compute != dtype.name:
        return rtol, max(atol, 2 * float(dtype.finfo().eps))
    return rtol, atol
