"""The version rules: the bump a change needs, whether dataset.yaml's version
makes it, and whether CHANGELOG.md and CITATION.cff agree with it.

The base side is the package committed at the base commit (what users had);
the new side is a fresh build of the working tree's records (what they
would get), so a tooling change that alters the outputs counts as a data
change too, and an edit that was not rebuilt yet is not missed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..check.metadata import DATASET, metadata_problems, parse_version, yaml_value
from ..check.strict_yaml import load_file
from ..model.problems import Problem, file_problem, problem
from ..model.project import Project
from ..model.schemas import SchemaSet
from ..publish.tables import FORMER_IDS
from . import git as gitrepo
from .diff import Diff, DiffError, Package, compare, load_commit

Version = tuple[int, int, int]


def next_version(base: Version, level: str) -> Version:
    """The lowest version that makes the level's bump from base: any version
    at least as high makes it too (a larger bump than needed is fine)."""
    major, minor, patch = base
    return {
        "major": (major + 1, 0, 0),
        "minor": (major, minor + 1, 0),
        "patch": (major, minor, patch + 1),
    }.get(level, base)


@dataclass
class Outcome:
    info: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class VersionCheckError(Exception):
    """The check could not run (bad --base, unreadable build)."""


def check_version(
    project: Project,
    fresh: Callable[[], Package],
    base_ref: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Outcome:
    """The version rules for the project's working tree against a base;
    fresh() builds the working tree's package."""
    result = Outcome()
    version, result.problems = metadata_problems(project.root)
    new_v = parse_version(version)
    if version is None or new_v is None:  # metadata_problems says why
        return result
    base = _base(project.root, base_ref, env, result)
    if base is None:
        return result
    base_commit, old = base
    try:
        new = fresh()
    except DiffError as exc:
        result.problems.append(file_problem(DATASET, "V009", str(exc)))
        return result
    result.info.append(f"base: {old.label}, version {old.version}")
    result.info.append(f"new: working tree, version {version}")
    d = compare(old, new)
    vline = yaml_value(project.root, DATASET, "version")[1]
    _judge(result, d, version, new_v, vline, gitrepo.short(base_commit))
    result.problems += _misdated_renames(project, d)
    return result


def _misdated_renames(project: Project, d: Diff) -> list[Problem]:
    """A rename new since the base, recorded with a version that is not the
    one releasing it, at the version in the record's former_ids."""
    kinds = {doc["x-table"]: kind for kind, doc in SchemaSet(project.schemas_dir).kinds.items()}
    out = []
    for r in (r for t in d.tables for r in t.renamed if r.problem):
        kind = kinds.get(r.table, "")
        rel = f"records/{kind}/{r.new}.yaml"
        rec, _ = load_file(rel, os.path.join(project.root, rel), kind)
        # The fresh build checked the record, so its former_ids is a list of
        # id and version pairs, one of them the rename's.
        items = rec.data[FORMER_IDS] if rec is not None else []
        at = [i for i, item in enumerate(items) if item["id"] == r.old]
        where = f"$.{FORMER_IDS}[{at[0]}].version" if at else None
        line, col = rec.mark(where) if rec is not None and where else (1, 1)
        out.append(problem(rel, line, col, "V008", f"former id '{r.old}': {r.problem}"))
    return out


def _base(
    root: str, base_ref: str | None, env: Mapping[str, str] | None, result: Outcome
) -> tuple[str, Package] | None:
    """(commit, package) of the base, or None (noted) when there is none."""
    if base_ref:
        commit = gitrepo.resolve(root, base_ref) if gitrepo.is_repo(root) else None
        if commit is None:
            raise VersionCheckError(
                f"--base {base_ref}: not a commit in this repository (in a shallow clone, fetch more history first)"
            )
        how = base_ref
    else:
        try:
            commit, how = gitrepo.default_base(root, env)
        except gitrepo.NoBase as exc:
            result.notes.append(f"version check against a base skipped: {exc}")
            return None
    label = f"{gitrepo.short(commit)} ({how})"
    try:
        return commit, load_commit(root, commit, label)
    except DiffError as exc:
        if gitrepo.read_blob(root, commit, "datapackage.json") is None:
            result.notes.append(
                f"version check against a base skipped: {label} has no datapackage.json, so no earlier version was published there"
            )
            return None
        raise VersionCheckError(str(exc)) from None


def _judge(result: Outcome, d: Diff, version: str, new_v: Version, vline: int, base: str) -> None:
    """Whether version (new_v, parsed) makes the bump that the differences d need."""
    base_v = parse_version(d.old.version)
    if base_v is None:
        result.notes.append(
            f"the base's datapackage.json has no MAJOR.MINOR.PATCH version ({d.old.version!r}); nothing to compare the version with"
        )
    elif new_v < base_v:
        why = f"version {version} is lower than the base's {d.old.version}; versions only go up"
        result.problems.append(problem(DATASET, vline, 1, "V006", why))
    elif d.empty:
        result.info.append("no changes to the data or its description since the base")
    else:
        result.info.append(f"changes since the base need a {d.level.upper()} version bump:")
        result.info.extend(f"  {r}" for r in d.reasons())
        if new_v < next_version(base_v, d.level):
            need = ".".join(map(str, next_version(base_v, d.level)))
            message = (
                f"version is {version} but the changes since {d.old.version} need a {d.level.upper()} bump, to {need} or higher: "
                f"set version: {need} and released: YYYY-MM-DD in dataset.yaml, add a '## [{need}] - YYYY-MM-DD' section with the same date to CHANGELOG.md "
                f"saying what changed, then run make, which writes CITATION.cff and datapackage.json (il76-claims diff {base} lists every change; docs/versioning.md explains the rules)"
            )
            result.problems.append(problem(DATASET, vline, 1, "V007", message))
