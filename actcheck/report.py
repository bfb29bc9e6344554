"""Rendering: JSON text, rich tables and JUnit XML. No computation."""

import math
import re

import numpy as np

__all__ = [
    "dumps",
    "printable",
    "render_result",
    "render_summary",
    "render_list",
    "render_verify",
    "junit_xml",
    "result_cases",
    "verify_cases",
    "verify_skipped",
]

_DIGITS = {"float64": 10, "float32": 8, "float16": 5, "bfloat16": 4}


# C0 controls but tab and newline, DEL, C1 controls, lone surrogates and XML's two non-characters:
# in a terminal they are escape sequences, and XML 1.0 forbids most of them
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def printable(text):
    """``text`` with control characters, lone surrogates and non-characters shown as escapes (\\x1b, \\udc80)."""
    return _UNPRINTABLE.sub(lambda m: ascii(m.group())[1:-1], str(text))


def dumps(obj):
    """Strict JSON (no NaN/Infinity literals)."""
    import json

    return json.dumps(obj, allow_nan=False, indent=2)


# ---------------------------------------------------------------- rich tables


def _fmt(v, digits):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return f"{v:.{digits}g}"


def _err(v):
    return "—" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{float(v):.1e}"


def _literal(text):
    """``text`` shown as written by rich: a formula's "[a, b]" is not a style tag."""
    from rich.markup import escape

    return escape(text)


def _verdict(ok):
    return "[green]PASS[/]" if ok else "[bold red]FAIL[/]"


def _rows_to_show(r, worst):
    """Every point for a short list; the worst ``worst`` for a long one."""
    if r.n_points <= max(worst, 40):
        return list(range(r.n_points)), False
    return [int(i) for i in r.worst(worst)], True


def render_result(console, r, worst=10):
    """Print one Result as a table of points, the max errors and the verdict."""
    from rich import box
    from rich.table import Table

    digits = _DIGITS[r.dtype]
    params = ", ".join(f"{k}={v}" for k, v in r.params.items())
    rows, worst_only = _rows_to_show(r, worst)
    title = f"{r.activation}({params}) · {r.dtype} · rtol {r.rtol:g} atol {r.atol:g}"
    if worst_only:
        title += f" · {len(rows)} worst of {r.n_points} points"
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    cols = ["x", "NumPy f(x)", "torch f(x)", "|Δf|", "NumPy f'(x)", "torch f'(x)", "|Δf'|"]
    comps = r.comparisons
    # forward-mode and VJP columns only when they have something to say; their maxima are in the footer
    extra = [k for k in ("torch_forward_ad", "vjp") if k in comps and not comps[k].ok.all()]
    extra += [k for k in ("second", "finite_difference") if k in comps]
    names = {"torch_forward_ad": "fwd-AD |Δ|", "vjp": "VJP |Δ|", "second": "|Δf''|", "finite_difference": "FD |Δ|"}
    for c in cols + [names[k] for k in extra]:
        table.add_column(c, justify="right", no_wrap=True)
    has_oracle = "exact" in r.extras
    if has_oracle:
        dkey = "backward" if "backward" in r.extras["ulp"] else "vjp"
        table.add_column("ULP f np/torch", justify="right")
        table.add_column("ULP f' np/torch" if dkey == "backward" else "ULP VJP np/torch", justify="right")
    table.add_column("verdict")
    errs = {k: dict(zip(rows, comps[k].errors(rows), strict=True)) for k in ["forward", "backward", *extra]}
    for i in rows:
        cells = [
            _fmt(r.x[i], digits),
            _fmt(r.numpy["forward"][i], digits),
            _fmt(r.torch["forward"][i], digits),
            _err(errs["forward"][i]),
            _fmt(r.numpy["backward"][i], digits),
            _fmt(r.torch["backward"][i], digits),
            _err(errs["backward"][i]),
        ]
        cells += [_extra_cell(r, k, i, errs[k][i]) for k in extra]
        if has_oracle:
            cells += [_ulp_cell(r, "forward", i), _ulp_cell(r, dkey, i)]
        cells.append(_verdict(r.ok[i]) + _note_cell(r, i))
        table.add_row(*cells)
    console.print(table)
    _render_footer(console, r)


def _extra_cell(r, key, i, err):
    if key == "finite_difference" and r.extras.get("fd_skipped") is not None and r.extras["fd_skipped"][i]:
        return "kink"
    return _err(err)


def _ulp_cell(r, key, i):
    ulp = r.extras["ulp"].get(key)
    if not ulp or ulp["numpy"] is None:
        return "—"
    a, b = ulp["numpy"][i], ulp["torch"][i]
    if np.isnan(a) and np.isnan(b):
        return "kink" if r.extras["kink"][i] else "—"
    return f"{_ulp_str(a)}/{_ulp_str(b)}"


