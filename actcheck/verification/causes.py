"""Sentences naming the cause of what a kernel got wrong: the slips people make in custom backward passes."""

import math
import re

import numpy as np

__all__ = ["cause", "measured_causes", "rule_causes", "fmt", "ranges", "SHOWN"]

SHOWN = {"forward": "forward", "backward": "backward", "vjp": "VJP", "jvp": "JVP", "second": "f''"}


def fmt(v):
    if v is None or not math.isfinite(v):
        return "inf" if v is not None else "—"
    return f"{v:.3g}" if v < 1e4 else f"{v:.2e}"


def ranges(x, hit, most=3):
    """'[a, b] (n inputs)' for the contiguous runs of ``hit`` along sorted x, the first ``most``."""
    idx = np.flatnonzero(hit)
    if not idx.size:
        return ""
    cut = np.flatnonzero(np.diff(idx) != 1)
    starts, ends = np.concatenate([[0], cut + 1]), np.concatenate([cut, [idx.size - 1]])
    parts = []
    for a, b in list(zip(starts, ends, strict=True))[:most]:
        lo, hi = x[idx[a]], x[idx[b]]
        parts.append(f"x = {lo:.4g}" if lo == hi else f"[{lo:.4g}, {hi:.4g}]")
    more = f" and {starts.size - most} more ranges" if starts.size > most else ""
    return ", ".join(parts) + more + f" ({idx.size} input{'s' * (idx.size != 1)})"


def rule_causes(kind, quantities, meas):
    """A derivative rule the code defines that is not the derivative of its own forward."""
    ok = {q: v["passed"] for q, v in quantities.items()}
    if kind == "custom_jvp" and ok.get("forward") and not (ok.get("jvp", True) and ok.get("backward", True)):
        return ["its custom_jvp rule is not the derivative of its forward: the forward is right, the JVP (and the "
                "VJP JAX transposes from it) is not"]  # fmt: skip
    if kind == "function" and "jvp" in quantities and ok.get("backward") and not ok.get("jvp"):
        return ["its jvp (forward mode) disagrees with its backward, which is right: jvp must return f'(x) * tangent"]
    return []


def cause(q, msg):
    """A sentence naming the slip behind an exception from the kernel."""
    m = re.search(r"incorrect number of gradients \(expected (\d+), got (\d+)\)", msg)
    if m:
        want, got = m.groups()
        grads, inputs = f"gradient{'s' * (got != '1')}", f"input{'s' * (want != '1')}"
        return (f"backward returns {got} {grads} where forward takes {want} {inputs}: return one per input of "
                "forward (None for one that needs no gradient)")  # fmt: skip
    if "its backward is not differentiable" in msg:
        return msg[msg.index("its backward") :] + " (--order 2)"
    if "modified by an inplace operation" in msg:
        return ("a tensor saved for backward was changed in place after it was saved (torch refuses the backward): "
                "save a copy, or compute out of place")  # fmt: skip
    return f"{SHOWN.get(q, q)}: {msg}"


def measured_causes(q, d, x, ey, ky, kb, facts, meas, dt):
    """Sentences naming the cause of what was measured for ``q`` in dtype ``d``."""
    out = []
    kb = kb if kb is not None else np.zeros_like(ky)
    bad_zero = (ky == 1) & (kb != 1)
    if q == "vjp" and facts["ignores"][1] and facts["ignores"][0] >= 0.9 * facts["ignores"][1]:
        out.append("backward ignores grad_output: it returns f'(x) whatever the upstream gradient "
                   "(return grad_output * f'(x))")  # fmt: skip
    if q == "backward" and bad_zero.any() and "output" in facts["saved"] and d in ("bfloat16", "float16"):
        out.append(f"backward forms f' from the saved output y, which is rounded to {d}: f' from it returns 0 "
                   f"on {ranges(x, bad_zero)} (save the input x, or y in float32, and form f' from that)")  # fmt: skip
    if q in ("forward", "backward") and d == "float64":
        fine = (ky == 0) & np.isfinite(ey) & (np.abs(x) >= 0.1) & (np.abs(x) <= 10)
        share = float(np.mean((ey[fine] >= 2.0**22) & (ey[fine] <= 2.0**34))) if fine.any() else 0.0
        if share >= 0.25:
            typical = float(np.median(ey[fine]))
            out.append(f"in float64 its {q} is off by {typical:.3g} ULP typically (one float32 ULP is 2^29 float64 "
                       "ULP): float32's precision, from a float32 constant or intermediate in the float64 kernel "
                       "(torch.tensor(c) is float32; .float())")  # fmt: skip
    for code_, ks, lo, hi in ((2, (1, 2, 3, 0.5), 0.97, 1.25), (1, (1,), 1.0, 1.05)):
        hit = (ky == code_) & (kb != code_) & (np.abs(x) > 5)
        if not hit.any():
            continue
        j = np.flatnonzero(hit)
        edge = abs(float(x[j[np.argmin(np.abs(x[j]))]]))
        for big in {d: float(dt.finfo().max), "float32": float(np.finfo(np.float32).max)}.items():
            limit = math.log(big[1])
            k = next((k for k in ks if lo <= edge * k / limit <= hi), None)
            if k is not None:
                arg = {1: "x", 2: "2x", 3: "3x", 0.5: "x/2"}[k]
                what = "inf or nan" if code_ == 2 else "0"
                out.append(f"{SHOWN[q]} overflows in exp: {what} from |x| = {edge:.4g} on, where exp({arg}) "
                           f"exceeds {big[0]}'s largest value (exp(x) > {big[1]:.3g} beyond x = {limit:.4g}); "
                           "use exp(-|x|) forms or torch's sigmoid/softplus")  # fmt: skip
                break
    return out
