"""docs/architecture.md: the package's folders in the order data flows
through them, and each module's job, from the layers below and the
modules' own docstrings (tests/test_codebase.py holds the code to the
order: no module imports from a folder after its own)."""

from __future__ import annotations

import ast
from pathlib import Path

from ..model.escape import markdown_cell

# Each folder's job in one line, in the order data flows: a module may
# import from its own folder and the folders before it, never after.
LAYERS = (
    ("model", "what everything shares: a record, a problem, the schemas, the editorial rules"),
    ("check", "records in, problems out: every check, and the canonical form fmt writes"),
    ("publish", "checked records → tables → every output, the site and the release archive"),
    ("history", "two builds compared: what changed, renamed ids, the version bump it needs"),
    ("generate", "documents and templates written from the schemas and the code"),
    ("cli", "the il76-claims command, a thin layer over the functions above"),
)
PACKAGE = Path(__file__).resolve().parent.parent


def layer_of(rel: str) -> str:
    """The layer of a module by its path in the package ("check/run.py");
    the package's top-level modules are the command's."""
    return rel.split("/")[0] if "/" in rel else "cli"


def _summary(path: Path) -> str:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return " ".join(doc.split("\n\n")[0].split())


def render() -> str:
    flow = " → ".join(f"`{name}/`" if name != "cli" else "`cli.py`" for name, _ in LAYERS)
    lines = [flow, "", "| folder | job | modules |", "|---|---|---|"]
    for name, job in LAYERS:
        if not (PACKAGE / name).is_dir():
            lines.append(f"| `{name}.py` | {job} | |")
            continue
        mods = sorted(m for m in (PACKAGE / name).glob("*.py") if m.name != "__init__.py")
        cell = "<br>".join(f"`{m.stem}`: {markdown_cell(_summary(m))}" for m in mods)
        lines.append(f"| `{name}/` | {job} | {cell} |")
    return "\n".join(lines) + "\n"
