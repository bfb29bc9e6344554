"""Pictures: f and f' with NumPy and torch overlaid, and their differences on a log scale."""

import io
import math

import numpy as np

__all__ = ["plot", "FORMATS"]

FORMATS = (".png", ".svg", ".pdf")
_N = 2001
# Okabe-Ito colours: distinct for colour-blind readers, dark enough on white
_NP, _TORCH, _DERIV, _DTORCH = "#0072B2", "#E69F00", "#009E73", "#CC79A7"


_HUGE = 1e300  # matplotlib's tick arithmetic overflows for axes beyond about 1e307: such axes are drawn scaled


def _span(act, lo_hi):
    from .grids import linspace

    lo, hi = lo_hi if lo_hi else act.span
    return linspace(lo, hi, _N)


def _scale(*arrays):
    """(divisor, label suffix): a power of ten that brings values beyond _HUGE within matplotlib's reach."""
    tops = [np.max(np.abs(a[np.isfinite(a)]), initial=0.0) for a in arrays]
    top = max(tops, default=0.0)
    if top <= _HUGE:
        return 1.0, ""
    k = math.floor(math.log10(top))
    return 10.0**k, f" / 1e{k}"


def _derivative(result):
    """(quantity, label) drawn as the derivative: f', or for a vector activation the VJP with a random upstream g
    (its Jacobian has no one f' per point; the VJP with ones is zero for softmax)."""
    return ("vjp", "VJP(g)") if "jacobian" in result.matrices else ("backward", "f'")


def _panel(ax_f, ax_err, result, act, compact):
    x = result.x.astype(np.float64)
    num, tor = result.numpy, result.torch
    dq, d = _derivative(result)
    curves = [a.astype(np.float64) for a in (num["forward"], tor["forward"], num[dq], tor[dq])]
    sx, x_unit = _scale(x)
    sy, y_unit = _scale(*curves)
    styles = [(_NP, 2.2, "-", "NumPy f"), (_TORCH, 1.2, "--", "torch f")]
    styles += [(_DERIV, 2.2, "-", f"NumPy {d}"), (_DTORCH, 1.2, "--", f"torch {d}")]
    for k, (y, (color, lw, ls, label)) in enumerate(zip(curves, styles, strict=True)):
        if k >= 2 and dq == "vjp":  # g is random per element: points, not a line through them
            ax_f.plot(x / sx, y / sy, ".", color=color, ms=3 if ls == "-" else 1.5, label=label)
        else:
            ax_f.plot(x / sx, y / sy, color=color, lw=lw, ls=ls, label=label)
    if y_unit:
        ax_f.set_ylabel(f"f, {d}{y_unit}", fontsize=9)
    for k in act.kinks(**result.params):
        if x[0] <= k <= x[-1]:
            for ax in (ax_f, ax_err) if ax_err is not None else (ax_f,):
                ax.axvline(k / sx, color="0.5", lw=0.8, ls=":")
    errs = result.max_abs_error
    params = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in result.params.items())
    title = f"{act.name}({params}) · {result.dtype}"
    if compact:
        title += f"\nmax |Δ| {max(errs['forward'], errs[dq]):.1e}"
    else:
        title += f"\nmax |Δf| {errs['forward']:.1e} · max |Δ{d}| {errs[dq]:.1e}"
    if dq == "vjp":
        title += "\nVJP(g) = gᵀJ, g a seeded random upstream"
    ax_f.set_title(title, fontsize=9 if compact else 11)
    ax_f.grid(True, color="0.85", lw=0.6)
    if ax_err is None:
        if x_unit:
            ax_f.set_xlabel(f"x{x_unit}", fontsize=8)
        return
    shown = False
    for key, color, label in (("forward", _NP, "|Δf|"), (dq, _DERIV, f"|Δ{d}|")):
        err = result.comparisons[key].err
        nz = np.isfinite(err) & (err > 0)  # exact agreement has no place on a log scale
        if nz.any():
            ax_err.semilogy(x[nz] / sx, err[nz], ".", color=color, ms=2.5, alpha=0.6, label=label)
            shown = True
    if not shown:
        ax_err.text(0.5, 0.5, "NumPy and torch agree exactly", ha="center", va="center", transform=ax_err.transAxes)
    ax_err.set_ylabel("|NumPy − torch| (0 not shown)", fontsize=9)
    ax_err.set_xlabel(f"x{x_unit}")
    ax_err.grid(True, color="0.85", lw=0.6)
    if shown:
        ax_err.legend(loc="upper right", fontsize=8, frameon=True, markerscale=4)


def plot(results_and_acts, path_suffix, compact=False):
    """Render (Result, Activation) pairs to image bytes in the format named by ``path_suffix``."""
    import os

    os.environ["MPLBACKEND"] = "Agg"  # drawn to a file: a backend the environment names (bogus or not) is not used
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(results_and_acts)
    with plt.style.context("default"):
        if compact:
            cols = min(4, n)
            rows = -(-n // cols)
            fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 3.0 * rows), squeeze=False)
            for ax, (r, act) in zip(axes.flat, results_and_acts, strict=False):
                _panel(ax, None, r, act, compact=True)
            for ax in list(axes.flat)[n:]:
                ax.set_visible(False)
            axes[0][0].legend(loc="best", fontsize=7)
        else:
            fig, axes = plt.subplots(
                2, n, figsize=(5.5 * n, 6.5), squeeze=False, gridspec_kw={"height_ratios": [3, 2]}, sharex="col"
            )
            for i, (r, act) in enumerate(results_and_acts):
                _panel(axes[0][i], axes[1][i], r, act, compact=False)
            axes[0][0].legend(loc="best", fontsize=8)
        fig.patch.set_facecolor("white")  # opaque: readable in a dark viewer too
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format=path_suffix.lstrip("."), dpi=120, facecolor="white")
        plt.close(fig)
    return buf.getvalue()


def grid_for(act, params, lo_hi=None):
    """The x values a plot of ``act`` uses."""
    x = _span(act, lo_hi)
    x = np.unique(np.concatenate([x, [k for k in act.kinks(**params) if x[0] <= k <= x[-1]]]))
    if act.name == "glu":  # it halves its input into [a, b]: with a = b, its output a·sigmoid(b) is a curve in x
        x = np.concatenate([x, x])
    return x
