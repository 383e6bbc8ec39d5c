"""The per-file cache may skip work, never an error: whatever changed (a
record, a schema, the tooling, a deleted or renamed file), the report is
the one a run without the cache gives."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from conftest import REPO, base_record, make_project
from il76_claims import cache as cache_mod
from il76_claims import pipeline
from il76_claims.checker import check
from il76_claims.report import text
from il76_claims.schemas import SchemaSet

CACHE = os.path.join(".cache", "il76-claims", "per-file-checks.bin")


def lines(project, **kw) -> list[str]:
    return text(check(project, **kw).problems).splitlines()


def stage(project):
    """The per-file stage alone, with the cache, for its counts."""
    schemas = SchemaSet(project.schemas_dir)
    return pipeline.load_and_check(project.root, schemas, pipeline.FileChecker(schemas), jobs=1, use_cache=True)


@pytest.fixture
def bad_project(tmp_path):
    """A project with problems in several files, found by several stages."""
    statement = base_record("records/statement/fixture-statement.yaml")
    return make_project(
        tmp_path / "project",
        {
            "records/statement/fixture-statement.yaml": statement.replace("speech: direct", "speech: quoted"),
            "records/actor/fixture-agency.yaml": base_record("records/actor/fixture-agency.yaml") + "country: GB\n",
            "records/actor/extra.yaml": "id: extra\nactor_type: person\nname: ' Padded'\nrole: null\naffiliation_id: nobody\ncountry: 'NO'\n",
        },
    )


def test_second_run_takes_every_file_from_the_cache(project):
    first = stage(project)
    assert (first.parsed, first.cached) == (first.files, 0)
    assert os.path.isfile(os.path.join(project.root, CACHE))
    second = stage(project)
    assert (second.parsed, second.cached) == (0, second.files)


def test_problems_from_the_cache_are_the_problems_of_a_fresh_run(bad_project):
    fresh = lines(bad_project, cache=False)
    assert len(fresh) >= 4
    assert lines(bad_project) == fresh  # fills the cache
    assert stage(bad_project).cached == stage(bad_project).files
    assert lines(bad_project) == fresh  # every file from the cache


def test_an_edited_record_is_checked_again(project):
    assert lines(project) == []
    path = os.path.join(project.root, "records", "actor", "fixture-person.yaml")
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("colour: blue\n")
    assert lines(project) == ["records/actor/fixture-person.yaml:8:1: [S002] unknown field 'colour'; did you mean 'country'?"]
    again = stage(project)
    assert (again.parsed, again.cached) == (0, again.files)


def test_only_the_edited_file_is_parsed_again(project):
    stage(project)
    path = os.path.join(project.root, "records", "actor", "fixture-person.yaml")
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("notes: Edited.\n")
    after = stage(project)
    assert (after.parsed, after.cached) == (1, after.files - 1)


def test_an_edit_back_to_earlier_bytes_gives_the_earlier_result(project):
    path = os.path.join(project.root, "records", "actor", "fixture-person.yaml")
    with open(path, encoding="utf-8") as fh:
        original = fh.read()
    assert lines(project) == []
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(original.replace("name: Alex Example", "name: 'Alex Example '"))
    assert lines(project) == ["records/actor/fixture-person.yaml:3:7: [T003] name: leading or trailing whitespace; remove it"]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(original)
    assert lines(project) == []


def test_a_schema_change_checks_every_file_again(project):
    assert lines(project) == []
    path = os.path.join(project.root, "schemas", "codelists", "actor_type.json")
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    # Without 'media_outlet' in the codelist, the two fixture outlets are wrong.
    doc["enum"].remove("media_outlet")
    del doc["x-codes"]["media_outlet"]
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=2)
    after = stage(project)
    assert (after.parsed, after.cached) == (after.files, 0)
    assert sorted({(p.path, p.code) for p in after.problems}) == [
        ("records/actor/fixture-agency.yaml", "S004"),
        ("records/actor/fixture-outlet.yaml", "S004"),
    ]
    assert lines(project) == lines(project, cache=False)


def test_a_deleted_file_is_missed_by_the_records_that_reference_it(project):
    assert lines(project) == []
    os.unlink(os.path.join(project.root, "records", "actor", "fixture-state.yaml"))
    assert lines(project) == [
        "records/actor/fixture-person.yaml:5:17: [X003] affiliation_id: no record has id 'fixture-state'; create records/actor/fixture-state.yaml or fix the id",
        "records/statement/fixture-statement.yaml:5:18: [X003] on_behalf_of_id: no record has id 'fixture-state'; create records/actor/fixture-state.yaml or fix the id",
    ]
    assert lines(project) == lines(project, cache=False)


def test_a_renamed_file_is_not_mistaken_for_its_old_name(project):
    assert lines(project) == []
    folder = os.path.join(project.root, "records", "actor")
    os.rename(os.path.join(folder, "fixture-agency.yaml"), os.path.join(folder, "agency.yaml"))
    fresh = lines(project, cache=False)
    assert "records/actor/agency.yaml:1:5: [X002] id 'fixture-agency' differs from the file name 'agency.yaml'; rename the file or change the id" in fresh
    assert lines(project) == fresh


def test_a_change_in_the_tooling_misses_every_entry(project, monkeypatch):
    stage(project)
    monkeypatch.setattr(cache_mod, "__version__", "0.0.0-other")
    assert stage(project).cached == 0


def test_the_fingerprint_follows_the_tool_source_and_the_schemas(tmp_path):
    tool = tmp_path / "tool"
    shutil.copytree(cache_mod.TOOL_DIR, tool, ignore=shutil.ignore_patterns("__pycache__"))
    schemas = tmp_path / "schemas"
    shutil.copytree(os.path.join(REPO, "schemas"), schemas)
    before = cache_mod.fingerprint(str(schemas), str(tool))
    (tool / "__pycache__").mkdir()
    (tool / "__pycache__" / "loader.cpython-311.pyc").write_bytes(b"compiled")
    assert cache_mod.fingerprint(str(schemas), str(tool)) == before
    with open(tool / "textcheck.py", "a", encoding="utf-8") as fh:
        fh.write("# a changed rule\n")
    cache_mod._tool_digest.cache_clear()  # a new process
    after_tool = cache_mod.fingerprint(str(schemas), str(tool))
    assert after_tool != before
    (schemas / "new.json").write_text("{}", encoding="utf-8")
    assert cache_mod.fingerprint(str(schemas), str(tool)) not in (before, after_tool)


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: b"",
        lambda blob: b"not a cache at all",
        lambda blob: blob[: len(blob) // 2],  # cut short
        lambda blob: blob[:-1] + bytes([blob[-1] ^ 1]),  # one bit flipped in the body
        lambda blob: blob[:40] + bytes([blob[40] ^ 1]) + blob[41:],  # in the fingerprint
        lambda blob: blob + b"\0",
    ],
    ids=["empty", "garbage", "truncated", "body-bit", "salt-bit", "trailing-byte"],
)
def test_a_damaged_cache_is_ignored_and_rewritten(bad_project, damage):
    fresh = lines(bad_project, cache=False)
    lines(bad_project)
    path = os.path.join(bad_project.root, CACHE)
    with open(path, "rb") as fh:
        blob = fh.read()
    with open(path, "wb") as fh:
        fh.write(damage(blob))
    assert stage(bad_project).cached == 0
    assert lines(bad_project) == fresh
    with open(path, "rb") as fh:
        assert fh.read() == blob  # rebuilt to the same bytes


def test_a_valid_cache_with_entries_of_another_shape_is_ignored(project):
    stage(project)
    c = cache_mod.Cache.open(project.root, project.schemas_dir)
    entries = {key: ("not", "a record") for key in c.entries}
    cache_mod._write(c.path, c.salt, __import__("marshal").dumps(entries))
    assert stage(project).cached == 0
    assert lines(project) == []


def test_an_unreadable_file_is_never_cached(project):
    os.mkfifo(os.path.join(project.root, "records", "actor", "pipe.yaml"))
    first = lines(project)
    assert first == lines(project) == lines(project, cache=False)
    assert any(":[F007]" in line.replace(" ", "") for line in first)


def test_the_cache_can_be_turned_off(project, monkeypatch):
    monkeypatch.setenv("IL76_CACHE", "off")
    assert lines(project) == []
    assert not os.path.exists(os.path.join(project.root, ".cache"))


def test_no_temporary_file_is_left_behind(bad_project):
    lines(bad_project)
    path = os.path.join(bad_project.root, CACHE)
    with open(path, "ab") as fh:  # damaged: the next run writes it again
        fh.write(b"x")
    lines(bad_project)
    assert os.listdir(os.path.dirname(path)) == ["per-file-checks.bin"]


def test_the_cache_folder_is_git_ignored():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, ".gitignore"), encoding="utf-8") as fh:
        assert ".cache/" in fh.read().split()
