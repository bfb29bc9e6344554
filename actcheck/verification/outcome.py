"""What verify found: one PairResult per pair, what it skipped and why, and the VerifyReport for a file."""

import html
from dataclasses import dataclass, field

from ..serialize import jsonable

__all__ = ["PairResult", "Skipped", "VerifyReport"]

_ERRORS = ("forward", "backward", "vjp")


@dataclass
class PairResult:
    """How one pair fared: max errors, verdict, diagnosis and notes.

    ``name`` as the code names it, ``style`` the convention it is called in (derivative,
    upstream, output, layer...), ``reference`` "torch" or "finite_difference", ``passed``,
    ``max_abs_error`` per quantity, ``diagnosis`` (sentences naming the slip), ``notes``,
    ``worst`` (the points furthest off, both values each), ``params`` torch was given,
    ``lines`` where the forward and backward are defined. ``repr`` is one line; in Jupyter a table.
    """

    name: str
    style: str  # derivative, upstream, flag, layer, output: how the code is called
    reference: str
    passed: bool
    max_abs_error: dict
    diagnosis: list
    notes: list
    worst: list = field(default_factory=list)
    activation: str | None = None
    params: dict = field(default_factory=dict)
    cells: dict | None = None  # notebook cells holding the forward and the backward
    lines: dict = field(default_factory=dict)  # lines of a .py file defining the forward and the backward
    seconds: float = 0.0  # how long judging it took
    forward_compared: bool = True  # False: judged by finite differences of its own forward, which nothing checked
    forward_ok: bool | None = field(default=None, repr=False, compare=False)  # the forward matched the reference
    framework: str = "numpy"  # numpy, torch or jax: whose code it is
    precision: list = field(default_factory=list)  # torch/JAX code: per dtype, its ULP findings and torch's
    max_ulp: dict = field(default_factory=dict)  # torch/JAX code: the largest error in ULP over the dtypes

    def to_dict(self):
        """The JSON object for this pair."""
        return {
            "name": self.name,
            "style": self.style,
            "reference": self.reference,
            "activation": self.activation,
            "params": {k: v if isinstance(v, str) else jsonable(v) for k, v in self.params.items()},
            "passed": self.passed,
            # the three always, null where nothing was measured (a pair that raised; the forward by finite differences)
            "max_abs_error": {
                k: jsonable(self.max_abs_error.get(k)) for k in dict.fromkeys(_ERRORS + tuple(self.max_abs_error))
            },
            "diagnosis": self.diagnosis,
            "notes": self.notes,
            "worst": self.worst,
            "cells": self.cells,
            "forward_compared": self.forward_compared,
            "framework": self.framework,
            **({"max_ulp": self.max_ulp, "dtypes": self.precision} if self.precision else {}),
        }

    def to_json(self):
        """``to_dict`` as JSON text."""
        from ..display import to_json

        return to_json(self.to_dict())

    def __repr__(self):
        from ..display import pair_repr

        return pair_repr(self)

    def _repr_html_(self):
        """The verdict, errors, diagnosis and notes in Jupyter."""
        from ..display import pair_html

        return pair_html(self)


@dataclass
class Skipped:
    """Something shaped like a pair that is not an activation (a loss, a dense layer, an abstract base)."""

    name: str
    reason: str

    def to_dict(self):
        return {"name": self.name, "reason": self.reason}


@dataclass
class VerifyReport:
    """Every pair of a file or namespace, what was skipped, and notes about loading it."""

    file: str
    results: list
    skipped: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def passed(self):
        """Every pair passed."""
        return all(r.passed for r in self.results)

    @property
    def unchecked(self):
        """The passing pairs whose forward was compared with no reference (finite differences of itself only)."""
        return [r for r in self.results if r.passed and not r.forward_compared]

    def passes(self, strict=False):
        """Every pair passes; with ``strict`` also nothing skipped and every forward compared with a reference."""
        return self.passed and not (strict and (self.skipped or self.unchecked))

    def to_dict(self):
        """The JSON object for the file."""
        return {
            "file": self.file,
            "passed": self.passed,
            "results": [r.to_dict() for r in self.results],
            "skipped": [s.to_dict() for s in self.skipped],
            "notes": self.notes,
        }

    def to_json(self):
        """``to_dict`` as JSON text."""
        from ..display import to_json

        return to_json(self.to_dict())

    def __repr__(self):
        from ..display import report_repr

        return report_repr(self)

    def _repr_html_(self):
        """A table in Jupyter."""
        e = html.escape
        rows = "".join(
            f"<tr><td>{e(r.name)}</td><td>{e(r.style)}</td><td>{e(r.activation or r.reference)}</td>"
            f"<td>{'PASS' if r.passed else '<b>FAIL</b>'}</td><td>{e('; '.join(r.diagnosis))}</td></tr>"
            for r in self.results
        )
        rows += "".join(
            f"<tr><td>{e(s.name)}</td><td></td><td></td><td>skipped</td><td>{e(s.reason)}</td></tr>"
            for s in self.skipped
        )
        failed = sum(not r.passed for r in self.results)
        verdict = "PASS" if not failed else f"FAIL · {failed} failed"
        return (
            f"<table><caption>actcheck verify {e(self.file)}</caption>"
            "<tr><th>pair</th><th>style</th><th>reference</th><th>verdict</th><th>diagnosis</th></tr>"
            f"{rows}</table><p>{verdict} · {len(self.results)} pair{'s' * (len(self.results) != 1)}</p>"
        )
