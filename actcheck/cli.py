"""The command line: parse, call the core, render, exit. No numerics here."""

import os
import sys
import time
from typing import Annotated

import typer
from typer.core import TyperGroup

from . import __version__, ci, options
from .console import (
    EXIT_FAIL,
    EXIT_INTERRUPTED,
    EXIT_OUTPUT,
    EXIT_PASS,
    EXIT_SOFTWARE,
    EXIT_USAGE,
    OutputLost,
    UsageFailure,
    err,
    fit_width,
    guarded_stdout,
    lost_output,
    make_console,
    printable,
)
from .errors import InternalError
from .options import (
    AllPoints,
    Atol,
    Dtype,
    Dtypes,
    Fd,
    Json,
    Junit,
    Linspace,
    Oracle,
    Order,
    Quiet,
    Random,
    Range,
    Rtol,
    Seed,
    Strict,
    Wide,
    Worst,
    with_activation_params,
)
from .progress import Stages, track

__all__ = ["app", "main"]

EPILOG = (
    "Exit codes: 0 every check passed · 1 a check failed · 2 bad usage or bad input · "
    "70 actcheck itself failed (please report) · 74 output could not be written · 130 interrupted · "
    "141 the reader closed the pipe. "
    "Negative numbers are values, not options: actcheck sigmoid -5 0 2. "
    "Shell completion: actcheck --install-completion."
)
SHORT_USAGE = (
    "Usage: actcheck NAME [VALUES]... [OPTIONS]  ·  actcheck all | list | plot NAME... --out FILE | verify FILE\n"
    "Try 'actcheck --help' for help."
)


