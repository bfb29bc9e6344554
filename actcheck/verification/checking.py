"""``verify`` and ``check_pair``: find a file's (or a namespace's) pairs, set each up, judge it.

A file runs in a child process (``isolation.Child``); a namespace already loaded here
(``verify(globals())`` in a notebook) and the functions given to ``check_pair`` are called
in this process. Either way the user's code answers and this side judges.
"""

import inspect
import math
import os
import re
import stat
import time
import types
from collections.abc import Mapping

from .. import inputs
from ..errors import InputError
from . import exactness
from .candidate import Candidate, failed
from .conventions import FunctionPair
from .discovery import BACKWARD_METHODS, FORWARD_METHODS, forward_method
from .isolation import Child, Died, InProcess, LoadFailed, TimeLimit
from .kinks import KINK_MODES
from .naming import activation_for
from .objects import ObjectPair
from .options import Options, options
from .outcome import Skipped, VerifyReport
from .params import check_known, torch_name, torch_params, user_kw
from .source import SourceError, python_units
from .text import escaped, first_lines
from .usercode import UserCode
from .variants import judge

__all__ = ["verify", "check_pair", "pairs_in", "NothingToCheck", "DEFAULT_TIMEOUT", "MAX_TIMEOUT"]


class NothingToCheck(InputError):
    """A file (or namespace) that holds no activation pair to check."""


DEFAULT_TIMEOUT = 60.0
COMPILE_TIMEOUT = 900.0  # with compile=: torch.compile's inductor takes tens of seconds per dtype
MAX_TIMEOUT = 1e6  # eleven days: what "no limit" means here (select() takes no more than a time_t)
_SUFFIXES = (".py", ".ipynb")


def verify(
    path,
    params=None,
    progress=None,
    *,
    timeout=DEFAULT_TIMEOUT,
    run_all=False,
    kink="torch",
    dtype=None,
    ulp=None,
    exhaustive=False,
    range=None,  # noqa: A002 - the CLI's --range
    order=1,
    compile=None,  # noqa: A002 - the CLI's --compile
):
    """Check every activation pair in a .py file, a notebook, or a namespace (``globals()``); return a VerifyReport.

    ``params`` overrides parameters on both sides ({name: number}, the user's name or
    torch's); ``progress``, if given, wraps the iteration over pairs (the CLI's progress bar);
    ``timeout`` bounds the seconds a file's code may take in all; ``run_all`` runs every cell
    of a notebook rather than only its definitions; ``kink="any"`` accepts any valid subgradient at a kink
    (torch's value by default). torch code (autograd Functions, Modules, torch functions) is judged in ULP
    of the exact value in each ``dtype`` it runs in (a name or a list; default float32, bfloat16, float16,
    float64), within ``ulp`` (default: torch's own max error or 2 ULP, the larger); ``exhaustive`` checks every
    float16/bfloat16 value (and every float32 in ``range=(lo, hi)``); ``order=2`` its double backward too;
    ``compile="inductor"`` (a torch.compile backend) judges it compiled too, beside eager.
    """
    overrides = _overrides(params)
    _kink_mode(kink)
    dtypes = [dtype] if isinstance(dtype, str) else dtype
    kernels = exactness.settings(dtypes, ulp, exhaustive, range, order, compile)
    if isinstance(path, dict | types.ModuleType):
        space = vars(path) if isinstance(path, types.ModuleType) else path
        name = space.get("__name__", "__main__")
        where = f"<namespace {name}>"
        with InProcess(UserCode.from_namespace(space, name)) as code:
            return _check(code, overrides, progress, where, kink=kink, kernels=kernels)
    file = _file(path)
    if compile is not None and timeout == DEFAULT_TIMEOUT:
        timeout = COMPILE_TIMEOUT
    if not (isinstance(timeout, int | float) and not isinstance(timeout, bool) and 0 < timeout <= MAX_TIMEOUT):
        raise InputError(
            f"--timeout (the time limit) must be a positive number of seconds up to {MAX_TIMEOUT:g}, got {timeout!r}"
        )
    notebook = file.lower().endswith(".ipynb")
    try:
        if not notebook:
            python_units(file)  # a syntax error is said at once, before any process starts
        with Child(file, notebook, run_all, timeout) as code:
            _warm_torch(file)
            return _check(code, overrides, progress, escaped(file), kink=kink, kernels=kernels)
    except (LoadFailed, TimeLimit, SourceError) as e:
        raise InputError(f"{escaped(file)} {e}") from None


