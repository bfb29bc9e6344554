"""What verify found: one PairResult per pair, and the VerifyReport for a file."""

from dataclasses import dataclass, field

from ..serialize import jsonable

__all__ = ["PairResult", "VerifyReport"]


@dataclass
class PairResult:
    """How one pair fared: max errors, verdict, diagnosis and notes."""

    name: str
    style: str
    reference: str
    passed: bool
    max_abs_error: dict
    diagnosis: list
    notes: list
    worst: list = field(default_factory=list)
    activation: str | None = None
    params: dict = field(default_factory=dict)

    def to_dict(self):
        """The JSON object for this pair."""
        return {
            "name": self.name,
            "style": self.style,
            "reference": self.reference,
            "activation": self.activation,
            "params": self.params,
            "passed": self.passed,
            "max_abs_error": {k: jsonable(v) for k, v in self.max_abs_error.items()},
            "diagnosis": self.diagnosis,
            "notes": self.notes,
            "worst": self.worst,
        }


@dataclass
class VerifyReport:
    file: str
    results: list

    @property
    def passed(self):
        return all(r.passed for r in self.results)

    def to_dict(self):
        """The JSON object for the file."""
        return {"file": self.file, "passed": self.passed, "results": [r.to_dict() for r in self.results]}