class _Group(TyperGroup):
    """Routes ``actcheck NAME ...`` to check; usage errors become one line, lost output an exit code."""

    def resolve_command(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            return "check", self.commands["check"], args
        return super().resolve_command(ctx, args)

    def main(self, args=None, prog_name=None, standalone_mode=True, **extra):
        from . import completion

        if completion.requested():  # a shell asking what a word can be: click answers and exits
            completion.prepare(self)
            return super().main(args=args, prog_name=prog_name or "actcheck", complete_var=completion.COMPLETE_VAR)
        args = sys.argv[1:] if args is None else list(args)
        with guarded_stdout() as stdout:
            code = self._run(args, prog_name, extra, stdout)
        if standalone_mode:
            sys.exit(code)
        return code

    def _run(self, args, prog_name, extra, stdout):
        from . import completion

        try:
            if not args:
                err(SHORT_USAGE)
                return EXIT_USAGE
            if args[0] in completion.SCRIPT_OPTIONS:
                return _completion_script(args)
            code = super().main(args=args, prog_name=prog_name or "actcheck", standalone_mode=False, **extra)
            sys.stdout.flush()
        except (typer.TyperException, UsageFailure) as e:
            msg = e.format_message() if hasattr(e, "format_message") else str(e)
            if type(e).__name__ == "NoSuchOption":
                msg = options.no_such_option(e.option_name, e.possibilities or [])
            err(msg if type(e).__name__ == "NoArgsIsHelpError" else f"actcheck: error: {msg}")
            code = e.code if isinstance(e, UsageFailure) else EXIT_USAGE
        except OutputLost as e:
            code = lost_output(e, stdout)
        except InternalError as e:
            err(f"actcheck: internal error: {e} (actcheck's own failure, not your input's: please report it)")
            code = EXIT_SOFTWARE
        except (typer.Abort, KeyboardInterrupt):
            code = EXIT_INTERRUPTED
        except Exception as e:  # a bug of actcheck's own, anywhere (a renderer, a writer): one line, never a traceback
            from .verification.text import one_line

            where = one_line(e, lambda f: f"{os.sep}actcheck{os.sep}" in f)
            err(f"actcheck: internal error: {where} (actcheck's own failure, not your input's: please report it)")
            code = EXIT_SOFTWARE
        return code if isinstance(code, int) else 0


def _completion_script(args):
    """``--show-completion [SHELL]`` prints the script; ``--install-completion [SHELL]`` installs it."""
    from . import completion
    from .errors import InputError

    try:
        shell = completion.shell_named(args)
        if args[0] == "--show-completion":
            print(completion.script(shell))
            return EXIT_PASS
        path = completion.install(shell)
    except InputError as e:
        raise UsageFailure(str(e)) from None
    except OSError as e:
        err(f"actcheck: error: cannot install completion: {e.strerror or e}: {e.filename}")
        return EXIT_OUTPUT
    print(f"{shell} completion installed in {path}; it takes effect in a new shell")
    return EXIT_PASS


app = typer.Typer(
    cls=_Group,
    help="Gradient verification for activation functions: NumPy against PyTorch autograd.",
    epilog=EPILOG,
    add_completion=False,  # ours take the shell's name too (completion.SCRIPT_OPTIONS)
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool):
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            installed = version("actcheck")
        except PackageNotFoundError:  # run from a checkout that was never installed
            installed = f"{__version__} (not installed)"
        print(f"actcheck {installed}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
    install_completion: Annotated[
        str | None,
        typer.Option(
            "--install-completion",
            metavar="[SHELL]",
            help="Install shell completion for bash, zsh or fish (default: the shell running actcheck).",
        ),
    ] = None,
    show_completion: Annotated[
        str | None,
        typer.Option("--show-completion", metavar="[SHELL]", help="Print the completion script for a shell."),
    ] = None,
):
    """Gradient verification for activation functions: NumPy against PyTorch autograd."""


def _emit(results, *, json_out, quiet, junit, worst, all_points, single, wide, github=False):
    from . import report, serialize

    if junit:
        options.write(ci.junit_folder(junit), report.junit_xml(report.result_cases(results)))
    if quiet:
        pass
    elif github:
        from .annotations import for_results

        if text := for_results(results):
            print(text)
    elif json_out:
        kw = {"worst": worst, "all_points": all_points}
        one = single and len(results) == 1
        obj = serialize.result_to_dict(results[0], **kw) if one else serialize.results_to_dict(results, **kw)
        print(report.dumps(obj))
    elif single:
        con = make_console(wide)
        for r in results:
            report.render_result(con, r, worst=worst, width=fit_width(con, wide))
    else:
        con = make_console(wide)
        report.render_summary(con, results, width=fit_width(con, wide))
    raise typer.Exit(EXIT_PASS if all(r.passed for r in results) else EXIT_FAIL)


def _run_checks(jobs, bar, keep=None, steps=0):
    """Run check() for each (name, values, kwargs) under the progress ``bar``; InputError is bad input.

    With ``keep``, each result is compacted to its ``keep`` worst points as it comes, so
    memory stays that of one activation however many are checked. ``steps`` more follow on the bar.
    """
    from .engine import check
    from .errors import InputError

    results, total = [], len(jobs) + steps
    if jobs:
        import torch  # noqa: F401  (its import, a second or so, is not the first testcase's time in --junit)
    try:
        for k, (name, values, kw) in enumerate(jobs):
            if len(jobs) == 1 and not steps:  # one check: its own steps fill the bar
                progress = bar
            else:
                progress = lambda step, d, t, k=k, name=name: bar(f"{name} · {step}", k + d / t, total)  # noqa: E731
            start = time.perf_counter()
            r = check(name, values, progress=progress, **kw)
            results.append(r.compact(keep) if keep else r)
            results[-1].extras["seconds"] = time.perf_counter() - start  # the JUnit testcase's time
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
    ctx: typer.Context,
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
    context: options.Context = None,
    linspace: Linspace = None,
    random: Random = None,
    seed: Seed = 0,
    range_: Range = None,
    worst: Worst = 10,
    all_points: AllPoints = False,
    json_out: Json = False,
    quiet: Quiet = False,
    wide: Wide = False,
    junit: Junit = None,
    fmt: ci.Format = None,
    params: dict | None = None,
):
    options.unknown_options(values, ctx.command.params)
    json_out, github = ci.output_format(fmt, json_out)
    options.output_mode(json_out, quiet)
    act = options.resolve(name)
    dtype, rtol, atol = _defaults(dtype, rtol, atol)
    dtypes = options.dtypes(dtype)
    rtol, atol = options.tolerances(rtol, atol)
    x = options.points(values, linspace, random, seed, range_, dtypes)
    kw = dict(rtol=rtol, atol=atol, order=order, fd=fd, oracle=oracle, strict=strict, **params)
    if context is not None:
        kw["context"] = context
    with Stages(f"checking {act.name}") as bar:
        results = _run_checks([(act.name, x, dict(kw, dtype=dt.name)) for dt in dtypes], bar)
    _emit(results, json_out=json_out, quiet=quiet, junit=junit, worst=worst, all_points=all_points, single=True,
          wide=wide, github=github)  # fmt: skip


