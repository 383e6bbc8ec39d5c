"""The version rules: the bump a change needs, whether dataset.yaml's version
makes it, and whether CHANGELOG.md and CITATION.cff agree with it.

The base side is the package committed at the base commit (what users had);
the new side is a fresh build of the working tree's records (what they
would get), so a tooling change that alters the outputs counts as a data
change too, and an edit that was not rebuilt yet is not missed.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field

from ..publish.build import build_package
from . import git as gitrepo
from .changelog import DATASET, Finding, metadata_findings, yaml_value
from .diff import Diff, DiffError, compare, load_commit, load_folder, parse_version


def next_version(base: tuple[int, int, int], level: str) -> tuple[int, int, int]:
    major, minor, patch = base
    if level == "major":
        return (major + 1, 0, 0)
    if level == "minor":
        return (major, minor + 1, 0)
    if level == "patch":
        return (major, minor, patch + 1)
    return base


def satisfies(base: tuple[int, int, int], new: tuple[int, int, int], level: str) -> bool:
    """Whether going from ``base`` to ``new`` is at least the ``level`` bump.
    A larger bump than needed is fine."""
    if level == "major":
        return new[0] > base[0]
    if level == "minor":
        return new[:2] > base[:2]
    if level == "patch":
        return new > base
    return new >= base


def show(v: tuple[int, int, int]) -> str:
    return ".".join(map(str, v))


@dataclass
class Outcome:
    info: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    diff: Diff | None = None

    @property
    def ok(self) -> bool:
        return not self.findings


class VersionCheckError(Exception):
    """The check could not run (bad --base, unreadable build)."""


def check(project, base_ref: str | None = None, env: dict[str, str] | None = None) -> Outcome:
    root = project.root
    result = Outcome()
    version, result.findings = metadata_findings(root)
    if version is None:
        return result
    if base_ref:
        commit = gitrepo.resolve(root, base_ref) if gitrepo.is_repo(root) else None
        if commit is None:
            raise VersionCheckError(f"--base {base_ref}: not a commit in this repository (in a shallow clone, fetch more history first)")
        base = gitrepo.Base(commit, base_ref)
    else:
        base = gitrepo.default_base(root, env)
        if base.skip:
            result.notes.append(f"version check against a base skipped: {base.skip}")
            return result
    label = f"{gitrepo.short(base.commit)} ({base.how})"
    try:
        old = load_commit(root, base.commit, label)
    except DiffError as exc:
        if gitrepo.read_blob(root, base.commit, "datapackage.json") is None:
            result.notes.append(f"version check against a base skipped: {label} has no datapackage.json, so no earlier version was published there")
            return result
        raise VersionCheckError(str(exc)) from None
    try:
        new = fresh_package(project)
    except DiffError as exc:
        result.findings.append(Finding(DATASET, 1, str(exc)))
        return result
    d = result.diff = compare(old, new)
    base_v, new_v = parse_version(old.version), parse_version(version)
    result.info.append(f"base: {label}, version {old.version}")
    result.info.append(f"new: working tree, version {version}")
    if base_v is None:
        result.notes.append(f"the base's datapackage.json has no MAJOR.MINOR.PATCH version ({old.version!r}); nothing to compare the version with")
        return result
    _, vline, _ = yaml_value(root, DATASET, "version")
    if new_v < base_v:
        result.findings.append(Finding(DATASET, vline, f"version {version} is lower than the base's {old.version}; versions only go up"))
        return result
    if d.empty:
        result.info.append("no changes to the data or its description since the base")
        return result
    level = d.level
    result.info.append(f"changes since the base need a {level.upper()} version bump:")
    result.info.extend(f"  {r}" for r in d.reasons())
    if not satisfies(base_v, new_v, level):
        need = show(next_version(base_v, level))
        result.findings.append(
            Finding(
                DATASET,
                vline,
                f"version is {version} but the changes since {old.version} need a {level.upper()} bump, to {need} or higher: "
                f"set version: {need} in dataset.yaml and CITATION.cff, add a '## [{need}] - YYYY-MM-DD' section to CHANGELOG.md "
                f"saying what changed, then run make (il76-claims diff {gitrepo.short(base.commit)} lists every change; docs/versioning.md explains the rules)",
            )
        )
    return result


def fresh_package(project, label: str = "working tree"):
    """The project's records built afresh into a temporary folder, read as
    a package: what users would get, whether or not it was built."""
    with tempfile.TemporaryDirectory(prefix="il76-diff-") as tmp:
        result = build_package(project, tmp)
        if not result.ok:
            raise DiffError(f"{label}: the records have {len(result.problems)} problem(s), so there is no build to compare; run il76-claims check")
        return load_folder(tmp, label)
