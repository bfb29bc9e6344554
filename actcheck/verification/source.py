"""A user's code as compiled statements: a .py file whole, or a notebook's cells, cell by cell.

A .py file is compiled from its bytes, so a UTF-8 byte-order mark or a PEP 263 coding line
is honoured. A notebook (read with nbformat) keeps, unless ``run_all``, only what defines
things: imports, functions, classes, constant assignments (using what earlier cells
imported), ``del`` and the definitions inside ``if __name__ == "__main__":``; training
loops, plots and other calls at the top level are left out, and shell (``!``) and magic
(``%``) lines too. A ``%%time`` or ``%%capture`` cell runs its body. Each statement is
compiled on its own, so one that fails does not stop the rest of its cell.
"""

import ast
import linecache
import os
import re
from dataclasses import dataclass, field

__all__ = ["Unit", "SourceError", "python_units", "notebook_units", "cell_of"]

_CELL = re.compile(r"^<(.+) cell (\d+)>$")
_HELP = re.compile(r"^\s*\?*[\w.]+\?{1,2}\s*$")  # IPython's help: np.exp? or ?np.exp
_PYTHON_CELL_MAGICS = ("%%time", "%%capture")  # cells whose body runs as Python in the notebook's namespace
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
    _decodes(data)
    try:
        code = compile(data, path, "exec", dont_inherit=True)
    except SyntaxError as e:
        line = f" (line {e.lineno})" if e.lineno else ""
        raise SourceError(f"is not valid Python: {e.msg}{line}: a syntax error") from None
    except ValueError as e:  # null bytes
        raise SourceError(f"is not valid Python: {e}") from None
    except (MemoryError, RecursionError) as e:  # 100,000 nested brackets or unary minus signs
        raise SourceError(f"cannot be compiled: {_too_deep(e)}") from None
    return [Unit(None, [code])]


def _decodes(data):
    """SourceError where Python would refuse the bytes: not in the declared encoding (UTF-8 when none is)."""
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as e:  # an unknown coding, or a first line that is not UTF-8 (said below)
        if "encoding declaration" not in e.msg:
            raise SourceError(f"is not valid Python: {e.msg}") from None
        encoding = "utf-8"
    try:
        data.decode(encoding)
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise SourceError(
            f"is not valid Python: a byte that is not {encoding.upper()} "
            f"({data[e.start : e.start + 1]!r}) on line {line}, and no other encoding declared (PEP 263)"
        ) from None


def _too_deep(e):
    return f"it is nested too deeply for Python's compiler ({type(e).__name__})"


def cell_of(filename):
    """The cell number a code object's filename names, or None."""
    m = _CELL.match(filename or "")
    return int(m.group(2)) if m else None


def notebook_units(path, run_all=False):
    """One unit per code cell, holding the statements that run (all of them with ``run_all``), each on its own."""
    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as e:
        raise SourceError(f"is not a readable notebook: {type(e).__name__}") from None
    units, imported, left_out = [], set(), []  # a constant in cell 3 may use the numpy cell 2 imported
    for number, cell in enumerate(nb.cells, 1):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(p, str) for p in source):
            source = "".join(source)
        if not isinstance(source, str):
            kind = "null" if source is None else type(source).__name__
            units.append(Unit(number, [], [f"cell {number} has no source text (its source is {kind}): not run"]))
            continue
        units.append(_cell_unit(path, number, source, run_all, imported, left_out))
    if left_out and units:  # said once: a NameError later may come of them
        more = f" and {len(left_out) - 3} more" if len(left_out) > 3 else ""
        units[-1].notes.append(
            f"assignments that call more than imported modules were not run ({', '.join(left_out[:3])}{more}): "
            "--run-all runs every statement"
        )
    return units


def _cell_unit(path, number, source, run_all, imported, left_out):
    filename = f"<{os.path.basename(path)} cell {number}>"
    first, _, rest = source.lstrip().partition("\n")
    if first.startswith("%%"):
        if first.split()[0] not in _PYTHON_CELL_MAGICS:
            return Unit(number, [], [f"cell {number} starts with the cell magic {first.split()[0]}: not run"])
        source = "\n" * (source.count("\n") - rest.count("\n")) + rest  # the body, on the notebook's line numbers
    # shell and magic lines become blank lines, so line numbers stay those of the notebook
    text = "\n".join(
        "" if line.lstrip().startswith(("!", "%", "?")) or _HELP.match(line) else line for line in source.splitlines()
    )
    linecache.cache[filename] = (len(text), None, [line + "\n" for line in text.splitlines()], filename)
    try:
        tree = ast.parse(text, filename)
    except SyntaxError as e:
        return Unit(number, [], [f"cell {number} is not valid Python ({e.msg}, line {e.lineno}): not run"])
    except (ValueError, MemoryError, RecursionError) as e:  # a NUL, or nesting beyond the parser
        why = _too_deep(e) if isinstance(e, MemoryError | RecursionError) else str(e)
        return Unit(number, [], [f"cell {number} cannot be compiled ({why}): not run"])
    imported |= {a.asname or a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)
                 for a in n.names}  # fmt: skip
    kept = []
    for stmt in tree.body:
        keep = stmt if run_all else _defining(stmt, imported)
        if keep is not None:
            kept.append(keep)
        elif isinstance(stmt, ast.Assign | ast.AnnAssign):
            left_out.append(f"cell {number} line {stmt.lineno}")
    code, notes = [], []
    for stmt in kept:  # what parses may still not compile: def f(x, x), return in a class body, await in a def
        try:
            code.append(compile(ast.Module([stmt], []), filename, "exec", dont_inherit=True))
        except SyntaxError as e:
            notes.append(f"cell {number} line {e.lineno or stmt.lineno} is not valid Python ({e.msg}): not run")
        except (ValueError, MemoryError, RecursionError) as e:
            why = _too_deep(e) if isinstance(e, MemoryError | RecursionError) else str(e)
            notes.append(f"cell {number} line {stmt.lineno} cannot be compiled ({why}): not run")
    return Unit(number, code, notes)


def _defining(stmt, modules):
    """The statement as it runs in a definitions-only pass (an ``if __name__ == "__main__":`` block keeps what it
    defines), or None."""
    if _defines(stmt, modules):
        return stmt
    if isinstance(stmt, ast.If) and _is_main_check(stmt.test):  # true in a notebook
        body = [s for s in (_defining(b, modules) for b in stmt.body) if s is not None]
        return ast.copy_location(ast.If(stmt.test, body, []), stmt) if body else None
    return None


def _is_main_check(test):
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name) and test.left.id == "__name__"
        and len(test.comparators) == 1 and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value == "__main__"
    )  # fmt: skip


def _defines(stmt, modules):
    """Imports, definitions, constant assignments and deletions: what a notebook's later cells build on."""
    if isinstance(stmt, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return True
    if isinstance(stmt, ast.Assign | ast.AnnAssign):
        return stmt.value is not None and _constant(stmt.value, modules)
    if isinstance(stmt, ast.Delete):  # del tanh_prime: under Run All it is gone
        return all(isinstance(t, ast.Name) for t in stmt.targets)
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