def _defaults(dtype, rtol, atol):
    """--dtype, --rtol and --atol, each from the project's [tool.actcheck] when not given."""
    cfg = ci.project()
    pick = lambda flag, key: cfg.get(key) if flag is None else flag  # noqa: E731
    return dtype or cfg.get("dtype"), pick(rtol, "rtol"), pick(atol, "atol")


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
    wide: Wide = False,
    junit: Junit = None,
    select: ci.Select = None,
    exclude: ci.Exclude = None,
    fmt: ci.Format = None,
):
    from .registry import ACTIVATIONS

    json_out, github = ci.output_format(fmt, json_out)
    options.output_mode(json_out, quiet)
    dtype, rtol, atol = _defaults(dtype, rtol, atol)
    cfg = ci.project()
    names = ci.chosen(ACTIVATIONS, select or cfg.get("select"), exclude or cfg.get("exclude"))
    dtypes = options.dtypes(dtype)
    rtol, atol = options.tolerances(rtol, atol)
    x = options.points(None, linspace, random, seed, range_, dtypes)
    if x is not None and x.size < 2:
        raise UsageFailure(f"glu needs an even number of points, at least 2: a grid of {x.size} cannot check it")
    kw = dict(rtol=rtol, atol=atol, order=order, fd=fd, oracle=oracle, strict=strict)
    # glu halves its input: a generated grid of odd length loses its last point there (and says so)
    even = None if x is None else x[: x.size // 2 * 2]
    jobs = [(name, even if name == "glu" else x, dict(kw, dtype=d.name)) for d in dtypes for name in names]
    dense = x is not None and x.size > 10_000 and not all_points
    with Stages("checking") as bar:
        results = _run_checks(jobs, bar, keep=worst if dense else None)
    if x is not None and even.size < x.size:
        for r in results:
            if r.activation == "glu":
                r.extras["notes"].append(f"glu checked on the first {even.size} of {x.size} points (an even count)")
    _emit(results, json_out=json_out, quiet=quiet, junit=junit, worst=worst, all_points=all_points, single=False,
          wide=wide, github=github)  # fmt: skip


@app.command(
    "plot",
    help="Draw f and f' (NumPy and torch overlaid) and their differences; 'plot all' for every one. "
    "For a vector activation (softmax, log_softmax, softmin, glu) the derivative drawn is the VJP with a seeded "
    "random upstream g, gᵀJ.",
)
@with_activation_params
def plot_cmd(
    names: Annotated[list[str], typer.Argument(help="Activation names, or 'all'.", show_default=False)],
    out: Annotated[str, typer.Option("--out", "-o", help="Output file: .png, .svg or .pdf.")],
    range_: Range = None,
    dtype: Dtype = "float64",
    quiet: Quiet = False,
    params: dict | None = None,
):
    from .plot import FORMATS, plot

    options.out_path("--out", out, FORMATS)
    (dt,) = options.dtypes([dtype])
    range_ = options.plot_range(range_, dt)
    every = [n.lower() for n in names] == ["all"]
    acts, jobs = _plot_jobs(names, every, params, range_, dt)
    suffix = os.path.splitext(out)[1].lower()
    with Stages("plotting") as bar:
        results = _run_checks(jobs, bar, steps=1)
        bar("drawing", len(jobs), len(jobs) + 1)
        picture = plot(list(zip(results, acts, strict=True)), suffix, compact=every or len(acts) > 4)
    options.write(out, picture)
    if not quiet:
        print(f"wrote {printable(out)} ({len(acts)} activation{'s' * (len(acts) != 1)}, {dt.name})")
    raise typer.Exit(EXIT_PASS if all(r.passed for r in results) else EXIT_FAIL)


def _plot_jobs(names, every, given, range_, dt):
    """The activations to draw and a check job for each on its plotting grid; a parameter none takes is refused."""
    from .plot import grid_for
    from .registry import ACTIVATIONS

    if every:
        acts = list(ACTIVATIONS.values())
    else:
        if "all" in (n.lower() for n in names):
            raise UsageFailure("'all' stands alone: it names every activation (give it once, without other names)")
        acts = [options.resolve(n) for n in names]
    unused = set(given) - {k for a in acts for k in a.params}
    if unused:
        raise UsageFailure(f"no activation plotted takes {', '.join(sorted(unused))}")
    jobs = []
    for a in acts:
        p = {k: v for k, v in given.items() if k in a.params}
        jobs.append((a.name, grid_for(a, dict(a.params) | p, range_), dict(dtype=dt.name, **p)))
    return acts, jobs


@app.command(
    "verify",
    help="Check the activation pairs in your own FILE.py or notebook FILE.ipynb (or several) against torch (known "
    "names) or finite differences. FILE runs in a child process with a time limit: still, use it on code you trust.",
    epilog=EPILOG,
)
def verify_cmd(
    files: Annotated[
        list[str],
        typer.Argument(
            help="A .py file or .ipynb notebook with activations and their derivatives; several are checked in turn.",
            show_default=False,
        ),
    ],
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param", metavar="NAME=VALUE", help="Override a parameter on both sides (your name or torch's)."
        ),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", metavar="SECONDS", help="Time limit for the file's code, in all (default 60)."),
    ] = None,
    run_all: Annotated[
        bool, typer.Option("--run-all", help="In a notebook, run every cell, not only imports and definitions.")
    ] = False,
    skip_empty: Annotated[
        bool,
        typer.Option("--skip-empty", help="A file with no activation pair is passed over, not an error (pre-commit)."),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Exit 1 also when a pair was skipped or a forward was compared with no reference "
            "(checked by finite differences of itself only).",
        ),
    ] = False,
    kink: Annotated[
        str,
        typer.Option(
            "--kink",
            metavar="torch|any",
            help="At a kink (relu at 0): torch's value only (default), or any valid subgradient (relu'(0) in [0, 1]).",
        ),
    ] = "torch",
    dtype: Annotated[
        list[str] | None,
        typer.Option(
            "--dtype",
            help="torch code: judge it in this dtype (repeatable; default every one it runs in among float32, "
            "bfloat16, float16, float64).",
        ),
    ] = None,
    ulp: Annotated[
        float | None,
        typer.Option(
            "--ulp", metavar="N", help="torch code: pass within N ULP of exact (default: torch's own max error or 2)."
        ),
    ] = None,
    exhaustive: Annotated[
        bool,
        typer.Option("--exhaustive", help="torch code: every float16/bfloat16 value (every float32 in --range)."),
    ] = False,
    range_: Annotated[
        tuple[float, float] | None,
        typer.Option("--range", metavar="LO HI", help="torch code: only the values LO <= x < HI."),
    ] = None,
    order: Annotated[
        int, typer.Option("--order", metavar="1|2", help="torch/JAX code: 2 judges the double backward (f'') too.")
    ] = 1,
    compile_: Annotated[
        bool, typer.Option("--compile", help="torch code: judge it under torch.compile too, beside eager.")
    ] = False,
    backend: Annotated[
        str, typer.Option("--compile-backend", metavar="NAME", help="The torch.compile backend for --compile.")
    ] = "inductor",
    json_out: Json = False,
    quiet: Quiet = False,
    wide: Wide = False,
    junit: Junit = None,
    fmt: ci.Format = None,
):
    from . import report
    from .errors import InputError, InternalError
    from .verification import NothingToCheck, verify

    json_out, github = ci.output_format(fmt, json_out)
    options.output_mode(json_out, quiet)
    overrides = options.overrides(param)
    if timeout is None:
        from .verification import DEFAULT_TIMEOUT

        timeout = ci.project().get("timeout", DEFAULT_TIMEOUT)
    pairs = lambda ready: track(ready, "verifying", lambda c: getattr(c, "name", ""))  # noqa: E731
    reports = []
    for file in files:
        try:
            rep = verify(file, overrides, progress=pairs, timeout=timeout, run_all=run_all, kink=kink, dtype=dtype,
                         ulp=ulp, exhaustive=exhaustive, range=range_, order=order,
                         compile=backend if compile_ else None)  # fmt: skip
        except InputError as e:
            if skip_empty and isinstance(e, NothingToCheck):
                continue
            raise UsageFailure(str(e)) from None
        except Exception as e:  # actcheck's own failure (the user's code runs in the child): never blamed on the file
            from .verification.text import one_line

            msg = str(e) if isinstance(e, InternalError) else one_line(e, lambda f: "actcheck" in f)
            err(f"actcheck failed on {file}: {msg}, please report")
            raise typer.Exit(EXIT_SOFTWARE) from None
        reports.append((file, rep))
    if junit:
        options.write(ci.junit_folder(junit), _verify_junit(reports, files))
    if quiet:
        pass
    elif github:
        from .annotations import for_report

        if text := "\n".join(t for file, rep in reports if (t := for_report(rep, file))):
            print(text)
    elif json_out:
        one = len(files) == 1 and reports
        obj = reports[0][1].to_dict() if one else ci.verify_files_dict([rep for _, rep in reports])
        print(report.dumps(obj))
    else:
        con = make_console(wide)
        for _, rep in reports:
            report.render_verify(con, rep, width=fit_width(con, wide), strict=strict)
    raise typer.Exit(EXIT_PASS if all(rep.passes(strict) for _, rep in reports) else EXIT_FAIL)


