"""The accuracy atlas: correct rounding, ULP errors, tallies and findings, the sweep, and the command.

The references here are independent of the code under test: NumPy's and ml_dtypes' casts
(single roundings from float32), mpmath at working precision, torch run directly.
"""

import json
import math
import os

import mpmath
import numpy as np
import pytest
import torch

from actcheck.atlas import accuracy, format_x
from actcheck.atlas import chunk as chunk_mod
from actcheck.atlas import points as pts
from actcheck.atlas.measure import BUCKETS, Baseline, Tally, inverse_ulp, tally, ulp_errors
from actcheck.atlas.reference import LowPrecision, round_to
from actcheck.dtypes import get_dtype, ulp
from actcheck.errors import InputError
from actcheck.registry import ACTIVATIONS
from actcheck.ulps import round_once

F16, BF16, F32, F64 = (get_dtype(n) for n in ("float16", "bfloat16", "float32", "float64"))


def _random_float64(n, seed=0):
    """Values over the whole float64 range, subnormals, signs and values near float16/bfloat16/float32 ties."""
    rng = np.random.default_rng(seed)
    wide = rng.standard_normal(n) * 2.0 ** rng.integers(-1080, 1020, n).astype(np.float64)
    near = rng.standard_normal(n) * 2.0 ** rng.integers(-160, 126, n).astype(np.float64)
    # values a few float64 ULP from a midpoint of each low precision (ties and near-ties)
    ties = []
    for dt in (F16, BF16, F32):
        r = near.astype(np.float32).astype(np.float64)
        mid = r + ulp(r, dt) / 2
        ties.append(mid + rng.integers(-3, 4, n) * np.abs(np.spacing(mid)))
    v = np.concatenate([wide, near, *ties, [0.0, -0.0, 65520.0, 65519.99, 3.4028235677973366e38, 1e300]])
    return v[np.isfinite(v)]


# ---------------------------------------------------------------- rounding once


@pytest.mark.parametrize("dt", [F16, F32], ids=["float16", "float32"])
def test_round_once_agrees_with_numpys_single_rounding_casts(dt):
    v = _random_float64(3000)
    with np.errstate(over="ignore"):
        cast = v.astype(dt.numpy).astype(np.float64)
    mine = np.array([round_once(mpmath.mpf(float(a)), dt) for a in v])
    assert np.array_equal(mine, cast)
    nonzero = v != 0  # mpmath has no -0: an exact zero has no sign, a tiny negative value rounds to -0
    assert np.array_equal(np.signbit(mine[nonzero]), np.signbit(cast[nonzero]))


def test_round_once_agrees_with_ml_dtypes_from_float32_for_bfloat16():
    v = _random_float64(3000)
    v = v[np.abs(v) < 3e38].astype(np.float32)  # float32 -> bfloat16 is a single rounding in ml_dtypes
    with np.errstate(over="ignore"):
        cast = v.astype(BF16.numpy).astype(np.float64)
    mine = np.array([round_once(mpmath.mpf(float(a)), BF16) for a in v])
    assert np.array_equal(mine, cast)


def test_round_once_agrees_with_mpmath_at_the_dtypes_precision_in_the_normal_range():
    rng = np.random.default_rng(3)
    for dt in (F16, BF16, F32, F64):
        fi = dt.finfo()
        for _ in range(400):
            e = mpmath.mpf(rng.uniform(1, 2)) * mpmath.mpf(2) ** int(rng.integers(fi.minexp, fi.maxexp - 1))
            e = e * (1 + mpmath.mpf(rng.standard_normal()) * mpmath.mpf(2) ** -60) * (-1) ** int(rng.integers(2))
            with mpmath.workprec(int(fi.nmant) + 1):
                expected = float(+e)  # mpmath rounds to nearest, ties to even
            assert round_once(e, dt) == expected, (dt.name, e)


def test_round_once_takes_extremes():
    assert round_once(mpmath.mpf("1e-100000"), F32) == 0.0
    assert math.copysign(1, round_once(mpmath.mpf("-1e-100000"), F32)) == -1
    assert round_once(mpmath.mpf("1e100000"), F16) == math.inf
    assert round_once(mpmath.mpf(0), F16) == 0.0
    tie = mpmath.mpf(2) ** -25  # half the least float16 subnormal: ties to even, 0
    with mpmath.workprec(200):
        above = tie * (1 + mpmath.mpf(2) ** -70)
    assert round_once(tie, F16) == 0.0 and round_once(above, F16) == 2.0**-24


