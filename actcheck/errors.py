"""The exceptions the core raises: bad input (the CLI's exit 2), and actcheck's own failure (exit 70)."""

__all__ = ["InputError", "InternalError", "out_of_resources"]


class InputError(ValueError):
    """An activation, parameter, dtype, tolerance or input the user gave that cannot be used."""


class InternalError(RuntimeError):
    """actcheck itself failed (its worker could not start, or broke): never the user's input or code."""


def out_of_resources(e, what):
    """An InputError for an OSError that says a limit was reached (ulimit -n, -u, memory); None for any other."""
    import errno

    if getattr(e, "errno", None) not in (errno.EMFILE, errno.ENFILE, errno.EAGAIN, errno.ENOMEM):
        return None
    return InputError(f"cannot {what}: {e.strerror or e} (see ulimit -n, ulimit -u, or free memory)")
