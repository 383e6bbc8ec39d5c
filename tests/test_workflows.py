"""Every GitHub workflow is valid against the workflow schema that
check-jsonschema ships (no network needed), and a broken one is caught."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURE_SOURCES, REPO, base_record, make_project

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


def _workflow(name: str) -> dict:
    doc = yaml.safe_load((REPO / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    doc["on"] = doc.pop(True, doc.get("on"))  # YAML 1.1 reads the key `on` as true
    return doc


def test_each_release_publishes_the_site():
    """A release made with the workflow's own token starts no other workflow,
    so the release workflow calls the Pages workflow itself."""
    release, pages = _workflow("release.yml"), _workflow("pages.yml")
    job = release["jobs"]["pages"]
    assert job["uses"] == "./.github/workflows/pages.yml" and job["needs"] == "release"
    assert job["with"] == {"tag": "${{ github.ref_name }}"}
    assert job["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert set(pages["on"]) == {"workflow_call", "workflow_dispatch"}
    assert pages["on"]["workflow_call"]["inputs"]["tag"]["required"] is True


def test_a_pull_request_gets_annotations_whatever_else_fails():
    """The checker runs right after set-up; every later step runs even when
    an earlier one failed."""
    steps = _workflow("check.yml")["jobs"]["check"]["steps"]
    runs = [s.get("run") for s in steps]
    order = [r.split()[-1] for r in runs if r and r.startswith("scripts/ci-local.sh")]
    assert order == ["setup", "check", "version", "test"]
    for step in steps[runs.index("scripts/ci-local.sh check") + 1 :]:
        assert step["if"] == "${{ !cancelled() && steps.setup.outcome == 'success' }}"


def test_ci_local_annotates_a_bad_record_and_runs_the_other_steps(tmp_path):
    project = make_project(
        tmp_path / "p",
        {
            "records/actor/fixture-outlet.yaml": base_record(
                "records/actor/fixture-outlet.yaml"
            ).replace("country: GB", "country: XX")
        },
    )
    root = Path(project.root)
    (root / "scripts").mkdir()
    shutil.copy(REPO / "scripts" / "ci-local.sh", root / "scripts" / "ci-local.sh")
    (root / ".venv").symlink_to(REPO / ".venv")
    env = {**os.environ, "GITHUB_ACTIONS": "true", "IL76_SOURCES": str(FIXTURE_SOURCES)}
    env.pop("GITHUB_EVENT_NAME", None)
    proc = subprocess.run(
        ["bash", "scripts/ci-local.sh", "check", "version"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert (
        "::error file=records/actor/fixture-outlet.yaml,line=6,col=10,title=S004 Value not in "
        "the codelist::country: 'XX' is not in the codelist" in proc.stdout
    )
    # The fixture has no CHANGELOG.md: the version step fails too, and says so at its file.
    assert (
        "::error file=CHANGELOG.md,line=1,col=1,title=V001 Version file missing or unreadable::"
        "CHANGELOG.md is missing" in proc.stdout
    )
    assert proc.stderr.endswith("== failed: check version\n")
