"""The command line: parse, call the core, render, exit. No numerics here."""

import functools
import inspect
import sys
from typing import Annotated

import typer
from typer.core import TyperGroup

from . import __version__

EXIT_PASS, EXIT_FAIL, EXIT_USAGE = 0, 1, 2

EPILOG = (
    "Exit codes: 0 every check passed · 1 a check failed · 2 bad usage or bad input. "
    "Negative numbers are values, not options: actcheck sigmoid -5 0 2. "
    "Shell completion: actcheck --install-completion."
)


class UsageFailure(Exception):
    """Bad input: reported as one line on stderr, exit 2."""


class _Group(TyperGroup):
    """Routes ``actcheck NAME ...`` to the check command and turns usage errors into one line."""

    def resolve_command(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            return "check", self.commands["check"], args
        return super().resolve_command(ctx, args)

    def main(self, args=None, prog_name=None, standalone_mode=True, **extra):
        try:
            code = super().main(args=args, prog_name=prog_name or "actcheck", standalone_mode=False, **extra)
        except (typer.TyperException, UsageFailure) as e:
            msg = e.format_message() if hasattr(e, "format_message") else str(e)
            # bare `actcheck`: the help, as a usage error
            _err(msg if type(e).__name__ == "NoArgsIsHelpError" else f"actcheck: error: {msg}")
            code = getattr(e, "exit_code", EXIT_USAGE) if isinstance(e, typer.TyperException) else EXIT_USAGE
        except typer.Abort:
            code = 130
        code = code if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


def _err(msg):
    from rich.console import Console

    Console(stderr=True, highlight=False, soft_wrap=True).print(msg, markup=False)


app = typer.Typer(
    cls=_Group,
    help="Gradient verification for activation functions: NumPy against PyTorch autograd.",
    epilog=EPILOG,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool):
    if value:
        print(f"actcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
):
    """Gradient verification for activation functions: NumPy against PyTorch autograd."""


# ---------------------------------------------------------------- options declared once

Dtype = Annotated[str, typer.Option("--dtype", help="float64, float32, float16 or bfloat16.")]
Rtol = Annotated[float | None, typer.Option(help="Relative tolerance (default: torch.testing's for the dtype).")]
Atol = Annotated[float | None, typer.Option(help="Absolute tolerance (default: torch.testing's for the dtype).")]
Json = Annotated[bool, typer.Option("--json", help="Print only JSON on stdout.")]
Quiet = Annotated[bool, typer.Option("-q", "--quiet", help="Print nothing on stdout; the exit code says it all.")]
Junit = Annotated[str | None, typer.Option("--junit", help="Also write a JUnit XML report to this path.")]
Fd = Annotated[bool, typer.Option("--fd", help="Also check the derivative against finite differences of the forward.")]
Order = Annotated[int, typer.Option("--order", min=1, max=2, help="2 also checks second derivatives.")]
Oracle = Annotated[bool, typer.Option("--oracle", help="Exact values from mpmath; ULP error of each side.")]
Strict = Annotated[
    bool, typer.Option("--strict", help="Torch deviations (torch off, NumPy within 1 ULP of exact) fail too.")
]
Linspace = Annotated[
    tuple[float, float, int] | None,
    typer.Option("--linspace", metavar="START STOP N", help="N evenly spaced points."),
]
Random = Annotated[
    int | None, typer.Option("--random", metavar="N", help="N random points, log-uniform in |x|, both signs.")
]
Seed = Annotated[int, typer.Option("--seed", help="Seed for --random.")]
Range = Annotated[
    tuple[float, float] | None, typer.Option("--range", metavar="LO HI", help="Range for --random (or plot).")
]
Worst = Annotated[int, typer.Option("--worst", min=1, help="With many points, show the K worst.")]
AllPoints = Annotated[bool, typer.Option("--all-points", help="JSON: list every point even past 10,000.")]
Param = Annotated[float | None, typer.Option(rich_help_panel="Activation parameters", show_default=False)]
ParamStr = Annotated[str | None, typer.Option(rich_help_panel="Activation parameters", show_default=False)]
_PARAM_NAMES = (
    "alpha", "negative_slope", "beta", "threshold", "approximate", "min_val", "max_val",
    "lambd", "value", "lower", "upper", "weight",
)  # fmt: skip


def with_activation_params(fn):
    """Give a command the activation parameters as options (--alpha, --negative-slope, ...), declared once.

    The command receives the ones the user gave as ``params``, a dict in torch's names.
    """
    sig = inspect.signature(fn)
    extra = [
        inspect.Parameter(
            n, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=ParamStr if n == "approximate" else Param
        )
        for n in _PARAM_NAMES
    ]
    kept = [p for p in sig.parameters.values() if p.name != "params"]

    @functools.wraps(fn)
    def command(**kw):
        given = {k: kw.pop(k) for k in _PARAM_NAMES if k in kw}
        return fn(**kw, params={k: v for k, v in given.items() if v is not None})

    command.__signature__ = sig.replace(parameters=kept + extra)
    return command


def _output_mode(json_out, quiet):
    if json_out and quiet:
        raise UsageFailure("--json and --quiet cannot be used together")


def _console():
    from rich.console import Console

    # piped output is not cut to 80 columns: a table row stays one line
    return Console(highlight=False, width=None if sys.stdout.isatty() else 200)


def _points(values, linspace, random, seed, range_):
    """The x values asked for: given, from stdin ('-'), --linspace, --random, or None (default grid)."""
    from .grids import ValueParseError, parse_values, random_points, stdin_tokens
    from .grids import linspace as lin

    sources = sum(bool(s) for s in (values, linspace, random is not None))
    if sources > 1:
        raise UsageFailure("give values, --linspace or --random, not more than one")
    try:
        if values == ["-"]:
            return parse_values(stdin_tokens(sys.stdin), source="standard input")
        if values:
            return parse_values(values)
    except ValueParseError as e:
        raise UsageFailure(str(e)) from None
    if linspace:
        start, stop, n = linspace
        if n < 1:
            raise UsageFailure("--linspace needs N >= 1")
        return lin(start, stop, n)
    if random is not None:
        if random < 1:
            raise UsageFailure("--random needs N >= 1")
        lo, hi = range_ if range_ else (None, None)
        if range_ and lo > hi:
            raise UsageFailure("--range needs LO <= HI")
        return random_points(random, seed, lo, hi)
    return None


def _emit(results, *, json_out, quiet, junit, worst, all_points, single):
    from . import report, serialize

    if junit:
        _write(junit, report.junit_xml(report.result_cases(results)))
    if quiet:
        pass
    elif json_out:
        kw = {"worst": worst, "all_points": all_points}
        obj = serialize.result_to_dict(results[0], **kw) if single else serialize.results_to_dict(results, **kw)
        print(report.dumps(obj))
    elif single:
        report.render_result(_console(), results[0], worst=worst)
    else:
        report.render_summary(_console(), results)
    raise typer.Exit(EXIT_PASS if all(r.passed for r in results) else EXIT_FAIL)


def _write(path, text):
    from .files import write_atomic

    try:
        write_atomic(path, text)
    except OSError as e:
        raise UsageFailure(f"cannot write {path}: {e.strerror or e}") from None


def _resolve(name):
    from .registry import lookup, suggest

    act = lookup(name)
    if act is None:
        close = suggest(name)
        hint = f" — did you mean {close!r}?" if close else " (actcheck list shows them all)"
        raise UsageFailure(f"unknown activation {name!r}{hint}")
    return act


def _run_checks(jobs, progress_label=None, keep=None):
    """Run check() for each (name, values, kwargs); InputError is bad input.

    With ``keep``, each result is compacted to its ``keep`` worst points as it comes, so
    memory stays that of one activation however many are checked.
    """
    from .engine import check
    from .errors import InputError
    from .progress import track

    results = []
    try:
        for name, values, kw in track(jobs, progress_label):
            r = check(name, values, **kw)
            results.append(r.compact(keep) if keep else r)
    except InputError as e:
        raise UsageFailure(str(e)) from None
    return results


@app.command(
    "check",
    context_settings={"ignore_unknown_options": True},
    help="Check one activation at VALUES (default: its grid of kinks, tails and tiny values). "
    "Also: actcheck NAME VALUES... ; '-' reads values from stdin.",
    epilog=EPILOG,
)
@with_activation_params
def check_cmd(
    name: Annotated[str, typer.Argument(help="Activation name (see actcheck list).")],
    values: Annotated[
        list[str] | None, typer.Argument(help="Input values; '-' reads stdin.", show_default=False)
    ] = None,
    dtype: Dtype = "float64",
    rtol: Rtol = None,
    atol: Atol = None,
    fd: Fd = False,
    order: Order = 1,
    oracle: Oracle = False,
    strict: Strict = False,
    linspace: Linspace = None,
    random: Random = None,
    seed: Seed = 0,
    range_: Range = None,
    worst: Worst = 10,
    all_points: AllPoints = False,
    json_out: Json = False,
    quiet: Quiet = False,
    junit: Junit = None,
    params: dict | None = None,
):
    _output_mode(json_out, quiet)
    act = _resolve(name)
    x = _points(values, linspace, random, seed, range_)
    kw = dict(dtype=dtype, rtol=rtol, atol=atol, order=order, fd=fd, oracle=oracle, strict=strict, **params)
    results = _run_checks([(act.name, x, kw)])
    _emit(results, json_out=json_out, quiet=quiet, junit=junit, worst=worst, all_points=all_points, single=True)


@app.command(
    "all", help="Check every activation on its default grid (or a dense one); exit 1 if any fails.", epilog=EPILOG
)
def all_cmd(
    dtype: Annotated[list[str] | None, typer.Option("--dtype", help="Repeat to check several dtypes.")] = None,
    rtol: Rtol = None,
    atol: Atol = None,
    fd: Fd = False,
    order: Order = 1,
    oracle: Oracle = False,
    strict: Strict = False,
    linspace: Linspace = None,
    random: Random = None,
    seed: Seed = 0,
    range_: Range = None,
    worst: Worst = 10,
    all_points: AllPoints = False,
    json_out: Json = False,
    quiet: Quiet = False,
    junit: Junit = None,
):
    from .registry import ACTIVATIONS

    _output_mode(json_out, quiet)
    x = _points(None, linspace, random, seed, range_)
    kw = dict(rtol=rtol, atol=atol, order=order, fd=fd, oracle=oracle, strict=strict)
    # glu halves its input: a generated grid of odd length loses its last point there
    even = None if x is None else x[: x.size // 2 * 2]
    jobs = [
        (name, even if name == "glu" else x, dict(kw, dtype=d)) for d in (dtype or ["float64"]) for name in ACTIVATIONS
    ]
    slow = oracle or order > 1 or (x is not None and x.size > 100_000)
    dense = x is not None and x.size > 10_000 and not all_points
    results = _run_checks(jobs, "checking" if slow else None, keep=worst if dense else None)
    _emit(results, json_out=json_out, quiet=quiet, junit=junit, worst=worst, all_points=all_points, single=False)


@app.command("plot", help="Draw f and f' (NumPy and torch overlaid) and their differences; 'plot all' for every one.")
@with_activation_params
def plot_cmd(
    names: Annotated[list[str], typer.Argument(help="Activation names, or 'all'.", show_default=False)],
    out: Annotated[str, typer.Option("--out", "-o", help="Output file: .png, .svg or .pdf.")],
    range_: Range = None,
    dtype: Dtype = "float64",
    quiet: Quiet = False,
    params: dict | None = None,
):
    import os

    from .plot import FORMATS, grid_for, plot
    from .registry import ACTIVATIONS

    suffix = os.path.splitext(out)[1].lower()
    if suffix not in FORMATS:
        raise UsageFailure(f"--out must end in {', '.join(FORMATS)} (got {out!r})")
    if range_ and not range_[0] < range_[1]:
        raise UsageFailure("--range needs LO < HI")
    every = [n.lower() for n in names] == ["all"]
    acts = [a for a in ACTIVATIONS.values() if a.kind == "elementwise"] if every else [_resolve(n) for n in names]
    given = params
    unused = set(given) - {k for a in acts for k in a.params}
    if unused:
        raise UsageFailure(f"no activation plotted takes {', '.join(sorted(unused))}")
    jobs = []
    for a in acts:
        p = {k: v for k, v in given.items() if k in a.params}
        jobs.append((a.name, grid_for(a, dict(a.params) | p, range_), dict(dtype=dtype, **p)))
    results = _run_checks(jobs, "plotting")
    _write(out, plot(list(zip(results, acts, strict=True)), suffix, compact=every or len(acts) > 4))
    if not quiet:
        print(f"wrote {out} ({len(acts)} activation{'s' * (len(acts) != 1)}, {dtype})")
    raise typer.Exit(EXIT_PASS if all(r.passed for r in results) else EXIT_FAIL)


@app.command(
    "verify",
    help="Check the activation pairs in your own FILE.py against torch (known names) or finite differences. "
    "This imports and runs FILE: use it on code you trust.",
    epilog=EPILOG,
)
def verify_cmd(
    file: Annotated[str, typer.Argument(help="A Python file with NAME_forward/NAME_backward pairs or layer classes.")],
    param: Annotated[
        list[str] | None, typer.Option("--param", metavar="NAME=VALUE", help="Override a parameter on both sides.")
    ] = None,
    json_out: Json = False,
    quiet: Quiet = False,
    junit: Junit = None,
):
    from . import report
    from .errors import InputError
    from .progress import track
    from .verification import verify

    _output_mode(json_out, quiet)
    overrides = {}
    for item in param or []:
        key, sep, val = item.partition("=")
        try:
            overrides[key.strip()] = float(val)
        except ValueError:
            sep = ""
        if not sep or not key.strip():
            raise UsageFailure(f"--param takes NAME=VALUE with a number, got {item!r}")
    try:
        rep = verify(file, overrides, progress=lambda pairs: track(pairs, "verifying"))
    except InputError as e:
        raise UsageFailure(str(e)) from None
    if junit:
        _write(junit, report.junit_xml(report.verify_cases(rep), suite=f"actcheck verify {file}"))
    if json_out:
        print(report.dumps(rep.to_dict()))
    elif not quiet:
        report.render_verify(_console(), rep)
    raise typer.Exit(EXIT_PASS if rep.passed else EXIT_FAIL)


@app.command("list", help="List the activations, their parameters with defaults, and a formula each.")
def list_cmd(json_out: Json = False):
    from . import report
    from .registry import ACTIVATIONS

    acts = list(ACTIVATIONS.values())
    if json_out:
        items = [
            {
                "name": a.name,
                "kind": a.kind,
                "params": a.params,
                "formula": a.formula,
                "aliases": list(a.aliases),
                "kinks": [float(k) for k in a.kinks(**a.params)],
            }
            for a in acts
        ]
        print(report.dumps(items))
    else:
        report.render_list(_console(), acts)


def main():
    """Console-script entry point."""
    app()