def pairs_in(path, *, timeout=DEFAULT_TIMEOUT, run_all=False):
    """[(label, lines)] of the pairs (and torch/JAX kernels) a file defines, listed without checking them."""
    file = _file(path)
    notebook = file.lower().endswith(".ipynb")
    try:
        if not notebook:
            python_units(file)
        with Child(file, notebook, run_all, timeout) as code:
            described = code.describe()
    except (LoadFailed, TimeLimit, SourceError) as e:
        raise InputError(f"{escaped(file)} {e}") from None
    cells = lambda p: {k: v for k, v in p["cells"].items() if v is not None}  # noqa: E731
    found = [(_label(p["name"], cells(p)), p.get("lines") or {}) for p in described["pairs"]]
    for k in described.get("kernels", []):  # torch and JAX code: named as verify's results name them
        found.append((_label(k["name"], {"forward": k.get("cell")}), {"forward": k["line"]} if k.get("line") else {}))
    return found


def _overrides(params, act=None):
    """{name: float} checked; a text value only for a parameter ``act`` takes as text (gelu's approximate)."""
    out = {}
    if params is not None and not isinstance(params, Mapping):
        raise InputError(f"params takes a mapping of names to numbers ({{'alpha': 1.0}}), not {type(params).__name__}")
    for k, v in dict(params or {}).items():
        t = torch_name(act, str(k))
        if isinstance(v, str) and t is not None and isinstance(act.params[t], str):
            from ..registry import resolve_params

            resolve_params(act, {t: v})  # ParamError (an InputError) for a value it does not take
            out[str(k)] = v
            continue
        try:
            ok = not isinstance(v, bool) and isinstance(v, int | float) and math.isfinite(v)
        except OverflowError:  # 10**400
            ok = False
        if not ok:
            raise InputError(f"parameter {k} must be a finite number, got {v!r}"[:200])
        out[str(k)] = float(v)
    return out


def _file(path):
    """The path as a string, once it names a regular .py or .ipynb file; InputError saying what is wrong."""
    if isinstance(path, bytes) or not isinstance(path, str | os.PathLike):
        raise InputError(
            f"verify takes a path (str or os.PathLike) or a namespace (globals()), not {type(path).__name__}"
        )
    path = os.fspath(path)
    if isinstance(path, bytes):
        raise InputError("verify takes a path as text, not bytes")
    shown = escaped(path)  # a file's name may hold control characters too
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise InputError(f"no such file: {shown}") from None
    except OSError as e:
        raise InputError(f"cannot read {shown}: {e.strerror}") from None
    if stat.S_ISDIR(mode):
        raise InputError(f"{shown} is a directory, not a Python file")
    if not stat.S_ISREG(mode):
        raise InputError(f"{shown} is not a regular file (a device, pipe or socket), not a Python file")
    if not path.lower().endswith(_SUFFIXES):
        raise InputError(f"not a Python file or notebook (.py, .ipynb): {shown}")
    if not os.access(path, os.R_OK):
        raise InputError(f"cannot read {shown}: permission denied")
    return path


def _warm_torch(path):
    """Import torch while the child loads the file, when the file names a known activation (it will be needed)."""
    try:
        with open(path, "rb") as f:
            words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", f.read(1 << 20).decode("latin-1")))
    except OSError:
        return
    if any(activation_for(w) for w in words):
        import torch  # noqa: F401


def _label(name, cells):
    """'sigmoid (cell 4)', or 'sigmoid (forward cell 3, backward cell 5)' for a notebook's pair."""
    cells = {k: v for k, v in (cells or {}).items() if v is not None}
    if not cells:
        return name
    if len(set(cells.values())) == 1:
        return f"{name} (cell {next(iter(cells.values()))})"
    return f"{name} ({', '.join(f'{k} cell {v}' for k, v in cells.items())})"


def _kink_mode(kink):
    if kink not in KINK_MODES:
        raise InputError(f"kink must be one of {', '.join(KINK_MODES)}, got {kink!r}"[:200])


