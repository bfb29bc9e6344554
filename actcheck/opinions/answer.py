"""The question every opinion is asked, and the shape of its answer."""

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Ask", "Answer"]


@dataclass(frozen=True)
class Ask:
    """The question every opinion answers: ``act`` with ``params`` at ``x`` (NumPy, in ``dtype``)."""

    act: object
    params: dict
    x: np.ndarray
    dtype: object
    upstream: np.ndarray | None = None  # the VJP's upstream gradient
    order: int = 1  # 2 asks for second derivatives too
    tangent: np.ndarray | None = None  # a vector activation's JVP direction
    hvp_upstream: np.ndarray | None = None  # the direction of a vector activation's double backward
    rows: np.ndarray | None = None  # a vector activation's Jacobian rows and columns to evaluate
    cols: np.ndarray | None = None
    context: int | None = None  # evaluate torch at each point inside an array of this many copies of it
    probe: bool = False  # also run torch at non-finite and extreme points inside arrays (check's, not a sweep's)


@dataclass
class Answer:
    """Values per quantity (forward, backward, vjp, jvp, second, jacobian), and what is missing."""

    values: dict
    missing: dict = field(default_factory=dict)  # quantity -> why this opinion cannot give it
    skipped: dict = field(default_factory=dict)  # quantity -> points left out (a finite difference's kinks)
    notes: list = field(default_factory=list)
    jumps: np.ndarray | None = None  # points where f itself jumps (a finite difference's skipped discontinuities)
    # where torch alone and inside an array differ: {x, quantity, alone, in_array, context}
    inconsistent: list = field(default_factory=list)
