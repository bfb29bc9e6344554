"""Regenerate docs/api.md, the Python API reference, from the docstrings (tests/test_api.py checks it is current).

.venv/bin/python tools/api_doc.py > docs/api.md
"""

import inspect
import sys

import actcheck
from actcheck.errors import InputError
from actcheck.result import Result
from actcheck.verification import PairResult, VerifyReport

INTRO = """\
# Python API reference

Generated from the docstrings by `tools/api_doc.py`; the guide with examples is
[python.md](python.md), and pytest, CI and pre-commit are in [ci.md](ci.md).

One calling convention, the command line's: activation parameters are keywords
(`check("gelu", approximate="tanh")`, `check_pair(f, df, like="gelu", approximate="tanh")`),
and `check_pair` takes what `check` takes. Input that cannot be used raises
`actcheck.InputError` (also `actcheck.errors.InputError`, a `ValueError`) with one line saying
what is wrong. Results show themselves in a session (`repr`), in Jupyter (`_repr_html_`) and as
JSON (`to_json()`).

```python
import actcheck

actcheck.check("gelu", points=[-1.0, 0.5], approximate="tanh", dtype="float32").passed
actcheck.check_pair(my_gelu, my_gelu_grad, like="gelu", approximate="tanh", dtype="float32", rtol=1e-5)
actcheck.assert_gradient(my_gelu, my_gelu_grad, like="gelu", approximate="tanh")  # in a test
```
"""

FUNCTIONS = [actcheck.check, actcheck.check_pair, actcheck.verify, actcheck.assert_gradient]
CLASSES = [
    (Result, ["passed", "n_points", "max_abs_error", "failures", "worst", "compact", "to_dict", "to_json"]),
    (PairResult, ["to_dict", "to_json"]),
    (VerifyReport, ["passed", "to_dict", "to_json"]),
    (InputError, []),
]


def _doc(obj):
    return inspect.cleandoc(obj.__doc__ or "").strip()


def _signature(name, fn):
    return f"{name}{inspect.signature(fn)}"


def render():
    """The whole page."""
    out = [INTRO]
    for fn in FUNCTIONS:
        out.append(f"## `actcheck.{_signature(fn.__name__, fn)}`\n\n{_doc(fn)}\n")
    for cls, members in CLASSES:
        block = [f"## `{cls.__module__}.{cls.__name__}`\n\n{_doc(cls)}\n"]
        for m in members:
            attr = inspect.getattr_static(cls, m)
            if isinstance(attr, property):
                block.append(f"- `{m}` (property): {_doc(attr.fget)}")
            else:
                block.append(f"- `{_signature(m, attr)}`: {_doc(attr)}")
        out.append("\n".join(block) + ("\n" if members else ""))
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
