"""How results show themselves in a Python session: a one-line ``repr``, an HTML table in Jupyter, JSON text.

Plain text and HTML only (no rich, no terminal): the core's objects call these from their
``__repr__``, ``_repr_html_`` and ``to_json``.
"""

import html
import json

__all__ = ["to_json", "result_repr", "result_html", "pair_repr", "pair_html", "report_repr"]


def to_json(obj, indent=2):
    """Strict JSON text (nan and infinities are the strings the JSON objects already use)."""
    return json.dumps(obj, allow_nan=False, indent=indent)


def _verdict(passed):
    return "PASS" if passed else "FAIL"


def _params(params):
    return "".join(f", {k}={v!r}" for k, v in params.items())


def result_repr(r):
    """<Result sigmoid(float64): PASS at 301 points> with the first failure when it fails."""
    head = f"<Result {r.activation}({r.dtype}{_params(r.params)}): {_verdict(r.passed)} at {r.n_points} points"
    fails = r.failures()
    return head + (f"; {fails[0]}" if fails else "") + (f" (+{len(fails) - 1} more)" if len(fails) > 1 else "") + ">"


def result_html(r):
    """A table per comparison (greatest |Δ| and its tolerance), then the failures and notes."""
    e = html.escape
    errs = r.max_abs_error
    rows = "".join(f"<tr><td>{e(k)}</td><td>{v:.3g}</td></tr>" for k, v in errs.items())
    return (
        f"<table><caption>actcheck {e(r.activation)}{e(_params(r.params))} in {e(r.dtype)}: "
        f"<b>{_verdict(r.passed)}</b> at {r.n_points} points (rtol {r.rtol:g}, atol {r.atol:g})</caption>"
        f"<tr><th>comparison</th><th>greatest |Δ|</th></tr>{rows}</table>"
        + _items("failures", r.failures())
        + _items("notes", r.extras.get("notes", []))
    )


def pair_repr(p):
    """<PairResult sigmoid (derivative, against torch): FAIL; the first sentence of the diagnosis>."""
    head = f"<PairResult {p.name} ({p.style}, against {p.reference}): {_verdict(p.passed)}"
    return head + (f"; {p.diagnosis[0]}" if p.diagnosis else "") + ">"


def pair_html(p):
    """The verdict, greatest errors, diagnosis and notes of one pair."""
    e = html.escape
    errs = "".join(
        f"<tr><td>{e(k)}</td><td>{'—' if v is None else f'{v:.3g}'}</td></tr>" for k, v in p.max_abs_error.items()
    )
    return (
        f"<table><caption>{e(p.name)} ({e(p.style)}, against {e(p.reference)}): <b>{_verdict(p.passed)}</b>"
        f"</caption><tr><th>quantity</th><th>greatest |Δ|</th></tr>{errs}</table>"
        + _items("diagnosis", p.diagnosis)
        + _items("notes", p.notes)
    )


def report_repr(rep):
    """<VerifyReport file.py: FAIL, 1 of 4 pairs failed, 2 skipped>."""
    failed = sum(not r.passed for r in rep.results)
    return (
        f"<VerifyReport {rep.file}: {_verdict(rep.passed)}, {failed} of {len(rep.results)} pairs failed, "
        f"{len(rep.skipped)} skipped>"
    )


def _items(title, lines):
    if not lines:
        return ""
    return f"<p>{title}:</p><ul>" + "".join(f"<li>{html.escape(str(x))}</li>" for x in lines) + "</ul>"
