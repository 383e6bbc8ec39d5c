"""The whole check: files → strict YAML → each record's own checks → the
checks across records → one result.

Every file is read and checked on every run; nothing is remembered between
runs, so the result never depends on file timestamps. Nothing here prints:
``report`` formats the result and the command line decides the exit code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from ..model.problems import Problem, problem
from ..model.project import Project
from ..model.record import Record
from ..model.schemas import KINDS, SchemaSet
from . import (
    canonical,
    copying,
    files,
    former_ids,
    neutrality,
    quote_checks,
    quotes,
    references,
    rules,
    strict_yaml,
)
from .schema import SchemaChecker
from .text import check_text


@dataclass
class CheckResult:
    records: list[Record]  # by kind in KINDS' order, then by path
    problems: list[Problem]  # sorted, each once
    files: int
    schemas: SchemaSet
    notices: list[str] = field(default_factory=list)
    # dataset.yaml's content when it has no problem, for the build.
    metadata: dict | None = None
    # Record key -> hash of each verified quote (quote_checks), and whether
    # this run checked them against the archived texts itself.
    verified: dict[str, str] = field(default_factory=dict)
    archive_checked: bool = False
    # Advice at a line that does not stop the build (Q005).
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check(project: Project) -> CheckResult:
    schemas = SchemaSet(project.schemas_dir)
    checker = SchemaChecker(schemas)
    found, problems = files.discover(project.root, KINDS)
    shape_of = canonical.shapes(schemas)
    records = []
    for f in found:
        loaded = strict_yaml.read_text(f.path, f.abspath, f.kind)
        rec, own = own_problems(*loaded, checker, shape_of)
        records.append(rec if rec is not None else files.unread_record(f))
        problems += own
    index = references.RecordIndex(records, problems)
    problems += references.check_references(index, schemas, former_ids.renamed(index))
    problems += rules.check_rules(index)
    # dataset.yaml, checked like a record, so that `check` reports every
    # problem that would stop `build`.
    meta, meta_problems = own_problems(*strict_yaml.load_dataset(project.root), checker, shape_of)
    metadata = None if meta_problems or meta is None else meta.data
    problems += meta_problems
    if project.sources_explicit and not os.path.isdir(project.sources_dir or ""):
        message = "the sources folder given with --sources or IL76_SOURCES does not exist; give the folder holding the archived texts, or leave both unset to skip quote checks"
        problems.append(problem(str(project.sources_dir), 1, 1, "F009", message))
    version = metadata.get("version") if metadata else None
    problems += former_ids.check_former_ids(index, version, project.root)
    # The record texts against the archived sources and the loaded-terms list.
    flagged = {(p.path, p.pointer) for p in problems}
    quote_problems, notices, archives = quotes.check_quotes(records, project.sources_dir, flagged)
    problems += quote_problems
    texts = [a.text for a in archives.values()]
    problems += neutrality.loaded_words(records, schemas, texts)
    problems += copying.copied_runs(records, texts)
    records.sort(key=lambda r: (KINDS.index(r.kind), r.path))
    pairs = _quoted(records)
    verified, here = quote_checks.verified(pairs, set(archives), project.root)
    warnings = []
    if not here and quote_checks.read(project.root):
        warnings = quote_checks.unverified_warnings(pairs, verified)
    elif not here and pairs:
        # No check with the archive was ever recorded: one line, not one per quote.
        notices.append(
            f"no quote is verified: {quote_checks.PATH} records no check with the archived texts ({len(pairs)} quotes)"
        )
    problems = sorted(set(problems))
    return CheckResult(
        records, problems, len(found), schemas, notices, metadata, verified, here, warnings
    )


def own_problems(
    text: str | None,
    rec: Record | None,
    problems: list[Problem],
    checker: SchemaChecker,
    shape_of: dict[str, canonical.Shape],
) -> tuple[Record | None, list[Problem]]:
    """A record file on its own, as strict_yaml.read_text read it: its
    text and its schema, and, once those find nothing, its canonical form
    (R001), as `fmt` judges a file only when it has no problem of its own.
    The text is compared while it is at hand, so no record keeps it in
    memory."""
    if rec is None or text is None:
        return rec, problems
    problems += check_text(rec, checker.schemas.multiline_fields[rec.kind]) + checker.check(rec)
    return rec, problems or canonical.form_problems(rec.path, text, rec, shape_of[rec.kind])


def _quoted(records: list[Record]) -> list[tuple[Record, Record]]:
    """(record, its source) for each quote in the source's own words from a
    source whose text the project holds: the quotes a check can verify."""
    sources = {r.id: r for r in records if r.kind == "source"}
    out = []
    for rec in records:
        src = sources.get(rec.data.get("source_id")) if rec.kind in quotes.QUOTED_KINDS else None
        if (
            src
            and src.data.get("text_held") is True
            and rec.data.get("quote")
            and rec.data.get("quote_translation") != "by_contributor"
        ):
            out.append((rec, src))
    return out