def _verify_junit(reports, files):
    """One JUnit suite for the files verified: with several, each case named with its file."""
    from . import report

    cases, skipped = [], []
    for file, rep in reports:
        prefix = f"{file}::" if len(files) > 1 else ""
        cases += [(prefix + c[0], *c[1:]) for c in report.verify_cases(rep)]
        skipped += [(prefix + s[0], *s[1:]) for s in report.verify_skipped(rep)]
    return report.junit_xml(cases, f"actcheck verify {' '.join(files)}", skipped)


@app.command("list", help="List the activations, their parameters with defaults, and a formula each.")
def list_cmd(json_out: Json = False, wide: Wide = False):
    from . import report, serialize
    from .registry import ACTIVATIONS

    acts = list(ACTIVATIONS.values())
    if json_out:
        items = [serialize.activation_to_dict(a) for a in acts]
        print(report.dumps(items))
    else:
        con = make_console(wide)
        report.render_list(con, acts, width=fit_width(con, wide))


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
    names: Annotated[
        list[str] | None,
        typer.Argument(help="Activation names, or 'all' (none with --store: its last request).", show_default=False),
    ] = None,
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
        int | None,
        typer.Option("--jobs", metavar="J", help="Worker processes of the local Dask cluster (default: the cores)."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="ADDRESS",
            help="Run the tasks on the Dask cluster at ADDRESS (default: $DASK_SCHEDULER_ADDRESS, else a local one).",
        ),
    ] = None,
    store: Annotated[
        str | None,
        typer.Option("--store", metavar="DIR", help="Keep each finished task in DIR; a rerun measures only the rest."),
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
    wide: Wide = False,
    select: ci.Select = None,
    exclude: ci.Exclude = None,
    fail_above: ci.FailAbove = None,
    fail_on: ci.FailOn = None,
    params: dict | None = None,
):
    from . import report_atlas
    from .atlas import DEFAULT_DTYPES, accuracy
    from .atlas.cluster import scheduler_address
    from .errors import InputError

    options.output_mode(json_out, quiet)
    lims, findings = ci.gates(fail_above, fail_on)
    request = _request(names, store, dtype, quantity, exhaustive, range_, samples, seed, worst, params)
    names = _measured(request["names"], select, exclude)
    if not select and not exclude and [n.lower() for n in names] == ["all"]:
        names = _configured(ci.project())
    if json_out and markdown:
        raise UsageFailure("--json and --markdown cannot be used together")
    if jobs is not None and scheduler:
        raise UsageFailure("--jobs sizes the local cluster: with --scheduler the cluster's workers run the tasks")
    # before any work: a sweep can take minutes
    options.out_path("--plot", plot, (".png", ".svg", ".pdf"))
    options.out_path("--markdown", markdown)
    try:
        kept = _store(store, request, quiet)
        with Stages("measuring") as bar:
            atlas = accuracy(
                names,
                dtypes=request["dtypes"] or DEFAULT_DTYPES,
                quantities=request["quantities"] or ("forward", "backward"),
                exhaustive=request["exhaustive"],
                range_=request["range"],
                samples=request["samples"],
                seed=request["seed"],
                jobs=jobs,
                worst=request["worst"],
                progress=_Rate(bar),
                params=request["params"],
                scheduler=scheduler_address(scheduler),
                store=kept,
            )
    except InputError as e:
        raise UsageFailure(str(e)) from None
    if kept is not None and not quiet:
        reused, measured = kept.reused, kept.measured
        err(f"store {store}: {reused:,} of {reused + measured:,} tasks reused, {measured:,} measured")
    if markdown:
        options.write(markdown, report_atlas.markdown(atlas))
    if plot:
        from .plot_atlas import plot as draw

        options.write(plot, draw(atlas, os.path.splitext(plot)[1].lower()))
    failed = ci.gate_lines(atlas, lims, findings)
    if json_out:
        print(report_atlas.dumps(atlas))
        if failed:
            print("\n".join(failed), file=sys.stderr)
    elif not quiet:
        con = make_console(wide)
        report_atlas.render_atlas(con, atlas, width=fit_width(con, wide))
        for line in failed:  # wrapped to the terminal like the table above it
            con.print(line, markup=False, highlight=False)
    raise typer.Exit(EXIT_FAIL if failed else EXIT_PASS)


