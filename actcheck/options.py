"""The command line's options, declared once, and the parsing of what they were given (no numerics here)."""

import functools
import inspect
import os
import sys
from typing import Annotated

import typer

from .console import EXIT_OUTPUT, EXIT_USAGE, UsageFailure

__all__ = [
    "Dtype",
    "Dtypes",
    "Rtol",
    "Atol",
    "Json",
    "Quiet",
    "Wide",
    "Junit",
    "Fd",
    "Order",
    "Oracle",
    "Strict",
    "Linspace",
    "Random",
    "Seed",
    "Range",
    "Worst",
    "AllPoints",
    "with_activation_params",
    "PARAM_HELP",
    "no_such_option",
    "unknown_options",
    "output_mode",
    "path_problem",
    "out_path",
    "dtypes",
    "tolerances",
    "points",
    "plot_range",
    "overrides",
    "resolve",
    "write",
]

Dtype = Annotated[str, typer.Option("--dtype", help="float64, float32, float16 or bfloat16.")]
Dtypes = Annotated[
    list[str] | None, typer.Option("--dtype", help="float64 (default), float32, float16, bfloat16; repeatable.")
]
Rtol = Annotated[float | None, typer.Option(help="Relative tolerance (default: torch.testing's for the dtype).")]
Atol = Annotated[float | None, typer.Option(help="Absolute tolerance (default: torch.testing's for the dtype).")]
Json = Annotated[bool, typer.Option("--json", help="Print only JSON on stdout.")]
Quiet = Annotated[bool, typer.Option("-q", "--quiet", help="Print nothing on stdout; the exit code says it all.")]
Wide = Annotated[
    bool,
    typer.Option("--wide", help="On a terminal, print every column in full even past its width (as when piped)."),
]


def path_problem(path):
    """Why ``path`` cannot be an output file, as the shell's ``>`` would find (files.problem), or None."""
    from .files import problem

    return problem(path)


def _junit_path(value: str | None):
    """Refuse, before any work, a --junit path that cannot be a file."""
    from .ci import junit_problem

    problem = None if value is None else junit_problem(value)
    if problem:
        raise typer.BadParameter(problem)
    return value


Junit = Annotated[
    str | None, typer.Option("--junit", callback=_junit_path, help="Also write a JUnit XML report to this path.")
]
Fd = Annotated[bool, typer.Option("--fd", help="Also check the derivative against finite differences of the forward.")]
Order = Annotated[int, typer.Option("--order", min=1, max=2, help="2 also checks second derivatives.")]
Oracle = Annotated[
    bool, typer.Option("--oracle", help="Exact values from mpmath; ULP error of each side; NumPy judged against them.")
]
Strict = Annotated[
    bool, typer.Option("--strict", help="Torch deviations (torch off, NumPy within its accuracy of exact) fail too.")
]
Context = Annotated[
    int | None,
    typer.Option(
        "--context",
        min=1,
        help="Evaluate torch at each point inside an array of N copies of it (its answer can depend on the "
        "array's length: the 'torch inconsistency' notes name N).",
        show_default=False,
    ),
]
Linspace = Annotated[
    tuple[float, float, int] | None,
    typer.Option("--linspace", metavar="START STOP N", help="N evenly spaced points."),
]
Random = Annotated[
    int | None, typer.Option("--random", metavar="N", help="N random points, log-uniform in |x|, both signs.")
]
Seed = Annotated[int, typer.Option("--seed", min=0, help="Seed for --random (>= 0).")]
Range = Annotated[
    tuple[float, float] | None, typer.Option("--range", metavar="LO HI", help="Range for --random (or plot).")
]
Worst = Annotated[int, typer.Option("--worst", min=1, help="With many points, show the K worst.")]
AllPoints = Annotated[bool, typer.Option("--all-points", help="JSON: list every point even past 10,000.")]
# declared here, not read from the registry: --help must not pay for importing NumPy (a test keeps them in step)
PARAM_HELP = {
    "alpha": "elu, celu: the value the negative side tends to, -alpha (default 1).",
    "negative_slope": "leaky_relu: the slope for x < 0 (default 0.01).",
    "beta": "softplus: the sharpness, log(1 + exp(beta x)) / beta (default 1).",
    "threshold": "threshold: x at or below it becomes --value (default 0.1); softplus: linear where beta x > it "
    "(default 20).",
    "approximate": "gelu: 'none' (exact, with erf) or 'tanh' (default 'none').",
    "min_val": "hardtanh: the lower clamp (default -1).",
    "max_val": "hardtanh: the upper clamp (default 1).",
    "lambd": "hardshrink, softshrink: the half-width of the band around 0 (default 0.5).",
    "value": "threshold: what x at or below the threshold becomes (default 20).",
    "lower": "rrelu: the lower bound of the random slope, evaluation mode takes the mean (default 0.125).",
    "upper": "rrelu: the upper bound of the random slope, evaluation mode takes the mean (default 1/3).",
    "weight": "prelu: the one shared slope for x < 0 (default 0.25).",
}
_PARAM_NAMES = tuple(PARAM_HELP)


