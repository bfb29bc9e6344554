"""What a check found: one Comparison per kind of check, and the Result that holds them.

How points compare: a point passes a comparison when |numpy - reference| <= atol +
rtol*|reference|; nan equals nan and an infinity equals the same infinity. A point the
engine found to differ in kind (``unlike``: a zero against a nonzero, opposite signs, a
subnormal against a normal, finite against not) and the exact value did not excuse fails
whatever the tolerance.
"""

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Comparison", "Result", "close", "in_kind"]


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


def in_kind(a, b, tiny):
    """Per element, whether ``a`` and ``b`` differ in kind: one zero and the other not, one non-finite and the
    other not (or a different non-finite), opposite signs, or one subnormal (below ``tiny``) and the other normal."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        za, zb = a == 0, b == 0
        out = za != zb
        fa, fb = np.isfinite(a), np.isfinite(b)
        out |= (fa != fb) | (~fa & ~fb & ~((a == b) | (np.isnan(a) & np.isnan(b))))
        both = ~za & ~zb & fa & fb
        out |= both & (np.signbit(a) != np.signbit(b))
        out |= both & ((np.abs(a) < tiny) != (np.abs(b) < tiny))
    return out


@dataclass
class Comparison:
    """One kind of check over all points: NumPy's value against a reference's."""

    name: str  # forward, backward, vjp, torch_forward_ad, second, finite_difference
    numpy: np.ndarray
    reference: np.ndarray
    rtol: float
    atol: float
    skip: np.ndarray  # points this comparison does not judge (kinks for FD, nan x for derivatives)
    unlike: np.ndarray | None = None  # points that differ in kind and stand as failures whatever the tolerance
    ok: np.ndarray = field(init=False)

    def __post_init__(self):
        ok = close(self.numpy, self.reference, self.rtol, self.atol)[1]
        if self.unlike is not None:
            ok &= ~self.unlike
        self.ok = ok | self.skip

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
        """Each point's error as a multiple of what was allowed (0 for none, inf for a nan/inf mismatch)."""
        err = self.err
        exact = err == 0  # 0 of an allowance of 0 is no error at all, not 0/0
        allowed = np.abs(np.asarray(self.reference, dtype=np.float64))  # in place: no million-point temporaries
        allowed *= self.rtol
        allowed += self.atol
        with np.errstate(invalid="ignore", divide="ignore"):
            np.divide(err, allowed, out=err)
        err[exact] = 0.0
        err[np.isnan(err)] = np.inf
        if self.unlike is not None:
            err[self.unlike] = np.inf  # a difference in kind has no allowance
        err[self.skip] = 0.0
        return err

    def worst_failing(self):
        """Index (a tuple for a matrix) of the failing entry whose error is the largest multiple of its
        allowance, or None when every entry passes."""
        bad = ~self.ok
        if not bad.any():
            return None
        ranked = np.where(bad, self.ratio, -1.0)
        return np.unravel_index(int(np.argmax(ranked)), ranked.shape)

    def failure_values(self, i):
        """'numpy A, reference B (absolute difference D; up to T allowed)' at index ``i``."""
        mine, ref = float(self.numpy[i]), float(self.reference[i])
        allowed = (
            "they differ in kind, which no tolerance allows: the exact value decides (notes, torch deviations)"
            if self.unlike is not None and self.unlike[i]
            else f"up to {self.atol + self.rtol * abs(ref):.3g} allowed"
            if np.isfinite(mine) and np.isfinite(ref)
            else "a nan or an infinity matches only the same"
        )
        diff = close([mine], [ref], self.rtol, self.atol)[0][0]
        return f"numpy {mine:.17g}, reference {ref:.17g} (absolute difference {float(diff):.3g}; {allowed})"


@dataclass
class Result:
    """Everything known about one activation in one dtype at a set of points.

    ``repr(result)`` is one line (the verdict and the first failure); in Jupyter it is a table.
    """

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
            n: Comparison(n, take(c.numpy), take(c.reference), c.rtol, c.atol, take(c.skip), take(c.unlike))
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
        """Every point passed every comparison (the Jacobian's entries too)."""
        if self.summary:
            return self.summary["passed"]
        return bool(self.ok.all()) and all(m.ok.all() for m in self.matrices.values())

    @property
    def n_points(self):
        """How many points were checked."""
        return self.summary["n_points"] if self.summary else int(self.x.size)

    @property
    def max_abs_error(self):
        """{comparison: greatest |numpy - reference| over the points it judges}."""
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
            at = m.worst_failing()
            if at is not None:
                row, col = self.extras["jacobian_rows"][at[0]], self.extras["jacobian_columns"][at[1]]
                lines.append(
                    f"{m.name}: {int((~m.ok).sum())} of {m.ok.size} entries differ; the worst at row {row}, "
                    f"column {col}: {m.failure_values(at)}"
                )
        for c in self.comparisons.values():
            at = c.worst_failing()
            if at is not None:
                lines.append(
                    f"{c.name}: {int((~c.ok).sum())} of {self.n_points} points differ; the worst at "
                    f"x = {self.x[at]:.17g}: {c.failure_values(at)}"
                )
        return lines

    def to_dict(self, max_points=10_000, worst=10, all_points=False):
        """The JSON object (see the README); point lists are left out past ``max_points``."""
        from .serialize import result_to_dict

        return result_to_dict(self, max_points=max_points, worst=worst, all_points=all_points)

    def to_json(self, **kw):
        """The JSON object of ``to_dict`` as text (strict JSON: non-finite numbers are strings)."""
        from .display import to_json

        return to_json(self.to_dict(**kw))

    def __repr__(self):
        from .display import result_repr

        return result_repr(self)

    def _repr_html_(self):
        """A table in Jupyter."""
        from .display import result_html

        return result_html(self)


def _take_extras(extras, take):
    out = {}
    for key, val in extras.items():
        if isinstance(val, dict):
            out[key] = {k: (_take_extras(v, take) if isinstance(v, dict) else take(v)) for k, v in val.items()}
        else:
            out[key] = take(val)
    return out