@pytest.mark.parametrize("dt", [F16, BF16, F32], ids=["float16", "bfloat16", "float32"])
def test_round_to_rounds_float64_once_to_nearest_even(dt):
    v = _random_float64(3000, seed=1)
    mine = round_to(v, dt)
    exact = np.array([round_once(mpmath.mpf(float(a)), dt) for a in v])
    assert np.array_equal(mine, exact)


def test_round_to_bfloat16_is_not_ml_dtypes_double_rounding():
    v = np.array([1 + 2.0**-8 + 2.0**-40])  # float32 rounds it to the tie 1 + 2**-8, which goes to even: 1
    assert round_to(v, BF16)[0] == 1 + 2.0**-7


@pytest.mark.parametrize("dt", [F16, BF16, F32], ids=["float16", "bfloat16", "float32"])
def test_inverse_ulp_is_the_dtypes_spacing(dt):
    v = _random_float64(2000, seed=2)
    assert np.array_equal(1 / inverse_ulp(v, dt), ulp(v, dt))


# ---------------------------------------------------------------- ordinals and points


@pytest.mark.parametrize("dt", [F16, BF16, F32, F64], ids=["float16", "bfloat16", "float32", "float64"])
def test_ordinals_number_the_values_in_order(dt):
    lo, hi = pts.finite_span(dt)
    o = np.unique(np.concatenate([np.arange(lo, lo + 50), np.arange(-60, 60), np.arange(hi - 50, hi + 1)]))
    x = pts.from_ordinal(o, dt).astype(np.float64)
    assert np.all(np.diff(x) >= 0) and np.isfinite(x).all()
    assert np.array_equal(pts.to_ordinal(pts.from_ordinal(o, dt), dt), o)
    assert x[o == -1][0] == 0 and np.signbit(x[o == -1][0]) and not np.signbit(x[o == 0][0])
    assert x[-1] == float(dt.finfo().max)


def test_the_spans_count_what_they_should():
    count = lambda span: span[1] - span[0] + 1  # noqa: E731
    assert count(pts.range_span(F16)) == 63488  # every finite float16, both zeros
    assert count(pts.range_span(BF16)) == 65280
    assert count(pts.range_span(F32)) == 2**32 - 2**24
    assert count(pts.range_span(F32, 1, 16)) == 4 * 2**23  # [1, 16): four binades
    assert pts.range_span(F16, 1e6, 1e7) is None


def test_strata_cover_every_binade_of_both_signs():
    s = pts.strata(F32, pts.range_span(F32), 1 << 16)
    assert len(s) == 2 * 255 and all(b.lo <= b.hi for b in s)
    assert all(a.hi + 1 == b.lo for a, b in zip(s, s[1:], strict=False))  # contiguous, in order
    o = pts.stratum_points(s[300], seed=0, endpoints=True)
    assert o[0] == s[300].lo and o[-1] == s[300].hi and np.all(np.diff(o) > 0)


def test_special_points_find_where_tanh_rounds_to_one_in_float32():
    act = ACTIVATIONS["tanh"]
    special = pts.from_ordinal(pts.special_points(act, {}, F32, ("forward",), pts.range_span(F32), 0), F32)
    near = pts.from_ordinal(np.arange(*pts.range_span(F32, 9.0108, 9.011)), F32)
    with mpmath.workdps(30):
        ones = [round_once(mpmath.tanh(mpmath.mpf(float(v))), F32) == 1 for v in near]
    first_one = near[ones.index(True)]  # the least float32 whose tanh rounds to 1 (13 ln 2 = 9.01091...)
    assert not any(ones[: ones.index(True)]) and all(ones[ones.index(True) :])
    assert first_one == np.float32(9.0109134) and first_one in special and -first_one in special


# ---------------------------------------------------------------- the reference


