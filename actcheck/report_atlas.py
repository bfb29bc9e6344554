"""Rendering the accuracy atlas: a libm-style table (terminal and Markdown) and JSON text.

One row per activation and quantity; a column per dtype and implementation; each cell the
largest error in ULP against the correctly rounded exact value, with a letter for each
finding the ULP figure alone would hide.
"""

import math

from .atlas import QUANTITIES

__all__ = ["render_atlas", "markdown", "dumps", "cell", "LEGEND"]

_IMPL = {"numpy": "NumPy", "torch": "torch", "torch_forward_ad": "fwd-AD"}
_QUANTITY = {"forward": "f", "backward": "f′", "second": "f″"}
_FLAGS = (("wrong_zero", "z"), ("non_finite", "n"), ("wrong_sign", "s"))
LEGEND = (
    "Max error in ULP of the dtype against the correctly rounded exact value, over every value "
    "(float16, bfloat16, float32 --exhaustive) or a stratified sample (every binade, both signs, and "
    "special points). NumPy: actcheck's NumPy side; torch: reverse mode; fwd-AD: torch's forward mode. "
    "z: 0 where the exact value is a non-zero the dtype holds; n: nan or inf where it is finite; "
    "s: the wrong sign. —: not offered. 0.5: every value correctly rounded (0.501: one is not, however close)."
)


def dumps(atlas):
    """The atlas as strict JSON text."""
    from .report import dumps as strict

    return strict(atlas.to_dict())


def _ulp(v):
    if v is None:
        return "—"
    if math.isinf(v):
        return "inf"
    if v == 0:
        return "0"
    # rounded up: a value shown as 0.5 is correctly rounded, 0.501 is not
    if v < 10:
        return f"{math.ceil(v * 1000) / 1000:.3f}".rstrip("0").rstrip(".")
    if v < 1e4:
        return f"{math.ceil(v)}"
    return f"{v:.1e}".replace("e+0", "e").replace("e+", "e")


def cell(result):
    """One table cell: the max ULP and the letters of its findings.

    0.5 means every value is the correctly rounded one: one that is not (at a tie, 0.5 + 1e-13 away, which the
    float64 measure cannot tell from 0.5) shows as 0.501.
    """
    t = result.tally
    flags = "".join(letter for name, letter in _FLAGS if t.findings[name].count)
    v = t.max_ulp if t.n else None
    if v is not None and t.histogram[0] < t.n:
        v = max(v, math.nextafter(0.5, 1))
    text = _ulp(v)
    return f"{text} {flags}" if flags else text


def _grid(atlas):
    """(column keys, header labels, rows of cells): one row per activation (and parameters) and quantity."""
    dtypes = list(dict.fromkeys(r.dtype for r in atlas.results))
    impls = [i for i in _IMPL if any(r.implementation == i for r in atlas.results)]
    columns = [(d, i) for d in dtypes for i in impls]
    by_row = {}
    for r in atlas.results:
        key = (_name(r), QUANTITIES.index(r.quantity))
        by_row.setdefault(key, {})[(r.dtype, r.implementation)] = r
    rows = []
    for (name, q), cells in by_row.items():
        rows.append([name, _QUANTITY[QUANTITIES[q]]] + [cell(cells[c]) if c in cells else "—" for c in columns])
    return columns, dtypes, impls, rows


def _name(r):
    changed = {k: v for k, v in r.params.items() if r.defaults.get(k) != v}
    if not changed:
        return r.activation
    return (
        f"{r.activation}({', '.join(f'{k}={v:g}' if isinstance(v, float) else f'{k}={v}' for k, v in changed.items())})"
    )


def _coverage(atlas):
    """Per dtype: how many points, and whether every value was measured."""
    out = {}
    for r in atlas.results:
        n, every = out.get(r.dtype, (0, r.exhaustive))
        out[r.dtype] = (max(n, r.n_points), every)
    return {d: f"{'all' if every else 'sampled'} {n:,}" for d, (n, every) in out.items()}