def _ulp_str(v):
    if np.isnan(v):
        return "—"
    if np.isinf(v):
        return "inf"
    return f"{v:.0f}" if v < 1e6 else f"{v:.1e}"


def _note_cell(r, i):
    closer = r.extras.get("closer")
    if closer is None or not closer[i]:
        return ""
    return f" ({closer[i]} closer)"


def _render_footer(console, r):
    errs = "  ".join(f"max |Δ {k}| = {_err(v)}" for k, v in r.max_abs_error.items())
    console.print(errs)
    if "max_ulp" in r.extras:
        mu = r.extras["max_ulp"]
        console.print(
            "max ULP from exact: "
            + "  ".join(f"{k} numpy {_ulp_str(_f(v['numpy']))} torch {_ulp_str(_f(v['torch']))}" for k, v in mu.items())
        )
    _render_deviations(console, r)
    for note in r.extras.get("notes", []):
        console.print(f"note: {note}", markup=False)
    for line in r.failures():
        console.print(f"[red]{_literal(line)}[/]", highlight=False)
    console.print(("[bold green]PASS[/]" if r.passed else "[bold red]FAIL[/]") + f" · {r.n_points} points")


def _f(v):
    return float("nan") if v is None else float(v)  # float("inf") reads the JSON string back


_SHOWN_DEVIATIONS = 10


def _render_deviations(console, r):
    """The points where the oracle found torch off and NumPy right: a small table and what they mean."""
    from rich import box
    from rich.table import Table

    devs = r.extras.get("torch_deviations") or []
    if not devs:
        return
    digits = _DIGITS[r.dtype]
    worst = sorted(devs, key=lambda d: -d["ulp"]["torch"])[:_SHOWN_DEVIATIONS]
    title = f"torch deviations: {len(devs)} (torch off, NumPy within {_claim(r.dtype)} of exact)"
    if len(devs) > len(worst):
        title += f" · the {len(worst)} worst"
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    for c in ("quantity", "x", "NumPy", "torch", "exact", "ULP np/torch"):
        table.add_column(c, justify="left" if c == "quantity" else "right", no_wrap=True)
    for d in worst:
        ulps = f"{_ulp_str(d['ulp']['numpy'])}/{_ulp_str(d['ulp']['torch'])}"
        cells = [_fmt(d[k], digits) for k in ("x", "numpy", "torch", "exact")]
        table.add_row(d["quantity"], *cells, ulps)
    console.print(table)
    verdict = "failures (--strict)" if r.extras.get("strict") else "not failures (--strict makes them so)"
    console.print(f"torch deviations are {verdict}", markup=False)


def _claim(dtype):
    return "4 ULP" if dtype == "float64" else "1 ULP"


def render_summary(console, results):
    """Print one row per result (``actcheck all``) and the overall verdict; a line each on a narrow terminal."""
    from rich.measure import Measurement
    from rich.table import Table

    table = Table(title="actcheck all", title_justify="left")
    for c in ("activation", "dtype", "points", "max |Δf|", "max |Δf'|", "worst x", "torch dev.", "verdict"):
        table.add_column(c, justify="left" if c in ("activation", "dtype", "verdict") else "right")
    _summary_rows(table, results)
    if Measurement.get(console, console.options.update_width(10_000), table).maximum <= console.width:
        console.print(table)
    else:  # squeezed, a table would cut names and verdicts short
        for r in results:
            console.print(f"{_verdict(r.passed)} {r.activation} {r.dtype}", highlight=False)
    for r in results:
        for line in r.failures():
            console.print(f"[red]{r.activation} ({r.dtype}) {_literal(line)}[/]", highlight=False)
    deviations = sum(len(r.extras.get("torch_deviations") or []) for r in results)
    if deviations:
        console.print(f"torch deviations (torch off, NumPy right, by the oracle): {deviations} points", markup=False)
    failed = sum(not r.passed for r in results)
    verdict = "[bold green]PASS[/]" if not failed else f"[bold red]FAIL[/] · {failed} failed"
    console.print(f"{verdict} · {len(results)} checks")


def _summary_rows(table, results):
    for r in results:
        errs = r.max_abs_error
        worst = r.worst(1)
        worst_x = _fmt(r.x[worst[0]], _DIGITS[r.dtype]) if worst.size and r.badness().max() > 0 else "—"
        table.add_row(
            r.activation,
            r.dtype,
            str(r.n_points),
            _err(errs["forward"]),
            _err(errs.get("backward")),
            worst_x,
            str(len(r.extras.get("torch_deviations") or [])),
            _verdict(r.passed),
        )


def _user_text(text):
    """Text that came from the user's code, shown literally: no markup, control characters as escapes."""
    return _literal(printable(text))