def _param_option(name):
    """The Annotated type of the option --NAME: its help names the activations that take it."""
    kind = str | None if name == "approximate" else float | None
    opt = typer.Option(help=PARAM_HELP[name], rich_help_panel="Activation parameters", show_default=False)
    return Annotated[kind, opt]


def with_activation_params(fn):
    """Give a command the activation parameters as options (--alpha, --negative-slope, ...), declared once.

    The command receives the ones the user gave as ``params``, a dict in torch's names.
    """
    sig = inspect.signature(fn)
    extra = [
        inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=_param_option(n))
        for n in _PARAM_NAMES
    ]
    kept = [p for p in sig.parameters.values() if p.name != "params"]

    @functools.wraps(fn)
    def command(**kw):
        given = {k: kw.pop(k) for k in _PARAM_NAMES if k in kw}
        return fn(**kw, params={k: v for k, v in given.items() if v is not None})

    command.__signature__ = sig.replace(parameters=kept + extra)
    return command


def no_such_option(name, choices):
    """'no such option: --tol — did you mean --atol or --rtol?' (the nearest of ``choices``, if any is near)."""
    import difflib

    base = name.partition("=")[0]
    scored = [(difflib.SequenceMatcher(None, base, c).ratio(), c) for c in choices]
    best = max((r for r, _ in scored), default=0)
    near = sorted(c for r, c in scored if r == best and r >= 0.6)
    return f"no such option: {base}" + (f" — did you mean {' or '.join(near)}?" if near else "")


def unknown_options(values, params):
    """Refuse a value that is none of the options ``params`` (a command that takes negative numbers as
    values sees an unknown option as a value)."""
    from .grids import ValueParseError, parse_values

    for tok in values or []:
        if len(tok) < 2 or not tok.startswith("-") or tok[1].isdigit() or tok[1] == ".":
            continue
        try:
            parse_values([tok])  # -inf, -nan
        except ValueParseError:
            choices = [o for p in params for o in (*p.opts, *p.secondary_opts) if o.startswith("--")]
            raise UsageFailure(no_such_option(tok, choices)) from None


def output_mode(json_out, quiet):
    """Refuse --json with --quiet."""
    if json_out and quiet:
        raise UsageFailure("--json and --quiet cannot be used together")


def out_path(option, path, formats=None):
    """Refuse, before any work, an output file path of the wrong kind (``formats``) or where no file can be."""
    if path is None:
        return
    if formats and os.path.splitext(path)[1].lower() not in formats:
        kinds = ", ".join(formats[:-1]) + " or " + formats[-1]
        raise UsageFailure(f"{option} must end in {kinds} (got {path!r})")
    if path_problem(path):
        raise UsageFailure(f"Invalid value for '{option}': {path_problem(path)}")


