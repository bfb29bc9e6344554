"""The engine: evaluate NumPy and torch at the same points in the same dtype, and compare.

Nothing here prints. ``check`` returns a Result; the CLI renders it.

How points compare: a point passes a comparison when |numpy - reference| <= atol +
rtol*|reference|; nan equals nan and an infinity equals the same infinity. At x = nan
only the forward is compared (it must be nan): there is no derivative there, and
torch's answer depends on its code path. At x = +-inf torch is evaluated one
element at a time and NumPy gives the mathematical limit.
"""

import warnings
from dataclasses import dataclass, field

import numpy as np

from .activations import lookup, resolve_params
from .dtypes import get_dtype, tolerances
from .errors import InputError

__all__ = ["Comparison", "Result", "check", "close", "UPSTREAM_SEED", "FD_RTOL", "FD_ATOL"]

UPSTREAM_SEED = 20240824
# A finite difference is good to ~1e-9 relative; the NumPy derivative it checks is in the dtype.
FD_RTOL = 1e-6
FD_ATOL = 1e-8


def close(a, b, rtol, atol):
    """(abs error, ok) elementwise, comparing in float64; nan==nan and inf==inf count as equal."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        same = (a == b) | (np.isnan(a) & np.isnan(b))
        err = np.abs(a - b)  # in place from here: a million points should not cost five copies
        err[same] = 0.0
        err[np.isnan(err)] = np.inf
        allowed = np.abs(b)
        allowed *= rtol
        allowed += atol
        ok = same | (np.isfinite(a) & np.isfinite(b) & (err <= allowed))
    return err, ok


@dataclass
class Comparison:
    """One kind of check over all points: NumPy's value against a reference's."""

    name: str  # forward, backward, vjp, torch_forward_ad, second, finite_difference
    numpy: np.ndarray
    reference: np.ndarray
    rtol: float
    atol: float
    skip: np.ndarray  # points this comparison does not judge (kinks for FD, nan x for derivatives)
    ok: np.ndarray = field(init=False)

    def __post_init__(self):
        self.ok = close(self.numpy, self.reference, self.rtol, self.atol)[1] | self.skip

    @property
    def err(self):
        """|numpy - reference| at every point, nan where not judged."""
        return self.errors()

    def errors(self, idx=slice(None)):
        """|numpy - reference| at ``idx``, nan where not judged (computed when asked, not held: 8 MB a million)."""
        err = close(self.numpy[idx], self.reference[idx], self.rtol, self.atol)[0]
        err[self.skip[idx]] = np.nan
        return err

    @property
    def max_abs_error(self):
        """Greatest absolute difference over the judged points (0 when none are judged)."""
        return 0.0 if self.skip.all() else float(np.nanmax(self.err))

    @property
    def ratio(self):
        """Each point's error as a multiple of what was allowed (inf for a nan/inf mismatch)."""
        err = self.err
        allowed = np.abs(np.asarray(self.reference, dtype=np.float64))  # in place: no million-point temporaries
        allowed *= self.rtol
        allowed += self.atol
        with np.errstate(invalid="ignore", divide="ignore"):
            np.divide(err, allowed, out=err)
        err[np.isnan(err)] = np.inf
        err[self.skip] = 0.0
        return err


