"""The whole check: load → per-record checks → cross-record checks → result.

Nothing here prints; ``report`` formats the result and ``cli`` decides the
exit code.
"""

from __future__ import annotations

import os
from operator import attrgetter
from dataclasses import dataclass, field

from . import crossref, loader, neutrality, quotes
from .problems import Problem, problem
from .schema_check import SchemaChecker
from .schemas import KINDS, SchemaSet
from .textcheck import check_text


@dataclass
class Project:
    """Where things are. The sources folder holds archived texts that quotes
    are verified against; it is outside the repository on purpose."""

    root: str
    sources_dir: str | None = None
    # True when the user named the sources folder (--sources or
    # $IL76_SOURCES): then its absence is a problem, not a notice.
    sources_explicit: bool = False

    @property
    def schemas_dir(self) -> str:
        return os.path.join(self.root, "schemas")

    @property
    def records_dir(self) -> str:
        return os.path.join(self.root, "records")


def default_sources_dir(root: str) -> str:
    return os.environ.get("IL76_SOURCES") or os.path.join(os.path.dirname(os.path.abspath(root)), "shared", "sources")


@dataclass
class CheckResult:
    records: list[loader.Record]
    problems: list[Problem]
    files: int
    notices: list[str] = field(default_factory=list)
    # dataset.yaml's content when it has no problem, for the build.
    metadata: dict | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def check(project: Project, schemas: SchemaSet | None = None) -> CheckResult:
    """Read and check every file, then the checks across records. Every
    file is read on every run: nothing is remembered between runs."""
    schemas = schemas or SchemaSet(project.schemas_dir)
    checker = SchemaChecker(schemas)
    files, problems = loader.discover(project.root, KINDS)
    records = []
    for f in files:
        rec, found = loader.load_file(f.path, f.abspath, f.kind)
        rec = rec if rec is not None else loader.unread_record(f)
        found += check_text(rec, schemas.multiline_fields[rec.kind])
        found += checker.check(rec)
        problems += found
        records.append(rec)
    problems += crossref.check_references(records, schemas)
    metadata, meta_problems = check_metadata(project, schemas, checker)
    problems += meta_problems
    notices: list[str] = []
    if project.sources_explicit and not os.path.isdir(project.sources_dir or ""):
        problems.append(
            problem(str(project.sources_dir), 1, 1, "F009", "the sources folder given with --sources or IL76_SOURCES does not exist; give the folder holding the archived texts, or leave both unset to skip quote checks")
        )
    # The record texts against the archived sources and the loaded-terms list.
    quoted = quotes.check_quotes(records, project.sources_dir, {(p.path, p.pointer) for p in problems})
    problems += quoted.problems
    notices += quoted.notices
    problems += neutrality.check(records, schemas, [a.text for a in quoted.archives.values()])
    return CheckResult(_in_kind_order(records), sorted(set(problems)), len(files), notices, metadata)


def _in_kind_order(records: list[loader.Record]) -> list[loader.Record]:
    """Records by kind in KINDS' order, then by path. Files come listed by
    folder, so this sorts each kind's records (nearly always in order
    already) instead of the whole list by a computed key."""
    groups: dict[str, list[loader.Record]] = {kind: [] for kind in KINDS}
    for rec in records:
        groups[rec.kind].append(rec)
    out: list[loader.Record] = []
    by_path = attrgetter("path")
    for group in groups.values():
        group.sort(key=by_path)
        out.extend(group)
    return out


def check_metadata(project: Project, schemas: SchemaSet, checker: SchemaChecker) -> tuple[dict | None, list[Problem]]:
    """dataset.yaml, checked like a record, so that `check` reports every
    problem that would stop `build`."""
    path = "dataset.yaml"
    rec, problems = loader.load_file(path, os.path.join(project.root, path), "dataset")
    if rec is None:
        return None, problems
    problems += check_text(rec, schemas.multiline_fields["dataset"])
    problems += checker.check(rec)
    return (None if problems else rec.data), problems
