"""The package's code against the project's own limits."""

from __future__ import annotations

import ast

from conftest import REPO

PACKAGE = REPO / "scripts" / "il76_claims"
MOST_LINES = 50


def long_functions() -> list[str]:
    """'file:line name length' of every function longer than MOST_LINES
    (its docstring included, as ruff formats it at 100 columns)."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MOST_LINES:
                    out.append(f"{rel}:{node.lineno} {node.name} {length}")
    return out


def test_no_function_is_longer_than_50_lines():
    assert long_functions() == []