def render_verify(console, rep):
    """Print a verify report: one row per pair, the skipped, then the notes and each failure's worst points."""
    from rich.table import Table

    table = Table(title=f"actcheck verify {_user_text(rep.file)}", title_justify="left")
    for c in ("pair", "style", "reference", "max |Δf|", "max |Δf'|", "max |Δ VJP|", "verdict", "diagnosis"):
        table.add_column(c, justify="right" if c.startswith("max") else "left", overflow="fold")
    for r in rep.results:
        e = r.max_abs_error
        table.add_row(
            _user_text(r.name),
            r.style,
            _literal(r.reference + (f" ({r.activation})" if r.activation else "")),
            _err(e.get("forward")),
            _err(e.get("backward")),
            _err(e.get("vjp")),
            _verdict(r.passed) + ("" if r.forward_compared or not r.passed else " (forward not compared)"),
            _user_text("; ".join(r.diagnosis)),
        )
    for s in rep.skipped:
        table.add_row(_user_text(s.name), "", "", "", "", "", "skipped", _user_text(s.reason))
    console.print(table)
    for note in rep.notes:
        console.print(f"note: {_user_text(note)}")
    for r in rep.results:
        for note in r.notes:
            console.print(f"{_user_text(r.name)}: note: {_user_text(note)}")
        for p in r.worst[:3] if not r.passed else []:
            console.print(f"{_user_text(r.name)}: {_literal(_point_line(p))}")
    failed = sum(not r.passed for r in rep.results)
    verdict = "[bold green]PASS[/]" if not failed else f"[bold red]FAIL[/] · {failed} failed"
    skipped = f" · {len(rep.skipped)} skipped" if rep.skipped else ""
    n = len(rep.unchecked)
    unchecked = f" · {n} forward{'s' * (n != 1)} not compared with any reference" if n else ""
    pairs = f"{len(rep.results)} pair{'s' * (len(rep.results) != 1)}"
    console.print(f"{verdict} · {pairs}{skipped}{unchecked}")


def _point_line(p):
    """'derivative at x = 2: yours 0.5, reference 0.1' (with the upstream gradient for a VJP)."""
    num = lambda v: v if isinstance(v, str) else f"{v:.10g}"  # noqa: E731
    up = f" (upstream {num(p['upstream'])})" if "upstream" in p else ""
    return f"{p['quantity']} at x = {num(p['x'])}{up}: yours {num(p['yours'])}, reference {num(p['reference'])}"


def render_list(console, acts):
    """Print the registry: names, parameters with defaults, formulas."""
    from rich.table import Table

    table = Table(title="activations", title_justify="left")
    for c in ("name", "kind", "parameters", "formula", "aliases"):
        table.add_column(c)
    for a in acts:
        params = ", ".join(f"{k}={v}" for k, v in a.params.items())
        table.add_row(a.name, a.kind, params, _literal(a.formula), ", ".join(a.aliases))
    console.print(table)


# ---------------------------------------------------------------- JUnit


def junit_xml(cases, suite="actcheck", skipped=()):
    """JUnit XML for ``cases``: (name, classname, seconds, failure message or None), and ``skipped``
    ones: (name, classname, reason), each a testcase holding <skipped/> (neither passed nor failed).

    Characters XML 1.0 forbids (and other control characters) are written as escapes, so the report parses.
    """
    from xml.etree import ElementTree as ET

    failures = str(sum(1 for c in cases if c[3] is not None))
    suite, tests = printable(suite), str(len(cases) + len(skipped))
    root = ET.Element("testsuites", name=suite, tests=tests, failures=failures)
    ts = ET.SubElement(
        root, "testsuite", name=suite, tests=tests, failures=failures, errors="0", skipped=str(len(skipped))
    )
    for name, classname, seconds, failure in cases:
        tc = ET.SubElement(ts, "testcase", name=printable(name), classname=printable(classname), time=f"{seconds:.3f}")
        if failure is not None:
            failure = printable(failure)
            first = failure.splitlines()[0] if failure else "failed"
            ET.SubElement(tc, "failure", message=first).text = failure
    for name, classname, reason in skipped:
        tc = ET.SubElement(ts, "testcase", name=printable(name), classname=printable(classname), time="0.000")
        ET.SubElement(tc, "skipped", message=printable(reason))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def result_cases(results):
    """JUnit cases for check results: one per activation and dtype (times are not measured: 0)."""
    return [
        (f"{r.activation}[{r.dtype}]", "actcheck." + r.activation, 0.0, None if r.passed else "\n".join(r.failures()))
        for r in results
    ]


def verify_cases(rep):
    """JUnit cases for a verify report: one per pair (a notebook's cells in its name), the diagnosis as the failure."""
    return [
        (f"{r.name}[{r.style}]", "actcheck.verify", 0.0, None if r.passed else "\n".join(r.diagnosis) or "failed")
        for r in rep.results
    ]


def verify_skipped(rep):
    """JUnit skipped cases for a verify report: what is not an activation, with the reason."""
    return [(s.name, "actcheck.verify", s.reason) for s in rep.skipped]