def _request(names, store, dtype, quantity, exhaustive, range_, samples, seed, worst, params):
    """What to measure: as given, or (no NAMES, a --store) the store's last request."""
    if names:
        return {"names": names, "dtypes": dtype, "quantities": quantity, "exhaustive": exhaustive,
                "range": range_, "samples": samples, "seed": seed, "worst": worst, "params": params}  # fmt: skip
    if store is None:
        raise UsageFailure("give activation NAMES, or 'all' (or --store DIR to measure its last request again)")
    from .atlas.store import Store
    from .errors import InputError

    try:
        request = Store.request(store)
    except InputError as e:
        raise UsageFailure(str(e)) from None
    return request | {"range": tuple(request["range"]) if request["range"] else None}


def _store(path, request, quiet):
    """The Store at ``path`` (None without --store), the request kept in it; one line if it holds other versions."""
    if path is None:
        return None
    from .atlas.store import Store

    kept = Store(path)
    others = kept.others()
    if others and not quiet:
        err(f"store {path}: its tallies of {', '.join(others)} are not mixed in ({kept.version} measures anew)")
    kept.save_request(request)
    return kept


class _Rate:
    """The progress bar's label: values measured per second and the time left, from the tasks done."""

    def __init__(self, bar):
        self.bar, self.start = bar, time.monotonic()

    def __call__(self, done, total, values):
        spent = time.monotonic() - self.start
        if done == 0 or spent <= 0:
            return self.bar("", done, total)
        left = spent * (total - done) / done
        self.bar(f"{values / spent:,.0f} values/s, {_duration(left)} left", done, total)


