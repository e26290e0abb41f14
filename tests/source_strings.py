"""The package's string constants other than docstrings: the text a user may read (tests of language and agency text)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from lkip_helpers import paths

PACKAGE = paths.NOTEBOOKS_DIR.parent / "lkip_helpers"


def string_constants(path: Path) -> Iterator[tuple[int, str]]:
    """(line, text) of every string constant in the Python file ``path``, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(n.body[0].value)
        for n in ast.walk(tree)
        if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
        and n.body
        and isinstance(n.body[0], ast.Expr)
        and isinstance(n.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value
