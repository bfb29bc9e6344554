"""Rendering: JSON text, rich tables and JUnit XML. No computation."""

import math

import numpy as np

from .console import printable

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


def _ulp(v):
    """A torch kernel's largest error in ULP (over the dtypes), for the verify table."""
    return "—" if v is None else f"{float(v):.3g} ulp"


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


def render_result(console, r, worst=10, width=None):
    """Print one Result as a table of points, the max errors and the verdict, fitted to ``width`` if given."""
    from functools import partial

    from .layout import first_fitting, show

    rows, worst_only = _rows_to_show(r, worst)
    params = ", ".join(f"{k}={v}" for k, v in r.params.items())
    title = f"{r.activation}({params}) · {r.dtype} · rtol {r.rtol:g} atol {r.atol:g}"
    if worst_only:
        title += f" · {len(rows)} worst of {r.n_points} points"
    digits = _DIGITS[r.dtype]
    short = min(digits, _SHORT_DIGITS)
    plans = [
        {},
        {"drop_extra": True},
        {"drop_extra": True, "drop_diff": True},
        {"drop_extra": True, "drop_diff": True, "digits": short},
        {"drop_extra": True, "drop_diff": True, "two_lines": True},
        {"drop_extra": True, "drop_diff": True, "two_lines": True, "digits": short},
        {"drop_extra": True, "drop_diff": True, "two_lines": True, "digits": short, "drop_ulp": True},
    ]
    shown_title = title if width is None else None  # fitted, the title is a line of its own: never squeezed
    layouts = [partial(_point_table, r, rows, shown_title, **dict({"digits": digits}, **p)) for p in plans]
    table, note = first_fitting(console, width, layouts)
    if shown_title is None:
        console.print(title, markup=False)
    show(console, table, width)
    if note and width is not None:
        console.print(_fitted_note(width, note, digits), markup=False)
    if "jacobian" in r.matrices:
        console.print(VECTOR_LEGEND, markup=False)
    _render_footer(console, r, width)


_SHORT_DIGITS = 6
VECTOR_LEGEND = (
    "VJP(g): gᵀJ, the vector-Jacobian product with a seeded random upstream g (its values in --json); "
    "VJP(1) below is 'backward', the upstream all ones; the Jacobian's entries are compared too."
)
_NAMES = {"torch_forward_ad": "fwd-AD |Δ|", "vjp": "VJP |Δ|", "second": "|Δf''|", "finite_difference": "FD |Δ|"}


