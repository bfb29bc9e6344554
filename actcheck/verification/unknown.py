"""torch or JAX code that is no known activation: its derivative judged by finite differences of its own forward.

In float64 the backward (and the VJP) must agree with a Richardson-extrapolated central
difference of the code's own float64 forward (a step per point, 1e-3 * max(1, |x|)); where the
one-sided differences disagree there is a kink, located and left out. In each lower dtype the
code runs in, its backward is measured in ULP against that float64 derivative rounded once to
the dtype, and its forward against its own float64 forward rounded once: nothing checks the
forward itself, and the result says so.
"""

import numpy as np

from .outcome import PairResult

__all__ = ["judge_unknown", "FD_RTOL"]

FD_RTOL = 1e-6  # float64: |backward - finite difference| <= FD_RTOL * (1 + |finite difference|)
_GRID = np.unique(np.concatenate([np.linspace(-10.0, 10.0, 401), [-100.0, -50.0, -20.0, 20.0, 50.0, 100.0]]))


def _forward(code, kid, dtype, x):
    reply = code.kernel(kid, dtype, x, np.ones_like(x))
    return np.asarray(reply["values"]["forward"], dtype=np.float64) if "forward" in reply["values"] else None


def derivative(code, kid, x):
    """(Richardson central difference of the code's float64 forward at x, where it has a kink), or None."""
    h = 1e-3 * np.maximum(1.0, np.abs(x))
    pts = np.concatenate([x + h, x - h, x + h / 2, x - h / 2, x])
    f = _forward(code, kid, "float64", pts)
    if f is None:
        return None, None
    fp, fm, fp2, fm2, f0 = np.split(f, 5)
    with np.errstate(all="ignore"):
        d1, d2 = (fp - fm) / (2 * h), (fp2 - fm2) / h
        rich = (4 * d2 - d1) / 3
        right, left = (fp2 - f0) / (h / 2), (f0 - fm2) / (h / 2)
        kink = np.abs(right - left) > 1e-2 * (1 + np.abs(rich))
    return rich, kink


def judge_unknown(code, k, kind, dtypes, ulp, notes):
    """The PairResult of a kernel that matches no activation, judged by finite differences of its own forward."""
    from ..dtypes import get_dtype

    rows, diagnosis = [], []
    x = _GRID
    ref, kink = derivative(code, k["id"], x)
    if ref is None:
        return None  # no float64 forward: nothing to take differences of
    if kink.any():
        notes.append(f"kinks located at x = {', '.join(f'{v:.4g}' for v in x[kink][:5])}: left out")
    outside = ~np.isfinite(ref) & ~kink
    if outside.any():  # a log at x < 0: no derivative to judge where the forward itself is not finite
        notes.append(f"{int(outside.sum())} inputs where your float64 forward is not finite (from x = "
                     f"{x[outside][0]:.4g}): outside its domain, left out")  # fmt: skip
    x, ref = x[~kink & ~outside], ref[~kink & ~outside]
    f64 = None
    for d in dtypes:
        dt = get_dtype(d)
        xd = x if d == "float64" else _rounded(x, dt)
        u = np.where(np.arange(xd.size) % 2, 0.75, -1.5)  # exact in every dtype
        reply = code.kernel(k["id"], d, xd, u)
        vals = reply["values"]
        if "forward" not in vals:
            notes.append(f"does not run in {d}: not checked in it")
            continue
        refd, _ = (ref, None) if d == "float64" else derivative(code, k["id"], xd)
        row = _row(d, dt, xd, u, vals, refd, reply["errors"], ulp)
        if d == "float64":
            f64 = np.asarray(vals["forward"])
        elif f64 is not None:
            _forward_row(row, dt, xd, vals, code, k, ulp)
        rows.append(row)
        diagnosis.append(row["summary"])
    if not rows:
        return None
    result = PairResult(k["name"], kind, "finite_difference", all(r["passed"] for r in rows), {}, diagnosis, notes,
                        lines={"forward": k["line"]} if k.get("line") else {}, framework=k.get("framework", "torch"),
                        forward_compared=False)  # fmt: skip
    result.precision = rows
    return result


