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

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..model.problems import Problem, file_problem, problem
from ..model.record import Record, is_integer
from ..model.schemas import KINDS
from . import files, quotes, strict_yaml
from .schema import json_path, side_file_errors

UNCITED_FILE = "docs/uncited-blocks.yaml"
UNCITED_SCHEMA = "uncited-blocks.schema.json"
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
    # block -> [(kind, id), ...] of the records that cite it
    cited: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    uncited: dict[int, Uncited] = field(default_factory=dict)


@dataclass
class Coverage:
    sources: list[SourceCoverage]
    problems: list[Problem]


def load_uncited(
    root: str, source_ids: set[str]
) -> tuple[dict[str, dict[int, Uncited]], list[Problem]]:
    """source id -> block -> reason, from docs/uncited-blocks.yaml, and the
    file's problems: its YAML, its schema (schemas/uncited-blocks.schema.json),
    source ids that name no source, blocks listed twice."""
    abspath = os.path.join(root, UNCITED_FILE)
    if not os.path.exists(abspath):
        return {}, []
    rec, problems = strict_yaml.load_file(UNCITED_FILE, abspath, "uncited")
    out_problems = list(problems)
    if rec is None:
        return {}, out_problems
    try:
        schema = json.loads(Path(root, "schemas", UNCITED_SCHEMA).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        unread = file_problem(f"schemas/{UNCITED_SCHEMA}", "C008", f"cannot read: {exc}")
        return {}, [*out_problems, unread]
    errors = side_file_errors(schema, rec.data)
    for at, message in errors:
        line, col = rec.mark(json_path(at))
        out_problems.append(problem(UNCITED_FILE, line, col, "C007", f"{at[0]}: {message}"))
    broken = {at[:2] for at, _ in errors}
    out: dict[str, dict[int, Uncited]] = {}
    for sid, entries in rec.data.items():
        if (sid,) in broken:
            continue
        if sid not in source_ids:
            line, col = rec.key_marks[json_path((sid,))]
            why = f"'{sid}' is not the id of a source record"
            out_problems.append(problem(UNCITED_FILE, line, col, "C005", why))
            continue
        blocks = out.setdefault(sid, {})
        for i, entry in enumerate(entries):
            if (sid, i) in broken:
                continue
            mark, block = rec.mark(json_path((sid, i))), entry["block"]
            if block in blocks:
                why = f"{sid}: block {block} is listed twice (first at line {blocks[block].line})"
                out_problems.append(problem(UNCITED_FILE, *mark, "C004", why))
            else:
                blocks[block] = Uncited(block, entry["reason"], entry.get("see"), *mark)
    return out, out_problems


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
    folder = sources_dir if sources_dir and os.path.isdir(sources_dir) else None
    for src in sources:
        archive = quotes.read_archive(src, folder, []) if folder else None
        count = len(archive.blocks) if archive else src.data.get("block_count")
        blocks = archive.blocks if archive else None
        sc = SourceCoverage(src.id, count if is_integer(count) else None, blocks)
        for rec in records:
            block, sid = rec.data.get("block"), rec.data.get("source_id")
            if rec.kind in CITING_KINDS and sid == src.id and isinstance(block, int):
                sc.cited.setdefault(block, []).append((rec.kind, rec.id))
        sc.uncited = uncited.get(src.id, {})
        result.problems.extend(_source_problems(sc, by_id))
        result.sources.append(sc)
    return result


def _source_problems(sc: SourceCoverage, by_id: dict[str, Record]) -> list[Problem]:
    out = []
    for block, u in sorted(sc.uncited.items()):
        found = []
        if sc.block_count is not None and block > sc.block_count:
            found.append(
                ("C003", f"block {block} is beyond the {sc.block_count} blocks of the source")
            )
        if block in sc.cited:
            by = ", ".join(f"{k} {i}" for k, i in sc.cited[block])
            found.append(("C002", f"block {block} is cited by {by}; remove it from {UNCITED_FILE}"))
        if u.see is not None and u.see not in by_id:
            found.append(("C006", f"block {block}: see names '{u.see}', which is not a record id"))
        out += [
            problem(UNCITED_FILE, u.line, u.col, code, f"{sc.source_id}: {msg}")
            for code, msg in found
        ]
    if sc.block_count is not None:
        missing = sorted(set(range(1, sc.block_count + 1)) - sc.cited.keys() - sc.uncited.keys())
        if missing:
            why = (
                f"{sc.source_id}: block{'s' if len(missing) > 1 else ''} {', '.join(map(str, missing))} "
                f"cited by no record and not explained; cite {'them' if len(missing) > 1 else 'it'} from a statement or casualty figure, or add the reason here"
            )
            out.append(file_problem(UNCITED_FILE, "C001", why))
    return out
