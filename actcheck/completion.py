"""Shell completion: what each word of ``actcheck ...`` can be, for bash, zsh and fish.

The shells call ``actcheck`` with ``_ACTCHECK_COMPLETE`` set (the script that
``--install-completion`` writes does so); typer's completion classes then ask the command
tree. This module only adds what click cannot know: activation names and aliases (the first
word routes to ``check``, so it completes to both subcommands and activations), dtype names
and ``--approximate`` values. Where no word is offered (verify's FILE, ``--out``), each
shell falls back to completing file names.
"""

import os

__all__ = ["COMPLETE_VAR", "SCRIPT_OPTIONS", "requested", "prepare", "shell_named", "script", "install"]

COMPLETE_VAR = "_ACTCHECK_COMPLETE"
SCRIPT_OPTIONS = ("--install-completion", "--show-completion")  # each takes an optional shell name
SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
_APPROXIMATE = ("none", "tanh")
_QUANTITIES = ("forward", "backward", "second")


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
    if param.name == "quantity":
        return _from(lambda: _QUANTITIES)
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
    from typer._completion_classes import completion_init

    completion_init()  # typer's bash/zsh/fish answers (the app's add_completion=False leaves them out)
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


def shell_named(args):
    """The shell named after ``--install-completion``/``--show-completion``, else the one running actcheck."""
    from typer._completion_shared import _get_shell_name

    from .errors import InputError

    if len(args) > 2:
        raise InputError(f"{args[0]} takes one shell name at most, got {' '.join(args[1:])!r}"[:200])
    shell = args[1] if len(args) == 2 else _get_shell_name()
    if shell is None:
        raise InputError(f"cannot tell which shell this is: name it ({args[0]} bash, zsh or fish)")
    if shell not in SHELLS:
        raise InputError(f"no completion for the shell {shell!r} (choose from {', '.join(SHELLS)})"[:200])
    return shell


def script(shell):
    """The completion script for ``shell``."""
    from typer._completion_shared import get_completion_script

    return get_completion_script(prog_name="actcheck", complete_var=COMPLETE_VAR, shell=shell)


def install(shell):
    """Install the completion script where ``shell`` reads it; the path written."""
    from typer._completion_shared import install as typer_install

    return typer_install(shell=shell, prog_name="actcheck", complete_var=COMPLETE_VAR)[1]