def dtypes(names):
    """The DTypes asked for (float64 if none), each once, all checked before any work."""
    from . import inputs
    from .dtypes import get_dtype
    from .errors import InputError

    try:
        found = [get_dtype(inputs.dtype_name(n)) for n in names or ["float64"]]
    except InputError as e:
        raise UsageFailure(str(e)) from None
    return list(dict.fromkeys(found))


def tolerances(rtol, atol):
    """The (rtol, atol) given, each checked (None: the dtype's default)."""
    from . import inputs
    from .errors import InputError

    try:
        return inputs.tolerance("--rtol", rtol), inputs.tolerance("--atol", atol)
    except InputError as e:
        raise UsageFailure(str(e)) from None


def points(values, linspace, random, seed, range_, dts):
    """The x values asked for: given, from stdin ('-'), --linspace, --random, or None (default grid).

    Each is finite where it must be, fits in memory and is representable in every dtype asked for.
    """
    from . import grids, inputs
    from .errors import InputError

    sources = sum(bool(s) for s in (values, linspace, random is not None))
    if sources > 1:
        raise UsageFailure("give values, --linspace or --random, not more than one")
    if range_ and random is None:
        raise UsageFailure("--range goes with --random")
    try:
        if values == ["-"]:
            x = _stdin_values()
        elif values:
            x = grids.parse_values(values)
        elif linspace:
            start, stop, n = linspace
            inputs.bounds(start, stop, "--linspace", dts)
            x = grids.linspace(start, stop, grids.point_count(n, "--linspace"))
        elif random is not None:
            lo, hi = range_ if range_ else (None, None)
            if range_:
                inputs.bounds(lo, hi, "--range", dts)
                if lo > hi:
                    raise UsageFailure("--range needs LO <= HI")
            x = grids.random_points(grids.point_count(random, "--random"), seed, lo, hi)
        else:
            return None
        for dt in dts:
            inputs.in_dtype(x, dt)
    except (grids.ValueParseError, InputError) as e:
        raise UsageFailure(str(e)) from None
    return x


def plot_range(range_, dt):
    """A plot's --range, checked: finite in ``dt`` and LO < HI."""
    from . import inputs
    from .errors import InputError

    if range_:
        try:
            inputs.bounds(*range_, "--range", [dt])
        except InputError as e:
            raise UsageFailure(str(e)) from None
        if not range_[0] < range_[1]:
            raise UsageFailure("--range needs LO < HI")
    return range_


def _stdin_values():
    """Values from standard input, read as bytes: numbers are ASCII, and other bytes are an error, not a crash."""
    from .grids import parse_values, stdin_tokens

    if sys.stdin is None:
        raise UsageFailure("'-' reads standard input, but it is closed")
    try:
        return parse_values(stdin_tokens(getattr(sys.stdin, "buffer", sys.stdin)), source="standard input")
    except OSError as e:
        raise UsageFailure(f"cannot read standard input: {e.strerror or e}") from None


def overrides(items):
    """verify's --param NAME=VALUE items as a dict of floats."""
    found = {}
    for item in items or []:
        key, sep, val = item.partition("=")
        try:
            found[key.strip()] = float(val)
        except ValueError:
            sep = ""
        if not sep or not key.strip():
            raise UsageFailure(f"--param takes NAME=VALUE with a number, got {item!r}")
    return found


def resolve(name):
    """The Activation called ``name``; an unknown name is bad input, with the nearest one suggested."""
    from .registry import lookup, suggest

    act = lookup(name)
    if act is None:
        close = suggest(name)
        hint = f" — did you mean {close!r}?" if close else " (actcheck list shows them all)"
        raise UsageFailure(f"unknown activation {name!r}{hint}")
    return act


def write(path, text):
    """Write a report or picture file: exit 2 for a path that cannot be one, 74 for a failed write."""
    import errno

    from .files import write_atomic

    try:
        write_atomic(path, text)
    except OSError as e:
        io_error = e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG)
        code = EXIT_OUTPUT if io_error else EXIT_USAGE
        raise UsageFailure(f"cannot write {path!r}: {e.strerror or e}", code) from None