def test_the_oracle_decides_a_rounding_the_float64_value_cannot():
    # rrelu's slope (1/8 + 1/3)/2 times -65472 is 15004.000...: a hair off a float16 midpoint
    act = ACTIVATIONS["rrelu"]
    ref = LowPrecision(act, act.params, F16, ("forward",))
    x = np.array([-65472.0, -2.0])
    e = ref.exact(x)["forward"]
    assert ref.oracle_points == 1
    with mpmath.workdps(50):
        s = (mpmath.mpf(0.125) + mpmath.mpf(1 / 3)) / 2
        expected = round_once(mpmath.mpf(-65472.0) * s, F16)
    assert e.rounded[0] == expected and e.rounded[1] == round_to(np.array([-2.0 * (0.125 + 1 / 3) / 2]), F16)[0]


def test_a_derivative_at_a_kink_is_not_measured():
    act = ACTIVATIONS["relu"]
    e = LowPrecision(act, {}, F16, ("forward", "backward")).exact(np.array([-1.0, 0.0, 1.0]))
    assert e["forward"].defined.all() and e["backward"].defined.tolist() == [True, False, True]


# ---------------------------------------------------------------- tallies and findings


def _base(x, exact, dt=F16, k=3):
    x, exact = np.asarray(x, float), np.asarray(exact, float)
    r = round_to(exact, dt)
    inv = inverse_ulp(exact, dt)
    err = ulp_errors(r, exact, r, inv)
    bins = (np.floor(x) + 20).astype(np.int64)  # profile slices by x, the same however the points are cut
    starts = np.concatenate([[0], np.flatnonzero(np.diff(bins)) + 1])
    b = Baseline(x, exact, r, r, err, k, (starts, bins[starts]), float(dt.finfo().smallest_subnormal))
    return b, lambda idx, tv: ulp_errors(tv, exact[idx], r[idx], inv[idx])


def test_histogram_findings_and_worst_points_on_crafted_values():
    x = np.arange(10.0)
    exact = np.array([1.0, 1.0 + 2**-12, 3e-5, 3e-5, 3e-5, 2.0, -2.0, 4.0, 1e-3, 1e-3])
    t = np.array([1.0, 1.0, 0.0, 0.0, 3e-5, 2.0 + 2**-9, 2.0, np.inf, np.nan, 1e-3])
    t = round_to(t, F16)
    b, err_at = _base(x, exact)
    tl = tally(b, t, err_at)
    assert tl.n == 10 and tl.n_finite == 8
    hist = dict(zip(BUCKETS, tl.histogram.tolist(), strict=True))
    # correctly rounded at 0, 1 (a quarter ULP off), 4 and 9; one ULP at 5; 3e-5 is ~503 subnormal ULP
    # of float16 (at 2 and 3); the wrong sign (2048 ULP), inf and nan beyond 2**10
    assert list(hist.values()) == [4, 0, 1, 0, 0, 2, 3]
    wz = tl.findings["wrong_zero"]
    assert wz.count == 2 and wz.ranges == [[2.0, 3.0, 2, 1.0, 4.0]]  # with the measured points beside the run
    assert tl.findings["non_finite"].count == 2 and tl.findings["non_finite"].ranges == [[7.0, 8.0, 2, 6.0, 9.0]]
    assert tl.findings["wrong_sign"].count == 1 and tl.findings["wrong_sign"].ranges == [[6.0, 6.0, 1, 5.0, 7.0]]
    assert tl.max_ulp == math.inf and [w[1] for w in tl.worst[:2]] == [7.0, 8.0]


def test_the_0_bucket_is_the_correctly_rounded_value_and_0_5_is_shown_only_for_it():
    """1 + 2**-11 is a float16 midpoint: 1 is its rounding (to even), 1 + 2**-10 is as near but not it."""
    from types import SimpleNamespace

    from actcheck.report_atlas import cell

    x, exact = np.arange(3.0), np.array([1 + 2.0**-11, 1 + 2.0**-11, 2.0 + 2**-12])
    b, err_at = _base(x, exact)
    right = tally(b, round_to(exact, F16), err_at)
    assert right.histogram.tolist() == [3, 0, 0, 0, 0, 0, 0] and right.max_ulp == 0.5
    wrong = tally(b, np.array([1.0, 1 + 2.0**-10, 2.0]), err_at)
    assert wrong.histogram.tolist() == [2, 1, 0, 0, 0, 0, 0] and wrong.max_ulp == 0.5
    assert cell(SimpleNamespace(tally=right)) == "0.5" and cell(SimpleNamespace(tally=wrong)) == "0.501"


