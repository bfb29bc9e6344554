"""actcheck's performance targets, each as a ratio against a floor run side by side.

Runs alternate (floor, actcheck, floor, actcheck, ...) and each figure is the median of
the per-pair ratios, so a machine that drifts while the benchmark runs affects both
sides alike. Wall time and peak memory come from the operating system's accounting of
each finished child process (os.wait4).

    python bench/bench.py            # every target, every activation (several minutes)
    python bench/bench.py --quick    # fewer rounds, a few activations
    python bench/bench.py --accuracy [--full-sweep]   # only the accuracy atlas (with the 2**32 sweep: ~10 min)
    python bench/bench.py --accuracy --baseline DIR   # and against the actcheck checked out in DIR (its pool)
"""

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
_SCRIPT = Path(PY).parent / "actcheck"  # the console script users run; python -m where there is none
ACTCHECK = [str(_SCRIPT)] if _SCRIPT.exists() else [PY, "-m", "actcheck"]
FLOOR = str(ROOT / "bench" / "floor_check.py")
FLOOR_ACCURACY = str(ROOT / "bench" / "floor_accuracy.py")


def run(cmd):
    """(wall seconds, peak MiB) of one run of ``cmd``, its output discarded."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024


def paired(cmd, floor, rounds):
    """Median of the pairwise ratios (time and memory), and the medians of each side."""
    run(cmd), run(floor)  # warm the file cache
    pairs = [(run(floor), run(cmd)) for _ in range(rounds)]
    t_ratio = statistics.median(c[0] / f[0] for f, c in pairs)
    m_ratio = statistics.median(c[1] / f[1] for f, c in pairs)
    med = lambda i, j: statistics.median(p[i][j] for p in pairs)  # noqa: E731
    return t_ratio, m_ratio, med(1, 0), med(0, 0), med(1, 1), med(0, 1)


def imports_of(args, heavy=("torch", "scipy", "mpmath", "matplotlib")):
    """The modules under ``heavy`` that ``actcheck args`` imports."""
    out = subprocess.run([PY, "-X", "importtime", "-m", "actcheck", *args], capture_output=True, text=True, cwd=ROOT)
    names = {line.split("|")[-1].strip() for line in out.stderr.splitlines() if "|" in line}
    return sorted(n for n in names if any(n == h or n.startswith(h + ".") for h in heavy))


def row(label, target, t_ratio, extra=""):
    verdict = "ok" if t_ratio <= target else "OVER"
    print(f"{label:<52} {t_ratio:6.2f}x  (target {target}x) {verdict:>4}  {extra}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="3 rounds, a few activations")
    ap.add_argument("--rounds", type=int, default=None)
    ap.add_argument("--startup", action="store_true", help="only --help, list and all (no dense grids)")
    ap.add_argument("--oracle", action="store_true", help="only the oracle's speed row")
    ap.add_argument("--accuracy", action="store_true", help="only the accuracy atlas rows")
    ap.add_argument("--full-sweep", action="store_true", help="with --accuracy: also every float32 (~10 min)")
    ap.add_argument("--baseline", metavar="DIR", help="with --accuracy: also against the actcheck checked out in DIR")
    ap.add_argument("names", nargs="*", help="only these activations' dense rows (no start-up rows)")
    args = ap.parse_args()
    rounds = args.rounds or (3 if args.quick else 5)
    sys.path.insert(0, str(ROOT))
    from actcheck.registry import ACTIVATIONS

    # byte-compile actcheck as installing it would: where PYTHONDONTWRITEBYTECODE is set (as on
    # these machines) an editable checkout is otherwise recompiled at every start (~25 ms)
    compileall.compile_dir(ROOT / "actcheck", quiet=1)

    print(f"actcheck benchmark · {rounds} rounds · medians of paired ratios · python {sys.version.split()[0]}")
    if args.accuracy:
        return accuracy(rounds, args.full_sweep, args.baseline)
    if args.names:
        return dense(args.names, rounds)
    if args.oracle:
        return oracle(rounds)
    startup(rounds)
    if args.startup:
        return
    dense(["sigmoid", "gelu", "softmax", "tanhshrink"] if args.quick else list(ACTIVATIONS), rounds)
    million()
    oracle(rounds)
    accuracy(rounds, False)


def startup(rounds):
    """--help and list against importing numpy, typer and rich; all against importing torch too."""
    light = [PY, "-c", "import numpy, typer, rich.table"]
    heavy = [PY, "-c", "import torch, numpy, typer, rich.table"]
    for args_ in (["--help"], ["list"]):
        found = imports_of(args_)
        t, m, a, b, _, _ = paired([*ACTCHECK, *args_], light, max(rounds, 15))  # short runs: more pairs
        imp = "imports none of torch/scipy/mpmath/matplotlib" if not found else f"IMPORTS {', '.join(found[:4])}"
        row(f"actcheck {' '.join(args_)} vs import numpy, typer, rich", 1.3, t, f"{a:.2f}s vs {b:.2f}s; {imp}")
    # torch's forward mode imports its compiler (1.35 s) if it ever adds a Python constant without a tangent
    compiler = imports_of(["all", "-q"], heavy=("torch._dynamo",))
    imp = "no torch._dynamo import" if not compiler else "IMPORTS torch._dynamo"
    t, m, a, b, _, _ = paired([*ACTCHECK, "all", "-q"], heavy, rounds)
    row("actcheck all vs import torch, numpy, typer, rich", 1.3, t, f"{a:.2f}s vs {b:.2f}s; {imp}")
    # forward mode's first make_dual imports torch's jvp decompositions (TorchScript): part of the above
    dual = heavy[2] + "; import torch.autograd.forward_ad as f; t = torch.ones(1); f.dual_level().__enter__(); "
    t, m, a, b, _, _ = paired([*heavy[:2], dual + "f.make_dual(t, t)"], heavy, rounds)
    print(f"{'  of which the first make_dual (jvp decompositions)':<52} {a - b:6.2f}s  ({a:.2f}s vs {b:.2f}s)")


def dense(names, rounds):
    """Each activation on a million points against the same work done by hand."""
    worst_t = worst_m = 0.0
    for name in names:
        cmd = [*ACTCHECK, name, "--linspace", "-20", "20", "1000000", "-q"]
        t, m, a, b, ma, mb = paired(cmd, [PY, FLOOR, name, "1000000"], rounds)
        worst_t, worst_m = max(worst_t, t), max(worst_m, m)
        row(f"{name} --linspace -20 20 1000000 -q vs by hand", 2.0, t,
            f"{a:.2f}s vs {b:.2f}s; memory {m:.2f}x ({ma:.0f} vs {mb:.0f} MiB, target 1.5x)")  # fmt: skip
    print(f"{'worst over activations':<52} {worst_t:6.2f}x time, {worst_m:.2f}x memory")


def oracle(rounds):
    """The exact oracle at its heaviest (GELU's tails, second derivatives) against the same run without it."""
    cmd = [*ACTCHECK, "gelu", "--linspace", "-40", "40", "100000", "--order", "2", "-q"]
    t, _, a, b, _, _ = paired([*cmd, "--oracle"], cmd, rounds)
    row("gelu --linspace -40 40 100000 --order 2: --oracle vs not", 10.0, t, f"{a:.2f}s vs {b:.2f}s")


def million():
    """Every activation on a million points, and the oracle's sampling, in absolute time."""
    wall, peak = run([*ACTCHECK, "all", "--linspace", "-20", "20", "1000000", "-q"])
    verdict = "ok" if wall < 30 else "OVER"
    label = "actcheck all --linspace -20 20 1000000 -q"
    print(f"{label:<52} {wall:6.1f}s  (target 30s) {verdict:>4}  peak {peak:.0f} MiB")
    wall, _ = run([*ACTCHECK, "sigmoid", "--linspace", "-20", "20", "1000000", "--oracle", "-q"])
    print(f"{'sigmoid, a million points, --oracle (sampled)':<52} {wall:6.1f}s")


def run_tree(cmd):
    """(wall seconds, peak MiB of the summed resident memory, of the summed proportional memory) of ``cmd``
    and every process it starts (its workers), sampled every 50 ms from /proc."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    rss = pss = 0.0
    while proc.poll() is None:
        r, p = _tree_memory(proc.pid)
        rss, pss = max(rss, r), max(pss, p)
        time.sleep(0.05)
    return time.perf_counter() - start, rss / 1024, pss / 1024


def _tree_memory(root):
    """(RSS, PSS) in KiB summed over ``root`` and its descendants."""
    parents = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    parents[int(d)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    tree, todo = set(), [root]
    while todo:
        p = todo.pop()
        tree.add(p)
        todo += [c for c, pp in parents.items() if pp == p and c not in tree]
    rss = pss = 0
    for p in tree:
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith(("Rss:", "Pss:")):
                        kb = int(line.split()[1])
                        rss, pss = (rss + kb, pss) if line.startswith("Rss:") else (rss, pss + kb)
        except OSError:
            continue
    return rss, pss


def accuracy(rounds, full_sweep, baseline=None):
    """The atlas: an exhaustive float32 range against the same comparison by hand (and against another
    checkout's actcheck), every float16 and bfloat16 value of every activation, the scaling from one
    Dask worker to two, and (``full_sweep``) every float32 value of one activation."""
    args = ["accuracy", "sigmoid", "--dtype", "float32", "--exhaustive", "--range", "1", "16", "-q"]
    cmd = [*ACTCHECK, *args]
    floor = [PY, FLOOR_ACCURACY, "1", "16"]
    sides = {"floor": floor, "dask": cmd}
    if baseline:  # the same command with the other checkout's actcheck (e.g. its process pool)
        sides["baseline"] = ["env", f"PYTHONPATH={baseline}", PY, "-m", "actcheck", *args]
    for c in sides.values():
        run_tree(c)  # warm the file cache
    rounds_ = [{k: run_tree(c) for k, c in sides.items()} for _ in range(rounds)]  # interleaved
    med = lambda k, i: statistics.median(r[k][i] for r in rounds_)  # noqa: E731
    ratio = statistics.median(r["dask"][0] / r["floor"][0] for r in rounds_)
    row("accuracy sigmoid float32 --exhaustive [1, 16) vs by hand", 1.5, ratio,
        f"{med('dask', 0):.1f}s vs {med('floor', 0):.1f}s; memory (PSS) {med('dask', 2):.0f} vs "
        f"{med('floor', 2):.0f} MiB")  # fmt: skip
    if baseline:
        ratio = statistics.median(r["dask"][0] / r["baseline"][0] for r in rounds_)
        row(f"  the same vs {baseline}", 1.1, ratio,
            f"{med('dask', 0):.1f}s vs {med('baseline', 0):.1f}s; memory (PSS) {med('dask', 2):.0f} vs "
            f"{med('baseline', 2):.0f} MiB")  # fmt: skip
    subprocess.run([PY, str(ROOT / "bench" / "scaling.py"), "--rounds", str(rounds)], cwd=ROOT)
    wall, rss, pss = run_tree([*ACTCHECK, "accuracy", "all", "--dtype", "float16", "--dtype", "bfloat16", "-q"])
    verdict = "ok" if wall < 60 else "OVER"
    label = "accuracy all --dtype float16 --dtype bfloat16"
    print(f"{label:<52} {wall:6.1f}s  (target: seconds) {verdict:>4}  peak {pss:.0f} MiB PSS, {rss:.0f} MiB RSS")
    if full_sweep:
        wall, rss, pss = run_tree([*ACTCHECK, "accuracy", "sigmoid", "--dtype", "float32", "--exhaustive", "-q"])
        verdict = "ok" if wall < 600 and pss < 1024 else "OVER"
        label = "accuracy sigmoid float32 --exhaustive (2**32 values)"
        print(f"{label:<52} {wall:6.1f}s  (target 600s, 1 GiB) {verdict:>4}  peak {pss:.0f} MiB PSS, {rss:.0f} MiB RSS")
    print(f"{'load average while measuring':<52} {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", flush=True)


if __name__ == "__main__":
    main()