@dataclass
class Result:
    """Everything known about one activation in one dtype at a set of points."""

    activation: str
    params: dict
    dtype: str
    rtol: float
    atol: float
    x: np.ndarray
    numpy: dict
    torch: dict
    comparisons: dict
    upstream: np.ndarray | None = None
    extras: dict = field(default_factory=dict)  # finite_difference, exact values, ulp, kink flags
    # checks that are not one value per point: the Jacobian of a vector activation (rows x columns)
    matrices: dict = field(default_factory=dict)
    summary: dict | None = None  # set by compact(): the verdict and errors over every point

    def compact(self, k=10):
        """A copy holding the summary over every point but the data of only the k worst (bounded memory)."""
        idx = np.sort(self.worst(k))
        summary = {
            "passed": self.passed,
            "n_points": self.n_points,
            "max_abs_error": self.max_abs_error,
            "failures": self.failures(),
        }
        take = lambda a: a[idx] if isinstance(a, np.ndarray) and a.shape[:1] == self.x.shape else a  # noqa: E731
        comps = {
            n: Comparison(n, take(c.numpy), take(c.reference), c.rtol, c.atol, take(c.skip))
            for n, c in self.comparisons.items()
        }
        return Result(
            self.activation, self.params, self.dtype, self.rtol, self.atol, take(self.x),
            {k_: take(v) for k_, v in self.numpy.items()}, {k_: take(v) for k_, v in self.torch.items()},
            comps, take(self.upstream), _take_extras(self.extras, take), self.matrices, summary,
        )  # fmt: skip

    @property
    def ok(self):
        """Per point: passed every comparison."""
        ok = np.ones(self.x.shape, dtype=bool)
        for c in self.comparisons.values():
            ok &= c.ok
        return ok

    @property
    def passed(self):
        if self.summary:
            return self.summary["passed"]
        return bool(self.ok.all()) and all(m.ok.all() for m in self.matrices.values())

    @property
    def n_points(self):
        return self.summary["n_points"] if self.summary else int(self.x.size)

    @property
    def max_abs_error(self):
        if self.summary:
            return self.summary["max_abs_error"]
        both = self.comparisons | self.matrices
        return {name: c.max_abs_error for name, c in both.items()}

    def badness(self):
        """Per point, the worst error-to-allowance ratio over every comparison."""
        worst = np.zeros(self.x.shape)
        for c in self.comparisons.values():
            np.maximum(worst, c.ratio, out=worst)
        return worst

    def worst(self, k=10):
        """Indices of the k worst points, worst first (ties keep grid order)."""
        return np.argsort(-self.badness(), kind="stable")[:k]

    def failures(self):
        """One line per failing comparison, in assert_close's words."""
        if self.summary:
            return self.summary["failures"]
        lines = []
        for m in self.matrices.values():
            if not m.ok.all():
                i, j = np.unravel_index(int(np.argmax(m.ratio)), m.err.shape)
                row, col = self.extras["jacobian_rows"][i], self.extras["jacobian_columns"][j]
                lines.append(
                    f"{m.name}: {int((~m.ok).sum())} of {m.err.size} entries differ; greatest absolute difference "
                    f"{m.err[i, j]:.3g} at row {row}, column {col} "
                    f"(numpy {float(m.numpy[i, j]):.17g}, reference {float(m.reference[i, j]):.17g})"
                )
        for c in self.comparisons.values():
            if c.ok.all():
                continue
            i = int(np.argmax(c.ratio))
            lines.append(
                f"{c.name}: {int((~c.ok).sum())} of {self.n_points} points differ; greatest absolute "
                f"difference {c.errors([i])[0]:.3g} at x = {self.x[i]:.17g} "
                f"(numpy {float(c.numpy[i]):.17g}, reference {float(c.reference[i]):.17g}; "
                f"up to {c.atol + c.rtol * abs(float(c.reference[i])):.3g} allowed)"
            )
        return lines

    def to_dict(self, max_points=10_000, worst=10, all_points=False):
        """The JSON object (see the README); point lists are left out past ``max_points``."""
        from .report import result_to_dict

        return result_to_dict(self, max_points=max_points, worst=worst, all_points=all_points)


def _take_extras(extras, take):
    out = {}
    for key, val in extras.items():
        if isinstance(val, dict):
            out[key] = {k: (_take_extras(v, take) if isinstance(v, dict) else take(v)) for k, v in val.items()}
        else:
            out[key] = take(val)
    return out


def _numpy_side(act, x, params, dtype, upstream, order):
    """NumPy's values, computed in the dtype's compute type and rounded once to the dtype."""
    xc = x.astype(dtype.compute, copy=False)
    out = {"forward": act.forward(xc, **params), "backward": act.derivative(xc, **params)}
    if order >= 2:
        out["second"] = act.second(xc, **params)
    out = {k: np.asarray(v, dtype=dtype.compute).astype(dtype.numpy, copy=False) for k, v in out.items()}
    if upstream is not None:
        prod = upstream.astype(dtype.compute, copy=False) * out["backward"].astype(dtype.compute, copy=False)
        out["vjp"] = prod.astype(dtype.numpy, copy=False)
    return out


def _upstream(n, dtype, seed=UPSTREAM_SEED):
    """A seeded random upstream gradient, so a backward that ignores it is caught."""
    g = np.random.default_rng(seed).uniform(-2.0, 2.0, n)
    return g.astype(np.float32).astype(dtype.numpy) if dtype.name == "bfloat16" else g.astype(dtype.numpy, copy=False)


def check(name, values=None, *, dtype="float64", rtol=None, atol=None, order=1, fd=False, oracle=False, **params):
    """Check activation ``name`` at ``values`` (default grid if None); return a Result.

    Raises InputError for an unknown name, a bad parameter, dtype, tolerance or input.
    """
    act = lookup(name)
    if act is None:
        raise InputError(f"unknown activation {name!r}")
    params = resolve_params(act, params)
    dt = get_dtype(dtype)
    default_rtol, default_atol, widened = tolerances(dt, act)
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    if rtol < 0 or atol < 0:
        raise InputError("tolerances must be non-negative")
    x = _points(act, values, params, dt)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        evaluate = _evaluate_vector if act.kind == "vector" else _evaluate
        result = evaluate(act, x, params, dt, rtol, atol, order, fd, oracle)
    if widened and atol == default_atol:
        result.extras["notes"].append(widened)
    return result


