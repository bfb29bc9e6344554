"""The sweep's throughput on a LocalCluster of 1 and of 2 workers, its start left out.

For each activation, the same float32 tasks (every value of [1, 2**k), f and f', all three
implementations) run on a LocalCluster of each size, alternately; each figure is the median over
rounds of values measured per second, once the cluster is up and each worker has done one task
(its reference's zeros found). Prints values/s per worker (a worker is a core) and the speed-up.

    python bench/scaling.py [--rounds N] [--tasks T] [NAME ...]
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


def rate(place, items, values):
    from actcheck.atlas.chunk import run_task

    list(place.imap(run_task, items[: place.workers]))  # each worker's first task: its reference set up
    start = time.perf_counter()
    for _ in place.imap(run_task, items):
        pass
    return values / (time.perf_counter() - start)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--tasks", type=int, default=16, help="tasks of 2**20 values per measurement")
    ap.add_argument("names", nargs="*", default=list(CLASSES))
    args = ap.parse_args()
    from actcheck.atlas import cluster

    places = {}
    for n in (1, 2):
        c = cluster.connect(n)
        c._ready.wait()
        places[n] = c.cluster
    try:
        print(f"{'activation (kernel)':<32} {'1 worker':>14} {'2 workers':>14} {'speed-up':>9}  values/s/core")
        for name in args.names:
            items, values = plan(name, args.tasks)
            rounds = [(rate(places[1], items, values), rate(places[2], items, values)) for _ in range(args.rounds)]
            one = statistics.median(r[0] for r in rounds)
            two = statistics.median(r[1] for r in rounds)
            up = statistics.median(r[1] / r[0] for r in rounds)
            label = f"{name} ({CLASSES.get(name, '')})"
            print(f"{label:<32} {one / 1e6:11.1f} M/s {two / 1e6:11.1f} M/s {up:8.2f}x  {one / 1e6:.1f} M", flush=True)
    finally:
        for p in places.values():
            p.close()


if __name__ == "__main__":
    main()
