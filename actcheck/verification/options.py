"""How ``check_pair`` was asked to judge a pair: dtype, tolerances, points, oracle, strict (``verify`` asks none)."""

from dataclasses import dataclass

import numpy as np

from .. import inputs
from ..errors import InputError

__all__ = ["Options", "options"]


@dataclass(frozen=True)
class Options:
    """What the caller fixed; None leaves it to the pair (the dtype it returns, that dtype's tolerances, the grid)."""

    dtype: str | None = None
    rtol: float | None = None
    atol: float | None = None
    points: np.ndarray | None = None
    oracle: bool = False
    strict: bool = False

    def tolerances(self, rtol, atol):
        """The caller's tolerances where given, else ``rtol``/``atol``."""
        return (rtol if self.rtol is None else self.rtol), (atol if self.atol is None else self.atol)


def options(dtype=None, rtol=None, atol=None, points=None, oracle=False, strict=False):
    """Options checked as ``check`` checks its arguments; InputError for anything it cannot use."""
    from ..dtypes import get_dtype

    name = None if dtype is None else get_dtype(inputs.dtype_name(dtype)).name
    x = inputs.values(points)
    if x is not None and name is not None:
        x = inputs.in_dtype(x, get_dtype(name), "point").astype(np.float64)
    for flag, value in (("oracle", oracle), ("strict", strict)):
        if not isinstance(value, bool):
            raise InputError(f"{flag} must be True or False, got {value!r}")
    return Options(name, inputs.tolerance("rtol", rtol), inputs.tolerance("atol", atol), x, oracle, strict)
