"""The options CI asks of the command line: ``--select``/``--exclude``, ``--format``, accuracy's gates; parsed here
(no numerics)."""

import os
from typing import Annotated

import typer

from .console import UsageFailure

__all__ = [
    "Select",
    "Exclude",
    "Format",
    "FailAbove",
    "FailOn",
    "output_format",
    "gates",
    "gate_lines",
    "chosen",
    "junit_problem",
    "junit_folder",
]

Select = Annotated[
    list[str] | None,
    typer.Option(
        "--select",
        metavar="NAMES",
        help="Only these activations: names, aliases or globs (soft*), comma-separated or repeated.",
    ),
]
Exclude = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude", metavar="NAMES", help="Leave these out: names, aliases or globs, comma-separated or repeated."
    ),
]

Format = Annotated[
    str | None,
    typer.Option(
        "--format",
        metavar="FORMAT",
        help="table (the default), json (as --json) or github (GitHub Actions annotations for the failures).",
    ),
]
FORMATS = ("table", "json", "github")


def output_format(fmt, json_out):
    """(json?, github?) from --format and --json; an unknown format or a contradiction exits 2."""
    if fmt is None:
        return json_out, False
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise UsageFailure(f"--format takes {', '.join(FORMATS)}, not {fmt!r}")
    if json_out and fmt != "json":
        raise UsageFailure(f"--json and --format {fmt} cannot be used together")
    return fmt == "json", fmt == "github"


FailAbove = Annotated[
    list[str] | None,
    typer.Option(
        "--fail-above",
        metavar="[IMPL[.QUANTITY]=]ULP",
        help="Exit 1 when a row's max ULP error is above ULP: every row's, or one implementation's "
        "(numpy=1, torch.backward=4); repeatable, the most specific wins.",
    ),
]
FailOn = Annotated[
    list[str] | None,
    typer.Option(
        "--fail-on",
        metavar="FINDINGS",
        help="Exit 1 when a row has any of: wrong-zero, non-finite, wrong-sign (comma-separated or repeated).",
    ),
]


def gates(fail_above, fail_on):
    """(limits, findings) from --fail-above and --fail-on, checked before any work; bad ones exit 2."""
    from .errors import InputError
    from .gates import findings, limits

    try:
        return limits(fail_above), findings(fail_on)
    except InputError as e:
        raise UsageFailure(str(e)) from None


def gate_lines(atlas, lims, fail_on):
    """The lines naming each row that fails a gate (empty when none does)."""
    from .gates import offending

    bad = offending(atlas.results, lims, fail_on)
    if not bad:
        return []
    head = f"accuracy gate: {len(bad)} row{'s' * (len(bad) != 1)} failed"
    return [head] + [
        f"FAIL {r.activation} {r.dtype} {r.quantity} {r.implementation}: {'; '.join(reasons)}" for r, reasons in bad
    ]


def project():
    """The project's defaults ([tool.actcheck] in the nearest pyproject.toml); a bad one exits 2 naming the file."""
    from .config import load
    from .errors import InputError

    try:
        return load()
    except InputError as e:
        raise UsageFailure(str(e)) from None


def verify_files_dict(reports):
    """The JSON object for several files verified at once."""
    return {"passed": all(r.passed for r in reports), "files": [r.to_dict() for r in reports]}


def chosen(names, select, exclude, kind_of=None):
    """``names`` narrowed by --select and --exclude (all of them when neither is given); bad patterns exit 2."""
    from .errors import InputError
    from .selection import pick

    if not select and not exclude:
        return list(names)
    try:
        return pick(list(names), select, exclude, kind_of=kind_of)
    except InputError as e:
        raise UsageFailure(str(e)) from None


def junit_problem(path):
    """Why ``path`` cannot be a JUnit report (folders that do not exist yet are made), or None."""
    from .files import problem

    try:
        parent = os.path.dirname(os.path.abspath(path)) if path else ""
    except OSError:  # the working directory deleted: files.problem says so
        parent = ""
    if not parent or os.path.exists(parent) or path.endswith(("/", os.sep)):
        return problem(path)
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    return None if os.path.isdir(parent) else f"{parent!r} is not a directory"


def junit_folder(path):
    """``path``, once the folders the JUnit report goes in are made."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as e:
        raise UsageFailure(f"cannot make the folder {folder!r}: {e.strerror or e}") from None
    return path
