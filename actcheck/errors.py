"""The exceptions the core raises: bad input (the CLI's exit 2) and its own failure (exit 70)."""

__all__ = ["InputError", "InternalError"]


class InputError(ValueError):
    """An activation, parameter, dtype, tolerance or input the user gave that cannot be used."""


class InternalError(RuntimeError):
    """A failure of actcheck's own (a bug), never the user's input or code: to be reported."""
