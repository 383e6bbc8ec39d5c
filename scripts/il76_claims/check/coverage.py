"""Block coverage: which records cite each block of an archived source, and
why the blocks that no record cites are left out.

A source is curated completely when every block is either cited by a
statement or casualty figure, or listed with a reason in
``docs/uncited-blocks.yaml``. The reasons live there rather than in the
source record because they are notes about this project's curation, not
data about the source: keeping them out of the schema keeps them out of the
published tables, and adding or revising one is not a change to the data
package (no new version). The file is read with the same strict YAML
loader as the records.

``generate/coverage.py`` turns the result into ``docs/block-coverage.md``;
the ``coverage`` command lists the blocks neither cited nor explained and
fails when there is any.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from ..model.record import Record, child_pointer
from ..model.schemas import KINDS
from . import files, quotes, strict_yaml

UNCITED_FILE = "docs/uncited-blocks.yaml"
CITING_KINDS = ("statement", "casualty_figure")


@dataclass
class Uncited:
    block: int
    reason: str
    see: str | None  # the record that carries the block's content, if any
    line: int
    col: int


@dataclass
class SourceCoverage:
    source_id: str
    block_count: int | None
    blocks: list[str] | None  # the archived text's blocks, when it was read
    cited: dict[int, list[tuple[str, str]]] = field(
        default_factory=dict
    )  # block -> [(kind, id), ...]
    uncited: dict[int, Uncited] = field(default_factory=dict)


@dataclass
class Coverage:
    sources: list[SourceCoverage]
    # "path:line:col: message" lines, like the checker's, without a code:
    # coverage is a curation report, not a record check.
    problems: list[str]


def _at(path: str, line: int, col: int, message: str) -> str:
    return f"{path}:{line}:{col}: {message}"


def load_uncited(
    root: str, source_ids: set[str]
) -> tuple[dict[str, dict[int, Uncited]], list[str]]:
    """source id -> block -> reason, from docs/uncited-blocks.yaml."""
    path = UNCITED_FILE
    abspath = os.path.join(root, path)
    if not os.path.exists(abspath):
        return {}, []
    rec, problems = strict_yaml.load_file(path, abspath, "uncited")
    out_problems = [f"{p.path}:{p.line}:{p.col}: {p.message}" for p in problems]
    if rec is None:
        return {}, out_problems
    out: dict[str, dict[int, Uncited]] = {}
    for sid, entries in rec.data.items():
        sp = child_pointer("$", sid)
        line, col = rec.key_marks.get(sp) or rec.mark(sp)
        if sid not in source_ids:
            out_problems.append(_at(path, line, col, f"'{sid}' is not the id of a source record"))
            continue
        if not isinstance(entries, list):
            out_problems.append(
                _at(
                    path,
                    line,
                    col,
                    f"{sid}: write a list of entries with block, reason and, optionally, see",
                )
            )
            continue
        blocks = out.setdefault(sid, {})
        for i, entry in enumerate(entries):
            ep = child_pointer(sp, i)
            eline, ecol = rec.mark(ep)
            entry_problem = _entry_problem(entry)
            if entry_problem:
                out_problems.append(_at(path, eline, ecol, f"{sid}: {entry_problem}"))
                continue
            if entry["block"] in blocks:
                out_problems.append(
                    _at(
                        path,
                        eline,
                        ecol,
                        f"{sid}: block {entry['block']} is listed twice (first at line {blocks[entry['block']].line})",
                    )
                )
                continue
            blocks[entry["block"]] = Uncited(
                entry["block"], entry["reason"], entry.get("see"), eline, ecol
            )
    return out, out_problems


def _entry_problem(entry: object) -> str | None:
    if (
        not isinstance(entry, dict)
        or not {"block", "reason"} <= set(entry)
        or not set(entry) <= {"block", "reason", "see"}
    ):
        return "each entry has block and reason, and optionally see"
    if (
        not isinstance(entry["block"], int)
        or isinstance(entry["block"], bool)
        or entry["block"] < 1
    ):
        return "block is a block number counted from 1"
    if not isinstance(entry["reason"], str) or not entry["reason"].strip():
        return "reason is a non-empty text"
    if not isinstance(entry.get("see", ""), str):
        return "see is the id of one record"
    return None


def coverage(root: str, sources_dir: str | None) -> Coverage:
    found, _ = files.discover(root, KINDS)  # problems with the files are check's to report
    loaded = [strict_yaml.load_file(f.path, f.abspath, f.kind)[0] for f in found]
    records = sorted(
        (r for r in loaded if r is not None), key=lambda r: (KINDS.index(r.kind), r.path)
    )
    by_id = {r.id: r for r in records if isinstance(r.id, str)}
    sources = [r for r in records if r.kind == "source" and isinstance(r.id, str)]
    uncited, problems = load_uncited(root, {s.id for s in sources})
    result = Coverage([], problems)
    for src in sources:
        count = src.data.get("block_count")
        count = count if isinstance(count, int) and not isinstance(count, bool) else None
        archive = None
        if sources_dir and os.path.isdir(sources_dir):
            archive = quotes.read_archive(src, sources_dir, [])
        sc = SourceCoverage(
            src.id, len(archive.blocks) if archive else count, archive.blocks if archive else None
        )
        for rec in records:
            if (
                rec.kind in CITING_KINDS
                and rec.data.get("source_id") == src.id
                and isinstance(rec.data.get("block"), int)
            ):
                sc.cited.setdefault(rec.data["block"], []).append((rec.kind, rec.id))
        sc.uncited = uncited.get(src.id, {})
        result.problems.extend(_source_problems(sc, by_id))
        result.sources.append(sc)
    return result


def _source_problems(sc: SourceCoverage, by_id: dict[str, Record]) -> list[str]:
    out = []
    for block, u in sorted(sc.uncited.items()):
        found = []
        if sc.block_count is not None and block > sc.block_count:
            found.append(f"block {block} is beyond the {sc.block_count} blocks of the source")
        if block in sc.cited:
            found.append(
                f"block {block} is cited by {', '.join(f'{k} {i}' for k, i in sc.cited[block])}; remove it from {UNCITED_FILE}"
            )
        if u.see is not None and u.see not in by_id:
            found.append(f"block {block}: see names '{u.see}', which is not a record id")
        out += [_at(UNCITED_FILE, u.line, u.col, f"{sc.source_id}: {msg}") for msg in found]
    if sc.block_count is not None:
        missing = [
            b for b in range(1, sc.block_count + 1) if b not in sc.cited and b not in sc.uncited
        ]
        if missing:
            out.append(
                f"{UNCITED_FILE}:1:1: {sc.source_id}: block{'s' if len(missing) > 1 else ''} {', '.join(map(str, missing))} "
                f"cited by no record and not explained; cite {'them' if len(missing) > 1 else 'it'} from a statement or casualty figure, or add the reason here"
            )
    return out
