"""check_pair's ``order=2``: the caller's second derivative beside torch's double backward, at the pair's points."""

import warnings

import numpy as np

from ..errors import InputError
from .references import SEED, in_precision, narrowest, points
from .signatures import kw_for

__all__ = ["judge_second"]


def judge_second(result, act, second, opts, kw):
    """Judge ``second`` (f'' of ``act``, called with ``kw`` it takes) into ``result``: its error, verdict,
    diagnosis and worst points."""
    from ..dtypes import DTYPES, comparison_tolerances, tolerances
    from ..opinions import torch_reverse
    from ..opinions.answer import Ask
    from ..result import close
    from ..serialize import jsonable

    params = result.params
    x = opts.points if opts.points is not None else points(act, params)[0]
    ours = _call(second, x, kw, opts.dtype)
    dtype = narrowest([opts.dtype, ours.dtype.name])
    if dtype != "float64":
        x = in_precision(x, np.random.default_rng(SEED).uniform(-2, 2, x.size), dtype)[0]
        ours = _call(second, x, kw, dtype)
    dt = DTYPES[dtype]
    ans = torch_reverse.answer(Ask(act, params, x.astype(dt.numpy), dt, order=2))
    if "second" not in ans.values:
        result.notes.append(f"{ans.missing['second']}: your second derivative is not judged")
        return result
    theirs = np.asarray(ans.values["second"], dtype=np.float64)
    rtol, atol = opts.tolerances(*tolerances(dt, act)[:2])
    rtol, atol = comparison_tolerances("second", rtol, atol, dt)
    skip = np.isnan(x) | np.isin(x, np.asarray(act.kinks(**params), dtype=np.float64))  # no f'' at a kink
    err, good = close(ours, theirs, rtol, atol)
    bad = ~(good | skip)
    result.max_abs_error["second"] = float(np.where(skip, 0.0, err).max()) if err.size else 0.0
    if bad.any():
        i = int(np.argmax(np.where(bad, np.nan_to_num(err, nan=np.inf), -1.0)))
        result.passed = False
        result.diagnosis.append(
            f"second derivative differs at {int(bad.sum())} of {x.size} points; worst at x = {x[i]:.6g}: "
            f"yours {ours[i]:.17g}, torch {theirs[i]:.17g}"
        )
        row = {"x": jsonable(x[i]), "quantity": "second", "yours": jsonable(ours[i]), "reference": jsonable(theirs[i])}
        result.worst.append(row)
    result.notes.append(f"second derivative judged in {dtype} against torch's double backward at {x.size} points")
    return result


def _call(second, x, kw, dtype):
    """The caller's f'' at x (given in ``dtype``) as float64, keeping the dtype it returned; InputError if it
    cannot be had."""
    from ..dtypes import DTYPES

    arg = x.astype(DTYPES[dtype].numpy) if dtype not in (None, "float64") else x
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):  # the tails overflow: the values say so
            warnings.simplefilter("ignore")
            out = np.asarray(second(arg, **kw_for(second, kw)))
    except Exception as e:
        raise InputError(f"second= raised {type(e).__name__}: {e}") from None
    if out.shape != x.shape or out.dtype.kind not in "fiu":
        raise InputError(f"second= must return real numbers of the input's shape, got {out.dtype} {out.shape}")
    return out if out.dtype.name in ("float32", "float16", "bfloat16") else out.astype(np.float64)
