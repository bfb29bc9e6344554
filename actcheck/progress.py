"""A progress bar on stderr for slow work: only on a terminal, and only once the work has taken about a second."""

import sys
import threading

__all__ = ["track", "Stages", "DELAY"]

DELAY = 1.0  # seconds of work before a bar appears: a quick run prints nothing extra


class Stages:
    """A transient bar for work done in steps: call it with (label, done, total) as each step begins.

    The bar appears only if the work is still going after ``delay`` seconds, and only when stderr is a
    terminal; a spinner and the elapsed time keep moving during a long step. Use it as a context manager.
    """

    def __init__(self, title, delay=DELAY):
        self.title, self.delay = title, delay
        self._state = (title, 0, None)
        self._bar = self._task = self._timer = None
        self._lock = threading.Lock()
        self._closed = False

    def __enter__(self):
        if sys.stderr is not None and sys.stderr.isatty():
            self._timer = threading.Timer(self.delay, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __call__(self, label, done, total):
        with self._lock:
            self._state = (label, done, total)
            if self._bar is not None:
                self._bar.update(self._task, description=self._describe(label), completed=done, total=total)

    def _describe(self, label):
        return self.title if not label or label == self.title else f"{self.title}: {label}"

    def _show(self):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        with self._lock:
            if self._closed:
                return
            label, done, total = self._state
            self._bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._task = self._bar.add_task(self._describe(label), total=total, completed=done)
            self._bar.start()

    def __exit__(self, *exc):
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
            if self._bar is not None:
                self._bar.stop()
        return False


def track(items, label=None, name=str):
    """Iterate ``items`` under a Stages bar titled ``label`` (none if ``label`` is None); ``name(item)`` says
    which item is at work."""
    items = list(items)
    if label is None:
        yield from items
        return
    with Stages(label) as stages:
        for i, item in enumerate(items):
            stages(name(item), i, len(items))
            yield item
        stages("", len(items), len(items))
