"""The exceptions the core raises: bad input (the CLI's exit 2), and actcheck's own failure (exit 70)."""

__all__ = ["InputError", "InternalError"]


class InputError(ValueError):
    """An activation, parameter, dtype, tolerance or input the user gave that cannot be used."""


class InternalError(RuntimeError):
    """actcheck itself failed (its worker could not start, or broke): never the user's input or code."""
