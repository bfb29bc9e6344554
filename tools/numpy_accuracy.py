"""Regenerate the float64 accuracy table of docs/comparison.md ("Accuracy of the NumPy side").

    .venv/bin/python tools/numpy_accuracy.py > /tmp/table.md   # ~10 min on one core

The largest float64 error in ULP of the registry's NumPy f, f' and f'' for each smooth
activation, against the independent reference (tests/reference.py, written from the
mathematics), over a seeded sample of the line: 1,500 log-uniform magnitudes from 1e-310 to
1e300 of each sign, 1,500 points in [-40, 40] and 750 in [-800, 800] (times 1/beta or alpha),
250 within 0.3 of each zero of f' and f'' away from 0, the places earlier versions were worst
(tests/test_accuracy.py's NAMED) and ±inf. Relative error everywhere, beside the zeros too;
f'' results below float64's normal range are left out (their ULP is absolute).
"""

import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
import reference as R  # noqa: E402  (the independent reference, not the code under test)

import actcheck.registry as acts  # noqa: E402

# (label, [(name, params), ...]): one table row, its variants' worst taken together or shown "a / b"
ROWS = [
    ("silu", [("silu", {})]),
    ("mish", [("mish", {})]),
    ("gelu", [("gelu", {})]),
    ("gelu tanh", [("gelu", {"approximate": "tanh"})]),
    ("softplus β = 0.3 / 3", [("softplus", {"beta": 0.3}), ("softplus", {"beta": 3.0})]),
    ("celu α = 0.3 / 3", [("celu", {"alpha": 0.3}), ("celu", {"alpha": 3.0})]),
    ("elu α = 0.3 / 3, selu", [("elu", {"alpha": 0.3}), ("elu", {"alpha": 3.0}), ("selu", {})]),
    (
        "sigmoid, tanh, softsign, logsigmoid, tanhshrink",
        [(n, {}) for n in ("sigmoid", "tanh", "softsign", "logsigmoid", "tanhshrink")],
    ),
]
SLASHED = {"softplus β = 0.3 / 3", "celu α = 0.3 / 3"}  # shown per variant; the others as "≤ worst"
BEFORE = {
    "silu": "f′ 5.5 at −29.73; silu(−1e300) = −3.7e−48, 7e275 ULP; f′ 7.4 at −1.244, f″ 437 at ±2.40 (zeros)",
    "mish": "f′ 7.0 at −4.83; f′ 4.9 at −1.137, f″ 5,460 at 1.49 (zeros)",
    "gelu": "f″ 440 at 37.77 (subnormal φ times x²)",
    "gelu tanh": "f′ 6.35 at −1.57; f″ 2,210 at 21.2; f′ 4.9 at −0.721, f″ 5.4e4 at ±1.42 (zeros)",
    "softplus β = 0.3 / 3": "f 219–506 (βx rounded)",
    "celu α = 0.3 / 3": "f′ 366 / 653 (x/α rounded)",
    "elu α = 0.3 / 3, selu": "selu f 2.1",
    "sigmoid, tanh, softsign, logsigmoid, tanhshrink": "unchanged",
}


def _named():
    from test_accuracy import NAMED

    return NAMED


def _zeros(act, p, n):
    g = np.linspace(-8.0, 8.0, 16001)
    with np.errstate(all="ignore"):
        s = np.sign((act.derivative if n == 1 else act.second)(g, **p))
    i = np.flatnonzero(s[:-1] * s[1:] < 0)
    z = (g[i] + g[i + 1]) / 2
    return z[np.abs(z) > 1e-3]


def sample(name, p, seed=13):
    """The points measured for one variant."""
    act = acts.ACTIVATIONS[name]
    rng = np.random.default_rng(seed)
    scale = 1 / p["beta"] if name == "softplus" else (p["alpha"] if name == "celu" else 1.0)
    mags = np.exp(rng.uniform(math.log(1e-310), math.log(1e300), 1500))
    beside = [z + rng.uniform(-0.3, 0.3, 250) for n in (1, 2) for z in _zeros(act, p, n)]
    parts = [mags, -mags, rng.uniform(-40, 40, 1500) * scale, rng.uniform(-800, 800, 750) * scale, *beside]
    return np.concatenate([*parts, _named(), [np.inf, -np.inf]])


def worst(name, params):
    """(f, f', f'') largest ULP errors of one variant."""
    act = acts.ACTIVATIONS[name]
    p = acts.resolve_params(act, params)
    xs = sample(name, p)
    out = []
    for n, fn in enumerate((act.forward, act.derivative, act.second)):
        with np.errstate(all="ignore"):
            got = fn(xs.copy(), **p)
        errs = []
        for x, g in zip(xs, got, strict=True):
            e = R.exact(name, float(x), n, verify=False, **p)
            if e is None or (n == 2 and R.mp.isfinite(e) and 0 < abs(e) < 2.0**-1022):
                continue
            errs.append(R.ulp_error(g, e, "float64"))
        out.append(max(errs))
    return out


def main():
    print("| activation | f | f′ | f″ | before these forms |")
    print("|---|---|---|---|---|")
    for label, variants in ROWS:
        cols = list(zip(*(worst(n, p) for n, p in variants), strict=True))
        if label in SLASHED:
            cells = [" / ".join(f"{v:.2f}" for v in c) for c in cols]
        else:
            cells = [f"{c[0]:.2f}" if len(c) == 1 else f"≤ {max(c):.2f}" for c in cols]
        print(f"| {label} | {' | '.join(cells)} | {BEFORE[label]} |", flush=True)


if __name__ == "__main__":
    main()
