"""The build replaces its outputs all at once or not at all, and gives the
same bytes whatever the hash seed or locale."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import REPO, file_bytes, make_project
from il76_claims.publish import build as build_mod
from il76_claims.publish import csv as csv_export
from il76_claims.publish.build import OUTPUTS, STAGING, build, write_outputs


def snapshot(root: Path) -> dict[str, bytes]:
    """Every output file's bytes, by path."""
    return file_bytes(root, tuple(OUTPUTS))


@pytest.fixture
def built(tmp_path):
    """A project with a finished build, and the bytes of that build."""
    project = make_project(tmp_path / "project")
    assert build(project).ok
    root = Path(project.root)
    before = snapshot(root)
    assert "datapackage.json" in before and "data/actors.csv" in before
    # Change a record, so a new build would change the outputs.
    actor = root / "records/actor/fixture-person.yaml"
    actor.write_text(
        actor.read_text(encoding="utf-8").replace("Alex Example", "Alex Changed"), encoding="utf-8"
    )
    return project, root, before


def leftovers(root: Path) -> list[str]:
    staging = root / STAGING
    return sorted(os.listdir(staging)) if staging.exists() else []


def test_a_new_build_replaces_the_outputs(built):
    project, root, before = built
    assert build(project).ok
    after = snapshot(root)
    assert after["data/actors.csv"] != before["data/actors.csv"]
    assert "Alex Changed" in after["data/actors.csv"].decode("utf-8")
    assert leftovers(root) == []


def test_failure_half_way_through_writing_leaves_previous_package(built, monkeypatch):
    project, root, before = built
    real_write = csv_export.write

    def write_half_then_fail(tables, out_dir):
        real_write(tables[: len(tables) // 2], out_dir)
        raise OSError("disk full")

    monkeypatch.setattr(csv_export, "write", write_half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        build(project)
    assert snapshot(root) == before
    assert leftovers(root) == []


def test_ctrl_c_while_writing_leaves_previous_package(built):
    project, root, before = built

    def write_then_interrupt(out_dir, meta, tables, records):
        write_outputs(out_dir, meta, tables, records)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build(project, write=write_then_interrupt)
    assert snapshot(root) == before
    assert leftovers(root) == []


def test_failure_while_swapping_in_undoes_the_moves_already_made(built, monkeypatch):
    project, root, before = built
    real_replace = os.replace
    calls = []

    def replace_failing_on_descriptor(src, dst):
        calls.append(dst)
        if str(dst).endswith("datapackage.json") and "staging-" in str(src):
            raise OSError("device went away")
        return real_replace(src, dst)

    # data/ is swapped in before the descriptor fails, so this exercises the undo.
    monkeypatch.setattr(build_mod.os, "replace", replace_failing_on_descriptor)
    with pytest.raises(OSError, match="device went away"):
        build(project)
    monkeypatch.setattr(build_mod.os, "replace", real_replace)
    assert any(str(c).endswith("datapackage.json") for c in calls)
    assert snapshot(root) == before
    assert leftovers(root) == []


def test_first_build_that_fails_leaves_no_outputs(tmp_path):
    project = make_project(tmp_path / "project")

    def fail(out_dir, meta, tables, records):
        raise RuntimeError("exporter bug")

    with pytest.raises(RuntimeError):
        build(project, write=fail)
    root = Path(project.root)
    assert snapshot(root) == {}
    assert leftovers(root) == []


def test_records_with_problems_build_nothing(tmp_path):
    project = make_project(
        tmp_path / "project",
        {"records/actor/fixture-person.yaml": "id: fixture-person\ncountry: NO\n"},
    )
    result = build(project)
    assert not result.ok and result.written == []
    assert snapshot(Path(project.root)) == {}


_BUILD = "import sys; from il76_claims.cli import main; sys.exit(main(['build', '--root', sys.argv[1], '--sources', sys.argv[2]]))"


def _build_in_subprocess(project, seed: str, locale: str) -> dict[str, bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHON", "TZ"))}
    env.update(PYTHONHASHSEED=seed, LC_ALL=locale, LANG=locale, TZ="Pacific/Kiritimati")
    done = subprocess.run(
        [sys.executable, "-c", _BUILD, project.root, project.sources_dir],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return snapshot(Path(project.root))


def test_same_bytes_under_any_hash_seed_and_locale(tmp_path):
    a = _build_in_subprocess(make_project(tmp_path / "a"), "1", "C")
    b = _build_in_subprocess(make_project(tmp_path / "b"), "4242", "C.UTF-8")
    in_process = make_project(tmp_path / "c")
    assert build(in_process).ok
    assert a and a == b == snapshot(Path(in_process.root))


def test_a_build_outside_the_main_thread_swaps_in_its_outputs(built):
    # Ctrl-C cannot be held off there (signals go to the main thread only).
    project, root, _ = built
    results = []
    worker = threading.Thread(target=lambda: results.append(build(project)))
    worker.start()
    worker.join()
    assert results[0].ok and "Alex Changed" in (root / "data/actors.csv").read_text("utf-8")
    assert leftovers(root) == []


def _fail_on_descriptor(real_replace, also=lambda src: False):
    def replace(src, dst):
        if (str(dst).endswith("datapackage.json") and "staging-" in str(src)) or also(src):
            raise OSError("device went away")
        return real_replace(src, dst)

    return replace


def test_without_hard_links_the_old_outputs_are_copied_for_the_undo(built, monkeypatch):
    project, root, before = built

    def no_links(src, dst):
        raise OSError("hard links not supported")

    monkeypatch.setattr(build_mod.os, "link", no_links)
    monkeypatch.setattr(build_mod.os, "replace", _fail_on_descriptor(os.replace))
    with pytest.raises(OSError, match="device went away"):
        build(project)
    assert snapshot(root) == before
    assert leftovers(root) == []


def test_an_output_that_cannot_be_put_back_is_left_in_the_trash(built, monkeypatch):
    project, root, before = built
    real_replace = os.replace
    monkeypatch.setattr(
        build_mod.os,
        "replace",
        _fail_on_descriptor(real_replace, also=lambda src: "old-" in str(src)),
    )
    with pytest.raises(OSError, match="device went away"):
        build(project)
    (trash,) = [name for name in leftovers(root) if name.startswith("old-")]
    assert not (root / "data").exists()
    kept = root / STAGING / trash / "data" / "actors.csv"
    assert kept.read_bytes() == before["data/actors.csv"]


def test_a_first_build_that_fails_while_swapping_in_leaves_no_outputs(tmp_path, monkeypatch):
    project = make_project(tmp_path / "project")
    monkeypatch.setattr(build_mod.os, "replace", _fail_on_descriptor(os.replace))
    with pytest.raises(OSError, match="device went away"):
        build(project)
    assert snapshot(Path(project.root)) == {}
    assert leftovers(Path(project.root)) == []
