"""The dtypes actcheck checks in, and their default tolerances (torch.testing.assert_close's)."""

from dataclasses import dataclass

import numpy as np

from .errors import InputError

__all__ = ["DType", "DTYPES", "get_dtype", "tolerances", "comparison_tolerances", "ulp", "FD_RTOL", "FD_ATOL"]

# A finite difference is good to ~1e-9 relative; the NumPy derivative it checks is in the dtype:
# against it, tolerances are at least these.
FD_RTOL = 1e-6
FD_ATOL = 1e-8


@dataclass(frozen=True)
class DType:
    name: str
    rtol: float
    atol: float
    compute: str  # NumPy computes in this dtype, rounding once at the end (as torch's CPU kernels do)

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


def get_dtype(name):
    """Return the DType called ``name``; raise InputError listing the choices otherwise."""
    try:
        return DTYPES[name.lower()]
    except KeyError:
        raise InputError(f"unknown dtype {name!r} (choose from {', '.join(DTYPES)})") from None


def ulp(values, dtype):
    """The spacing of ``dtype`` at each of ``values`` (float64 array), subnormals included."""
    fi = dtype.finfo()
    v = np.abs(np.asarray(values, dtype=np.float64))
    _, e = np.frexp(v)
    e = np.maximum(np.where(v == 0, int(fi.minexp), e - 1), int(fi.minexp))
    return np.ldexp(1.0, e - int(fi.nmant))


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
