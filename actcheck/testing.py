"""Assertions for tests people write themselves: ``assert_gradient`` and the failure text it (and the pytest
plugin) shows."""

__all__ = ["assert_gradient", "failure_text"]


def assert_gradient(forward, derivative=None, like=None, **kw):
    """Check a pair as ``check_pair`` does (same arguments); AssertionError with the diagnosis when it fails.

    Returns the PairResult when it passes.
    """
    __tracebackhide__ = True  # pytest shows the caller's line, not this one
    from .verification import check_pair

    result = check_pair(forward, derivative, like, **kw)
    if not result.passed:
        raise AssertionError(failure_text(result))
    return result


def failure_text(result):
    """What went wrong with a pair: its diagnosis, then the points where it is furthest off (both values)."""
    ref = {"torch": "torch", "exact": "exact"}.get(result.reference, "finite differences")
    lines = [f"{result.name} (against {ref}): " + ("; ".join(result.diagnosis) or "failed")]
    for w in result.worst[:3]:
        up = f" (upstream {w['upstream']})" if "upstream" in w else ""
        dtype = f" in {w['dtype']}" if "dtype" in w else ""
        lines.append(f"  at x = {w['x']}{dtype}: {w['quantity']}{up} yours {w['yours']}, {ref} {w['reference']}")
    return "\n".join(lines)
