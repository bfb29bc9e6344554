"""The command line: parse, call the core, render, exit. No numerics here."""

import contextlib
import functools
import inspect
import os
import sys
from typing import Annotated

import typer
from typer.core import TyperGroup

from . import __version__
from .errors import InternalError

EXIT_PASS, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
EXIT_SOFTWARE = 70  # sysexits' EX_SOFTWARE: actcheck itself failed
EXIT_OUTPUT = 74  # sysexits' EX_IOERR: standard output or a report file could not be written
EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_PIPE = 141  # 128 + SIGPIPE: what a shell shows for a tool whose reader closed the pipe

EPILOG = (
    "Exit codes: 0 every check passed · 1 a check failed · 2 bad usage or bad input · "
    "74 output could not be written · 130 interrupted · 141 the reader closed the pipe. "
    "Negative numbers are values, not options: actcheck sigmoid -5 0 2. "
    "Shell completion: actcheck --install-completion."
)
SHORT_USAGE = (
    "Usage: actcheck NAME [VALUES]... [OPTIONS]  ·  actcheck all | list | plot NAME... --out FILE | verify FILE\n"
    "Try 'actcheck --help' for help."
)


class UsageFailure(Exception):
    """Bad input (or a report that cannot be written): one line on stderr and ``code``, 2 unless said."""

    def __init__(self, message, code=EXIT_USAGE):
        super().__init__(message)
        self.code = code


class OutputLost(Exception):
    """Standard output could not be written: closed (``error`` None), a closed pipe, a full disk.

    Not an OSError, so click's own handling (exit 1 on a broken pipe) never sees it.
    """

    def __init__(self, error=None):
        super().__init__(error)
        self.error = error


# characters the tables use, spelled in ASCII for a stdout whose encoding lacks them
_ASCII = str.maketrans({"Δ": "d", "·": "|", "—": "-", "–": "-", "′": "'", "−": "-", "…": "...", "×": "x", "≤": "<="})


class _Stdout:
    """sys.stdout, guarded: a failed write raises OutputLost, and what its encoding lacks is spelled in ASCII.

    It has no ``buffer``, so click writes through it too rather than round it.
    """

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        if self._stream is None:
            raise OutputLost()
        try:
            try:
                return self._stream.write(text)
            except UnicodeEncodeError:
                enc = self.encoding
                return self._stream.write(text.translate(_ASCII).encode(enc, "replace").decode(enc))
        except OSError as e:
            raise OutputLost(e) from None
        except ValueError as e:  # written after being closed
            raise OutputLost(OSError(str(e))) from None

    def flush(self):
        if self._stream is None:
            return
        try:
            self._stream.flush()
        except OSError as e:
            raise OutputLost(e) from None
        except ValueError:
            pass

    def isatty(self):
        return self._stream is not None and self._stream.isatty()

    @property
    def encoding(self):
        return getattr(self._stream, "encoding", None) or "utf-8"

    def __getattr__(self, name):
        if name == "buffer" or self._stream is None:
            raise AttributeError(name)
        return getattr(self._stream, name)


def _open_std_fds():
    """Give closed descriptors 0-2 /dev/null, so no file this run opens becomes its stdout by accident.

    sys.stdin/stdout/stderr stay None for a descriptor that was closed: writing there is still an error.
    """
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            with contextlib.suppress(OSError):
                os.open(os.devnull, os.O_RDWR)  # the lowest free descriptor: this one


def _silence_stdout(stream):
    """After a lost write, send fd 1 to /dev/null so the interpreter's last flush cannot fail again."""
    with contextlib.suppress(Exception):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


def _lost(e, stream):
    """Exit code for output that could not be written: quiet for a closed pipe, one line otherwise."""
    import errno

    _silence_stdout(stream)
    if e.error is not None and e.error.errno == errno.EPIPE:
        return EXIT_PIPE
    why = "it is closed" if e.error is None else e.error.strerror or str(e.error)
    _err(f"actcheck: error: cannot write to standard output: {why}")
    return EXIT_OUTPUT


