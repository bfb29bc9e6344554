"""A progress bar on stderr for slow work, only when stderr is a terminal."""

import sys

__all__ = ["track"]


def track(items, label=None):
    """Iterate ``items``, showing a rich progress bar on a terminal when ``label`` is given."""
    items = list(items)
    if label is None or not sys.stderr.isatty() or len(items) < 2:
        yield from items
        return
    from rich.console import Console
    from rich.progress import track as rich_track

    yield from rich_track(items, description=label, console=Console(stderr=True), transient=True)
