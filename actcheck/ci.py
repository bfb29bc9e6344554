"""The options CI asks of the command line: ``--select``/``--exclude``, ``--format``, accuracy's gates; parsed here
(no numerics)."""

from typing import Annotated

import typer

from .console import UsageFailure

__all__ = ["Select", "Exclude", "chosen"]

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
