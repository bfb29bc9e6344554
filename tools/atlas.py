"""Regenerate the published float32 atlas (docs/atlas-float32.md): `make atlas`.

Every elementwise activation's f and f' (NumPy, torch reverse mode, torch forward mode), over
every finite float32 value for the activations given with --exhaustive (or all of them with
--exhaustive all) and a stratified sample for the rest. Every finished task is kept in --store,
so a run that is stopped resumes where it was, and a rerun with everything stored only writes
the table.

    python tools/atlas.py --exhaustive all                      # the whole atlas (hours)
    python tools/atlas.py --exhaustive sigmoid tanh --jobs 2    # these two exhaustively, the rest sampled
    python tools/atlas.py --scheduler tcp://host:8786 --exhaustive all   # on a Dask cluster
"""

import argparse
import os
import platform
import shlex
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUANTITIES = ("forward", "backward")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--exhaustive", nargs="*", default=[], metavar="NAME", help="every float32 value ('all': every one)"
    )
    ap.add_argument("--store", default=str(ROOT / ".atlas-store"), help="finished tasks (default .atlas-store)")
    ap.add_argument("--out", default=str(ROOT / "docs" / "atlas-float32.md"))
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--scheduler", default=None)
    args = ap.parse_args()

    import torch

    from actcheck import __version__
    from actcheck.atlas import Atlas, accuracy
    from actcheck.registry import ACTIVATIONS

    names = [a.name for a in ACTIVATIONS.values() if a.kind == "elementwise"]
    every = names if args.exhaustive == ["all"] else [n for n in names if n in args.exhaustive]
    unknown = sorted(set(args.exhaustive) - set(names) - {"all"})
    if unknown:
        sys.exit(f"atlas: not elementwise activations: {', '.join(unknown)}")
    parts = {True: Atlas([], []), False: Atlas([], [])}
    spent = {}
    for name in names:
        exhaustive = name in every
        start = time.monotonic()
        a = accuracy([name], dtypes=["float32"], quantities=QUANTITIES, exhaustive=exhaustive, jobs=args.jobs,
                     scheduler=args.scheduler, store=args.store)  # fmt: skip
        spent[name] = time.monotonic() - start
        parts[exhaustive].results.extend(a.results)
        parts[exhaustive].notes.extend(a.notes)
        print(f"{name}: {'every float32' if exhaustive else 'sampled'}, {spent[name]:.0f} s", flush=True)
    Path(args.out).write_text(_page(parts, every, names, args, torch.__version__, __version__))
    print(f"wrote {args.out}")


def _page(parts, every, names, args, torch_version, version):
    from actcheck.report_atlas import markdown

    sampled = [n for n in names if n not in every]
    command = "python tools/atlas.py" + (f" --exhaustive {' '.join(every)}" if every else "")
    command = "make atlas" if every == names and not args.scheduler else command
    lines = [
        "# The float32 atlas",
        "",
        "The ULP error of NumPy's and torch's activations (f) and first derivatives (f′: torch's reverse and",
        "forward modes) against the correctly rounded exact value, in float32. Regenerate it with `make atlas`",
        "(`tools/atlas.py`: finished tasks are kept in a store, so a stopped run resumes).",
        "",
        f"- command: `{command}`" + (f" (`--jobs {args.jobs}`)" if args.jobs else ""),
        f"- actcheck {version} (commit {_commit()}), torch {torch_version}, NumPy {_numpy()}, "
        f"Python {platform.python_version()}",
        f"- machine: {_machine()}; written {time.strftime('%Y-%m-%d', time.gmtime())}",
        f"- every finite float32 value (4,278,190,080), f and f′, all three implementations: "
        f"{', '.join(every) if every else 'none'}",
        f"- sampled (2**20 stratified values, the special points, and the edges of each finding cut to "
        f"neighbouring values), f and f′, all three implementations: {', '.join(sampled) if sampled else 'none'}",
        "",
    ]
    for exhaustive, title in ((True, "Every float32 value"), (False, "Sampled")):
        if parts[exhaustive].results:
            parts[exhaustive].notes[:] = sorted(set(parts[exhaustive].notes))
            lines += [f"## {title}", "", markdown(parts[exhaustive])]
    return "\n".join(lines)


def _commit():
    import subprocess

    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


def _numpy():
    import numpy

    return numpy.__version__


def _machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{platform.system()} {platform.machine()}, {cpu}, {cores} cores"


if __name__ == "__main__":
    print(" ".join(shlex.quote(a) for a in sys.argv), flush=True)
    main()
