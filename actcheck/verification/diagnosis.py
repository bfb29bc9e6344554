"""Name the slip: turn a failing comparison of a user's activation into a sentence they can act on.

Each rule looks at the points (x), the user's values and the reference's, and returns a
sentence or None; ``diagnose`` returns every sentence that applies, most specific first.
"""

import numpy as np

__all__ = ["Evidence", "diagnose", "overflow_boundary"]


class Evidence:
    """What a pair produced at points x: forward, derivative with dA = 1, VJP with a random dA."""

    def __init__(
        self, x, fwd, fwd_ref, d, d_ref, vjp, vjp_ref, upstream, kinks=(), d_at_output=None, ref_name="torch", act=None,
        tol=(1e-7, 1e-7),
    ):  # fmt: skip
        self.x = np.asarray(x, dtype=np.float64)
        self.fwd, self.fwd_ref = _f(fwd), _f(fwd_ref)
        self.d, self.d_ref = _f(d), _f(d_ref)
        self.vjp, self.vjp_ref = _f(vjp), _f(vjp_ref)
        self.upstream = _f(upstream)
        self.kinks = np.asarray(kinks, dtype=np.float64)
        self.d_at_output = _f(d_at_output)  # the reference derivative evaluated at f(x)
        self.ref = ref_name
        self.act = act  # the known activation's name, or None
        self.tol = tol  # (rtol, atol) the pair was judged with: a point within them is not a slip


def _f(a):
    return None if a is None else np.asarray(a, dtype=np.float64)


def _close(a, b, rtol=1e-6, atol=1e-9):
    with np.errstate(all="ignore"):
        return (a == b) | (np.isnan(a) & np.isnan(b)) | (np.abs(a - b) <= atol + rtol * np.abs(b))


def _bad(a, b, tol):
    return ~_close(a, b, *tol)


def _num(v):
    return f"{v:.6g}"


def _two(a, b):
    """Two values with the digits that tell them apart (10507 and 10507.0099, not 10507 twice)."""
    for digits in (6, 9, 12, 17):
        sa, sb = f"{a:.{digits}g}", f"{b:.{digits}g}"
        if sa != sb or a == b or (a != a and b != b):
            break
    return sa, sb


def overflow_boundary(fn, x_ok, x_bad, rounds=12, n=33):
    """The boundary between a point where ``fn`` is finite and one where it is not, narrowed by evaluating
    ``fn`` at ``n`` points at once ``rounds`` times (32^12 narrows any float64 interval to its last bits)."""
    lo, hi = float(x_ok), float(x_bad)
    with np.errstate(all="ignore"):
        for _ in range(rounds):
            grid = np.linspace(lo, hi, n)
            try:
                finite = np.isfinite(np.asarray(fn(grid), dtype=np.float64))
            except Exception:
                break
            bad = np.flatnonzero(~finite)
            if bad.size == 0 or bad[0] == 0:
                break
            lo, hi = grid[bad[0] - 1], grid[bad[0]]
            if lo == hi or np.nextafter(lo, hi) == hi:
                break
    return lo


def _non_finite(e, what, vals, ref, fn, sources):
    bad = ~np.isfinite(vals) & np.isfinite(ref)
    if not bad.any():
        return None
    xs = e.x[bad]
    side = "<" if (xs < 0).all() else ">" if (xs > 0).all() else None
    if side is None:
        return f"{what} gives inf/nan at {bad.sum()} points where the reference is finite (x = {_num(xs[0])} …)"
    finite = ~bad & np.isfinite(vals)
    ok = e.x[finite]
    ok = ok[ok < xs.min()] if side == ">" else ok[ok > xs.max()]
    if not _right_before(e.x, finite, vals, ref, ok, side):
        return None  # wrong where it is finite too: the formula, not an overflow
    edge = xs.min() if side == ">" else xs.max()
    if fn is not None and ok.size:
        near = ok.max() if side == ">" else ok.min()
        edge = overflow_boundary(fn, near, edge)
    source = f" ({sources})" if sources else ""
    return f"{what} overflows for x {side} {edge:.6g}{source}"


def _right_before(x, finite, vals, ref, ok, side, n=5):
    """Are the values at the ``n`` finite points nearest the overflow right?"""
    if not ok.size:
        return True
    near = np.sort(ok)[-n:] if side == ">" else np.sort(ok)[:n]
    at = np.isin(x, near) & finite
    return bool(_close(vals[at], ref[at], rtol=1e-7, atol=1e-7).all())