def render_atlas(console, atlas, width=None):
    """Print the atlas table, its legend and notes; fitted to ``width``, coverage below or a table per dtype."""
    from functools import partial

    from .layout import first_fitting, show

    columns, dtypes, impls, rows = _grid(atlas)
    cover = _coverage(atlas)
    if width is None:
        console.print(_atlas_table(columns, impls, rows, cover, no_wrap=False))
    else:
        layouts = [
            lambda: (_atlas_table(columns, impls, rows, cover, no_wrap=True), False),
            lambda: (_atlas_table(columns, impls, rows, None, no_wrap=True), True),
            partial(_atlas_per_dtype, columns, impls, rows, dtypes),
        ]
        table, cover_below = first_fitting(console, width, layouts)
        show(console, table, width)
        if cover_below:
            console.print("points: " + " · ".join(f"{d} {c}" for d, c in cover.items()), markup=False)
    console.print(LEGEND, markup=False, highlight=False)
    for note in atlas.notes:
        console.print(f"note: {note}", markup=False, highlight=False)


def _atlas_table(columns, impls, rows, cover, no_wrap, title="actcheck accuracy · max ULP error", dtype_head=True):
    """The atlas as one table; with ``cover`` None, the headers leave out how many points each dtype had."""
    from rich import box
    from rich.table import Table

    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("activation", no_wrap=no_wrap)
    table.add_column("", no_wrap=no_wrap)
    for d, i in columns:
        head = f"{d} ({cover[d]})\n{_IMPL[i]}" if cover and i == impls[0] else f"{d}\n{_IMPL[i]}"
        head = head if dtype_head else _IMPL[i]
        table.add_column(head, justify="right", no_wrap=no_wrap)
    for row in rows:
        table.add_row(*row)
    return table


def _atlas_per_dtype(columns, impls, rows, dtypes):
    """The atlas as a table per dtype, one under the other: for a terminal too narrow for all the columns."""
    from rich.console import Group

    tables = []
    for d in dtypes:
        keep = [k for k, (dt, _) in enumerate(columns) if dt == d]
        sub = [row[:2] + [row[2 + k] for k in keep] for row in rows]
        title = f"actcheck accuracy · max ULP error · {d}"
        tables.append(_atlas_table([columns[k] for k in keep], impls, sub, None, True, title, dtype_head=False))
    return Group(*tables), True


_SHOWN_RANGES = 8
_FINDING_NAMES = {"wrong_zero": "wrong zero", "non_finite": "non-finite", "wrong_sign": "wrong sign"}


def _finding_lines(atlas):
    """One Markdown list item per finding of each cell: its letter, count and ranges of x (the first few)."""
    lines = []
    for r in atlas.results:
        for name, letter in _FLAGS:
            runs = r.tally.findings[name]
            if not runs.count:
                continue
            spans = ", ".join(
                f"[{a:.8g}, {b:.8g}]" if a != b else f"{a:.8g}" for a, b, *_ in runs.ranges[:_SHOWN_RANGES]
            )
            more = f" and {runs.n_ranges - _SHOWN_RANGES} more" if runs.n_ranges > _SHOWN_RANGES else ""
            where = f"{_name(r)} {_QUANTITY[r.quantity]} · {r.dtype} {_IMPL[r.implementation]}"
            lines.append(f"- {where} · `{letter}` {_FINDING_NAMES[name]} ×{runs.count:,}: {spans}{more}")
    return lines


def markdown(atlas):
    """The atlas table as GitHub Markdown, with its legend and notes."""
    columns, dtypes, impls, rows = _grid(atlas)
    cover = _coverage(atlas)
    head = ["activation", ""] + [f"{d} {_IMPL[i]}" for d, i in columns]
    lines = [
        "points: " + " · ".join(f"{d} {cover[d]}" for d in dtypes),
        "",
        "| " + " | ".join(head) + " |",
        "|" + "|".join(["---", "---"] + ["--:"] * len(columns)) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    found = _finding_lines(atlas)
    lines += ["", "Where the findings are (x, runs of consecutive measured values):", "", *found] if found else []
    lines += ["", LEGEND]
    lines += [f"- note: {note}" for note in atlas.notes]
    return "\n".join(lines) + "\n"
