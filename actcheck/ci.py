"""The options CI asks of the command line: ``--select``/``--exclude``, ``--format``, accuracy's gates; parsed here
(no numerics)."""

import os
from typing import Annotated

import typer

from .console import UsageFailure

__all__ = ["Select", "Exclude", "Format", "output_format", "chosen", "junit_problem", "junit_folder"]

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
    if not path:
        return "a file path is needed, not ''"
    if os.path.isdir(path):
        return f"{path!r} is a directory"
    parent = os.path.dirname(os.path.abspath(path))
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        return f"{parent!r} is not a directory"
    return None


def junit_folder(path):
    """``path``, once the folders the JUnit report goes in are made."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as e:
        raise UsageFailure(f"cannot make the folder {folder!r}: {e.strerror or e}") from None
    return path