# what a forward computes when its parentheses are left out, per activation: (value, as written, as meant)
_PRECEDENCE = {
    "sigmoid": (lambda x: 1 + np.exp(-x), "1 + e^-x", "1/(1+e^-x)"),
    "silu": (lambda x: x + np.exp(-x), "x + e^-x", "x/(1+e^-x)"),
    "softsign": (lambda x: x + np.abs(x), "x + |x|", "x/(1+|x|)"),
}


def _missing_parentheses(e, vals, ref, what):
    if what != "forward" or e.act not in _PRECEDENCE:
        return None
    slip, written, meant = _PRECEDENCE[e.act]
    with np.errstate(all="ignore"):
        expected = slip(e.x)
    use = np.isfinite(expected) & np.isfinite(vals)
    if use.sum() < 3 or not _close(vals[use], expected[use], rtol=1e-9, atol=1e-12).all():
        return None
    return f"forward is {written}: parentheses missing, {meant} was meant"


# other definitions that go by the same name: (value, what it is, torch's definition)
_OTHER_DEFINITIONS = {
    "hardsigmoid": (lambda x: np.clip(0.2 * x + 0.5, 0.0, 1.0), "Keras's hard_sigmoid, clip(0.2x + 0.5, 0, 1)",
                    "clip(x/6 + 1/2, 0, 1)"),
    "threshold": (lambda x: (x > 0) * 1.0, "a step (a perceptron's threshold): 1 for x > 0, else 0",
                  "x where x > threshold, else value"),
}  # fmt: skip


def _another_definition(e, vals, ref, what):
    if what != "forward" or e.act not in _OTHER_DEFINITIONS:
        return None
    form, written, torch_form = _OTHER_DEFINITIONS[e.act]
    if not _close(vals, form(e.x), rtol=1e-9, atol=1e-12).all():
        return None
    return (
        f"forward is {written}: another definition under the same name (torch's {e.act} is {torch_form}); "
        "give it another name to have it checked by finite differences of its own forward"
    )


def _ignores_upstream(e):
    if e.vjp is None or e.d is None:
        return None
    ones_ok = ~_bad(e.d, e.d_ref, e.tol)
    vjp_bad = _bad(e.vjp, e.vjp_ref, e.tol)
    if not ones_ok.all() or not vjp_bad.any():
        return None
    if _close(e.vjp, e.d_ref).all():
        return "backward ignores the upstream gradient (right with dA = 1, wrong otherwise): multiply by dA"
    where = _side_of(e.x, vjp_bad)
    const = np.unique(np.round(e.vjp[vjp_bad], 12))
    if const.size == 1:
        return (
            f"backward is right with dA = 1 but wrong otherwise{where}: it sets the gradient to "
            f"{_num(const[0])} instead of scaling dA by it"
        )
    return f"backward is right with dA = 1 but wrong otherwise{where}: the upstream gradient is not applied"


def _side_of(x, bad):
    for side, test in ((" for x <= 0", x <= 0), (" for x >= 0", x >= 0)):
        if test[bad].all():
            return side.replace("=", "") if not (x[bad] == 0).any() else side
    return ""


def _only_at_kinks(e, vals, ref, what):
    bad = _bad(vals, ref, e.tol)
    if not bad.any() or not e.kinks.size or not np.isin(e.x[bad], e.kinks).all():
        return None
    name = "f'" if what == "backward" else "f"
    said = []
    for k in dict.fromkeys(e.x[bad].tolist()):  # each kink that differs, in the order of the points
        i = int(np.flatnonzero(bad & (e.x == k))[0])
        yours, theirs = _two(vals[i], ref[i])
        said.append(f"your {name}({_num(k)}) = {yours}, {e.ref} uses {theirs}")
    where = "the kink x = " + _num(e.x[np.flatnonzero(bad)[0]]) if len(said) == 1 else "the kinks"
    return f"mismatch only at {where}: {'; '.join(said)}"


