"""Opinions: what each source says an activation's values are at given points.

An opinion takes an ``Ask`` (the activation, its parameters, the points in a dtype and
the vectors to contract with) and returns an ``Answer``: values per quantity, and what
it could not evaluate and why. None of them knows tolerances or builds verdicts: the
engine compares NumPy's values with each answer and judges. Adding an opinion is one
module and one line in ``OPINIONS``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from . import finite_difference, oracle, torch_forward, torch_reverse
from .answer import Answer, Ask

__all__ = ["Ask", "Answer", "Opinion", "OPINIONS"]


@dataclass(frozen=True)
class Opinion:
    """An opinion and how the engine treats its answer (policy as data, not code)."""

    name: str
    answer: Callable  # Ask -> Answer
    asked_by: str | None = None  # the check() option that asks for it; None: always asked
    reference: bool = False  # the reference: its quantities are compared under their own names
    any_subgradient: bool = False  # at a kink any subgradient is right (forward mode may pick another)
    in_ulp: bool = False  # exact values: measured in ULP, not compared within tolerances


OPINIONS = (
    Opinion("torch", torch_reverse.answer, reference=True),
    Opinion("torch_forward_ad", torch_forward.answer, any_subgradient=True),
    Opinion("finite_difference", finite_difference.answer, asked_by="fd"),
    Opinion("exact", oracle.answer, asked_by="oracle", in_ulp=True),
)
