"""actcheck: gradient verification for activation functions, NumPy against PyTorch autograd.

>>> import actcheck
>>> actcheck.check("elu", [-1.0, 0.0, 1.0], alpha=2.0).passed
True
"""

__version__ = "0.1.0"

__all__ = ["check", "check_pair", "verify", "assert_gradient", "InputError", "ACTIVATIONS", "__version__"]


def __getattr__(name):
    # lazy, so `import actcheck` (and the CLI's --help) stays cheap
    if name == "check":
        from .engine import check

        return check
    if name in ("verify", "check_pair"):
        from . import verification

        return getattr(verification, name)
    if name == "assert_gradient":
        from .testing import assert_gradient

        return assert_gradient
    if name == "InputError":
        from .errors import InputError

        return InputError
    if name == "ACTIVATIONS":
        from .registry import ACTIVATIONS

        return ACTIVATIONS
    raise AttributeError(f"module 'actcheck' has no attribute {name!r}")