def _points(act, values, params, dt):
    from .grids import default_grid

    if act.kind == "vector":
        from .vector import DEFAULT_VECTOR

        raw = np.asarray(DEFAULT_VECTOR if values is None else values, dtype=np.float64).ravel()
        act.validate_input(raw)
    else:
        raw = default_grid(act, params, dt) if values is None else np.asarray(values, dtype=np.float64).ravel()
    if dt.name == "bfloat16":
        return raw.astype(np.float32).astype(dt.numpy)
    with np.errstate(over="ignore"):
        return raw.astype(dt.numpy)


def _evaluate(act, x, params, dt, rtol, atol, order, fd, oracle):
    from .torchref import evaluate

    upstream = _upstream(x.size, dt)
    # torch first: its transients then sit beside its results only, not beside NumPy's too
    theirs = evaluate(lambda T, t: act.torch(T, t, **params), x, dt, upstream=upstream, order=order)
    ours = _numpy_side(act, x, params, dt, upstream, order)
    x64 = x.astype(np.float64, copy=False)
    undefined = np.isnan(x64)  # no derivative at nan
    kink = np.isin(x64, np.asarray(act.kinks(**params), dtype=np.float64))
    comps = {"forward": Comparison("forward", ours["forward"], theirs["forward"], rtol, atol, np.zeros(x.shape, bool))}
    # (comparison, NumPy's value, torch's): forward mode must agree with NumPy's derivative too
    for name, mine, key in (
        ("backward", "backward", "backward"),
        ("vjp", "vjp", "vjp"),
        ("torch_forward_ad", "backward", "forward_ad"),
        ("second", "second", "second"),
    ):
        if mine in ours and theirs.get(key) is not None:
            # at a kink any subgradient is right; NumPy follows reverse mode, forward mode may differ
            skip = undefined | kink if name == "torch_forward_ad" else undefined
            comps[name] = Comparison(name, ours[mine], theirs[key], rtol, _atol_for(name, atol, dt), skip)
    notes = _mode_notes(x64, kink, theirs)
    for dev in act.torch_deviations:
        _excuse(comps, dev, x64, dt, params, notes)
    if order >= 2 and theirs.get("second") is None:
        notes.append(f"torch has no double backward for {act.name}; second derivatives not compared")
    result = Result(act.name, params, dt.name, rtol, atol, x, ours, theirs, comps, upstream)
    result.extras["kink"] = kink
    result.extras["notes"] = notes
    if fd:
        from .finite_diff import add_finite_difference

        add_finite_difference(result, act, params)
    if oracle:
        from .oracle import add_oracle

        add_oracle(result, act, params, order)
    return result


def _atol_for(name, atol, dt):
    """Torch's double backward is a graph of ops that each round: in float16/bfloat16 its atol is 2 eps."""
    if name == "second" and dt.compute != dt.name:
        return max(atol, 2 * float(dt.finfo().eps))
    return atol


def _mode_notes(x, kink, theirs):
    """Say where torch's forward and reverse modes pick different subgradients at a kink."""
    fwd, rev = theirs.get("forward_ad"), theirs.get("backward")
    if fwd is None:
        return ["torch has no forward-mode derivative for this activation"]
    notes = []
    for i in np.flatnonzero(kink):
        a, b = float(rev[i]), float(fwd[i])
        if a != b and not (np.isnan(a) and np.isnan(b)):
            notes.append(f"at the kink x = {x[i]:g} torch's reverse mode gives f' = {a:g}, forward mode {b:g}")
    return notes


_COVERS = {"forward": ("forward",), "backward": ("backward", "vjp", "torch_forward_ad"), "second": ("second",)}


def _excuse(comps, dev, x, dt, params, notes):
    """Stop judging points where torch is known to overflow (non-finite torch, finite NumPy)."""
    region = np.asarray(dev.region(x, dt.finfo(), **params), dtype=bool)
    excused = []
    for name in _COVERS[dev.quantity]:
        c = comps.get(name)
        if c is None:
            continue
        ref = np.asarray(c.reference, dtype=np.float64)
        mine = np.asarray(c.numpy, dtype=np.float64)
        hit = region & ~np.isfinite(ref) & np.isfinite(mine) & ~c.skip
        if hit.any():
            comps[name] = Comparison(name, c.numpy, c.reference, c.rtol, c.atol, c.skip | hit)
            excused.extend(x[hit])
    if excused:
        where = ", ".join(f"{v:g}" for v in sorted(set(excused))[:5])
        notes.append(f"known torch deviation, not judged: {dev.reason} (at x = {where})")


