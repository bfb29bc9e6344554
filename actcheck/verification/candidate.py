"""A pair ready to be judged, what its code answers, and the result of one that could not be evaluated."""

from dataclasses import dataclass, field

import numpy as np

from .options import Options
from .outcome import PairResult
from .text import first_lines

__all__ = ["Candidate", "Answers", "answers", "failed", "ref_key"]


@dataclass
class Candidate:
    """A pair ready to be judged: how to call it, what to compare it with, with which parameters."""

    id: str
    name: str  # as the code names it: a function's base name, Class, Class.method
    label: str  # as shown: with its notebook cells
    act: object  # the known activation, or None (checked against finite differences)
    info: dict  # how the code is called (from inspect)
    kw: dict  # keyword arguments for the user's code
    params: dict  # torch's parameters
    fixed: set  # parameters the user's code declares or --param sets: never inferred
    cells: dict | None = None
    notes: list = field(default_factory=list)
    accepts: set = field(default_factory=set)  # the names --param may use: the code's own and torch's
    declares: set = field(default_factory=set)  # the parameters the code's signatures declare
    shared: set = field(default_factory=set)  # those forward and backward both take
    modes: tuple | None = None  # the input layouts to call the code in (calling.MODES), when not the usual

    guess: str = "derivative"  # the convention the signatures suggest, before anything runs
    opts: Options = field(default_factory=Options)  # what check_pair was asked: dtype, tolerances, points...
    kink: str = "torch"  # at a kink: torch's value only, or "any" valid subgradient

    @property
    def style(self):
        return self.info.get("convention") or self.guess


class Answers:
    """What the user's code answered, with what it printed and warned kept as notes."""

    def __init__(self, reply, notes):
        self.values, self.errors = reply["values"], reply["errors"]
        self.cache_fix = reply.get("cache_fix")
        self.dtypes = reply.get("dtypes", {})
        for n in reply.get("notes", []):
            _add(notes, n)
        for w in reply.get("warned", []):
            if not w.startswith("underflow"):  # rounding to a subnormal or 0 is what floats do in the tails
                _add(notes, f"your code warned: {w}")
        if reply.get("printed", "").strip():
            _add(notes, f"printed: {first_lines(reply['printed'])}", prefix="printed: ")
        by = reply.get("warned_by", {})
        # the numpy functions that warned, per side: the forward's overflow is the forward's, not its derivative's
        self.sources = {
            side: {"np." + w.rsplit(" in ", 1)[1].strip() for q in qs for w in by.get(q, []) if " in " in w}
            for side, qs in (("forward", ("forward",)), ("backward", ("derivative", "vjp", "derivative@y", "vjp@y")))
        }


def _add(notes, note, prefix=None):
    if note in notes or (prefix and any(n.startswith(prefix) for n in notes)):
        return
    notes.append(note)


def answers(code, cand, x, u, quantities, notes):
    """What the user's code answers for ``quantities`` at x (upstream u); its notes added to ``notes``."""
    if cand.opts.dtype not in (None, "float64"):  # asked for a dtype: the code is given arrays of it
        from ..dtypes import DTYPES

        x, u = (np.asarray(v).astype(DTYPES[cand.opts.dtype].numpy) for v in (x, u))
    return Answers(code.evaluate(cand.id, cand.kw, x, u, list(quantities), cand.modes), notes)


def failed(cand, diagnosis, notes=None, reference=None):
    """A PairResult for a pair that could not be evaluated (it raised, exited, or returned no numbers)."""
    act = cand.act
    return PairResult(
        cand.label, cand.style, reference or ref_key(act), False, {}, diagnosis, list(notes or cand.notes),
        activation=act.name if act else None, params=dict(cand.params), cells=cand.cells,
    )  # fmt: skip


def ref_key(act):
    return "torch" if act is not None else "finite_difference"
