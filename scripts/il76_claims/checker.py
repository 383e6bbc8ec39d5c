"""The whole check: load → per-record checks → cross-record checks → result.

Nothing here prints; ``report`` formats the result and ``cli`` decides the
exit code.
"""

from __future__ import annotations

import os
from operator import attrgetter
from dataclasses import dataclass, field

from . import crossref, loader, neutrality, pipeline, quotes
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


@pipeline.without_gc
def check(project: Project, schemas: SchemaSet | None = None, *, jobs: int | None = None, cache: bool | None = None, whole_records: bool = True) -> CheckResult:
    """jobs: processes for the per-file checks (default: $IL76_JOBS, else
    one per core); cache: reuse unchanged files' results (default: on
    unless IL76_CACHE=off); whole_records=False: the records of unchanged
    files may come back brief (``cache.BriefRecord``), holding only what
    the checks across records read, for a caller that only reports."""
    schemas = schemas or SchemaSet(project.schemas_dir)
    # Each file on its own: read, parse, text and schema checks.
    checker = pipeline.FileChecker(schemas)
    loaded = pipeline.load_and_check(project.root, schemas, checker, jobs=jobs, use_cache=cache, whole_records=whole_records)
    try:
        return _across_records(project, schemas, checker, loaded)
    finally:
        loaded.close()


def _across_records(project: Project, schemas: SchemaSet, checker, loaded: pipeline.Stage) -> CheckResult:
    """The checks that look across records, and the result."""
    problems = list(loaded.problems)
    problems.extend(crossref.check_references(loaded.records, schemas))
    metadata, meta_problems = check_metadata(project, schemas, checker)
    problems.extend(meta_problems)
    notices: list[str] = []
    if project.sources_explicit and not os.path.isdir(project.sources_dir or ""):
        problems.append(
            problem(str(project.sources_dir), 1, 1, "F009", "the sources folder given with --sources or IL76_SOURCES does not exist; give the folder holding the archived texts, or leave both unset to skip quote checks")
        )
    # The record texts against the archived sources and the loaded-terms list.
    quoted = quotes.check_quotes(loaded.records, project.sources_dir, {(p.path, p.pointer) for p in problems})
    problems += quoted.problems
    notices += quoted.notices
    # Only the records in which the per-file stage found a loaded term can
    # have a neutrality problem; which of them do depends on the archives.
    problems += neutrality.check(loaded.term_candidates, schemas, [a.text for a in quoted.archives.values()])
    return CheckResult(_in_kind_order(loaded.records), sorted(set(problems)), loaded.files, notices, metadata)


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
