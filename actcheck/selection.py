"""Which activations a run covers: ``--select`` and ``--exclude`` patterns, as ruff picks its rules.

A pattern is a name or an alias (any case, dashes or underscores) or a glob over names and
aliases (``soft*``, ``*relu*``); several may be given comma-separated or repeated. Select
first (everything when none is given), then take away what is excluded.
"""

import fnmatch

from .errors import InputError

__all__ = ["patterns", "pick"]

_GLOB = set("*?[")


def patterns(given):
    """The patterns in ``given`` (strings, each maybe comma-separated), stripped, empty ones dropped."""
    if isinstance(given, str):
        given = [given]
    out = []
    for item in given or ():
        if not isinstance(item, str):
            raise InputError(f"an activation pattern must be text, got {item!r}")
        out += [p.strip() for p in item.split(",") if p.strip()]
    return out


def pick(names, select=(), exclude=(), what="activations", kind_of=None):
    """``names`` (in their order) that ``select`` matches (all when empty) and ``exclude`` does not.

    InputError for a name that is no activation, a glob that matches none of ``names``, a name
    outside ``names`` (``kind_of(name)`` may say why), or nothing left.
    """
    chosen = _matching(names, patterns(select), "--select", kind_of) if patterns(select) else set(names)
    dropped = _matching(names, patterns(exclude), "--exclude", kind_of)
    left = [n for n in names if n in chosen and n not in dropped]
    if not left:
        raise InputError(f"--select and --exclude leave no {what} to check")
    return left


def _matching(names, pats, flag, kind_of):
    from .registry import ACTIVATIONS, lookup, suggest

    found = set()
    for pat in pats:
        if _GLOB & set(pat):
            hits = {
                n for n in names
                if any(fnmatch.fnmatchcase(k, pat.lower()) for k in _keys(n, ACTIVATIONS[n].aliases))
            }  # fmt: skip
            if not hits:
                raise InputError(f"{flag} {pat!r} matches no activation here (actcheck list shows them all)")
            found |= hits
            continue
        act = lookup(pat)
        if act is None:
            close = suggest(pat)
            hint = f" — did you mean {close!r}?" if close else " (actcheck list shows them all)"
            raise InputError(f"{flag}: unknown activation {pat!r}{hint}")
        if act.name not in names:
            why = kind_of(act) if kind_of else None
            raise InputError(f"{flag}: {act.name} is not among them" + (f" ({why})" if why else ""))
        found.add(act.name)
    return found


def _keys(name, aliases):
    """A name and its aliases as a glob sees them: lower case, with underscores and without."""
    keys = {name, *aliases}
    return {k.lower() for k in keys} | {k.lower().replace("_", "") for k in keys}
