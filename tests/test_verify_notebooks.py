"""Notebooks: a .ipynb's definitions run cell by cell, results name the cell; a kernel's globals() checked in place."""

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

import actcheck
from actcheck.errors import InputError


def _notebook(tmp_path, *cells):
    nb = new_notebook()
    nb.cells = [new_markdown_cell(c[3:]) if c.startswith("md:") else new_code_cell(c) for c in cells]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    return path


def test_a_statement_that_needs_a_skipped_one_is_a_note_and_the_rest_still_runs(tmp_path):
    path = _notebook(
        tmp_path,
        "import numpy as np\nALPHA = float(open('alpha.txt').read())  # a call: not run",
        "md:the slope",
        "SLOPE = ALPHA * 2\nLIMIT = 6.0",
        "def relu6(x, top=LIMIT):\n    return np.clip(x, 0, top)\n\ndef relu6_grad(x, top=LIMIT):\n"
        "    return ((x > 0) & (x < top)).astype(float)",
    )
    rep = actcheck.verify(path)
    assert [r.name for r in rep.results] == ["relu6 (cell 4)"] and rep.passed
    assert rep.results[0].params == {} and rep.results[0].cells == {"forward": 4, "backward": 4}
    assert any(n.startswith("cell 3: NameError: name 'ALPHA' is not defined") for n in rep.notes), rep.notes


def test_a_file_that_is_not_a_notebook_is_exit_two(run, tmp_path):
    bad = tmp_path / "broken.ipynb"
    bad.write_text("{ not json")
    r = run("verify", bad)
    assert r.exit_code == 2 and "is not a readable notebook" in r.stderr


def _kernel_namespace(source):
    """What a Jupyter kernel's globals() holds after running ``source`` in a cell."""
    namespace = {"__name__": "__main__"}
    exec(compile(source, "/tmp/ipykernel_1/123.py", "exec"), namespace)
    return namespace


KERNEL = """
import numpy as np
from numpy import tanh  # imported, not defined here: not a pair

def sigmoid(x):
    print("called")
    return 1 / (1 + np.exp(-x))

def sigmoid_prime(x):
    s = sigmoid(x)
    return s * 1 - s

class ReLU:
    def forward(self, x):
        self.x = x
        return np.maximum(x, 0)

    def backward(self, dout):
        return dout * (self.x > 0)
"""


def test_globals_of_a_running_kernel_are_checked_in_place(capsys):
    rep = actcheck.verify(_kernel_namespace(KERNEL))
    by_name = {r.name: r for r in rep.results}
    assert set(by_name) == {"sigmoid", "ReLU"} and by_name["ReLU"].passed
    assert not by_name["sigmoid"].passed and "operator-precedence" in by_name["sigmoid"].diagnosis[0]
    assert capsys.readouterr().out == ""  # what the code printed is a note
    assert any(n.startswith("printed: 'called'") for n in by_name["sigmoid"].notes)
    assert rep.file == "<namespace __main__>"


def test_the_report_shows_as_a_table_in_jupyter():
    rep = actcheck.verify(_kernel_namespace(KERNEL + "\nclass MSELoss:\n    def forward(self, p, y_true): pass\n"
                                                    "    def backward(self, p, y_true): pass\n"))  # fmt: skip
    html = rep._repr_html_()
    assert html.startswith("<table>") and "<td>ReLU</td>" in html and "<b>FAIL</b>" in html
    assert "<td>MSELoss</td>" in html and "skipped" in html and "a loss: forward takes targets" in html
    assert "s * (1 - s) was meant" in html and "FAIL · 1 failed · 2 pairs" in html


def test_a_namespace_with_no_pair_is_an_input_error():
    with pytest.raises(InputError, match="holds no activation pair"):
        actcheck.verify({"__name__": "__main__", "x": np.zeros(3)})
