"""Builds are reproducible, and the committed package is a fresh build of
the committed records."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURE_SOURCES, REPO, make_project

from il76_claims.background import BackgroundError, fork_available
from il76_claims.build import STAGING, WORKBOOK_PROCESS_MIN_CELLS, XLSX, build, workbook_in_process, write_outputs
from il76_claims.export import csv as csv_export
from il76_claims.export import xlsx as xlsx_export
from il76_claims.tables import Field, Table
from il76_claims.checker import Project, default_sources_dir
from il76_claims.report import text

# What the build writes, relative to the project root; dist/ holds copies
# that are not committed but must be reproducible all the same.
OUTPUT_ROOTS = ("data", "dist", "datapackage.json")
# What is committed and must match a fresh build.
COMMITTED = ("data", "datapackage.json")


def outputs(root: Path, tops=OUTPUT_ROOTS) -> dict[str, bytes]:
    out = {}
    for top in tops:
        path = root / top
        if path.is_file():
            out[top] = path.read_bytes()
        elif path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_file():
                    out[f.relative_to(root).as_posix()] = f.read_bytes()
    return out


def differing(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))


def _build_in_subprocess(root: Path, seed: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run(
        [sys.executable, "-m", "il76_claims", "build", "--root", str(root), "--sources", str(FIXTURE_SOURCES)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


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
    assert not differing(snapshot, moved), f"the project's path changed: {differing(snapshot, moved)}"


def test_build_replaces_stale_outputs(tmp_path):
    """A file left in data/ by an older build (a table since removed) does
    not survive the next build; a tampered output is rewritten."""
    project = make_project(tmp_path / "p", {"data/old_table.csv": "a\n1\n", "datapackage.json": "{}\n"})
    result = build(project)
    assert result.ok, text(result.check.problems)
    fresh = outputs(Path(project.root))
    assert "data/old_table.csv" not in fresh
    assert fresh["datapackage.json"] != b"{}\n"


def test_committed_package_is_a_fresh_build(tmp_path):
    """data/ and datapackage.json in the repository are exactly what
    building its records/ gives now."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copytree(REPO / "records", root / "records")
    shutil.copytree(REPO / "schemas", root / "schemas")
    shutil.copy(REPO / "dataset.yaml", root / "dataset.yaml")
    # The repository's own sources folder, resolved as `il76-claims build`
    # run in the repository resolves it.
    project = Project(root=str(root), sources_dir=default_sources_dir(str(REPO)))
    result = build(project)
    assert result.ok, "the records do not check; run make to see the problems:\n" + text(result.check.problems)

    committed = outputs(REPO, COMMITTED)
    fresh = outputs(root, COMMITTED)
    stale = differing(committed, fresh)
    assert not stale, (
        "data/ and datapackage.json are not a fresh build of records/: "
        + ", ".join(f"{name} ({'missing' if name not in committed else 'not built' if name not in fresh else 'differs'})" for name in stale)
        + "; run make and commit the result"
    )


# -- the workbook written in a second process ----------------------------------

needs_fork = pytest.mark.skipif(not fork_available(), reason="the workbook is written in a second process only where fork is available")


def _in_second_process(out_dir, meta, tables, records):
    return write_outputs(out_dir, meta, tables, records, in_process=False)


def _project_built_once(tmp_path) -> tuple[Project, Path, dict[str, bytes]]:
    project = make_project(tmp_path / "p")
    assert build(project).ok
    root = Path(project.root)
    before = outputs(root)
    actor = root / "records/actor/fixture-person.yaml"
    actor.write_text(actor.read_text(encoding="utf-8").replace("Alex Example", "Alex Changed"), encoding="utf-8")
    return project, root, before


def _leftovers(root: Path) -> list[str]:
    return sorted(os.listdir(root / STAGING)) if (root / STAGING).exists() else []


@needs_fork
def test_workbook_from_a_second_process_is_the_same_bytes(tmp_path):
    one = make_project(tmp_path / "one")
    two = make_project(tmp_path / "two")
    assert build(one, write=_in_second_process).ok
    assert build(two, write=lambda *a: write_outputs(*a, in_process=True)).ok
    a, b = outputs(Path(one.root)), outputs(Path(two.root))
    assert XLSX in a and a == b


@needs_fork
def test_a_failing_workbook_process_fails_the_build_and_keeps_the_previous_outputs(tmp_path, monkeypatch):
    project, root, before = _project_built_once(tmp_path)
    pid_file = tmp_path / "workbook-pid"

    def failing_workbook(meta, tables, out_dir, rel):
        pid_file.write_text(str(os.getpid()), encoding="utf-8")
        (Path(out_dir) / "dist").mkdir(exist_ok=True)
        (Path(out_dir) / rel).write_bytes(b"half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xlsx_export, "write", failing_workbook)
    with pytest.raises(OSError) as err:
        build(project, write=_in_second_process)
    assert (err.value.errno, err.value.strerror) == (28, "No space left on device")
    assert int(pid_file.read_text(encoding="utf-8")) != os.getpid()
    assert outputs(root) == before
    assert _leftovers(root) == []
    assert multiprocessing.active_children() == []


@needs_fork
def test_a_workbook_process_that_dies_fails_the_build(tmp_path, monkeypatch):
    project, root, before = _project_built_once(tmp_path)
    monkeypatch.setattr(xlsx_export, "write", lambda *a: os._exit(3))
    with pytest.raises(BackgroundError) as err:
        build(project, write=_in_second_process)
    assert str(err.value) == "the process writing the workbook stopped without a result (exit code 3)"
    assert outputs(root) == before
    assert _leftovers(root) == []


@needs_fork
def test_a_failure_beside_the_workbook_stops_its_process(tmp_path, monkeypatch):
    """The CSVs fail while the workbook is still being written: its process
    is stopped, not left running, and the previous outputs stay."""
    project, root, before = _project_built_once(tmp_path)
    never = os.pipe()

    def endless_workbook(meta, tables, out_dir, rel):
        os.read(never[0], 1)  # nothing is ever written to this pipe

    def failing_csv(tables, out_dir):
        raise OSError("disk full")

    monkeypatch.setattr(xlsx_export, "write", endless_workbook)
    monkeypatch.setattr(csv_export, "write", failing_csv)
    try:
        with pytest.raises(OSError, match="disk full"):
            build(project, write=_in_second_process)
    finally:
        os.close(never[0])
        os.close(never[1])
    assert multiprocessing.active_children() == []
    assert outputs(root) == before
    assert _leftovers(root) == []