def _all_zero(e, vals, ref, what):
    if what != "backward" or not np.all(vals[np.isfinite(vals)] == 0) or np.all(ref == 0):
        return None
    if e.act == "sigmoid":  # s * (1 - s) written s * 1 - s
        return "backward returns 0 everywhere: an operator-precedence slip? (s * 1 - s is 0; s * (1 - s) was meant)"
    return "backward returns 0 everywhere"


def _constant(e, vals, ref, what):
    finite = vals[np.isfinite(vals)]
    if finite.size < 3 or finite.size < vals.size or np.any(finite != finite[0]) or np.all(ref == finite[0]):
        return None
    return (
        f"{what} returns {_num(finite[0])} for every input: an if on the whole array (if x.any() < 0, "
        "if x > 0 on an array) where an elementwise np.where was meant?"
    )


def _constant_factor(e, vals, ref, what):
    use = np.isfinite(vals) & np.isfinite(ref) & (np.abs(ref) > 1e-6)
    if use.sum() < 3:
        return None
    ratio = vals[use] / ref[use]
    c = np.median(ratio)
    if c == 0 or abs(c - 1) < 1e-6 or not np.allclose(ratio, c, rtol=1e-6, atol=0):
        return None  # a factor of 0 is no factor: the code returns 0 there
    return f"{what} is off by a constant factor {c:.6g}"


def _at_output(e, vals, ref, what):
    if what != "backward" or e.d_at_output is None:
        return None
    use = np.isfinite(vals) & np.isfinite(e.d_at_output)
    if use.sum() < 3 or not _close(vals[use], e.d_at_output[use], rtol=1e-6, atol=1e-12).all():
        return None
    return (
        "backward of the output, not the input: it evaluates f' at f(x); evaluate it at x (or use the output formula)"
    )


def _missing_square(e, vals, ref, what):
    if what != "backward" or e.fwd_ref is None:
        return None
    y = e.fwd_ref
    use = np.isfinite(vals)
    if _close(ref, 1 - y * y).all() and _close(vals[use], (1 - y)[use]).all():
        return "backward is 1 - f(x): the square is missing (f'(x) = 1 - f(x)**2)"
    return None


def _one_side(e, vals, ref, what):
    bad = _bad(vals, ref, e.tol)
    if not bad.any():
        return None
    side = _side_of(e.x, bad)
    if not side:
        return None
    yours, theirs = np.unique(vals[bad]), np.unique(ref[bad])
    if yours.size == 1 and theirs.size == 1:
        a, b = _two(yours[0], theirs[0])
        return f"{what} wrong only{side}: yours is {a} there, {e.ref} {b}"
    return f"{what} wrong only{side}"


def _worst(e, vals, ref, what):
    bad = _bad(vals, ref, e.tol)
    if not bad.any():
        return None
    with np.errstate(all="ignore"):
        err = np.nan_to_num(np.abs(vals - ref), nan=np.inf)
    i = int(np.argmax(np.where(bad, err, -1)))
    a, b = _two(vals[i], ref[i])
    return f"{what} differs at {bad.sum()} of {bad.size} points; worst at x = {_num(e.x[i])}: yours {a}, {e.ref} {b}"


_RULES = (_only_at_kinks, _all_zero, _constant, _missing_square, _at_output, _constant_factor, _one_side)


def diagnose(e, forward_fn=None, backward_fn=None, warned=None):
    """Sentences naming what is wrong (empty when nothing is); ``warned`` names the numpy functions that warned,
    per side ({"forward": {"np.exp"}, "backward": ...})."""
    out = []
    for what, vals, ref, fn in (("forward", e.fwd, e.fwd_ref, forward_fn), ("backward", e.d, e.d_ref, backward_fn)):
        source = ", ".join(sorted(w for w in (warned or {}).get(what, ()) if w.startswith("np.")))
        if vals is None or ref is None:
            continue
        slip = _missing_parentheses(e, vals, ref, what) or _another_definition(e, vals, ref, what)
        if slip:
            out.append(slip)
            continue
        overflow = _non_finite(e, what, vals, ref, fn, source)
        if overflow:
            out.append(overflow)
            continue
        if not _bad(vals, ref, e.tol).any():
            continue
        found = next((s for rule in _RULES if (s := rule(e, vals, ref, what))), None)
        if found:
            out.append(found)
        elif (w := _worst(e, vals, ref, what)) is not None:
            out.append(w)
    upstream = _ignores_upstream(e)
    if upstream:
        out.append(upstream)
    return out
