"""``verify`` for a user's softmax-family pair: whole vectors, VJPs against torch, the diagonal slip."""

import contextlib
import io
import warnings

import numpy as np

from .loading import one_line
from .outcome import PairResult

__all__ = ["check_vector_pair"]


def _vectors(act):
    from ..registry.vectors import DEFAULT_VECTOR

    rng = np.random.default_rng(2024)
    vs = [np.array(DEFAULT_VECTOR), np.array([1000.0, 0.0, -1000.0, 5.0]), np.array([1.0, 2.0, 3.0, 4.0])]
    vs += [rng.normal(0, 3, n) for n in (6, 10, 16)]
    return vs


def check_vector_pair(pair, adapter, act):
    """Check a vector pair on a few vectors; diagnose a backward that treats the Jacobian as diagonal."""
    from ..dtypes import DTYPES
    from ..opinions import torch_reverse
    from ..opinions.answer import Ask
    from ..result import close

    errs = {"forward": 0.0, "backward": 0.0, "vjp": 0.0}
    ok, diagonal, diag = True, True, []
    rng = np.random.default_rng(7)
    for x in _vectors(act):
        g = rng.uniform(-2, 2, act.forward(x).size)
        try:
            with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                mine = {
                    "forward": adapter.forward(x),
                    "backward": adapter.backward(x, np.ones_like(g)),
                    "vjp": adapter.backward(x, g),
                }
        except Exception as e:
            return PairResult(
                pair.name,
                pair.style,
                "torch",
                False,
                {},
                [f"your code raised {one_line(e)}"],
                pair.notes,
                activation=act.name,
            )
        ask = Ask(act, {}, x, DTYPES["float64"], upstream=g, rows=np.array([], int), cols=np.arange(x.size))
        ref = torch_reverse.answer(ask).values
        for key in errs:
            err, good = (
                close(mine[key], ref[key], 1e-7, 1e-7)
                if np.shape(mine[key]) == np.shape(ref[key])
                else (np.array([np.inf]), np.array([False]))
            )
            errs[key] = max(errs[key], float(err.max()))
            ok &= bool(good.all())
        diagonal &= _is_diagonal(act, x, g, mine["vjp"])
    if not ok:
        if diagonal:
            diag.append(
                f"backward treats the Jacobian as diagonal (dout * f'(x_i) alone): {act.name}'s backward "
                "couples every element, e.g. softmax: s * (dout - sum(dout * s))"
            )
        else:
            worst = max(errs, key=errs.get)
            diag.append(f"{worst} differs from torch by up to {errs[worst]:.3g}")
    return PairResult(pair.name, pair.style, "torch", ok, errs, diag, pair.notes, activation=act.name)


def _is_diagonal(act, x, g, vjp):
    """Does the user's VJP equal g times the Jacobian's diagonal?"""
    rows = np.arange(x.size)
    try:
        diag = np.diagonal(act.jac_rows(x, rows, rows)) if act.forward(x).size == x.size else None
    except Exception:
        return False
    if diag is None or np.shape(vjp) != np.shape(g):
        return False
    return bool(np.allclose(vjp, g * diag, rtol=1e-6, atol=1e-9))
