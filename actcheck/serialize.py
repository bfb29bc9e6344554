"""Results as plain data: the JSON objects the README documents (no text, no rendering)."""

import math

import numpy as np

__all__ = ["jsonable", "point_dict", "result_to_dict", "results_to_dict", "activation_to_dict"]


def jsonable(v):
    """A float for JSON: non-finite values become the strings 'nan', 'inf', '-inf'."""
    if v is None:
        return None
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def _at(arr, i):
    return None if arr is None else jsonable(arr[i])


def _or_null(arr, i):
    """nan means 'not evaluated' here (a kink, or a point the oracle did not sample)."""
    return None if np.isnan(arr[i]) else jsonable(arr[i])


def point_dict(r, i):
    """One point's JSON object."""
    ext = r.extras
    fwd = {"numpy": _at(r.numpy["forward"], i), "torch": _at(r.torch["forward"], i)}
    bwd = {"numpy": _at(r.numpy["backward"], i), "torch": _at(r.torch["backward"], i)}
    p = {"x": jsonable(r.x[i]), "forward": fwd, "backward": bwd}
    if "jvp" in r.numpy:  # a vector activation: forward mode is a JVP along a seeded tangent
        p["jvp"] = {
            "tangent": _at(r.extras["tangent"], i),
            "numpy": _at(r.numpy["jvp"], i),
            "torch": _at(r.torch.get("forward_ad"), i),
        }
    else:
        bwd["torch_forward_ad"] = _at(r.torch.get("forward_ad"), i)
    if r.upstream is not None:
        p["vjp"] = {
            "upstream": _at(r.upstream, i),
            "numpy": _at(r.numpy["vjp"], i),
            "torch": _at(r.torch.get("vjp"), i),
        }
    if "second" in r.numpy:
        p["second"] = {"numpy": _at(r.numpy["second"], i), "torch": _at(r.torch.get("second"), i)}
    if "finite_difference" in ext:
        bwd["finite_difference"] = _or_null(ext["finite_difference"], i)
        if ext.get("fd_jump") is not None and ext["fd_jump"][i]:
            p["jump"] = True  # f itself is discontinuous here: no derivative to difference
    if "exact" in ext:
        for key, exact in ext["exact"].items():
            target = {"forward": fwd, "backward": bwd, "second": p.get("second"), "vjp": p.get("vjp")}[key]
            if target is not None:
                target["exact"] = _or_null(exact, i)
        p["ulp"] = {k: {side: _or_null(v, i) for side, v in sides.items()} for k, sides in ext["ulp"].items()}
        if ext.get("kink") is not None and ext["kink"][i]:
            p["kink"] = True
    p["passed"] = bool(r.ok[i])
    return p


def result_to_dict(r, max_points=10_000, worst=10, all_points=False):
    """A Result as the JSON object the README documents."""
    d = {
        "activation": r.activation,
        "params": r.params,
        "dtype": r.dtype,
        "rtol": r.rtol,
        "atol": r.atol,
        "passed": r.passed,
        "n_points": r.n_points,
        "max_abs_error": {k: jsonable(v) for k, v in r.max_abs_error.items()},
    }
    if "max_ulp" in r.extras:
        d["max_ulp"] = r.extras["max_ulp"]
    if "tolerances" in r.extras:
        d["tolerances"] = r.extras["tolerances"]
    d["failures"] = r.failures()
    d["notes"] = list(r.extras.get("notes", []))
    if "torch_deviations" in r.extras:  # where the oracle found torch off and NumPy right
        d["torch_deviations"] = [_deviation_dict(dev) for dev in r.extras["torch_deviations"]]
        d["torch_deviation_count"] = r.extras.get("torch_deviation_count", len(d["torch_deviations"]))
    if r.extras.get("context") is not None:  # torch evaluated inside arrays of this length (--context)
        d["context"] = r.extras["context"]
    if r.extras.get("torch_inconsistencies"):  # torch alone and inside an array differ
        d["torch_inconsistencies"] = [
            {k: jsonable(v) if isinstance(v, float) else v for k, v in dev.items()}
            for dev in r.extras["torch_inconsistencies"]
        ]
    if all_points or r.n_points <= max_points:
        d["points"] = [point_dict(r, i) for i in range(r.n_points)]
    d["worst"] = [point_dict(r, int(i)) for i in r.worst(worst)]
    return d


def _deviation_dict(dev):
    """A torch deviation with its numbers JSON-safe."""
    out = {k: jsonable(v) if isinstance(v, float) else v for k, v in dev.items() if k != "ulp"}
    return out | {"ulp": {side: jsonable(v) for side, v in dev["ulp"].items()}}


def results_to_dict(results, **kw):
    """The JSON object for several results (``actcheck all``)."""
    return {"passed": all(r.passed for r in results), "results": [result_to_dict(r, **kw) for r in results]}


def activation_to_dict(act):
    """One registry entry as ``actcheck list --json`` shows it."""
    return {
        "name": act.name,
        "kind": act.kind,
        "params": act.params,
        "formula": act.formula,
        "aliases": list(act.aliases),
        "kinks": [float(k) for k in act.kinks(**act.params)],
    }