def test_ulp_is_measured_in_the_exact_values_own_binade_at_a_power_of_two(run):
    """bfloat16 sigmoid''(2**-63) is -2**-66 (1 - 2**-127/3...): just inside the binade below, whose ULP is half.
    torch's 0 there is 256 of its ULP (mpmath at 400 bits, from the definition), not 128; the reproduce line
    asks for f'' and shows torch's 0."""
    from actcheck.atlas import reproduce

    x = 2.0**-63
    with mpmath.mp.workprec(400):
        t = mpmath.mpf(x)
        exact = mpmath.diff(lambda u: 1 / (1 + mpmath.exp(-u)), t, 2)
        want = float(abs(exact) / mpmath.mpf(2) ** (mpmath.floor(mpmath.log(abs(exact), 2)) - 7))
    o = int(pts.to_ordinal(np.array([x], dtype=BF16.numpy), BF16)[0])
    spec = chunk_mod.Spec("sigmoid", (), "bfloat16", ("second",), (o - 1, o + 1), True, 0, 0, 3)
    tallies, _ = chunk_mod.measure(spec, np.arange(o - 1, o + 2))
    worst = {w[1]: w for w in tallies[("second", "torch")].worst}
    assert worst[x][2] == 0.0 and worst[x][0] == want == 256.0
    cmd = reproduce("sigmoid", {}, {}, "bfloat16", x, "second").split()
    assert cmd[:-1] == "actcheck sigmoid --dtype bfloat16 --oracle --order 2 --".split()
    point = json.loads(run(*cmd[1:-2], "--json", *cmd[-2:]).stdout)["points"][0]
    assert point["second"]["torch"] == 0.0 and point["second"]["exact"] == float(round_once(exact, BF16))


def test_a_tally_of_halves_merged_in_order_is_the_tally_of_the_whole():
    rng = np.random.default_rng(4)
    n = 400
    x = np.sort(rng.uniform(-10, 10, n))
    exact = np.tanh(x) * rng.choice([1.0, 1e-6], n)
    t = round_to(exact * (1 + rng.integers(-2, 3, n) * 2.0**-10), F16)
    t[150:170] = 0.0  # a run of wrong zeros across the cut at 160
    t[rng.integers(0, n, 30)] = np.nan
    for dense in (False, True):
        tt = t if dense else np.where(rng.uniform(size=n) < 0.9, round_to(exact, F16), t)  # few points differ
        whole = _tally_of(x, exact, tt)
        merged = _tally_of(x[:160], exact[:160], tt[:160]).then(_tally_of(x[160:], exact[160:], tt[160:]))
        assert merged.n == whole.n and merged.n_finite == whole.n_finite
        assert np.array_equal(merged.histogram, whole.histogram) and merged.max_ulp == whole.max_ulp
        assert math.isclose(merged.sum_ulp, whole.sum_ulp, rel_tol=1e-12)
        assert str(merged.worst) == str(whole.worst)  # nan values in both
        assert np.array_equal(merged.peak, whole.peak) and np.array_equal(merged.where, whole.where)
        for name in whole.findings:
            assert merged.findings[name].ranges == whole.findings[name].ranges
            assert merged.findings[name].count == whole.findings[name].count


def _tally_of(x, exact, t):
    b, err_at = _base(x, exact, k=5)
    return tally(b, t, err_at)


def test_an_empty_tally_merges_away():
    b, err_at = _base([1.0], [1.0])
    t = tally(b, np.array([1.0]), err_at)
    assert Tally(3).then(t) is t and t.then(Tally(3)) is t


# ---------------------------------------------------------------- the sweep


@pytest.fixture(scope="module")
def low_precision_atlas():
    """Every elementwise activation, every float16 and bfloat16 value, on two processes."""
    return accuracy(["all"], dtypes=("float16", "bfloat16"), jobs=2)


def test_numpy_is_within_one_ulp_on_every_float16_and_bfloat16_value(low_precision_atlas):
    numpy_rows = [r for r in low_precision_atlas.results if r.implementation == "numpy"]
    assert len(numpy_rows) == 23 * 2 * 2
    over = [(r.activation, r.dtype, r.quantity, r.tally.max_ulp, r.tally.worst[0][1]) for r in numpy_rows]
    assert [o for o in over if not o[3] <= 1.0] == []
    assert all(r.exhaustive and r.n_points >= 63480 for r in numpy_rows)  # derivatives: not at kinks
    assert all(not any(f.count for f in r.tally.findings.values()) for r in numpy_rows)


