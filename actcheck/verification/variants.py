"""A pair judged once more where a single reading could let a slip through or fail right code.

- A pair that takes a parameter torch's activation lacks (Swish-β's beta, a softmin's
  temperature, SELU's constants as arguments) and fails against torch is judged against
  finite differences of its own forward instead, and a note says why.
- A pair whose values are wrong on a 1-D array and right on a column (n, 1) was written for
  columns (``.T`` and ``np.dot`` keep a column's shape), and passes, with a note.
- A pair whose forward and backward both take a parameter is judged again at a second value
  of it: a derivative that ignores its own alpha is right only at the default.
"""

from dataclasses import replace

from .batches import check_shapes
from .calling import COLUMNS
from .judging import judge_elementwise
from .params import lacking, neutral, second_values, torch_name
from .vector import judge_vector

__all__ = ["judge"]


def judge(code, cand):
    """The pair's PairResult: against torch (or finite differences), on columns if its 1-D values are wrong, then
    at a second value of its parameters."""
    result = _beyond_torch(code, cand, _once(code, cand))
    vector = cand.act is not None and cand.act.kind == "vector"  # column code may raise on 1-D and on rows
    if not result.passed and (_compared(result) or vector):  # values that are wrong, not values not had
        columns = replace(cand, modes=COLUMNS)
        again = _beyond_torch(code, columns, _once(code, columns))
        mixed = any(n.startswith("written for 2-D batches") for n in result.notes)  # 1-D forward, rows backward
        if not again.passed and not (again.forward_ok and (mixed or not result.forward_ok)):
            return result  # on columns no better: the first reading stands
        cand, result = columns, again
        result.notes = [n for n in result.notes if not n.startswith("written for 2-D batches")]  # tried first
    result = check_shapes(code, cand, _at_second_values(code, cand, result))
    if cand.info.get("disagree"):
        result.passed = False
        result.diagnosis.insert(0, cand.info["disagree"])
    return result


def _compared(result):
    return any(v is not None for v in result.max_abs_error.values())


def _once(code, cand, fd=False):
    if cand.act is not None and cand.act.kind == "vector":
        return judge_vector(code, cand, fd)
    return judge_elementwise(code, replace(cand, act=None, params={}) if fd else cand)


def _beyond_torch(code, cand, result):
    """A pair that fails torch but takes a parameter torch lacks: judged against torch where that parameter makes it
    the activation (a leak of 0), else by finite differences of its own forward, said to be unchecked."""
    extra = lacking(cand.act, cand.declares) if cand.act is not None and not result.passed else []
    if not extra:
        return result
    here = {n: cand.kw[n] if n in cand.kw else cand.info.get("declared", {}).get(n) for n in extra}
    given = ", ".join(f"{n} = {cand.kw[n]!r}" for n in extra if n in cand.kw)  # what --param set
    lacks = f"takes {', '.join(extra)}{f' (here {given})' if given else ''}, which torch's {cand.act.name} has no"
    lacks += " parameter for"
    at = {n: neutral(cand.act, n) for n in extra}
    if all(v is not None for v in at.values()):
        said = ", ".join(f"{n} = {v!r}" for n, v in at.items())
        where = f"with {said}, where it should be torch's {cand.act.name}"
        if all(here[n] == v for n, v in at.items()):
            result.notes.append(f"{lacks}; {said} makes it torch's {cand.act.name}: judged against torch there")
            return result
        there = _once(code, replace(cand, kw={**cand.kw, **at}, notes=[*cand.notes, f"{lacks}: judged {where}"]))
        if not there.forward_ok:
            result.diagnosis.insert(0, f"forward is not torch's {cand.act.name} even {where} (it {lacks})")
            result.notes.append(f"{lacks}: its forward judged against torch at its own values and {where}")
            return result
        if not there.passed:
            there.diagnosis.insert(0, f"wrong {where}")
            return there
        note = (
            f"{lacks}: with {said} it is torch's {cand.act.name} (forward and derivative right there); at its own "
            "values checked against finite differences of your own forward"
        )
        return _once(code, replace(cand, notes=[*cand.notes, note]), fd=True)
    note = (
        f"{lacks}, and does not match torch's: checked against finite differences of your own forward — "
        "the forward itself was not compared with any reference"
    )
    fd = _once(code, replace(cand, notes=[*cand.notes, note]), fd=True)
    fd.forward_compared = False
    return fd


def _at_second_values(code, cand, result):
    """The pair again with each declared parameter at a second value; a failure says the code ignores it.

    One torch parameter at a time (names the two functions give it move together): moving hardtanh's
    bounds together would hide a derivative that ignores min_val.
    """
    other = second_values(cand.act, cand.info.get("declared", {}), cand.shared, cand.kw)
    groups = {}
    for n, v in other.items():
        groups.setdefault(torch_name(cand.act, n) or n, {})[n] = v
    for moved in groups.values():
        again = _moved(code, cand, result, moved)
        if not again.passed:
            return again
    if other:
        said = ", ".join(f"{n} = {v!r}" for n, v in other.items())
        result.notes.append(f"also checked with {said} (each in turn), a second value of what it declares: right there")
    return result


def _moved(code, cand, result, moved):
    """The pair judged with the parameters in ``moved`` at their second values."""
    act = cand.act if result.reference == "torch" else None
    if act is not None and any(torch_name(act, n) is None for n in moved):
        act = None  # a value torch cannot take: the code's own forward judges its derivative
    params = {**result.params, **{torch_name(act, n): v for n, v in moved.items()}} if act is not None else {}
    again = _once(code, replace(cand, kw={**cand.kw, **moved}, params=params, act=act or cand.act, notes=[]),
                  fd=act is None)  # fmt: skip
    if not again.passed:
        said = ", ".join(f"{n} = {v!r}" for n, v in moved.items())
        defaults = ", ".join(f"{n} = {cand.info['declared'][n]!r}" for n in moved)
        again.diagnosis.insert(0, f"right with {defaults} but not with {said}: the code does not follow its parameter")
        again.notes = result.notes + [n for n in again.notes if n not in result.notes]
    return again
