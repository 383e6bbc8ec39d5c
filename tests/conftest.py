"""Shared test helpers.

``make_project`` lays out a small, valid project (the repository's schemas
and the records under tests/fixtures/base) in a temporary folder, with some
files replaced, added or deleted, so a test can state exactly what is bad.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from il76_claims import cli
from il76_claims.check import canonical
from il76_claims.check.report import text
from il76_claims.check.run import check
from il76_claims.model.project import Project
from il76_claims.model.schemas import SchemaSet

REPO = Path(__file__).resolve().parent.parent

# Test files whose module fixtures cost seconds to make (the built sites and
# Chromium, the workbook printed by LibreOffice, a Datasette server): xdist
# runs each of them on one worker, so each fixture is made once; every other
# test is dealt out alone. (xdist's own loadgroup does not group under
# pytest 9, whose nodeid it can no longer rewrite.)
ONE_WORKER = (
    "tests/test_site.py",
    "tests/test_site_browser.py",
    "tests/test_xlsx.py",
    "tests/test_datasette.py",
)


def pytest_collection_modifyitems(items):
    # Those files first, so that no worker starts one of them when the rest is done.
    items.sort(key=lambda item: item.nodeid.split("::", 1)[0] not in ONE_WORKER)


def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if module in ONE_WORKER else nodeid

    return Scheduling(config, log)


FIXTURES = REPO / "tests" / "fixtures"
BASE = FIXTURES / "base"
FIXTURE_SOURCES = FIXTURES / "sources"


def make_project(dest: Path, files: dict[str, bytes | str | None] | None = None) -> Project:
    """Copy the base project to dest and apply ``files``: path -> new
    content (str is written as UTF-8, bytes as is) or None to delete."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "schemas", dest / "schemas")
    shutil.copytree(BASE / "records", dest / "records")
    shutil.copy(BASE / "dataset.yaml", dest / "dataset.yaml")
    for rel, content in (files or {}).items():
        path = dest / rel
        if content is None:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
    return Project(root=str(dest), sources_dir=str(FIXTURE_SOURCES))


def in_canonical_form(files: dict[str, str]) -> dict[str, str]:
    """Record texts as ``fmt`` writes them, for tests about something other
    than the layout, which write their records by hand: ``check`` reports
    a record that is not in canonical form (R001)."""
    shape_of = canonical.shapes(SchemaSet(str(REPO / "schemas")))
    out = {}
    for rel, written in files.items():
        parts = rel.split("/")
        kind = "dataset" if rel == "dataset.yaml" else parts[1] if len(parts) == 3 else None
        new = canonical.canonical_text(rel, written, kind, shape_of)[0] if kind else None
        out[rel] = new if new is not None else written
    return out


def case_files(case: Path) -> dict[str, bytes | None]:
    """The overlay of a tests/cases/<group>/<name>/ folder, as make_project
    takes it: files/ laid over the base project, paths in ``delete`` removed."""
    files: dict[str, bytes | None] = {}
    overlay = case / "files"
    if overlay.is_dir():
        for path in sorted(overlay.rglob("*")):
            if path.is_file() and not path.is_symlink():
                files[path.relative_to(overlay).as_posix()] = path.read_bytes()
    delete = case / "delete"
    if delete.exists():
        for line in delete.read_text(encoding="utf-8").splitlines():
            if line.strip():
                files[line.strip()] = None
    return files


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """il76-claims in this process, as a user types it: (exit code, stdout,
    stderr). argparse's own refusals exit through SystemExit."""
    try:
        code = cli.main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def run_process(
    *argv: str, cwd: str | Path | None = None, seed: str | None = None
) -> subprocess.CompletedProcess:
    """il76-claims as a separate process, as a user runs it; seed sets
    PYTHONHASHSEED, so that set and dict order cannot leak into outputs."""
    env = {**os.environ, "PYTHONHASHSEED": seed} if seed is not None else None
    return subprocess.run(
        [sys.executable, "-m", "il76_claims", *map(str, argv)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def file_bytes(root: Path, tops: tuple[str, ...]) -> dict[str, bytes]:
    """The bytes of every file under root's tops (files or folders), by
    path relative to root: a snapshot of what a command wrote."""
    out = {}
    for top in tops:
        path = root / top
        found = [path] if path.is_file() else sorted(path.rglob("*")) if path.is_dir() else []
        for f in found:
            if f.is_file():
                out[f.relative_to(root).as_posix()] = f.read_bytes()
    return out


def base_record(rel: str) -> str:
    return (BASE / rel).read_text(encoding="utf-8")


def renamed(old: str, new: str, version: str | None = "0.2.0", kind: str = "actor") -> dict:
    """The base project released as 0.2.0, with record ``old`` renamed
    ``new`` in its file name, its id and every reference, and its former id
    recorded with ``version`` (None: not recorded)."""
    files: dict = {}
    for path in BASE.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if re.search(rf"\b{re.escape(old)}\b", text):
            files[path.relative_to(BASE).as_posix()] = re.sub(rf"\b{re.escape(old)}\b", new, text)
    record = files.pop(f"records/{kind}/{old}.yaml")
    if version:
        record += f"former_ids:\n  - id: {old}\n    version: {version}\n"
    files[f"records/{kind}/{old}.yaml"] = None
    files[f"records/{kind}/{new}.yaml"] = record
    files["dataset.yaml"] = base_record("dataset.yaml").replace("version: 0.1.0", "version: 0.2.0")
    files["CHANGELOG.md"] = "# Changelog\n\n## [0.2.0] - 2024-03-01\n\n## [0.1.0] - 2024-02-01\n"
    return files


def check_lines(project: Project) -> list[str]:
    """The checker's text report, one problem per line."""
    return text(check(project).problems).splitlines()


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "project")


@pytest.fixture
def project_with(tmp_path):
    def factory(files):
        return make_project(tmp_path / "project", files)

    return factory
