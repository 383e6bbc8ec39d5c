"""docs/block-coverage.md: each block of an archived source, and the records
that cite it or the reason none does (from ``check/coverage.py``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..check.coverage import Coverage, coverage
from ..model.escape import markdown_cell

FIRST_WORDS = 8


def _first_words(block: str) -> str:
    words = block.split()
    return markdown_cell(
        " ".join(words[:FIRST_WORDS]) + (" …" if len(words) > FIRST_WORDS else ""), literal=True
    )


def render(cov: Coverage) -> str:
    """One section per source whose text is held; the others, known only by
    their address, have no blocks to cover."""
    lines: list[str] = []
    for sc in cov.sources:
        if sc.block_count is None:
            continue
        lines += [f"## {sc.source_id}", ""]
        cited = sum(1 for b in range(1, sc.block_count + 1) if b in sc.cited)
        lines.append(
            f"{sc.block_count} blocks: {cited} cited by records, {sc.block_count - cited} not cited."
        )
        if sc.blocks is None:
            lines += [
                "",
                "The archived text was not available, so the blocks' first words are not shown.",
            ]
        lines += ["", "| block | begins | cited by |", "|---:|---|---|"]
        blocks = sc.blocks or []
        for b in range(1, sc.block_count + 1):
            begins = _first_words(blocks[b - 1]) if b <= len(blocks) else ""
            if b in sc.cited:
                what = "<br>".join(f"{kind} `{rid}`" for kind, rid in sc.cited[b])
            elif b in sc.uncited:
                u = sc.uncited[b]
                what = (
                    "not cited: " + markdown_cell(u.reason) + (f" (see `{u.see}`)" if u.see else "")
                )
            else:
                what = "**not cited, no reason given**"
            lines.append(f"| {b} | {begins} | {what} |")
        lines.append("")
    return "\n".join(lines)


DOC = "docs/block-coverage.md"


def render_for(root: str) -> str:
    """render for the project at root with its default sources folder (what
    the cog block in docs/block-coverage.md calls). Without an archived text
    that the document shows, the document is kept as it is, so that `make
    docs` on a clone without the archive never drops what it cannot write."""
    from ..model.project import default_sources_dir

    cov = coverage(root, default_sources_dir(root))
    kept = _generated(os.path.join(root, DOC))
    if kept is not None and any(
        sc.block_count is not None and sc.blocks is None for sc in cov.sources
    ):
        print(f"note: {DOC} kept as it is: an archived text it shows is not here", file=sys.stderr)
        return kept
    return render(cov)


def _generated(path: str) -> str | None:
    """The text a cog block wrote in the document at path, if there is one."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError:
        return None
    start, end = text.find("]]] -->\n"), text.find("<!-- [[[end]]]")
    return text[start + len("]]] -->\n") : end] if 0 <= start < end else None
