"""The package's code against the project's own limits."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from conftest import REPO
from il76_claims.generate.architecture import LAYERS, layer_of

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


def upward_imports(package: Path) -> list[str]:
    """'file:line imports module' for each import of a module from a layer
    after the importer's own (generate/architecture.py: LAYERS)."""
    order = [name for name, _ in LAYERS]
    out = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        mine = order.index(layer_of(rel))
        parts = ["il76_claims", *rel[: -len(".py")].split("/")]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                base = parts[: len(parts) - node.level]
                target = [*base, *(node.module.split(".") if node.module else [])]
            else:
                target = (node.module or "").split(".")
            if target[0] != "il76_claims":
                continue
            names = [target[1]] if len(target) > 1 else [a.name for a in node.names]
            for name in names:
                theirs = order.index(name) if name in order else order.index("cli")
                if theirs > mine:
                    out.append(f"{rel}:{node.lineno} imports {'.'.join(target)}")
    return out


def test_no_module_imports_from_a_later_layer():
    assert upward_imports(PACKAGE) == []


def test_an_import_from_a_later_layer_is_found(tmp_path):
    (tmp_path / "check").mkdir()
    (tmp_path / "check" / "x.py").write_text(
        "from ..publish import site\nfrom ..model.record import Record\n", encoding="utf-8"
    )
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "y.py").write_text(
        "from il76_claims.check.run import check\n", encoding="utf-8"
    )
    assert upward_imports(tmp_path) == [
        "check/x.py:1 imports il76_claims.publish",
        "model/y.py:1 imports il76_claims.check.run",
    ]


def import_cycles(package: Path) -> list[list[str]]:
    """Groups of the package's modules that import one another, type-only
    imports included (benchmarks/codemetrics.py reads the import graph)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import codemetrics
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    return codemetrics.measure(str(package))["import_cycles"]


def test_no_modules_import_one_another():
    assert import_cycles(PACKAGE) == []


def test_two_modules_that_import_one_another_are_found(tmp_path):
    package = tmp_path / "il76_claims"
    (package / "check").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "check" / "__init__.py").write_text("", encoding="utf-8")
    (package / "check" / "a.py").write_text("from . import b\n", encoding="utf-8")
    (package / "check" / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import A\n",
        encoding="utf-8",
    )
    assert import_cycles(package) == [["il76_claims.check.a", "il76_claims.check.b"]]
