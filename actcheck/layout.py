"""Tables that fit the terminal they are printed to: columns dropped or merged by priority, never cut short.

A renderer offers its layouts from the fullest to the most compact; the first whose natural width fits is
printed. Piped output (and ``--wide``) is printed at its full natural width, as it always was.
"""

__all__ = ["natural_width", "first_fitting", "show", "packed", "stacked", "left_out_line"]

_UNBOUNDED = 100_000


def natural_width(console, renderable):
    """The width ``renderable`` takes when nothing limits it (a table whose cells all stay on one line)."""
    from rich.measure import Measurement

    return Measurement.get(console, console.options.update_width(_UNBOUNDED), renderable).maximum


def first_fitting(console, width, layouts):
    """The first of ``layouts`` (callables returning (renderable, what it left out), fullest first) whose
    renderable is at most ``width`` wide, else the last.

    ``width`` None means no limit: the first layout.
    """
    chosen = None
    for make in layouts:
        chosen = make()
        if width is None or natural_width(console, chosen[0]) <= width:
            break
    return chosen


def show(console, renderable, width):
    """Print ``renderable``; unfitted (``width`` None), at its natural width even past the console's."""
    if width is None:
        before = console.width
        console.width = max(natural_width(console, renderable), before)
        try:
            console.print(renderable)
        finally:
            console.width = before
    else:
        console.print(renderable)


def packed(items, width, sep="  "):
    """``items`` joined by ``sep`` into lines of at most ``width`` characters (one line if ``width`` is None).

    An item is never split: one longer than ``width`` is a line of its own.
    """
    if width is None:
        return [sep.join(items)] if items else []
    lines, line = [], ""
    for item in items:
        if line and len(line) + len(sep) + len(item) > width:
            lines.append(line)
            line = item
        else:
            line = f"{line}{sep}{item}" if line else item
    if line:
        lines.append(line)
    return lines


class _Stacked:
    """Rows each followed by a text; as wide as its rows (the texts wrap to whatever width there is)."""

    def __init__(self, parts, rows):
        self.parts, self.rows = parts, rows

    def __rich_console__(self, console, options):
        yield from self.parts

    def __rich_measure__(self, console, options):
        from rich.measure import Measurement

        return Measurement.get(console, options, self.rows)


def stacked(console, headers, rows, below, justify, indent=4):
    """A table whose every row is followed by its own text, wrapped beneath it (a diagnosis, a formula).

    ``rows`` are lists of cells (rich markup), ``below`` a text (plain, or None) for each row, ``justify``
    'left' or 'right' per column. Returns a rich renderable as wide as its rows: a header, then each row
    and its text.
    """
    from rich import box
    from rich.console import Group
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    widths = [
        max([_cell_width(console, h)] + [_cell_width(console, r[c]) for r in rows]) for c, h in enumerate(headers)
    ]

    def table(show_header):
        t = Table(box=box.SIMPLE_HEAD, show_edge=False, show_header=show_header, pad_edge=False)
        for h, w, j in zip(headers, widths, justify, strict=True):
            t.add_column(h, justify=j, width=w, no_wrap=True)
        return t

    parts = [table(True)]
    for cells, text in zip(rows, below, strict=True):
        row = table(False)
        row.add_row(*cells)
        parts.append(row)
        if text:
            parts.append(Padding(Text(text), (0, 0, 0, indent)))
    return _Stacked(parts, Group(parts[0]))


def _cell_width(console, markup):
    from rich.text import Text

    text = Text.from_markup(markup) if isinstance(markup, str) else markup
    return max((line.cell_len for line in text.split("\n")), default=0)


def left_out_line(width, dropped, rounded=None, two_lines=False, extra=()):
    """What a fitted table left out and how to see it ('80 columns: no |Δf| ...; --wide or --json shows all')."""
    said = []
    if dropped:
        said.append(f"no {', '.join(dropped)}")
    if rounded:
        said.append(f"{rounded} digits")
    if two_lines:
        said.append("the derivative under f")
    said.extend(extra)
    if not said:
        return None
    return f"{width} columns: {', '.join(said)}; --wide or --json shows all"