def _duration(seconds):
    s = int(round(seconds))
    return f"{s // 3600}h{s // 60 % 60:02d}m" if s >= 3600 else f"{s // 60}m{s % 60:02d}s"


def _measured(names, select, exclude):
    """accuracy's NAMES ('all': every elementwise activation) narrowed by --select and --exclude."""
    if not select and not exclude:
        return names
    from .registry import ACTIVATIONS

    every = [n.lower() for n in names] == ["all"]
    if every:
        pool = [a.name for a in ACTIVATIONS.values() if a.kind == "elementwise"]
    else:
        pool = [options.resolve(n).name for n in names]
    return ci.chosen(dict.fromkeys(pool), select, exclude, _why_not_measured)


def _configured(cfg):
    """'all' narrowed by the project's select and exclude (its vector activations left aside: not measured)."""
    from .registry import ACTIVATIONS

    if not cfg.get("select") and not cfg.get("exclude"):
        return ["all"]
    names = ci.chosen(ACTIVATIONS, cfg.get("select"), cfg.get("exclude"))
    names = [n for n in names if ACTIVATIONS[n].kind == "elementwise"]
    if not names:
        raise UsageFailure(f"{cfg.path}: [tool.actcheck] select and exclude leave no elementwise activation to measure")
    return names


def _why_not_measured(act):
    return "a vector activation: the atlas measures elementwise ones" if act.kind == "vector" else "not in NAMES"


def main():
    """Console-script entry point."""
    app()
