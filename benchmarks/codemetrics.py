"""Size and shape of the package's code, read with ast (nothing is imported).

    .venv/bin/python benchmarks/codemetrics.py [PACKAGE_DIR]

* lines: all lines of all .py files, as `wc -l` counts them;
* the longest functions (methods and nested functions included), from the
  `def` line to the last line of the body;
* the import graph among the package's own modules: every `import` and
  `from ... import` statement, at the top of a module or inside a function,
  absolute or relative. `from .a import b` is an edge to the module a.b
  when there is one, else to a. Importing a.b also runs a/__init__.py; that
  implicit edge is not counted, nor are importlib.import_module calls.
  The depth is the number of modules in the longest chain of imports
  (a module that imports nothing of the package: 1); a group of modules
  that import one another (a cycle) counts as one module in a chain, and
  every such group is listed.
"""

from __future__ import annotations

import ast
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.join(os.path.dirname(HERE), "scripts", "il76_claims")


def _modules(package_dir: str) -> dict[str, str]:
    """Dotted module name -> file path, for every .py file of the package."""
    top = os.path.basename(os.path.normpath(package_dir))
    out = {}
    for folder, dirs, files in os.walk(package_dir):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                rel = os.path.relpath(os.path.join(folder, name), package_dir)[:-3].split(os.sep)
                parts = [top, *rel[:-1]] + ([] if rel[-1] == "__init__" else [rel[-1]])
                out[".".join(parts)] = os.path.join(folder, name)
    return out


def _functions(tree: ast.AST, prefix: str = ""):
    """(qualified name, number of lines) of every function in tree."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield prefix + node.name, node.end_lineno - node.lineno + 1
            yield from _functions(node, prefix + node.name + ".")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, prefix + node.name + ".")
        else:
            yield from _functions(node, prefix)


def _imports(tree: ast.AST, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The package's modules that module imports, anywhere in its code."""
    here = module if is_package else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = here
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            if node.level:
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            names = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
            ]
        else:
            continue
        for name in names:
            while name and name not in known:  # import a.b.c where only a.b is a module
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


def _groups(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components (Tarjan), each a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _longest_chain(graph: dict[str, set[str]], groups: list[list[str]]) -> list[str]:
    """The longest chain of imports, a cycle's modules taken as one step."""
    group_of = {m: i for i, g in enumerate(groups) for m in g}
    best: dict[int, list[str]] = {}
    for i, group in enumerate(groups):  # Tarjan gives the imported groups first
        nexts = {group_of[w] for v in group for w in graph[v]} - {i}
        tail = max((best[j] for j in nexts), key=len, default=[])
        best[i] = [group[0] if len(group) == 1 else "{" + ", ".join(group) + "}", *tail]
    return max(best.values(), key=len, default=[])


def measure(package_dir: str = PACKAGE, top: int = 5) -> dict:
    modules = _modules(package_dir)
    known = set(modules)
    lines = 0
    functions = []
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        with open(path, "rb") as fh:
            source = fh.read()
        lines += source.count(b"\n")
        tree = ast.parse(source, path)
        rel = os.path.relpath(path, os.path.dirname(os.path.dirname(package_dir)))
        functions += [{"name": f, "file": rel, "lines": n} for f, n in _functions(tree)]
        graph[name] = _imports(tree, name, path.endswith("__init__.py"), known)
    functions.sort(key=lambda f: (-f["lines"], f["file"], f["name"]))
    groups = _groups(graph)
    chain = _longest_chain(graph, groups)
    return {
        "files": len(modules),
        "lines": lines,
        "functions": len(functions),
        "longest_functions": functions[:top],
        "functions_over_50_lines": sum(f["lines"] > 50 for f in functions),
        "import_edges": sum(len(v) for v in graph.values()),
        "import_depth": len(chain),
        "longest_import_chain": chain,
        "import_cycles": [g for g in groups if len(g) > 1],
    }


def report(m: dict) -> str:
    out = [
        f"{m['files']} files, {m['lines']:,} lines, {m['functions']} functions, {m['functions_over_50_lines']} of them over 50 lines",
        "longest functions:",
        *(f"  {f['lines']:4d}  {f['name']}  ({f['file']})" for f in m["longest_functions"]),
        f"imports: {m['import_edges']} edges among the package's modules; longest chain {m['import_depth']} modules:",
        "  " + " -> ".join(m["longest_import_chain"]),
        f"import cycles: {len(m['import_cycles'])}",
        *(f"  {{{', '.join(g)}}}" for g in m["import_cycles"]),
    ]
    return "\n".join(out)


if __name__ == "__main__":
    print(report(measure(sys.argv[1] if len(sys.argv) > 1 else PACKAGE)))
