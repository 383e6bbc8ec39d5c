"""Every GitHub workflow is valid against the workflow schema that
check-jsonschema ships (no network needed), and a broken one is caught."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
CHECK = [
    str(Path(sys.executable).parent / "check-jsonschema"),
    "--builtin-schema",
    "vendor.github-workflows",
]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_is_valid(path):
    proc = subprocess.run([*CHECK, str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_release_workflow_is_there_and_runs_the_release_script():
    text = (REPO / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    assert {p.name for p in WORKFLOWS} >= {"check.yml", "release.yml"}
    assert 'scripts/release.sh "$GITHUB_REF_NAME"' in text and "make test" in text


def test_a_broken_workflow_is_caught(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        (REPO / ".github" / "workflows" / "release.yml")
        .read_text(encoding="utf-8")
        .replace("runs-on:", "run-on:"),
        encoding="utf-8",
    )
    proc = subprocess.run([*CHECK, str(bad)], capture_output=True, text=True)
    assert proc.returncode == 1 and "runs-on" in proc.stdout + proc.stderr
