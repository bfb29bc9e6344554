"""The sweep's throughput on a LocalCluster of 1 and of 2 workers, its start left out.

For each activation, the same float32 tasks (every value of [1, 2**k), f and f', all three
implementations) run on a LocalCluster of each size, alternately; each figure is the median over
rounds of values measured per second, once the cluster is up and each worker has done one task
(its reference's zeros found). Prints the values per second of each, the speed-up, the values per
CPU-second of the workers (a core's throughput, whatever else runs on the machine) and how many
cores' worth of CPU the two workers got (below 2 on a machine shared with other work).

    python bench/scaling.py [--rounds N] [--tasks T] [NAME ...]
    python bench/scaling.py --cost [NAME ...]   # CPU seconds per task of every (or each named) activation
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# one of each kind of kernel: piecewise, exp, tanh, erf, a composite of several
CLASSES = {"relu": "piecewise linear", "sigmoid": "exp", "tanh": "tanh", "gelu": "erf", "mish": "softplus·tanh"}


def plan(name, tasks):
    from actcheck.atlas import chunk
    from actcheck.atlas.points import range_span
    from actcheck.dtypes import get_dtype
    from actcheck.registry import lookup, resolve_params

    lo, _ = range_span(get_dtype("float32"), 1.0, 2.0**60)
    span = (lo, lo + tasks * chunk.TASK_EXHAUSTIVE - 1)
    params = tuple(resolve_params(lookup(name), {}).items())
    spec = chunk.Spec(name, params, "float32", ("forward", "backward"), span, True, 0, 0, 10)
    return list(chunk.tasks(0, spec)), tasks * chunk.TASK_EXHAUSTIVE


def cpu_seconds():
    """This process's CPU time (user and system), run on each worker."""
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def rate(place, items, values):
    """(values per second, values per CPU-second of the workers) over ``items``."""
    from actcheck.atlas.chunk import run_task

    list(place.imap(run_task, items[: place.workers]))  # each worker's first task: its reference set up
    before = place.client.run(cpu_seconds)
    start = time.perf_counter()
    for _ in place.imap(run_task, items):
        pass
    wall = time.perf_counter() - start
    after = place.client.run(cpu_seconds)
    cpu = sum(after[w] - before[w] for w in after if w in before)
    return values / wall, values / cpu


def cost(names):
    """Each activation's CPU time per task in this process (median of three tasks), and values/s per core."""
    import torch

    from actcheck.atlas import chunk
    from actcheck.atlas.points import range_span
    from actcheck.dtypes import get_dtype
    from actcheck.registry import ACTIVATIONS, lookup, resolve_params

    torch.set_num_threads(1)
    f32 = get_dtype("float32")
    names = names or [a.name for a in ACTIVATIONS.values() if a.kind == "elementwise"]
    where = "tasks at [1, 2), [-3, -2), [1e-20, 2e-20)"
    print(f"{'activation':<14} {'CPU s per task':>15} {'values/s per core':>18}  ({where})")
    for name in names:
        params = tuple(resolve_params(lookup(name), {}).items())
        spent = []
        for lo, hi in ((1.0, 2.0), (-3.0, -2.0), (1e-20, 2e-20)):
            spec = chunk.Spec(name, params, "float32", ("forward", "backward"), range_span(f32, lo, hi), True, 0, 0, 10)
            task = next(chunk.tasks(0, spec))
            if not spent:
                chunk.run_task(task)  # the reference's zeros found once
            start = time.process_time()
            chunk.run_task(task)
            spent.append(time.process_time() - start)
        each = statistics.median(spent)
        print(f"{name:<14} {each:15.3f} {chunk.TASK_EXHAUSTIVE / each / 1e6:16.1f} M  {[round(t, 3) for t in spent]}",
              flush=True)  # fmt: skip


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cost", action="store_true", help="CPU seconds per task per activation, one process")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--tasks", type=int, default=16, help="tasks of 2**20 values per measurement")
    ap.add_argument("names", nargs="*", default=list(CLASSES))
    args = ap.parse_args()
    if args.cost:
        return cost(args.names if args.names != list(CLASSES) else None)
    from actcheck.atlas import cluster

    places = {}
    for n in (1, 2):
        c = cluster.connect(n)
        c._ready.wait()
        places[n] = c.cluster
    try:
        print(f"{'activation (kernel)':<28} {'1 worker':>10} {'2 workers':>10} {'speed-up':>9}   values per CPU-s of a "
              "worker (1 | 2 workers); CPU the 2 workers got")  # fmt: skip
        for name in args.names:
            items, values = plan(name, args.tasks)
            rounds = [(rate(places[1], items, values), rate(places[2], items, values)) for _ in range(args.rounds)]
            one, two = (statistics.median(r[k][0] for r in rounds) for k in (0, 1))
            cpu1, cpu2 = (statistics.median(r[k][1] for r in rounds) for k in (0, 1))
            up = statistics.median(r[1][0] / r[0][0] for r in rounds)
            label = f"{name} ({CLASSES.get(name, '')})"
            print(f"{label:<28} {one / 1e6:6.1f} M/s {two / 1e6:6.1f} M/s {up:8.2f}x   "
                  f"{cpu1 / 1e6:.1f} | {cpu2 / 1e6:.1f} M; {two / cpu2:.2f} cores", flush=True)  # fmt: skip
    finally:
        for p in places.values():
            p.close()


if __name__ == "__main__":
    main()