def _check(code, overrides, progress, where, reference=None, opts=None, kink="torch", kernels=None):
    """Set every pair up, judge those that are activations (and the torch kernels); the report."""
    described = code.describe()
    torch_code = described.get("kernels", [])
    skipped = [Skipped(s["name"], s["reason"]) for s in described["skipped"]]
    done, ready = {}, []
    for p in described["pairs"]:
        found = _set_up(code, p, overrides, reference, opts or Options())
        if isinstance(found, Candidate):
            found.kink = kink
        if isinstance(found, Skipped):
            skipped.append(found)
        elif isinstance(found, Candidate):
            ready.append(found)
        else:
            done[p["id"]] = found
    check_known(overrides, [(c.act, c.accepts) for c in ready], where, "parameter " if opts else "--param ")
    if not ready and not done and not torch_code:
        raise NothingToCheck(_nothing_to_check(where, skipped, code.notes()))
    for cand in progress(ready) if progress else ready:
        start = time.perf_counter()
        done[cand.id] = _judge(code, cand)
        done[cand.id].seconds = time.perf_counter() - start
    results = [done[p["id"]] for p in described["pairs"] if p["id"] in done]
    for k in torch_code:
        start = time.perf_counter()
        judged = _judge_kernel(code, k, kernels or exactness.Settings())
        if isinstance(judged, Skipped):
            skipped.append(judged)
            continue
        judged.seconds = time.perf_counter() - start
        results.append(judged)
    if not results and torch_code and not ready and not done:
        raise NothingToCheck(_nothing_to_check(where, skipped, code.notes()))
    for p in described["pairs"]:
        if p["id"] in done:
            done[p["id"]].lines = p.get("lines") or {}
    notes = list(code.notes())
    ended = code.finish()
    if ended:
        notes.append(ended)
    return VerifyReport(where, results, skipped, notes)


def _set_up(code, p, overrides, reference, opts):
    """A Candidate ready to judge, a Skipped, or the PairResult of a pair that failed being set up."""
    act = reference or activation_for(p.get("called", p["name"]))
    cells = {k: v for k, v in p["cells"].items() if v is not None} or None
    cand = Candidate(p["id"], p["name"], _label(p["name"], cells), act, {}, {}, {}, set(), cells, guess=p["style"],
                     opts=opts)  # fmt: skip
    cand.kw = user_kw(act, p["accepts"], overrides)
    try:
        reply = code.inspect(p["id"], cand.kw, act is not None and act.kind == "vector")
    except Died as e:
        return failed(cand, [f"your code {e} while the pair was set up"])
    cand.notes = list(reply.get("notes", []))
    if reply.get("printed", "").strip():
        cand.notes.append(f"printed: {first_lines(reply['printed'])}")
    if "skip" in reply:
        return Skipped(p["name"], reply["skip"])
    if "error" in reply:
        return failed(cand, [reply["error"]], cand.notes)
    cand.info = reply["info"]
    declared = cand.info["declared"]
    _agree_defaults(act, cand, declared, overrides)
    cand.params = torch_params(act, declared, overrides)
    cand.fixed = set(declared) | set(overrides)
    if reference is not None:  # check_pair(like=...): the caller named the activation and its parameters
        cand.fixed |= set(act.params)  # so a hard-coded other value is a failure, not an inferred parameter
    cand.accepts = set(p["accepts"]) | set(declared)  # names --param may use
    cand.declares, cand.shared = set(p["accepts"]), set(p.get("shared", ())) | _aliases(act, p.get("sides"))
    return cand


def _agree_defaults(act, cand, declared, overrides):
    """Where forward and derivative give one parameter different defaults (alpha=0.01 and alpha=0.1), both are
    called with the forward's, and ``cand.info['disagree']`` says so: called with their defaults they disagree."""
    fwd, bwd = cand.info.get("side_defaults") or ({}, {})
    said = []
    for a, fv in fwd.items():
        for b, bv in bwd.items():
            same = a == b or (torch_name(act, a) is not None and torch_name(act, a) == torch_name(act, b))
            if not same or fv == bv or a in overrides or b in overrides or a in cand.kw or b in cand.kw:
                continue
            cand.kw.update({a: fv, b: fv})
            declared.update({a: fv, b: fv})
            said.append(f"forward's {a} = {fv!r}, derivative's {b} = {bv!r}")
    if said:
        cand.info["disagree"] = (
            f"the defaults disagree ({'; '.join(said)}): called with their defaults the derivative is not the "
            "forward's; judged with the forward's value given to both"
        )


def _aliases(act, sides):
    """Names forward and backward give one torch parameter (negative_slope in one, alpha in the other)."""
    if act is None or not sides:
        return set()
    fwd, bwd = sides
    return {n for a in fwd for b in bwd if a != b and torch_name(act, a) and torch_name(act, a) == torch_name(act, b)
            for n in (a, b)}  # fmt: skip


def _judge(code, cand):
    try:
        return judge(code, cand)
    except Died as e:
        return failed(cand, [f"your code {e} while the pair was checked"])


def _judge_kernel(code, k, settings):
    try:
        return exactness.judge_kernel(code, k, settings)
    except Died as e:
        from .outcome import PairResult

        kind = exactness.KINDS.get(k["kind"], k["kind"])
        said = [f"your code {e} while it was checked"]
        return PairResult(k["name"], kind, "exact", False, {}, said, [], framework=k.get("framework", "torch"))


