"""A user's code as compiled statements: a .py file whole, or a notebook's cells, cell by cell.

A .py file is compiled from its bytes, so a UTF-8 byte-order mark or a PEP 263 coding line
is honoured. A notebook (read with nbformat) keeps, unless ``run_all``, only what defines
things: imports, functions, classes and constant assignments; training loops, plots and
other calls at the top level are left out, and shell (``!``) and magic (``%``) lines too.
"""

import ast
import linecache
import os
import re
from dataclasses import dataclass, field

__all__ = ["Unit", "SourceError", "python_units", "notebook_units", "cell_of"]

_CELL = re.compile(r"^<(.+) cell (\d+)>$")
_HELP = re.compile(r"^\s*\?*[\w.]+\?{1,2}\s*$")  # IPython's help: np.exp? or ?np.exp
_BUILTIN_CALLS = {"float", "int", "complex", "abs", "round", "min", "max", "tuple", "list", "dict", "set", "range"}


class SourceError(Exception):
    """The file is not Python (or not a notebook) that can be compiled."""


@dataclass
class Unit:
    """Statements to run in order; ``cell`` is the notebook cell they come from (1-based, markdown counted)."""

    cell: int | None
    code: list  # compiled code objects
    notes: list = field(default_factory=list)


def python_units(path):
    """The whole file as one unit, compiled from its bytes (BOM and coding line honoured)."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        code = compile(data, path, "exec", dont_inherit=True)
    except SyntaxError as e:
        line = f" (line {e.lineno})" if e.lineno else ""
        raise SourceError(f"is not valid Python: {e.msg}{line}: a syntax error") from None
    except ValueError as e:  # null bytes
        raise SourceError(f"is not valid Python: {e}") from None
    return [Unit(None, [code])]


def cell_of(filename):
    """The cell number a code object's filename names, or None."""
    m = _CELL.match(filename or "")
    return int(m.group(2)) if m else None


def notebook_units(path, run_all=False):
    """One unit per code cell, holding the statements that run (all of them with ``run_all``)."""
    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as e:
        raise SourceError(f"is not a readable notebook: {type(e).__name__}") from None
    units = []
    for number, cell in enumerate(nb.cells, 1):
        if cell.get("cell_type") != "code":
            continue
        units.append(_cell_unit(path, number, cell.get("source", ""), run_all))
    return units


def _cell_unit(path, number, source, run_all):
    filename = f"<{os.path.basename(path)} cell {number}>"
    if source.lstrip().startswith("%%"):
        return Unit(number, [], [f"cell {number} starts with a cell magic: not run"])
    # shell and magic lines become blank lines, so line numbers stay those of the notebook
    text = "\n".join(
        "" if line.lstrip().startswith(("!", "%", "?")) or _HELP.match(line) else line for line in source.splitlines()
    )
    linecache.cache[filename] = (len(text), None, [line + "\n" for line in text.splitlines()], filename)
    try:
        tree = ast.parse(text, filename)
    except SyntaxError as e:
        return Unit(number, [], [f"cell {number} is not valid Python ({e.msg}, line {e.lineno}): not run"])
    if run_all:
        return Unit(number, [compile(tree, filename, "exec", dont_inherit=True)])
    imported = {a.asname or a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)
                for a in n.names}  # fmt: skip
    kept = [s for s in tree.body if _defines(s, imported)]
    code = [compile(ast.Module([s], []), filename, "exec", dont_inherit=True) for s in kept]
    return Unit(number, code)


def _defines(stmt, modules):
    """Imports, definitions and constant assignments: what a notebook's later cells build on."""
    if isinstance(stmt, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return True
    if isinstance(stmt, ast.Assign | ast.AnnAssign):
        return stmt.value is not None and _constant(stmt.value, modules)
    if isinstance(stmt, ast.Try):
        parts = stmt.body + stmt.orelse + stmt.finalbody + [s for h in stmt.handlers for s in h.body]
        return all(_defines(s, modules) or isinstance(s, ast.Pass) for s in parts)
    return False


def _constant(node, modules):
    """An expression that only computes a value: literals, names, arithmetic, lambdas, module functions."""
    if isinstance(node, ast.Lambda | ast.Constant | ast.Name):
        return True
    if isinstance(node, ast.Call):
        root = node.func
        while isinstance(root, ast.Attribute):
            root = root.value
        from_module = isinstance(root, ast.Name) and root.id in modules and root is not node.func
        builtin = isinstance(node.func, ast.Name) and node.func.id in _BUILTIN_CALLS
        args = list(node.args) + [k.value for k in node.keywords]
        return (from_module or builtin) and all(_constant(a, modules) for a in args)
    if isinstance(node, ast.Attribute):
        return _constant(node.value, modules)
    if isinstance(node, ast.Starred):
        return _constant(node.value, modules)
    children = list(ast.iter_child_nodes(node))
    allowed = (ast.UnaryOp, ast.BinOp, ast.BoolOp, ast.Compare, ast.Tuple, ast.List, ast.Set, ast.Dict, ast.Subscript,
               ast.Slice)  # fmt: skip
    operators = (ast.operator, ast.unaryop, ast.boolop, ast.cmpop, ast.expr_context)
    if isinstance(node, allowed):
        return all(isinstance(c, operators) or _constant(c, modules) for c in children)
    return False
