"""Builds are reproducible, and the committed package is a fresh build of
the committed records."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURE_SOURCES, REPO, file_bytes, make_project, run_process
from il76_claims.check.report import text
from il76_claims.model.project import Project, default_sources_dir
from il76_claims.publish.build import build

# What the build writes, relative to the project root; dist/ holds copies
# that are not committed but must be reproducible all the same.
OUTPUT_ROOTS = ("data", "dist", "datapackage.json", "CITATION.cff", ".zenodo.json")
# What is committed and must match a fresh build.
COMMITTED = ("data", "datapackage.json", "quote-checks.csv", "CITATION.cff", ".zenodo.json")


def outputs(root: Path, tops=OUTPUT_ROOTS) -> dict[str, bytes]:
    return file_bytes(root, tops)


def differing(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))


def _build_in_subprocess(root: Path, seed: str) -> subprocess.CompletedProcess:
    return run_process("build", "--root", root, "--sources", FIXTURE_SOURCES, seed=seed)


def test_two_builds_give_identical_bytes(tmp_path):
    """Build the same project twice, in separate processes with different
    hash seeds (so set and dict order cannot leak into the output), then a
    copy of it at another path: every output file is byte-identical."""
    first = make_project(tmp_path / "one")
    proc = _build_in_subprocess(Path(first.root), "1")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    snapshot = outputs(Path(first.root))
    assert "datapackage.json" in snapshot and any(k.startswith("data/") for k in snapshot)

    proc = _build_in_subprocess(Path(first.root), "2")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    again = outputs(Path(first.root))
    assert not differing(snapshot, again), f"a second build changed: {differing(snapshot, again)}"

    elsewhere = make_project(tmp_path / "somewhere" / "else")
    proc = _build_in_subprocess(Path(elsewhere.root), "3")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    moved = outputs(Path(elsewhere.root))
    assert not differing(snapshot, moved), (
        f"the project's path changed: {differing(snapshot, moved)}"
    )


def test_build_replaces_stale_outputs(tmp_path):
    """A file left in data/ by an older build (a table since removed) does
    not survive the next build; a tampered output is rewritten."""
    project = make_project(
        tmp_path / "p", {"data/old_table.csv": "a\n1\n", "datapackage.json": "{}\n"}
    )
    result = build(project)
    assert result.ok, text(result.check.problems)
    fresh = outputs(Path(project.root))
    assert "data/old_table.csv" not in fresh
    assert fresh["datapackage.json"] != b"{}\n"


def test_committed_package_is_a_fresh_build(tmp_path):
    """data/, datapackage.json, CITATION.cff and .zenodo.json in the
    repository are exactly what building its records/ and dataset.yaml
    gives now."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copytree(REPO / "records", root / "records")
    shutil.copytree(REPO / "schemas", root / "schemas")
    shutil.copy(REPO / "dataset.yaml", root / "dataset.yaml")
    # The record of checked quotes: without the archive, the build trusts it.
    shutil.copy(REPO / "quote-checks.csv", root / "quote-checks.csv")
    # The repository's own sources folder, resolved as `il76-claims build`
    # run in the repository resolves it.
    project = Project(root=str(root), sources_dir=default_sources_dir(str(REPO)))
    result = build(project)
    assert result.ok, "the records do not check; run make to see the problems:\n" + text(
        result.check.problems
    )

    committed = outputs(REPO, COMMITTED)
    fresh = outputs(root, COMMITTED)
    stale = differing(committed, fresh)
    assert not stale, (
        "the committed outputs are not a fresh build of records/ and dataset.yaml: "
        + ", ".join(
            f"{name} ({'missing' if name not in committed else 'not built' if name not in fresh else 'differs'})"
            for name in stale
        )
        + "; run make and commit the result"
    )


@pytest.mark.slow
def test_a_tree_of_1000_statements_from_300_sources_half_not_held_checks_and_builds(tmp_path):
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import synth
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    root = tmp_path / "tree"
    counts = synth.write_tree(str(root), 2000, fixed={"source": 300})
    assert counts["source"] == 300 and counts["statement"] >= 1000
    result = build(Project(root=str(root), sources_dir=None))
    assert result.ok, text(result.check.problems)[:2000]
    sources = next(t for t in result.tables if t.name == "sources")
    held = [r[[f.name for f in sources.fields].index("text_held")] for r in sources.rows]
    assert held.count("false") == held.count("true") == 150
    statements = next(t for t in result.tables if t.name == "statements")
    names = [f.name for f in statements.fields]
    paraphrased = [r[names.index("paraphrased")] for r in statements.rows]
    assert "true" in paraphrased and "false" in paraphrased
    # Built without the archive and with no record of checks, no quote is verified.
    assert {r[names.index("quote_verified")] for r in statements.rows} == {"false"}
