"""Gates on an accuracy atlas: the rows (activation, dtype, quantity, implementation) whose errors pass a limit.

``--fail-above ULP`` limits every row's max ULP error; ``--fail-above IMPL=ULP`` or
``IMPL.QUANTITY=ULP`` (``numpy.backward=2``) one implementation's, or one of its quantities',
the most specific limit winning. ``--fail-on`` names findings no row may have at all:
wrong-zero, non-finite, wrong-sign.
"""

import math

from .errors import InputError

__all__ = ["FINDINGS", "limits", "findings", "offending"]

FINDINGS = {"wrong-zero": "wrong_zero", "non-finite": "non_finite", "wrong-sign": "wrong_sign"}
_IMPLEMENTATIONS = ("numpy", "torch", "torch_forward_ad")
_QUANTITIES = ("forward", "backward", "second")


def limits(items):
    """{(implementation or None, quantity or None): ULP} from --fail-above items; InputError for a bad one."""
    out = {}
    for item in items or ():
        key, sep, value = str(item).rpartition("=")
        impl, _, quantity = key.strip().lower().partition(".")
        if sep and impl not in _IMPLEMENTATIONS:
            raise InputError(f"--fail-above {item!r}: no implementation {impl!r} ({', '.join(_IMPLEMENTATIONS)})")
        if quantity and quantity not in _QUANTITIES:
            raise InputError(f"--fail-above {item!r}: no quantity {quantity!r} ({', '.join(_QUANTITIES)})")
        try:
            ulp = float(value)
        except ValueError:
            ulp = math.nan
        if not (math.isfinite(ulp) and ulp >= 0):
            raise InputError(f"--fail-above takes [IMPL[.QUANTITY]=]ULP with ULP a number >= 0, got {item!r}")
        out[(impl or None, quantity or None)] = ulp
    return out


def findings(items):
    """The finding keys (wrong_zero...) named by --fail-on items, comma-separated or repeated."""
    names = [n.strip().lower() for item in items or () for n in str(item).split(",") if n.strip()]
    bad = [n for n in names if n.replace("_", "-") not in FINDINGS]
    if bad:
        raise InputError(f"--fail-on takes {', '.join(FINDINGS)}, not {bad[0]!r}")
    return list(dict.fromkeys(FINDINGS[n.replace("_", "-")] for n in names))


def _limit(lims, impl, quantity):
    for key in ((impl, quantity), (impl, None), (None, quantity), (None, None)):
        if key in lims:
            return lims[key]
    return None


def offending(rows, lims, fail_on):
    """[(row, [reasons])] for the atlas rows past a limit or with a finding in ``fail_on``."""
    out = []
    for row in rows:
        t, reasons = row.tally, []
        limit = _limit(lims, row.implementation, row.quantity)
        if limit is not None and t.n and not t.max_ulp <= limit:
            reasons.append(f"max {t.max_ulp:.3g} ULP > {limit:g}")
        for key in fail_on:
            runs = t.findings[key]
            if runs.count:
                first = runs.ranges[0][0]
                reasons.append(f"{runs.count} {key.replace('_', '-')} (first at x = {first!r})")
        if reasons:
            out.append((row, reasons))
    return out