def test_the_atlas_finds_torchs_half_precision_derivative_underflows(low_precision_atlas):
    tanh = _row(low_precision_atlas, "tanh", "float16", "backward", "torch")
    x = np.array([w[1] for w in tanh.tally.worst])
    xt = torch.tensor(x, dtype=torch.float16, requires_grad=True)
    torch.tanh(xt).sum().backward()
    assert np.array_equal(xt.grad.double().numpy(), [w[2] for w in tanh.tally.worst])  # the values it reports
    assert tanh.tally.findings["wrong_zero"].count > 0


def _row(atlas, name, dtype, quantity, impl):
    (r,) = [
        r
        for r in atlas.results
        if (r.activation, r.dtype, r.quantity, r.implementation) == (name, dtype, quantity, impl)
    ]
    return r


def test_the_atlas_finds_torchs_float32_tanh_derivative_underflow_beyond_9():
    atlas = accuracy(["tanh"], dtypes=["float32"], samples=1 << 16, jobs=1)
    wz = _row(atlas, "tanh", "float32", "backward", "torch").tally.findings["wrong_zero"]
    (neg, pos) = wz.ranges
    assert 9.0 < pos[0] < 9.02 and 50 < pos[1] < 52.7 and neg[1] == -pos[0] and -52.7 < neg[0] < -50
    # its first x is where torch's f' turns 0, checked on torch directly: 77 values before tanh rounds to 1
    x = torch.tensor([pos[0], np.nextafter(np.float32(pos[0]), np.float32(0))], dtype=torch.float32)
    x.requires_grad_(True)
    torch.tanh(x).sum().backward()
    assert x.grad[0] == 0 and x.grad[1] > 0
    first_one = pts.to_ordinal(np.array([9.0109134, pos[0]], dtype=np.float32), F32)
    assert first_one[0] - first_one[1] == 77


def test_float32_threshold_takes_the_other_branch_just_above_its_threshold():
    atlas = accuracy(["threshold"], dtypes=["float32"], samples=1 << 12, jobs=1)
    for r in atlas.results:
        if r.implementation == "numpy":  # compares in float64: right everywhere
            assert r.tally.max_ulp == 0
            continue
        ulp, x, value, exact = r.tally.worst[0]
        assert x == float(np.float32(0.1)) > 0.1 and ulp > 1e6  # float32(0.1) > 0.1: the exact value is x (f' 1)
        assert (value, exact) == ((20.0, x) if r.quantity == "forward" else (0.0, 1.0))


def test_the_atlas_finds_torchs_float64_sigmoid_derivative_underflow_near_37():
    atlas = accuracy(["sigmoid"], dtypes=["float64"], quantities=["backward"], range_=(-1000, 1000), samples=64)
    wz = _row(atlas, "sigmoid", "float64", "backward", "torch").tally.findings["wrong_zero"]
    right = [r for r in wz.ranges if r[0] > 0]
    assert len(right) == 1 and 36.5 < right[0][0] < 37.5 and right[0][1] > 744
    first = right[0][0]  # cut down to neighbouring float64 values: torch's f' is 0 there, not just below
    x = torch.tensor([first, np.nextafter(first, 0.0)], dtype=torch.float64, requires_grad=True)
    torch.sigmoid(x).sum().backward()
    assert x.grad[0] == 0 and x.grad[1] > 0
    numpy = _row(atlas, "sigmoid", "float64", "backward", "numpy").tally
    assert numpy.max_ulp <= 4 and numpy.findings["wrong_zero"].count == 0


def test_an_exhaustive_range_counts_every_value_and_jobs_change_nothing(monkeypatch):
    monkeypatch.setattr(chunk_mod, "CHUNK", 1 << 12)  # many chunks, merged in order
    one = accuracy(["softsign"], dtypes=["float32"], exhaustive=True, range_=(1, 1.0625), jobs=1)
    two = accuracy(["softsign"], dtypes=["float32"], exhaustive=True, range_=(1, 1.0625), jobs=2)
    assert [r.to_dict() for r in one.results] == [r.to_dict() for r in two.results]
    assert all(r.n_points == 2**19 and r.exhaustive for r in one.results)  # [1, 1.0625): 2**23 / 16