def _nothing_to_check(where, skipped, notes=()):
    """One line: the file holds no pair (or every one was skipped), with the notes that may say why."""
    if not skipped:
        text = (
            f"{where} holds no activation pair (a forward with its derivative: NAME/NAME_backward, dNAME, "
            "NAME(x, derivative=False), or a class with forward and backward)"
        )
    else:
        text = f"{where} holds no activation pair to check: skipped " + "; ".join(
            f"{s.name}: {s.reason}" for s in skipped
        )
    said = [n for n in notes if not n.startswith("printed on import")]
    return text + (f" — notes: {'; '.join(said)}" if said else "")


def check_pair(
    forward,
    derivative=None,
    like=None,
    *,
    dtype=None,
    rtol=None,
    atol=None,
    points=None,
    order=1,
    oracle=False,
    strict=False,
    convention=None,
    second=None,
    name=None,
    layer=None,
    params=None,
    reference=None,
    style=None,
    kink="torch",
    **parameters,
):
    """Check a forward/derivative pair (or a ``layer`` class) against torch's ``like`` (a known activation's name)
    or, without one, finite differences of the forward; return its PairResult.

    Takes what ``check`` takes: activation parameters as keywords (``approximate="tanh"``; the
    user's names or torch's, given to both sides), ``dtype`` (the code is given arrays of it and
    judged in it; by default the dtype it returns), ``rtol``/``atol`` (by default torch's for the
    dtype), ``points``, ``oracle`` (your values judged against exact ones too) and ``strict``
    (where yours is exact and torch is not, fail all the same). ``order=2`` with ``second=`` (your
    f'') also judges that against torch's double backward. ``convention`` ("derivative",
    "upstream", "output", "layer"...) is what you expect: InputError when the code says otherwise.
    ``kink="any"`` accepts any valid subgradient at a kink (torch's value only, by default).
    ``reference``, ``style`` and ``params={...}`` are the older names of ``like``, ``convention``
    and the keywords.
    """
    from ..registry import lookup
    from ..registry.record import Activation, VectorActivation

    _kink_mode(kink)
    like = _one_of("like", like, "reference", reference)
    convention = _one_of("convention", convention, "style", style)
    if like is not None and not isinstance(like, str | Activation | VectorActivation):
        shown = f"{type(like).__name__} {like!r}"[:100]
        raise InputError(f"like takes a known activation's name, not {shown}")
    act = lookup(inputs.activation_name(like)) if isinstance(like, str) else like
    if isinstance(like, str) and act is None:
        raise InputError(f"unknown activation {like!r}")
    if (inputs.order(order) == 2) != (second is not None):
        raise InputError("order=2 and second= (your second derivative) go together")
    if second is not None and (not callable(second) or act is None or act.kind == "vector"):
        raise InputError(
            "second= takes a function, judged against torch's double backward: it needs an elementwise like=..."
        )
    opts = options(dtype, rtol, atol, points, oracle, strict)
    if (oracle or strict) and (act is None or act.kind == "vector"):
        raise InputError(
            f"{'oracle' if oracle else 'strict'}=True needs an elementwise activation to compare with (like=...): "
            + ("finite differences have no exact values" if act is None else f"{act.name} is judged against torch")
        )
    if layer is not None:
        if not inspect.isclass(layer):
            raise InputError(f"layer= takes a class (layer={type(layer).__name__}), not an instance of one")
        fwd = forward_method(layer)
        bwd = next((m for m in BACKWARD_METHODS if callable(getattr(layer, m, None))), None)
        if fwd is None or bwd is None:
            methods = ", ".join(BACKWARD_METHODS if fwd else FORWARD_METHODS)
            raise InputError(f"{layer.__name__} has no {'backward' if fwd else 'forward'} method ({methods})")
        pair = ObjectPair(name or layer.__name__, layer, fwd, bwd)
    else:
        if not callable(forward) or not callable(derivative):
            raise InputError("check_pair takes a forward and a derivative function (or layer=)")
        pair = FunctionPair(name or getattr(forward, "__name__", "forward"), forward, derivative)
    pair.cells = {}
    overrides = _overrides({**dict(params or {}), **parameters}, act)
    with InProcess(UserCode([pair])) as code:
        (result,) = _check(code, overrides, None, pair.name, reference=act, opts=opts, kink=kink).results
    if second is not None and result.reference == "torch":
        from .second import judge_second

        judge_second(result, act, second, opts, overrides)
    if (
        convention is not None
        and result.style != convention
        and not (convention == "derivative" and result.style == "output")
    ):
        raise InputError(f"{pair.name} is called in the {result.style} convention, not {convention}")
    return result


def _one_of(name, value, old, old_value):
    """``value`` or the same argument under its older name; InputError when both are given."""
    if value is not None and old_value is not None:
        raise InputError(f"give {name}= or {old}= (its older name), not both")
    return value if value is not None else old_value