class _Group(TyperGroup):
    """Routes ``actcheck NAME ...`` to check; usage errors become one line, lost output an exit code."""

    def resolve_command(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            return "check", self.commands["check"], args
        return super().resolve_command(ctx, args)

    def main(self, args=None, prog_name=None, standalone_mode=True, **extra):
        args = sys.argv[1:] if args is None else list(args)
        _open_std_fds()
        stdout = sys.stdout
        sys.stdout = _Stdout(stdout)
        try:
            code = self._run(args, prog_name, extra, stdout)
        finally:
            sys.stdout = stdout
        if standalone_mode:
            sys.exit(code)
        return code

    def _run(self, args, prog_name, extra, stdout):
        try:
            if not args:
                _err(SHORT_USAGE)
                return EXIT_USAGE
            code = super().main(args=args, prog_name=prog_name or "actcheck", standalone_mode=False, **extra)
            sys.stdout.flush()
        except (typer.TyperException, UsageFailure) as e:
            msg = e.format_message() if hasattr(e, "format_message") else str(e)
            _err(msg if type(e).__name__ == "NoArgsIsHelpError" else f"actcheck: error: {msg}")
            code = e.code if isinstance(e, UsageFailure) else EXIT_USAGE
        except OutputLost as e:
            code = _lost(e, stdout)
        except InternalError as e:
            _err(f"actcheck: internal error: {e} (actcheck's own failure, not your input's: please report it)")
            code = EXIT_SOFTWARE
        except (typer.Abort, KeyboardInterrupt):
            code = EXIT_INTERRUPTED
        except OSError as e:
            if "--install-completion" not in args:  # typer writes the shell's start-up file itself
                raise
            _err(f"actcheck: error: cannot install completion: {e.strerror or e}: {e.filename}")
            code = EXIT_USAGE
        return code if isinstance(code, int) else 0


def _err(msg):
    """One message on stderr, control characters shown as escapes; nothing if stderr cannot be written."""
    from .report import printable

    if sys.stderr is None:
        return
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(printable(msg) + "\n")
        sys.stderr.flush()


app = typer.Typer(
    cls=_Group,
    help="Gradient verification for activation functions: NumPy against PyTorch autograd.",
    epilog=EPILOG,
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
Dtypes = Annotated[
    list[str] | None, typer.Option("--dtype", help="float64 (default), float32, float16, bfloat16; repeatable.")
]
Rtol = Annotated[float | None, typer.Option(help="Relative tolerance (default: torch.testing's for the dtype).")]
Atol = Annotated[float | None, typer.Option(help="Absolute tolerance (default: torch.testing's for the dtype).")]
Json = Annotated[bool, typer.Option("--json", help="Print only JSON on stdout.")]
Quiet = Annotated[bool, typer.Option("-q", "--quiet", help="Print nothing on stdout; the exit code says it all.")]


def _path_problem(path):
    """Why ``path`` cannot be an output file (empty, a directory, in no directory, not writable), or None."""
    from .files import problem

    return problem(path)


def _junit_path(value: str | None):
    """Refuse, before any work, a --junit path that cannot be a file."""
    problem = None if value is None else _path_problem(value)
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

    # NO_COLOR wins over FORCE_COLOR: no styles at all, bold included
    plain = os.environ.get("NO_COLOR", "") != ""
    # piped output is not cut to 80 columns: a table row stays one line
    return Console(
        highlight=False,
        width=None if sys.stdout.isatty() else 200,
        color_system=None if plain else "auto",
        force_terminal=False if plain else None,
    )


def _dtypes(names):
    """The DTypes asked for (float64 if none), each once, all checked before any work."""
    from . import inputs
    from .dtypes import get_dtype
    from .errors import InputError

    try:
        found = [get_dtype(inputs.dtype_name(n)) for n in names or ["float64"]]
    except InputError as e:
        raise UsageFailure(str(e)) from None
    return list(dict.fromkeys(found))


def _tolerances(rtol, atol):
    from . import inputs
    from .errors import InputError

    try:
        return inputs.tolerance("--rtol", rtol), inputs.tolerance("--atol", atol)
    except InputError as e:
        raise UsageFailure(str(e)) from None


def _points(values, linspace, random, seed, range_, dtypes):
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
            inputs.bounds(start, stop, "--linspace", dtypes)
            x = grids.linspace(start, stop, grids.point_count(n, "--linspace"))
        elif random is not None:
            lo, hi = range_ if range_ else (None, None)
            if range_:
                inputs.bounds(lo, hi, "--range", dtypes)
                if lo > hi:
                    raise UsageFailure("--range needs LO <= HI")
            x = grids.random_points(grids.point_count(random, "--random"), seed, lo, hi)
        else:
            return None
        for dt in dtypes:
            inputs.in_dtype(x, dt)
    except (grids.ValueParseError, InputError) as e:
        raise UsageFailure(str(e)) from None
    return x


def _stdin_values():
    """Values from standard input, read as bytes: numbers are ASCII, and other bytes are an error, not a crash."""
    from .grids import parse_values, stdin_tokens

    if sys.stdin is None:
        raise UsageFailure("'-' reads standard input, but it is closed")
    try:
        return parse_values(stdin_tokens(getattr(sys.stdin, "buffer", sys.stdin)), source="standard input")
    except OSError as e:
        raise UsageFailure(f"cannot read standard input: {e.strerror or e}") from None


def _emit(results, *, json_out, quiet, junit, worst, all_points, single):
    from . import report, serialize

    if junit:
        _write(junit, report.junit_xml(report.result_cases(results)))
    if quiet:
        pass
    elif json_out:
        kw = {"worst": worst, "all_points": all_points}
        one = single and len(results) == 1
        obj = serialize.result_to_dict(results[0], **kw) if one else serialize.results_to_dict(results, **kw)
        print(report.dumps(obj))
    elif single:
        for r in results:
            report.render_result(_console(), r, worst=worst)
    else:
        report.render_summary(_console(), results)
    raise typer.Exit(EXIT_PASS if all(r.passed for r in results) else EXIT_FAIL)


def _write(path, text):
    """Write a report or picture file: exit 2 for a path that cannot be one, 74 for a failed write."""
    import errno

    from .files import write_atomic

    try:
        write_atomic(path, text)
    except OSError as e:
        io_error = e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG)
        raise UsageFailure(
            f"cannot write {path!r}: {e.strerror or e}", EXIT_OUTPUT if io_error else EXIT_USAGE
        ) from None


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
    except MemoryError:
        raise UsageFailure(f"not enough memory to check {name} here: give fewer points") from None
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
    dtype: Dtypes = None,
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
    dtypes = _dtypes(dtype)
    rtol, atol = _tolerances(rtol, atol)
    x = _points(values, linspace, random, seed, range_, dtypes)
    kw = dict(rtol=rtol, atol=atol, order=order, fd=fd, oracle=oracle, strict=strict, **params)
    results = _run_checks([(act.name, x, dict(kw, dtype=dt.name)) for dt in dtypes])
    _emit(results, json_out=json_out, quiet=quiet, junit=junit, worst=worst, all_points=all_points, single=True)


@app.command(
    "all", help="Check every activation on its default grid (or a dense one); exit 1 if any fails.", epilog=EPILOG
)
def all_cmd(
    dtype: Dtypes = None,
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
    dtypes = _dtypes(dtype)
    rtol, atol = _tolerances(rtol, atol)
    x = _points(None, linspace, random, seed, range_, dtypes)
    if x is not None and x.size < 2:
        raise UsageFailure(f"glu needs an even number of points, at least 2: a grid of {x.size} cannot check it")
    kw = dict(rtol=rtol, atol=atol, order=order, fd=fd, oracle=oracle, strict=strict)
    # glu halves its input: a generated grid of odd length loses its last point there (and says so)
    even = None if x is None else x[: x.size // 2 * 2]
    jobs = [(name, even if name == "glu" else x, dict(kw, dtype=d.name)) for d in dtypes for name in ACTIVATIONS]
    slow = oracle or order > 1 or (x is not None and x.size > 100_000)
    dense = x is not None and x.size > 10_000 and not all_points
    results = _run_checks(jobs, "checking" if slow else None, keep=worst if dense else None)
    if x is not None and even.size < x.size:
        for r in results:
            if r.activation == "glu":
                r.extras["notes"].append(f"glu checked on the first {even.size} of {x.size} points (an even count)")
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
    from . import inputs
    from .errors import InputError
    from .plot import FORMATS, grid_for, plot
    from .registry import ACTIVATIONS

    suffix = os.path.splitext(out)[1].lower()
    if suffix not in FORMATS:
        raise UsageFailure(f"--out must end in {', '.join(FORMATS)} (got {out!r})")
    if _path_problem(out):
        raise UsageFailure(f"Invalid value for '--out': {_path_problem(out)}")
    (dt,) = _dtypes([dtype])
    if range_:
        try:
            inputs.bounds(*range_, "--range", [dt])
        except InputError as e:
            raise UsageFailure(str(e)) from None
        if not range_[0] < range_[1]:
            raise UsageFailure("--range needs LO < HI")
    every = [n.lower() for n in names] == ["all"]
    if not every and "all" in (n.lower() for n in names):
        raise UsageFailure("'all' stands alone: it names every activation (give it once, without other names)")
    acts = [a for a in ACTIVATIONS.values() if a.kind == "elementwise"] if every else [_resolve(n) for n in names]
    given = params
    unused = set(given) - {k for a in acts for k in a.params}
    if unused:
        raise UsageFailure(f"no activation plotted takes {', '.join(sorted(unused))}")
    jobs = []
    for a in acts:
        p = {k: v for k, v in given.items() if k in a.params}
        jobs.append((a.name, grid_for(a, dict(a.params) | p, range_), dict(dtype=dt.name, **p)))
    results = _run_checks(jobs, "plotting")
    _write(out, plot(list(zip(results, acts, strict=True)), suffix, compact=every or len(acts) > 4))
    if not quiet:
        from .report import printable

        print(f"wrote {printable(out)} ({len(acts)} activation{'s' * (len(acts) != 1)}, {dt.name})")
    raise typer.Exit(EXIT_PASS if all(r.passed for r in results) else EXIT_FAIL)


@app.command(
    "verify",
    help="Check the activation pairs in your own FILE.py or notebook FILE.ipynb against torch (known names) or "
    "finite differences. FILE runs in a child process with a time limit: still, use it on code you trust.",
    epilog=EPILOG,
)
def verify_cmd(
    file: Annotated[str, typer.Argument(help="A .py file or .ipynb notebook with activations and their derivatives.")],
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param", metavar="NAME=VALUE", help="Override a parameter on both sides (your name or torch's)."
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", metavar="SECONDS", help="Time limit for the file's code, in all.")
    ] = 60.0,
    run_all: Annotated[
        bool, typer.Option("--run-all", help="In a notebook, run every cell, not only imports and definitions.")
    ] = False,
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
        rep = verify(
            file, overrides, progress=lambda pairs: track(pairs, "verifying"), timeout=timeout, run_all=run_all
        )
    except InputError as e:
        raise UsageFailure(str(e)) from None
    if junit:
        xml = report.junit_xml(report.verify_cases(rep), f"actcheck verify {file}", report.verify_skipped(rep))
        _write(junit, xml)
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


# ---------------------------------------------------------------- accuracy atlas

AccuracyRange = Annotated[
    tuple[float, float] | None,
    typer.Option("--range", metavar="LO HI", help="Only the values LO <= x < HI (all of them with --exhaustive)."),
]


@app.command(
    "accuracy",
    help="An accuracy atlas: the ULP error of NumPy's and torch's activations and derivatives against the "
    "correctly rounded exact value, over every float16 and bfloat16 value and a stratified float32 sample "
    "(--exhaustive: every float32 in --range); float64 asks the exact oracle at every point (slower). "
    "NAMES or 'all'.",
    epilog=EPILOG,
)
@with_activation_params
def accuracy_cmd(
    names: Annotated[list[str], typer.Argument(help="Activation names, or 'all'.", show_default=False)],
    dtype: Annotated[
        list[str] | None, typer.Option("--dtype", help="Repeat for several (default float16, bfloat16, float32).")
    ] = None,
    quantity: Annotated[
        list[str] | None,
        typer.Option("--quantity", help="forward, backward or second; repeat for several (default the first two)."),
    ] = None,
    exhaustive: Annotated[
        bool, typer.Option("--exhaustive", help="Every float32 value (in --range), not a sample.")
    ] = False,
    range_: AccuracyRange = None,
    samples: Annotated[
        int | None,
        typer.Option("--samples", metavar="N", help="Sampled points in float32 (default 2**20) and float64 (4096)."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed for the sampled points (>= 0).")] = 0,
    jobs: Annotated[
        int | None, typer.Option("--jobs", metavar="J", help="Worker processes (default: the cores).")
    ] = None,
    worst: Annotated[int, typer.Option("--worst", min=1, help="Worst points kept per row (JSON), at most 1000.")] = 10,
    json_out: Json = False,
    markdown: Annotated[
        str | None, typer.Option("--markdown", metavar="PATH", help="Write the table as Markdown.")
    ] = None,
    plot: Annotated[
        str | None, typer.Option("--plot", metavar="PATH", help="Draw ULP error against x: .png, .svg or .pdf.")
    ] = None,
    quiet: Quiet = False,
    params: dict | None = None,
):
    from . import report_atlas
    from .atlas import DEFAULT_DTYPES, accuracy
    from .errors import InputError

    _output_mode(json_out, quiet)
    if json_out and markdown:
        raise UsageFailure("--json and --markdown cannot be used together")
    if plot is not None and os.path.splitext(plot)[1].lower() not in (".png", ".svg", ".pdf"):
        raise UsageFailure(f"--plot must end in .png, .svg or .pdf (got {plot!r})")
    for option, path in (("--markdown", markdown), ("--plot", plot)):
        if path is not None and _path_problem(path):  # before any work: a sweep can take minutes
            raise UsageFailure(f"Invalid value for '{option}': {_path_problem(path)}")
    update, done = report_atlas.progress()
    try:
        atlas = accuracy(
            names,
            dtypes=dtype or DEFAULT_DTYPES,
            quantities=quantity or ("forward", "backward"),
            exhaustive=exhaustive,
            range_=range_,
            samples=samples,
            seed=seed,
            jobs=jobs,
            worst=worst,
            progress=update,
            params=params,
        )
    except InputError as e:
        raise UsageFailure(str(e)) from None
    finally:
        done()
    if markdown:
        _write(markdown, report_atlas.markdown(atlas))
    if plot:
        from .plot_atlas import plot as draw

        _write(plot, draw(atlas, os.path.splitext(plot)[1].lower()))
    if json_out:
        print(report_atlas.dumps(atlas))
    elif not quiet:
        report_atlas.render_atlas(_console(), atlas)
    raise typer.Exit(EXIT_PASS)