def test_an_implementation_torch_lacks_is_a_note_not_a_row():
    atlas = accuracy(["hardsigmoid"], dtypes=["float16"], quantities=["second"], jobs=1)
    assert {r.implementation for r in atlas.results} == {"numpy"}
    assert any("hardsigmoid" in n and "second" in n for n in atlas.notes)


def test_bad_requests_are_input_errors():
    bad = [
        dict(names=["nosuch"]),
        dict(names=["softmax"]),
        dict(names=["relu"], dtypes=["float64"], exhaustive=True),
        dict(names=["relu"], range_=(5, 1)),
        dict(names=["relu"], range_=(float("nan"), 1)),
        dict(names=["relu"], quantities=["third"]),
        dict(names=["relu"], samples=0),
        dict(names=["relu"], jobs=0),
        dict(names=["sigmoid"], params={"alpha": 2.0}),
        dict(names=["relu"], dtypes=["float16"], range_=(1e6, 1e7)),
        dict(names=["relu"], samples=10**11),
        dict(names=["relu"], dtypes=["float64"], samples=1 << 21),
        dict(names=["relu"], worst=5000),
        dict(names=["relu"], jobs=1000),
    ]
    for kw in bad:
        with pytest.raises(InputError):
            accuracy(kw.pop("names"), **kw)


# ---------------------------------------------------------------- reproducing a point


@pytest.mark.parametrize("dt", ["float16", "bfloat16", "float32", "float64"])
def test_a_printed_x_reads_back_as_the_same_value(dt):
    d = get_dtype(dt)
    x = pts.from_ordinal(np.random.default_rng(5).integers(*pts.finite_span(d), size=300), d)
    for v in x.astype(np.float64):
        s = format_x(v, dt)
        raw = np.array([float(s)])
        back = raw.astype(np.float32).astype(d.numpy) if dt == "bfloat16" else raw.astype(d.numpy)
        assert back.astype(np.float64)[0] == v and np.signbit(back.astype(np.float64)[0]) == np.signbit(v)


def test_the_reproduce_command_shows_the_value_the_atlas_reports(run):
    atlas = accuracy(
        ["leaky_relu"], dtypes=["bfloat16"], quantities=["forward"], jobs=1, params={"negative_slope": 0.3}
    )
    row = _row(atlas, "leaky_relu", "bfloat16", "forward", "torch")
    err, x, value, _ = row.tally.worst[0]
    cmd = row.reproduce(x).split()
    assert cmd[:-1] == "actcheck leaky_relu --dtype bfloat16 --oracle --negative-slope 0.3 --".split()
    r = run(*cmd[1:-2], "--json", *cmd[-2:])
    point = json.loads(r.stdout)["points"][0]
    assert point["x"] == x and point["forward"]["torch"] == value


def test_a_reproduce_line_names_the_array_context_torchs_value_needs(run):
    """bfloat16 gelu(1.7e38) is inf inside an array (the atlas's chunk) and finite alone: the line says --context."""
    atlas = accuracy(["gelu"], dtypes=["bfloat16"], quantities=["forward"], jobs=1, range_=(1.6e38, 1.8e38))
    worst = _row(atlas, "gelu", "bfloat16", "forward", "torch").to_dict()["worst"][0]
    assert worst["value"] == "inf" and "--context" in worst["reproduce"]
    cmd = worst["reproduce"].split()
    point = json.loads(run(*cmd[1:-2], "--json", *cmd[-2:]).stdout)["points"][0]
    assert point["forward"]["torch"] == "inf"
    alone = [c for i, c in enumerate(cmd) if c != "--context" and cmd[i - 1] != "--context"]
    assert json.loads(run(*alone[1:-2], "--json", *alone[-2:]).stdout)["points"][0]["forward"]["torch"] != "inf"


# ---------------------------------------------------------------- the command


