"""``actcheck verify FILE``: find the activation pairs people write, run them in isolation, and judge them.

A file (.py or .ipynb) is loaded in a child process (``isolation``, ``worker``, ``reaping``,
``source``): its stdin closed, its output captured, a time limit on the whole. There the
pairs are found (``naming``, ``discovery``, ``signatures``) and called whatever their
convention (``conventions``, ``objects``, ``calling``, ``usercode``); here their values are
judged (``candidate``, ``judging``, ``vector``, ``variants``) against torch (a known
activation) or finite differences of their own forward (``references``), with the
parameters the code declares or hard-codes (``params``, ``inference``), and a failure names
the slip (``diagnosis``).

torch and JAX code (autograd Functions, custom ops, Modules, custom_vjp/custom_jvp, plain
functions) is found and called in the dtype it runs in there (``kernels``, ``jaxcode``), and
judged here in ULP of the exact value beside the built-in's (``exactness``, ``matching``,
``precision``, ``causes``), or by finite differences of its own forward (``unknown``).
"""

__all__ = ["verify", "check_pair", "PairResult", "Skipped", "VerifyReport", "NothingToCheck", "DEFAULT_TIMEOUT"]


def __getattr__(name):
    # lazy: the child process that runs the user's code imports only what it needs from this package
    if name in ("verify", "check_pair", "NothingToCheck", "DEFAULT_TIMEOUT"):
        from . import checking

        return getattr(checking, name)
    if name in ("PairResult", "Skipped", "VerifyReport"):
        from . import outcome

        return getattr(outcome, name)
    raise AttributeError(f"module 'actcheck.verification' has no attribute {name!r}")
