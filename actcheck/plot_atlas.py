"""Pictures of the accuracy atlas: ULP error against x, one panel per dtype (a row per activation).

Each line is one quantity and implementation: the largest error in each of the atlas's
slices of x (a thousand even slices of the ordinals, so about even in log |x|). The x axis
is logarithmic (symmetric about 0 where the range spans it), the error axis logarithmic
with errors below 2**-10 ULP drawn on its floor.
"""

import io

import numpy as np

__all__ = ["plot", "FORMATS"]

FORMATS = (".png", ".svg", ".pdf")
_FLOOR = 2.0**-10
# Okabe-Ito colours: distinct for colour-blind readers, dark enough on white
_STYLE = {
    "numpy": ("#0072B2", "-"),
    "torch": ("#E69F00", "-"),
    "torch_forward_ad": ("#CC79A7", ":"),
}
_MARK = {"forward": "o", "backward": "s", "second": "^"}
_QUANTITY = {"forward": "f", "backward": "f′", "second": "f″"}
_IMPL = {"numpy": "NumPy", "torch": "torch", "torch_forward_ad": "fwd-AD"}


def _series(result):
    """(x, max ULP) of the non-empty slices, in order along x."""
    t = result.tally
    keep = t.peak >= 0
    return t.where[keep], np.maximum(t.peak[keep], _FLOOR)


def _axes_scale(ax, xs, tiny):
    """Log x where all points share a sign and span decades; symmetric log where they span 0."""
    xs = xs[np.isfinite(xs)]
    if xs.size == 0:
        return
    lo, hi = xs.min(), xs.max()
    if lo < 0 < hi or lo == 0 or hi == 0:
        small = np.abs(xs[xs != 0]).min() if np.any(xs != 0) else tiny
        ax.set_xscale("symlog", linthresh=max(small, 1e-300))
        _decade_ticks(ax, max(small, 1e-300), max(abs(lo), abs(hi)))
    elif lo > 0 and hi / lo > 100:
        ax.set_xscale("log")
    elif hi < 0 and lo / hi > 100:
        ax.set_xscale("symlog", linthresh=abs(hi) / 2)


def _decade_ticks(ax, small, big):
    """A few signed decades (and 0) as ticks on a symmetric log axis from ``small`` to ``big``."""
    d0, d1 = int(np.floor(np.log10(small))), int(np.ceil(np.log10(big)))
    step = max(1, -(-(d1 - d0) // 4))
    decades = list(range(d1, d0 - 1, -step))
    ticks = [-(10.0**d) for d in decades] + [0.0] + [10.0**d for d in reversed(decades)]
    ax.set_xticks(ticks, [f"{t:.0e}".replace("e+0", "e").replace("e+", "e").replace("e-0", "e-") for t in ticks])
    ax.tick_params(axis="x", labelsize=7, labelrotation=45)


def _panel(ax, results, dtype):
    xs = []
    for r in results:
        x, y = _series(r)
        if x.size == 0:
            continue
        color, ls = _STYLE[r.implementation]
        label = f"{_IMPL[r.implementation]} {_QUANTITY[r.quantity]}"
        ax.plot(x, y, ls=ls, marker=_MARK[r.quantity], ms=2.5, lw=1.0, color=color, label=label, alpha=0.85)
        xs.append(x)
    from .dtypes import get_dtype

    _axes_scale(ax, np.concatenate(xs) if xs else np.empty(0), float(get_dtype(dtype).finfo().tiny))
    ax.set_yscale("log", base=2)
    for level in (0.5, 1.0):
        ax.axhline(level, color="0.6", lw=0.7, ls="--")
    ax.grid(True, color="0.88", lw=0.6)
    ax.set_xlabel("x")
    ax.set_ylabel("max ULP error (floor 2⁻¹⁰)")
    if xs:
        ax.legend(loc="upper left", fontsize=7, frameon=True, ncols=2)


def plot(atlas, suffix):
    """The atlas as image bytes in the format named by ``suffix``: rows of activations, a panel per dtype."""
    import os

    os.environ["MPLBACKEND"] = "Agg"  # drawn to a file: a backend the environment names (bogus or not) is not used
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(dict.fromkeys(r.activation for r in atlas.results))
    dtypes = list(dict.fromkeys(r.dtype for r in atlas.results))
    with plt.style.context("default"):
        fig, axes = plt.subplots(len(names), len(dtypes), figsize=(5.2 * len(dtypes), 3.6 * len(names)), squeeze=False)
        for i, name in enumerate(names):
            for j, dtype in enumerate(dtypes):
                rows = [r for r in atlas.results if r.activation == name and r.dtype == dtype]
                _panel(axes[i][j], rows, dtype)
                every = rows and rows[0].exhaustive
                axes[i][j].set_title(f"{name} · {dtype} · {'every value' if every else 'sampled'}", fontsize=10)
        fig.patch.set_facecolor("white")
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format=suffix.lstrip("."), dpi=110, facecolor="white")
        plt.close(fig)
    return buf.getvalue()
