"""Shell completion: what each word of ``actcheck ...`` can be, for bash, zsh and fish.

The shells call ``actcheck`` with ``_ACTCHECK_COMPLETE`` set (the script that
``--install-completion`` writes does so); typer's completion classes then ask the command
tree. This module only adds what click cannot know: activation names and aliases (the first
word routes to ``check``, so it completes to both subcommands and activations), dtype names
and ``--approximate`` values. Where no word is offered (verify's FILE, ``--out``), each
shell falls back to completing file names.
"""

import os

__all__ = ["COMPLETE_VAR", "requested", "prepare"]

COMPLETE_VAR = "_ACTCHECK_COMPLETE"
_APPROXIMATE = ("none", "tanh")


def requested():
    """True when a shell is asking for completions (or for its completion script)."""
    return bool(os.environ.get(COMPLETE_VAR))


def _activation_names():
    from .registry import ACTIVATIONS

    names = list(ACTIVATIONS)
    return names + sorted({al for a in ACTIVATIONS.values() for al in a.aliases} - set(names))


def _dtype_names():
    from .dtypes import DTYPES

    return list(DTYPES)


def _items(values, incomplete):
    from typer._click.shell_completion import CompletionItem

    low = incomplete.lower()
    return [CompletionItem(v) for v in values if v.lower().startswith(low)]


def _from(values):
    return lambda ctx, param, incomplete: _items(values(), incomplete)


def _files(ctx, param, incomplete):
    return []  # no words: each shell script typer writes then completes file names itself


def _completer(command_name, param):
    """The completion for one parameter of one command, or None to keep click's own."""
    if param.name == "dtype":
        return _from(_dtype_names)
    if param.name == "approximate":
        return _from(lambda: _APPROXIMATE)
    if param.param_type_name != "argument":
        return None
    if command_name == "verify":
        return _files
    if command_name in ("check", "plot", "accuracy") and param.name not in ("values",):
        extra = ("all",) if command_name != "check" else ()
        return _from(lambda: [*extra, *_activation_names()])
    return None


def prepare(group):
    """Attach actcheck's completions to the click command tree before the shell's question is answered."""
    for name, command in group.commands.items():
        for param in command.params:
            found = _completer(name, param)
            if found is not None:
                param._custom_shell_complete = found

    def first_word(ctx, incomplete, complete=group.shell_complete):
        items = complete(ctx, incomplete)
        if incomplete.startswith("-"):
            return items
        return items + _items(_activation_names(), incomplete)

    group.shell_complete = first_word