def _point_table(r, rows, title, *, digits, drop_extra=False, drop_diff=False, two_lines=False, drop_ulp=False):
    """(table, what it left out) for the points ``rows`` of ``r``; the keywords say what to drop or merge."""
    from rich import box
    from rich.table import Table

    comps = r.comparisons
    vector = "jacobian" in r.matrices
    # a vector activation's derivative is a Jacobian: its table shows the VJP with the random upstream g
    dq, d = ("vjp", "VJP(g)") if vector else ("backward", "f'(x)")
    # forward-mode and VJP columns only when they have something to say; their maxima are in the footer
    extra = [k for k in ("torch_forward_ad", "backward" if vector else "vjp") if k in comps and not comps[k].ok.all()]
    extra += [k for k in ("second", "finite_difference") if k in comps]
    shown_extra = [] if drop_extra else extra
    names = _NAMES | ({"backward": "VJP(1) |Δ|"} if vector else {})
    has_oracle = "exact" in r.extras
    dkey = ("backward" if "backward" in r.extras["ulp"] else "vjp") if has_oracle else None
    errs = {k: dict(zip(rows, comps[k].errors(rows), strict=True)) for k in ["forward", dq, *shown_extra]}
    fmt = lambda side, q: [_fmt(side[q][i], digits) for i in rows]  # noqa: E731
    cols = [("x", [_fmt(r.x[i], digits) for i in rows])]
    pairs = [
        (("NumPy f(x)", fmt(r.numpy, "forward")), (f"NumPy {d}", fmt(r.numpy, dq))),
        (("torch f(x)", fmt(r.torch, "forward")), (f"torch {d}", fmt(r.torch, dq))),
    ]
    dd = "|ΔVJP|" if vector else "|Δf'|"
    if not drop_diff:
        pairs.append((("|Δf|", [_err(errs["forward"][i]) for i in rows]), (dd, [_err(errs[dq][i]) for i in rows])))
    if has_oracle and not drop_ulp:
        d_head = "ULP f' np/torch" if dkey == "backward" else "ULP VJP np/torch"
        ulps = (
            ("ULP f np/torch", [_ulp_cell(r, "forward", i) for i in rows]),
            (d_head, [_ulp_cell(r, dkey, i) for i in rows]),
        )
    if two_lines:  # each point on two lines: f(x) above f'(x)
        merged = pairs + ([ulps] if has_oracle and not drop_ulp else [])
        cols += [(f"{a[0]}\n{b[0]}", [f"{u}\n{v}" for u, v in zip(a[1], b[1], strict=True)]) for a, b in merged]
    else:
        order = [p[0] for p in pairs[:2]] + ([pairs[2][0]] if not drop_diff else [])
        order += [p[1] for p in pairs[:2]] + ([pairs[2][1]] if not drop_diff else [])
        cols += order
        cols += [(names[k], [_extra_cell(r, k, i, errs[k][i]) for i in rows]) for k in shown_extra]
        if has_oracle and not drop_ulp:
            cols += list(ulps)
    sep = "\n" if two_lines else ""
    verdicts = [_verdict(r.ok[i]) + (sep + n.strip() if sep and n else n) for i in rows for n in [_note_cell(r, i)]]
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_lines=two_lines)
    for head, _ in cols:
        table.add_column(head, justify="right", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    for k in range(len(rows)):
        table.add_row(*[c[k] for _, c in cols], verdicts[k])
    left_out = (["|Δf|", dd] if drop_diff else []) + [names[k] for k in extra if drop_extra]
    left_out += ["ULP columns"] if has_oracle and drop_ulp else []
    return table, {"left_out": left_out, "digits": digits, "two_lines": two_lines}


def _fitted_note(width, note, full_digits):
    """The line under a fitted point table: what it left out, and how to see it all."""
    from .layout import left_out_line

    dropped = [f"{', '.join(note['left_out'])} (maxima below)"] if note["left_out"] else []
    rounded = note["digits"] if note["digits"] < full_digits else None
    return left_out_line(width, dropped, rounded, note["two_lines"])


def _extra_cell(r, key, i, err):
    if key == "finite_difference" and r.extras.get("fd_skipped") is not None and r.extras["fd_skipped"][i]:
        jump = r.extras.get("fd_jump")
        return "jump" if jump is not None and jump[i] else "kink"
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


def _render_footer(console, r, width=None):
    from .layout import packed

    for line in packed([f"max |Δ {k}| = {_err(v)}" for k, v in r.max_abs_error.items()], width):
        console.print(line)
    if "max_ulp" in r.extras:
        mu = r.extras["max_ulp"]
        items = [f"{k} numpy {_ulp_str(_f(v['numpy']))} torch {_ulp_str(_f(v['torch']))}" for k, v in mu.items()]
        items[0] = "max ULP from exact: " + items[0]
        for line in packed(items, width):
            console.print(line)
    _render_deviations(console, r, width)
    for note in r.extras.get("notes", []):
        console.print(f"note: {note}", markup=False)
    for line in r.failures():
        console.print(f"[red]{_literal(line)}[/]", highlight=False)
    console.print(("[bold green]PASS[/]" if r.passed else "[bold red]FAIL[/]") + f" · {r.n_points} points")


def _f(v):
    return float("nan") if v is None else float(v)  # float("inf") reads the JSON string back


_SHOWN_DEVIATIONS = 10


def _render_deviations(console, r, width=None):
    """The points where the oracle found torch off and NumPy right: a small table and what they mean."""
    from functools import partial

    from .layout import first_fitting, show

    devs = r.extras.get("torch_deviations") or []
    if not devs:
        return
    digits = _DIGITS[r.dtype]
    worst = sorted(devs, key=lambda d: -d["ulp"]["torch"])[:_SHOWN_DEVIATIONS]
    count = r.extras.get("torch_deviation_count", len(devs))
    title = f"torch deviations: {count} (torch off, NumPy within {_claim(r.dtype)} of exact)"
    if len(devs) > len(worst):
        title += f" · the {len(worst)} worst"
    shown_title = title if width is None else None
    layouts = [
        partial(_deviation_table, worst, shown_title, digits),
        partial(_deviation_stacked, console, worst, digits),
    ]
    table, _ = first_fitting(console, width, layouts)
    if shown_title is None:
        console.print(title, markup=False)
    show(console, table, width)
    verdict = "failures (--strict)" if r.extras.get("strict") else "not failures (--strict makes them so)"
    console.print(f"torch deviations are {verdict}", markup=False)


def _deviation_table(devs, title, digits):
    from rich import box
    from rich.table import Table

    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    for c in ("quantity", "x", "NumPy", "torch", "exact", "ULP np/torch"):
        table.add_column(c, justify="left" if c == "quantity" else "right", no_wrap=True)
    for d in devs:
        ulp = f"{_ulp_str(d['ulp']['numpy'])}/{_ulp_str(d['ulp']['torch'])}"
        cells = [_fmt(d[k], digits) for k in ("x", "numpy", "torch", "exact")]
        table.add_row(_quantity(d), *cells, ulp)
    return table, None


def _deviation_stacked(console, devs, digits):
    """The deviations for a narrow terminal: quantity, x and ULP on a row, the three values whole beneath it."""
    from .layout import stacked

    rows = [
        [_quantity(d), _fmt(d["x"], digits), f"{_ulp_str(d['ulp']['numpy'])}/{_ulp_str(d['ulp']['torch'])}"]
        for d in devs
    ]
    below = ["   ".join(f"{k} {_fmt(d[k.lower()], digits)}" for k in ("NumPy", "torch", "exact")) for d in devs]
    return stacked(console, ["quantity", "x", "ULP np/torch"], rows, below, ["left", "right", "right"]), None


def _quantity(d):
    """A deviation's quantity, with the array length torch was evaluated in when it is not the point alone."""
    return d["quantity"] if "context" not in d else f"{d['quantity']} (array of {d['context']})"


def _claim(dtype):
    return "4 ULP" if dtype == "float64" else "1 ULP"


def render_summary(console, results, width=None):
    """Print one row per result (``actcheck all``) and the overall verdict, fitted to ``width`` if given."""
    from functools import partial

    from .layout import first_fitting, left_out_line, show

    diffs, more = ["max |Δf|", "max |Δf'|"], ["worst x", "torch dev."]
    layouts = [partial(_summary_table, results, drop) for drop in ([], diffs, diffs + more)]
    layouts.append(partial(_summary_lines, results))
    table, left_out = first_fitting(console, width, layouts)
    show(console, table, width)
    if left_out and width is not None:
        console.print(left_out_line(width, left_out), markup=False)
    for r in results:
        for line in r.failures():
            console.print(f"[red]{r.activation} ({r.dtype}) {_literal(line)}[/]", highlight=False)
    deviations = sum(
        r.extras.get("torch_deviation_count", len(r.extras.get("torch_deviations") or [])) for r in results
    )
    if deviations:
        console.print(f"torch deviations (torch off, NumPy right, by the oracle): {deviations} points", markup=False)
    failed = sum(not r.passed for r in results)
    verdict = "[bold green]PASS[/]" if not failed else f"[bold red]FAIL[/] · {failed} failed"
    console.print(f"{verdict} · {len(results)} checks")


_SUMMARY = ("activation", "dtype", "points", "max |Δf|", "max |Δf'|", "worst x", "torch dev.", "verdict")


def _summary_table(results, drop):
    from rich.table import Table

    table = Table(title="actcheck all", title_justify="left")
    keep = [c for c in _SUMMARY if c not in drop]
    for c in keep:
        table.add_column(c, justify="left" if c in ("activation", "dtype", "verdict") else "right", no_wrap=True)
    for row in _summary_rows(results):
        table.add_row(*[cell for c, cell in zip(_SUMMARY, row, strict=True) if c in keep])
    return table, drop


def _summary_lines(results):
    """The narrowest summary: a line per check, its verdict first."""
    from rich.console import Group
    from rich.text import Text

    lines = [Text.from_markup(f"{_verdict(r.passed)} {r.activation} {r.dtype}") for r in results]
    return Group(*lines), [c for c in _SUMMARY if c not in ("activation", "dtype", "verdict")]


def _summary_rows(results):
    for r in results:
        errs = r.max_abs_error
        worst = r.worst(1)
        worst_x = _fmt(r.x[worst[0]], _DIGITS[r.dtype]) if worst.size and r.badness().max() > 0 else "—"
        yield (
            r.activation,
            r.dtype,
            str(r.n_points),
            _err(errs["forward"]),
            _err(errs.get("backward")),
            worst_x,
            str(r.extras.get("torch_deviation_count", len(r.extras.get("torch_deviations") or []))),
            _verdict(r.passed),
        )


def _user_text(text):
    """Text that came from the user's code, shown literally: no markup, control characters as escapes."""
    return _literal(printable(text))


def render_verify(console, rep, width=None, strict=False):
    """Print a verify report: one row per pair, the skipped, then the notes and each failure's worst points.

    Fitted to ``width``, each pair's diagnosis is printed beneath its row rather than in a narrow column.
    """
    if width is None:
        _verify_table(console, rep)
    else:
        _verify_stacked(console, rep, width)
    _verify_footer(console, rep, strict)


_VERIFY = ("pair", "style", "reference", "max |Δf|", "max |Δf'|", "max |Δ VJP|", "verdict")


def _verify_rows(rep):
    """(cells, diagnosis) per pair, then per skipped function."""
    for r in rep.results:
        e = r.max_abs_error
        if r.framework != "numpy":
            ulps = [_ulp(r.max_ulp.get(q)) for q in ("forward", "backward", "vjp")]
            act = f" ({r.activation})" if r.activation else ""
            unchecked = "" if r.forward_compared or not r.passed else " (forward not compared)"
            cells = [
                _user_text(r.name),
                r.style,
                _literal(f"{r.reference}{act}"),
                *ulps,
                _verdict(r.passed) + unchecked,
            ]
            yield cells, "; ".join(r.diagnosis)
            continue
        cells = [
            _user_text(r.name),
            r.style,
            _literal(r.reference + (f" ({r.activation})" if r.activation else "")),
            _err(e.get("forward")),
            _err(e.get("backward")),
            _err(e.get("vjp")),
            _verdict(r.passed) + ("" if r.forward_compared or not r.passed else " (forward not compared)"),
        ]
        yield cells, "; ".join(r.diagnosis)
    for s in rep.skipped:
        yield [_user_text(s.name), "", "", "", "", "", "skipped"], s.reason


def _verify_table(console, rep):
    from rich.table import Table

    table = Table(title=f"actcheck verify {_user_text(rep.file)}", title_justify="left")
    for c in (*_VERIFY, "diagnosis"):
        table.add_column(c, justify="right" if c.startswith("max") else "left", overflow="fold")
    for cells, diagnosis in _verify_rows(rep):
        table.add_row(*cells, _user_text(diagnosis))
    console.print(table)


def _verify_stacked(console, rep, width):
    from functools import partial

    from .layout import first_fitting, left_out_line, show, stacked

    rows = list(_verify_rows(rep))
    below = [printable(d) or None for _, d in rows]

    def layout(drop):
        keep = [k for k, c in enumerate(_VERIFY) if c not in drop]
        heads = [_VERIFY[k] for k in keep]
        justify = ["right" if h.startswith("max") else "left" for h in heads]
        return stacked(console, heads, [[cells[k] for k in keep] for cells, _ in rows], below, justify), drop

    diffs = ["max |Δf|", "max |Δf'|", "max |Δ VJP|"]
    console.print(f"actcheck verify {printable(rep.file)}", markup=False)
    table, left_out = first_fitting(console, width, [partial(layout, d) for d in ([], diffs, diffs + ["style"])])
    show(console, table, width)
    if left_out:
        console.print(left_out_line(width, left_out), markup=False)


def _verify_footer(console, rep, strict=False):
    """The notes, each failing pair's worst points and the verdict (``strict``: skips and unchecked forwards fail)."""
    for note in rep.notes:
        console.print(f"note: {_user_text(note)}")
    for r in rep.results:
        for note in r.notes:
            console.print(f"{_user_text(r.name)}: note: {_user_text(note)}")
        for p in r.worst[:3] if not r.passed else []:
            console.print(f"{_user_text(r.name)}: {_literal(_point_line(p))}")
    failed = sum(not r.passed for r in rep.results)
    verdict = "[bold green]PASS[/]" if not failed else f"[bold red]FAIL[/] · {failed} failed"
    if not failed and not rep.passes(strict):
        verdict = "[bold red]FAIL[/] (--strict: skips and forwards not compared fail)"
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


def render_list(console, acts, width=None):
    """Print the registry: names, parameters with defaults, formulas; fitted to ``width``, formulas go under."""
    from functools import partial

    from .layout import first_fitting, show

    if width is None:
        console.print(_list_table(acts, no_wrap=False)[0])
        return
    layouts = [partial(_list_table, acts, no_wrap=True)]
    layouts += [partial(_list_stacked, console, acts, sep) for sep in (", ", "\n")]
    table, _ = first_fitting(console, width, layouts)
    show(console, table, width)


def _list_table(acts, no_wrap):
    from rich.table import Table

    table = Table(title="activations", title_justify="left")
    for c in ("name", "kind", "parameters", "formula", "aliases"):
        table.add_column(c, no_wrap=no_wrap)
    for a in acts:
        params = ", ".join(f"{k}={v}" for k, v in a.params.items())
        table.add_row(a.name, a.kind, params, _literal(a.formula), ", ".join(a.aliases))
    return table, None


def _list_stacked(console, acts, sep):
    """The registry with each formula under its row; ``sep`` between parameters (a newline: one a line)."""
    from rich.console import Group
    from rich.text import Text

    from .layout import stacked

    rows = [
        [a.name, a.kind, _literal(sep.join(f"{k}={v}" for k, v in a.params.items())), ", ".join(a.aliases)]
        for a in acts
    ]
    table = stacked(console, ["name", "kind", "parameters", "aliases"], rows, [a.formula for a in acts], ["left"] * 4)
    return Group(Text("activations"), table), None


# ---------------------------------------------------------------- JUnit


def junit_xml(cases, suite="actcheck", skipped=()):
    """JUnit XML for ``cases``: (name, classname, seconds, failure message or None[, system-out text]), and
    ``skipped`` ones: (name, classname, reason), each a testcase holding <skipped/> (neither passed nor failed).

    Characters XML 1.0 forbids (and other control characters) are written as escapes, so the report parses.
    """
    from xml.etree import ElementTree as ET

    failures = str(sum(1 for c in cases if c[3] is not None))
    suite, tests = printable(suite), str(len(cases) + len(skipped))
    total = f"{sum(c[2] for c in cases):.3f}"
    root = ET.Element("testsuites", name=suite, tests=tests, failures=failures, time=total)
    ts = ET.SubElement(
        root, "testsuite", name=suite, tests=tests, failures=failures, errors="0", skipped=str(len(skipped)),
        time=total,
    )  # fmt: skip
    for name, classname, seconds, failure, *out in cases:
        tc = ET.SubElement(ts, "testcase", name=printable(name), classname=printable(classname), time=f"{seconds:.3f}")
        if failure is not None:
            failure = printable(failure)
            first = failure.splitlines()[0] if failure else "failed"
            ET.SubElement(tc, "failure", message=first).text = failure
        if out and out[0]:
            ET.SubElement(tc, "system-out").text = printable(out[0])
    for name, classname, reason in skipped:
        tc = ET.SubElement(ts, "testcase", name=printable(name), classname=printable(classname), time="0.000")
        ET.SubElement(tc, "skipped", message=printable(reason))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def result_cases(results):
    """JUnit cases for check results: one per activation and dtype, its notes and torch's deviations as its output."""
    return [
        (
            f"{r.activation}[{r.dtype}]",
            "actcheck." + r.activation,
            r.extras.get("seconds", 0.0),
            None if r.passed else "\n".join(r.failures()),
            _said(r.extras.get("notes", []), r.extras),
        )  # fmt: skip
        for r in results
    ]


def _said(notes, extras):
    """A testcase's system-out: its notes, then each torch deviation (where torch is off and NumPy is not)."""
    lines = [f"note: {n}" for n in notes]
    for d in extras.get("torch_deviations", []):
        where = f" (row {d['row']}, column {d['column']})" if "row" in d else ""
        lines.append(
            f"torch deviation: {d['quantity']} at x = {d['x']!r}{where}: torch {d['torch']!r} "
            f"({d['ulp']['torch']:.3g} ULP from exact {d['exact']!r}), numpy {d['numpy']!r} "
            f"({d['ulp']['numpy']:.3g} ULP)"
        )
    return "\n".join(lines)


def verify_cases(rep):
    """JUnit cases for a verify report: one per pair (a notebook's cells in its name), the diagnosis and the worst
    point as the failure, the notes as its output."""
    return [
        (
            f"{r.name}[{r.style}]",
            "actcheck.verify",
            r.seconds,
            None if r.passed else _pair_failure(r),
            _said(r.notes, {}),
        )  # fmt: skip
        for r in rep.results
    ]


def _pair_failure(r):
    """The diagnosis, its first line naming the point furthest off with both values."""
    lines = list(r.diagnosis) or ["failed"]
    if r.worst:
        w = r.worst[0]
        ref = {"torch": "torch", "exact": "exact"}.get(r.reference, "finite differences")
        lines[0] += f"; worst at x = {w['x']}: {w['quantity']} yours {w['yours']}, {ref} {w['reference']}"
    return "\n".join(lines)


def verify_skipped(rep):
    """JUnit skipped cases for a verify report: what is not an activation, with the reason."""
    return [(s.name, "actcheck.verify", s.reason) for s in rep.skipped]