def test_json_has_the_documented_shape(run):
    r = run("accuracy", "sigmoid", "--dtype", "float16", "--json", "--worst", "3")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout, parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))
    keys = {"activation", "params", "dtype", "quantity", "implementation", "n_points", "exhaustive", "max_ulp",
            "mean_ulp", "histogram", "wrong_zero", "non_finite", "wrong_sign", "worst"}  # fmt: skip
    assert set(d) == {"results"} and all(set(res) == keys for res in d["results"])
    rows = {(res["quantity"], res["implementation"]) for res in d["results"]}
    assert rows == {("forward", "numpy"), ("forward", "torch"), ("backward", "numpy"), ("backward", "torch"),
                    ("backward", "torch_forward_ad")}  # fmt: skip
    res = d["results"][3]
    assert list(res["histogram"]) == list(BUCKETS) and sum(res["histogram"].values()) == res["n_points"] == 63488
    assert set(res["wrong_zero"]) == {"count", "first", "last", "ranges"} and res["wrong_zero"]["count"] > 0
    assert len(res["worst"]) == 3 and set(res["worst"][0]) == {"x", "value", "exact", "ulp", "reproduce"}


def test_the_table_and_markdown_have_a_row_per_activation_and_quantity(run, tmp_path):
    md = tmp_path / "atlas.md"
    r = run("accuracy", "relu", "tanh", "--dtype", "bfloat16", "--markdown", md)
    assert r.exit_code == 0, r.output
    assert "bfloat16 (all 65,280)" in r.stdout and "256 z" in r.stdout
    text = md.read_text()
    assert "| tanh | f′ | 0.5 | 256 z | 256 z |" in text and "| relu | f | 0 | 0 | — |" in text
    # each finding's ranges, not only its letter
    assert "- tanh f′ · bfloat16 torch · `z` wrong zero ×956: [-46.75, -3.46875], [3.46875, 46.75]" in text
    assert [p.name for p in tmp_path.iterdir()] == ["atlas.md"]  # written whole, no temporary left


def test_the_plot_is_a_picture(run, tmp_path):
    out = tmp_path / "atlas.png"
    r = run("accuracy", "sigmoid", "--dtype", "float16", "--dtype", "bfloat16", "--plot", out, "-q")
    assert r.exit_code == 0 and r.stdout == ""
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and os.path.getsize(out) > 10_000


@pytest.mark.parametrize(
    "args",
    [
        ["nosuch"],
        ["softmax"],
        ["relu", "--dtype", "float64", "--exhaustive"],
        ["relu", "--range", "5", "1"],
        ["relu", "--range", "nan", "1"],
        ["relu", "--json", "--markdown", "x.md"],
        ["relu", "--json", "-q"],
        ["relu", "--quantity", "third"],
        ["relu", "--dtype", "float8"],
        ["relu", "--samples", "0"],
        ["relu", "--jobs", "0"],
        ["sigmoid", "--alpha", "2"],
        ["relu", "--plot", "x.gif"],
        ["relu", "--dtype", "float16", "--range", "1e6", "1e7"],
        ["relu", "--samples", "100000000000"],
        ["relu", "--worst", "5000"],
        ["relu", "--jobs", "1000"],
        ["relu", "--jobs", "2", "--scheduler", "tcp://127.0.0.1:8786"],
        ["relu", "--scheduler", "nonsense:port"],
        ["relu", "--seed", "-1"],
        ["relu", "--markdown", "/no/such/directory/atlas.md"],
        ["relu", "--plot", "/no/such/directory/atlas.png"],
    ],
)
def test_bad_input_is_one_line_and_exit_2(run, args):
    r = run("accuracy", *args)
    assert r.exit_code == 2, r.output
    assert r.stdout == "" and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_ctrl_c_during_a_sweep_is_exit_130_without_a_traceback_or_a_worker_left(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    md = tmp_path / "atlas.md"
    cmd = [sys.executable, "-m", "actcheck", "accuracy", "all", "--jobs", "2", "-q", "--markdown", str(md)]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    from actcheck.verification.reaping import descendants

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(descendants(p.pid)) < 4:  # the cluster's workers run
        time.sleep(0.1)
    time.sleep(0.5)
    workers = descendants(p.pid)  # the fork server, its workers (and multiprocessing's resource tracker)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    assert len(workers) >= 2 and p.returncode == 130 and out == b"" and b"Traceback" not in err
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and [w for w in workers if _alive(w)]:
        time.sleep(0.05)
    assert [w for w in workers if _alive(w)] == [] and list(tmp_path.iterdir()) == []


def _alive(pid):
    """Running (not a zombie waiting to be reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
