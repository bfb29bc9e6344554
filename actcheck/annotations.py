"""GitHub Actions workflow commands for failures: ``::error file=…,line=…,title=…::message``, one per failing
check or pair, so a run's failures show on the pull request beside the code."""

import os

__all__ = ["for_results", "for_report"]


def _data(text):
    """A message as a workflow command carries it: %, CR and LF escaped."""
    return str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text):
    """A property value (file, title): also : and , escaped."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _error(message, title, file=None, line=None):
    props = ([f"file={_prop(file)}"] if file else []) + ([f"line={line}"] if file and line else [])
    return f"::error {','.join([*props, f'title={_prop(title)}'])}::{_data(message)}"


def for_results(results):
    """One ::error per failing check (activation and dtype), its failures as the message."""
    return "\n".join(
        _error("\n".join(r.failures()) or "failed", f"actcheck {r.activation}[{r.dtype}]")
        for r in results
        if not r.passed
    )


def for_report(rep, path):
    """One ::error per failing pair of a verify report, at the line of the function that is wrong."""
    from .testing import failure_text

    shown = _shown(path)
    lines = []
    for r in rep.results:
        if r.passed:
            continue
        quantity = r.worst[0]["quantity"] if r.worst else None
        line = r.lines.get("forward") if quantity == "forward" else r.lines.get("backward", r.lines.get("forward"))
        lines.append(_error(failure_text(r), f"actcheck verify: {r.name}", shown, line))
    return "\n".join(lines)


def _shown(path):
    """The file as GitHub names it: relative to the working folder (the checkout) when it is inside it."""
    path = os.fspath(path)
    if os.path.isabs(path):
        rel = os.path.relpath(path)
        return path if rel.startswith("..") else rel
    return os.path.normpath(path)
