"""The one exception the core raises for bad input (the CLI turns it into exit 2)."""

__all__ = ["InputError"]


class InputError(ValueError):
    """An activation, parameter, dtype, tolerance or input the user gave that cannot be used."""