JACOBIAN_FULL = 512  # up to this length the whole Jacobian is compared; beyond, sampled rows
JACOBIAN_ROWS = 16


JACOBIAN_COLUMNS = 4096


def _jacobian_columns(n, rows):
    """Every column for a short vector; for a long one the sampled rows' diagonal and an even spread."""
    if n <= JACOBIAN_FULL:
        return np.arange(n)
    return np.unique(np.concatenate([rows, np.linspace(0, n - 1, JACOBIAN_COLUMNS).astype(int)]))


def _jacobian_rows(x):
    """Every row for a short vector; for a long one an even spread plus the largest element's row."""
    n = x.size
    if n <= JACOBIAN_FULL:
        return np.arange(n)
    rows = np.linspace(0, n - 1, JACOBIAN_ROWS).astype(int)
    return np.unique(np.append(rows, np.argmax(np.nan_to_num(x.astype(np.float64), nan=-np.inf))))


def _pad(a, n):
    """Outputs shorter than the input (glu halves it) padded with nan to one value per input element."""
    return a if a.size == n else np.concatenate([a, np.full(n - a.size, np.nan, dtype=a.dtype)])


def _evaluate_vector(act, x, params, dt, rtol, atol, order, fd, oracle):
    from .torchref import evaluate_vector

    n = x.size
    xc = x.astype(dt.compute, copy=False)
    g, v = _upstream(n, dt), _upstream(n, dt, UPSTREAM_SEED + 1)
    u = _upstream(n, dt, UPSTREAM_SEED + 2) if order >= 2 else None
    gc, vc = g.astype(dt.compute, copy=False), v.astype(dt.compute, copy=False)
    rows = _jacobian_rows(x)
    cols = _jacobian_columns(n, rows)
    # torch first: its transients then sit beside its results only, not beside NumPy's too
    theirs = evaluate_vector(act.torch, x, dt, g, v, u, rows, cols)
    jac_theirs = theirs.pop("jacobian")
    theirs = {k: None if val is None else _pad(val, n) for k, val in theirs.items()}
    y = act.forward(xc)
    m = y.size  # glu's output is half its input: the upstream gradient has the output's length
    ours = {
        "forward": y,
        "backward": act.vjp(xc, np.ones_like(y)),
        "vjp": act.vjp(xc, gc[:m]),
        "jvp": act.jvp(xc, vc),
        "jacobian": act.jac_rows(xc, rows[rows < m], cols),
    }
    if order >= 2:
        ours["second"] = act.hvp(xc, gc[:m], u.astype(dt.compute, copy=False))
    jac_ours = ours.pop("jacobian").astype(dt.numpy, copy=False)
    # one value per input element (glu's halved outputs padded with nan), each array made once
    ours = {k: _pad(np.asarray(val, dtype=dt.compute).astype(dt.numpy, copy=False), n) for k, val in ours.items()}
    pairs = [
        ("forward", "forward", "forward"),
        ("backward", "backward", "backward"),
        ("vjp", "vjp", "vjp"),
        ("torch_forward_ad", "jvp", "forward_ad"),
        ("second", "second", "second"),
    ]
    comps = {}
    for name, mine, key in pairs:
        if mine in ours and theirs.get(key) is not None:
            a, b = ours[mine], theirs[key]
            comps[name] = Comparison(name, a, b, rtol, _atol_for(name, atol, dt), np.isnan(np.asarray(b, np.float64)))
    jac = Comparison("jacobian", jac_ours, jac_theirs, rtol, atol, np.zeros(jac_ours.shape, bool))
    upstream = _pad(g[:m].astype(np.float64), n).astype(dt.numpy)
    result = Result(act.name, params, dt.name, rtol, atol, x, ours, theirs, comps, upstream, matrices={"jacobian": jac})
    result.extras.update(
        kink=np.zeros(n, bool), notes=[], jacobian_rows=rows[rows < m], tangent=v, jacobian_columns=cols
    )
    if theirs.get("forward_ad") is None:
        result.extras["notes"].append(f"torch has no forward-mode derivative for {act.name} in {dt.name}")
    if rows.size < n:
        result.extras["notes"].append(
            f"Jacobian compared on {rows.size} sampled rows and {cols.size} columns of {n}; the VJP in full"
        )
    if fd:
        from .finite_diff import add_vector_finite_difference

        add_vector_finite_difference(result, act)
    if oracle:
        from .oracle import add_vector_oracle

        add_vector_oracle(result, act)
    return result