def _fmt(v):
    return "inf" if not np.isfinite(v) else f"{v:.3g}"


def _rounded(x, dt):
    from ..dtypes import round_to

    return np.unique(round_to(x, dt).astype(np.float64))


def _row(d, dt, x, u, vals, ref, errors, ulp):
    """One dtype: the backward and VJP against the finite-difference derivative (rounded once below float64)."""
    from ..atlas.measure import inverse_ulp

    row = {"dtype": d, "n_points": int(x.size), "passed": not errors, "quantities": {}}
    parts = [f"{q}: {m}" for q, m in errors.items() if q in ("backward", "vjp")]
    for q, want in (("backward", ref), ("vjp", None if ref is None else u * ref)):
        got = vals.get(q)
        if got is None or want is None:
            continue
        got = np.asarray(got, dtype=np.float64)
        inside = np.isfinite(want)  # a rounded input can fall outside the forward's domain too
        got, want, xs = got[inside], want[inside], x[inside]
        with np.errstate(all="ignore"):
            if d == "float64":
                bad = ~(np.abs(got - want) <= FD_RTOL * (1 + np.abs(want)))
                worst = float(np.nanmax(np.abs(got - want) / (1 + np.abs(want))))
                entry = {"max_rel_error": worst, "tolerance": FD_RTOL, "beyond": int(bad.sum())}
            else:
                err = np.abs(got - want) * inverse_ulp(want, dt)
                tol = 2.0 if ulp is None else ulp
                bad = ~(err <= tol + 0.5)  # + the finite difference's own rounding to the dtype
                entry = {"max_ulp": float(np.nanmax(err)), "tolerance_ulp": tol + 0.5, "beyond": int(bad.sum())}
        row["quantities"][q] = entry
        if bad.any():
            row["passed"] = False
            j = np.flatnonzero(bad)[0]
            parts.append(f"{q} off at {int(bad.sum())} inputs (first x = {xs[j]:.6g}: yours {got[j]:.6g}, finite "
                         f"differences {want[j]:.6g})")  # fmt: skip
    rule = (f"within {FD_RTOL:g} (1 + |f'|) of finite differences" if d == "float64"
            else f"within {row['quantities'].get('backward', {}).get('tolerance_ulp', 2.5):g} ULP of the float64 "
            "derivative of its own forward, rounded once")  # fmt: skip
    said = [f"{q} within {_fmt(v)}" for q, e in row["quantities"].items() for v in [e.get("max_ulp")] if v is not None]
    said = [f"; {', '.join(said)} ULP"] if said else []
    row["summary"] = f"{d} ({x.size} inputs): {'PASS' if row['passed'] else 'FAIL'}" + (
        " — " + "; ".join(parts) if parts else "") + "".join(said) + f"; rule {rule}"  # fmt: skip
    return row


def _forward_row(row, dt, x, vals, code, k, ulp):
    """The low-precision forward against the code's own float64 forward, rounded once."""
    from ..atlas.measure import inverse_ulp

    mine = _forward(code, k["id"], "float64", x)
    if mine is None:
        return
    want = _rounded_values(mine, dt)
    got = np.asarray(vals["forward"], dtype=np.float64)
    with np.errstate(all="ignore"):
        err = np.abs(got - mine) * inverse_ulp(mine, dt)
    tol = 2.0 if ulp is None else ulp
    bad = ~(err <= tol) & ~(got == want)
    row["quantities"]["forward"] = {"max_ulp": float(np.nanmax(err)), "tolerance_ulp": tol, "beyond": int(bad.sum())}
    if bad.any():
        row["passed"] = False
        row["summary"] = row["summary"].replace(": PASS", ": FAIL", 1) + (
            f"; forward off its own float64 forward at {int(bad.sum())} inputs"
        )


def _rounded_values(v, dt):
    from ..dtypes import round_to

    return round_to(v, dt).astype(np.float64)
