"""The per-file cache may skip work, never an error: whatever changed (a
record, a schema, the tooling, a deleted or renamed file), the report is
the one a run without the cache gives."""

from __future__ import annotations

import json
import marshal
import os
import shutil
import subprocess
import sys
import time

import pytest

from conftest import FIXTURE_SOURCES, REPO, base_record, make_project
from il76_claims import cache as cache_mod
from il76_claims import loader, pipeline
from il76_claims.checker import check
from il76_claims.report import text
from il76_claims.schemas import SchemaSet

CACHE = os.path.join(".cache", "il76-claims")


def shard_files(project) -> dict[str, bytes]:
    folder = os.path.join(project.root, CACHE)
    out = {}
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as fh:
            out[name] = fh.read()
    return out


def _with_brief_length(blob: bytes, length: int) -> bytes:
    """blob with the length of its brief part (read before any checksum)
    set to length."""
    at = len(cache_mod.MAGIC) + 3 * 32
    return blob[:at] + length.to_bytes(8, "little") + blob[at + 8 :]


def shard_contents(project) -> dict[str, tuple[dict, dict]]:
    """Every shard's brief and whole entries, unpacked."""
    with cache_mod.Cache.open(project.root, SchemaSet(project.schemas_dir)) as c:
        return {cache_mod.SHARD_FILE.format(i): (shard.entries, shard.whole) for i, shard in enumerate(c.shards)}


def edit_json(path: str, change):
    """Rewrite the JSON file at path with change(doc) applied to its content."""
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    change(doc)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=2)


def drop_media_outlet(project):
    """Take 'media_outlet' out of the actor_type codelist: the two fixture
    outlets become wrong."""

    def change(doc):
        doc["enum"].remove("media_outlet")
        del doc["x-codes"]["media_outlet"]

    edit_json(os.path.join(project.root, "schemas", "codelists", "actor_type.json"), change)


# A loaded term the fixture records use in their own text.
PASSENGERS = {"term": "passengers", "match": ["passengers"], "kind": "evaluative", "why": "A test.", "neutral": "people on board"}


def add_passengers(project):
    edit_json(os.path.join(project.schemas_dir, "loaded-terms.json"), lambda doc: doc["terms"].append(PASSENGERS))


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
    assert set(shard_files(project)) <= {cache_mod.SHARD_FILE.format(i) for i in range(cache_mod.SHARDS)}
    assert len(shard_files(project)) > 1
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
    drop_media_outlet(project)
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
        lambda blob: _with_brief_length(blob, 2**63),  # the length field: too large to read
        lambda blob: _with_brief_length(blob, len(blob)),  # longer than the file
    ],
    ids=["empty", "garbage", "truncated", "body-bit", "salt-bit", "trailing-byte", "length-huge", "length-beyond"],
)
def test_a_damaged_cache_is_ignored_and_rewritten(bad_project, damage):
    fresh = lines(bad_project, cache=False)
    lines(bad_project)
    before = shard_contents(bad_project)
    blobs = shard_files(bad_project)
    for name, blob in blobs.items():
        with open(os.path.join(bad_project.root, CACHE, name), "wb") as fh:
            fh.write(damage(blob))
    assert stage(bad_project).cached == 0
    assert lines(bad_project) == fresh
    # Rebuilt with the same entries (marshal's bytes depend on which
    # objects happen to be shared, so they are compared unpacked).
    assert shard_contents(bad_project) == before
    assert stage(bad_project).cached == stage(bad_project).files


def test_one_damaged_shard_costs_only_its_own_entries(bad_project):
    fresh = lines(bad_project)
    name, blob = next(iter(shard_files(bad_project).items()))
    with open(os.path.join(bad_project.root, CACHE, name), "wb") as fh:
        fh.write(blob[:-1])
    again = stage(bad_project)
    assert 0 < again.parsed < again.files
    assert lines(bad_project) == fresh


def test_an_edit_rewrites_only_the_shards_it_changes(project):
    stage(project)
    before = {name: os.stat(os.path.join(project.root, CACHE, name)).st_ino for name in shard_files(project)}
    with open(os.path.join(project.root, "records", "actor", "fixture-person.yaml"), "a", encoding="utf-8") as fh:
        fh.write("notes: Edited.\n")
    stage(project)
    after = {name: os.stat(os.path.join(project.root, CACHE, name)).st_ino for name in shard_files(project)}
    rewritten = [name for name in after if before.get(name) != after[name]]
    # A file's entry stays in the shard its path names, whatever its bytes.
    assert rewritten == [cache_mod.SHARD_FILE.format(cache_mod.shard_of("records/actor/fixture-person.yaml"))]


def test_the_cache_file_of_earlier_versions_is_removed(project):
    os.makedirs(os.path.join(project.root, CACHE))
    old = os.path.join(project.root, CACHE, "per-file-checks.bin")
    with open(old, "wb") as fh:
        fh.write(b"il76-claims per-file cache 1\n")
    assert lines(project) == []
    assert not os.path.exists(old)


def rewrite_shards(project, change):
    """Write every shard again, its parts changed by change(entries, whole)
    and checksummed anew, as a cache of another shape would be."""
    with cache_mod.Cache.open(project.root, SchemaSet(project.schemas_dir)) as c:
        for i, shard in enumerate(c.shards):
            entries, whole = change(shard.entries, shard.whole)
            cache_mod._write(os.path.join(c.folder, cache_mod.SHARD_FILE.format(i)), c.salt, marshal.dumps(entries), marshal.dumps(whole))


def test_a_valid_cache_with_entries_of_another_shape_is_ignored(project):
    stage(project)
    rewrite_shards(project, lambda entries, whole: ({path: (entry[:3] + ("not", "a record") + entry[5:]) for path, entry in entries.items()}, whole))
    assert stage(project).cached == 0
    assert lines(project) == []


@pytest.mark.parametrize("whole_records", [True, False])
def test_a_valid_cache_with_whole_entries_of_another_shape_is_ignored(bad_project, whole_records):
    fresh = lines(bad_project, cache=False)
    lines(bad_project)
    rewrite_shards(bad_project, lambda entries, whole: (entries, {key: ("not", "a record") for key in whole}))
    # Whole records are read again from the files; brief ones take their
    # positions from the files when a problem is placed in them.
    assert lines(bad_project, whole_records=whole_records) == fresh


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
    names = sorted(shard_files(bad_project))
    for name in names:
        with open(os.path.join(bad_project.root, CACHE, name), "ab") as fh:  # damaged: the next run writes it again
            fh.write(b"x")
    lines(bad_project)
    assert sorted(shard_files(bad_project)) == names


def test_the_cache_folder_is_git_ignored():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, ".gitignore"), encoding="utf-8") as fh:
        assert ".cache/" in fh.read().split()


# -- finding unchanged files by their stat signature ---------------------------


@pytest.fixture
def aged(tmp_path, monkeypatch):
    """A project whose files are older than the racy margin when it is
    checked (the margin made short, so the test need not wait seconds)."""
    monkeypatch.setattr(cache_mod, "RACY_SECONDS", 0.05)
    project = make_project(tmp_path / "aged")
    time.sleep(0.1)
    return project


PERSON = os.path.join("records", "actor", "fixture-person.yaml")


def test_an_unchanged_file_is_not_read_again(aged, monkeypatch):
    first = stage(aged)
    assert first.stat_hits == 0
    reads = []
    real = loader.read_bytes
    monkeypatch.setattr(loader, "read_bytes", lambda path, abspath: reads.append(path) or real(path, abspath))
    second = stage(aged)
    assert (second.stat_hits, second.parsed, reads) == (second.files, 0, [])


def test_a_freshly_written_file_is_read_and_hashed_again(project):
    # Written less than RACY_SECONDS before the runs: its signature is not kept.
    stage(project)
    again = stage(project)
    assert (again.stat_hits, again.cached, again.parsed) == (0, again.files, 0)


def test_a_same_size_edit_with_its_modification_time_put_back_is_checked_again(aged):
    assert lines(aged) == []
    path = os.path.join(aged.root, PERSON)
    before = os.stat(path)
    with open(path, "rb") as fh:
        raw = fh.read()
    with open(path, "r+b") as fh:  # same inode, same size
        fh.write(raw.replace(b"actor_type: person", b"actor_type: persoo"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    fresh = lines(aged, cache=False)
    assert [line.split(" [")[1][:4] for line in fresh] == ["S004"]
    assert fresh[0].startswith("records/actor/fixture-person.yaml:2:")
    assert lines(aged) == fresh


def test_two_files_swapped_by_renaming_are_both_read(aged):
    assert lines(aged) == []
    folder = os.path.join(aged.root, "records", "actor")
    a, b, tmp = (os.path.join(folder, n) for n in ("fixture-agency.yaml", "fixture-outlet.yaml", "swap.tmp"))
    os.rename(a, tmp)
    os.rename(b, a)
    os.rename(tmp, b)
    fresh = lines(aged, cache=False)
    assert any("[X002]" in line for line in fresh)
    assert lines(aged) == fresh


def test_a_deleted_and_a_renamed_file_with_signatures_kept(aged):
    stage(aged)
    folder = os.path.join(aged.root, "records", "actor")
    os.unlink(os.path.join(folder, "fixture-state.yaml"))
    os.rename(os.path.join(folder, "fixture-agency.yaml"), os.path.join(folder, "agency.yaml"))
    fresh = lines(aged, cache=False)
    assert sum("[X003]" in line for line in fresh) == 2 and sum("[X002]" in line for line in fresh) == 1
    assert lines(aged) == fresh


def test_a_schema_change_misses_every_file_even_by_signature(aged):
    stage(aged)
    drop_media_outlet(aged)
    after = stage(aged)
    assert (after.stat_hits, after.cached, after.parsed) == (0, 0, after.files)
    assert lines(aged) == lines(aged, cache=False) != []


# -- the neutrality check and the cache ----------------------------------------


def test_a_changed_loaded_terms_list_checks_every_file_again(aged):
    assert lines(aged) == []
    add_passengers(aged)
    fresh = lines(aged, cache=False)
    assert fresh and all("[T006]" in line and "passengers" in line for line in fresh)
    assert lines(aged) == fresh
    assert stage(aged).parsed == 0  # and the next run takes them from the cache
    assert lines(aged) == fresh


def test_a_record_with_a_loaded_term_is_reported_from_the_cache(aged):
    path = os.path.join(aged.root, "records", "statement", "fixture-narration.yaml")
    with open(path, encoding="utf-8") as fh:
        body = fh.read()
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(body.replace("ten passengers", "ten militants"))
    fresh = lines(aged, cache=False)
    assert [line.split("] ")[0] for line in fresh] == ["records/statement/fixture-narration.yaml:12:10: [T006"]
    assert lines(aged) == fresh
    cached = stage(aged)
    assert cached.parsed == 0
    assert [r.path for r in cached.term_candidates] == ["records/statement/fixture-narration.yaml"]
    assert lines(aged) == fresh


def test_a_changed_archive_checks_the_mentions_in_notes_again(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_mod, "RACY_SECONDS", 0.05)
    case = REPO / "tests" / "cases" / "neutrality" / "notes-scare-quotes" / "files"
    files = {p.relative_to(case).as_posix(): p.read_bytes() for p in case.rglob("*") if p.is_file()}
    account = "records/statement/fixture-ministry-account.yaml"
    files[account] = files[account].replace("“Kiev terrorists”".encode(), "“militants of the Kiev regime”".encode())
    project = make_project(tmp_path / "p", files)
    sources = tmp_path / "sources"
    shutil.copytree(FIXTURE_SOURCES, sources)
    project.sources_dir = str(sources)
    time.sleep(0.1)
    assert lines(project) == lines(project, cache=False) == []
    archive = sources / "fixture-loaded-terms.txt"
    archive.write_bytes(archive.read_bytes().replace(b"militants of the Kiev regime", b"fighters of the Kiev regime"))
    fresh = lines(project, cache=False)
    assert any("[T006] notes: loaded term “militants” is in quotation marks" in line for line in fresh)
    assert stage(project).stat_hits == stage(project).files  # no record changed
    assert lines(project) == fresh


def test_a_check_imports_only_the_modules_in_the_tool_digest(bad_project):
    # Every path a check can take: problems of every stage, sources read,
    # the cache filled and then used.
    code = (
        "import json, sys\n"
        "from il76_claims.checker import Project, check\n"
        f"project = Project({bad_project.root!r}, {bad_project.sources_dir!r})\n"
        "assert check(project, cache=True).problems == check(project, cache=True).problems != []\n"
        "print(json.dumps(sorted(m.split('.')[1] + '.py' for m in sys.modules if m.startswith('il76_claims.'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    imported = set(json.loads(out.stdout))
    assert imported | {"__init__.py"} <= cache_mod.CHECK_MODULES
    assert {"loader.py", "schema_check.py", "quotes.py", "neutrality.py"} <= imported


def test_the_fingerprint_ignores_modules_a_check_does_not_run(tmp_path):
    tool = tmp_path / "tool"
    shutil.copytree(cache_mod.TOOL_DIR, tool, ignore=shutil.ignore_patterns("__pycache__"))
    before = cache_mod._tool_digest(str(tool))
    with open(tool / "export" / "csv.py", "a", encoding="utf-8") as fh:
        fh.write("# an exporter changed\n")
    with open(tool / "build.py", "a", encoding="utf-8") as fh:
        fh.write("# the build changed\n")
    cache_mod._tool_digest.cache_clear()
    assert cache_mod._tool_digest(str(tool)) == before
    for name in sorted(cache_mod.CHECK_MODULES):
        assert (tool / name).is_file(), name


def test_a_shard_with_signatures_of_another_shape_is_ignored(aged):
    stage(aged)
    rewrite_shards(aged, lambda entries, whole: ({path: (entry[0], [entry[1]]) + entry[2:] for path, entry in entries.items()}, whole))
    again = stage(aged)
    assert (again.stat_hits, again.parsed) == (0, again.files)
    assert lines(aged) == []


def stored_signature(project, rel: str):
    """The stat signature the cache on disk keeps for a file, or None."""
    schemas = SchemaSet(project.schemas_dir)
    with cache_mod.Cache.open(project.root, schemas) as c:
        return c.stored_signature(rel)


def test_a_new_signature_for_the_same_bytes_is_written(aged):
    # Only the modification time changes: the entry stays, the shard that
    # holds the file's signature must still be rewritten.
    stage(aged)
    rel = PERSON.replace(os.sep, "/")
    path = os.path.join(aged.root, PERSON)
    old = os.stat(path)
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns - 10**9))
    time.sleep(0.1)
    again = stage(aged)
    assert again.parsed == 0
    assert stored_signature(aged, rel) == cache_mod._SIG.unpack(cache_mod.Cache.signature(loader.RecordFile("actor", rel, path)))
    assert stored_signature(aged, rel) != (old.st_mode, old.st_size, old.st_mtime_ns, old.st_ctime_ns, old.st_ino, old.st_dev)


def test_a_signature_no_longer_trusted_is_dropped(aged):
    # The same bytes written again just now: the entry stays, the signature
    # kept for the file must go (a fresh file is never trusted by it).
    stage(aged)
    rel = PERSON.replace(os.sep, "/")
    assert stored_signature(aged, rel) is not None
    path = os.path.join(aged.root, PERSON)
    with open(path, "rb") as fh:
        raw = fh.read()
    with open(path, "wb") as fh:
        fh.write(raw)
    again = stage(aged)
    assert again.parsed == 0
    assert stored_signature(aged, rel) is None


def test_the_entry_of_a_deleted_file_is_dropped(project):
    # No signature is kept for these fresh files: only the entry tells.
    first = stage(project)
    os.remove(os.path.join(project.root, PERSON))
    again = stage(project)
    schemas = SchemaSet(project.schemas_dir)
    with cache_mod.Cache.open(project.root, schemas) as c:
        assert len(c.entries) == again.files == first.files - 1


def test_a_schema_changed_during_a_run_leaves_no_entry_behind(project, monkeypatch):
    # The schemas are read before the files are listed; the change comes
    # after, while the run checks with what it read. Nothing it found may be
    # kept under the new schemas' fingerprint.
    schema = os.path.join(project.schemas_dir, "actor.schema.json")
    real = loader.discover

    def discover_and_change_a_schema(*args, **kwargs):
        edit_json(schema, lambda doc: doc["required"].append("no_such_field"))
        return real(*args, **kwargs)

    monkeypatch.setattr(loader, "discover", discover_and_change_a_schema)
    assert lines(project) == []  # checked with the schemas as they were read
    monkeypatch.setattr(loader, "discover", real)
    fresh = lines(project, cache=False)
    assert any("no_such_field" in line for line in fresh)
    assert lines(project) == lines(project, whole_records=False) == fresh


def test_the_tool_source_changed_during_a_run_leaves_no_entry_behind(project, monkeypatch):
    stage(project)
    monkeypatch.setattr(cache_mod, "_tool_digest_now", lambda tool_dir: b"\0" * 32)  # the source on disk is not what runs
    with open(os.path.join(project.root, PERSON), "a", encoding="utf-8") as fh:
        fh.write("notes: Edited.\n")
    before = shard_contents(project)
    stage(project)
    assert shard_contents(project) == before


def test_a_loaded_terms_list_changed_during_a_run_leaves_no_entry_behind(project, monkeypatch):
    # The list is read after the files are listed, so a change made before
    # that is what this run checks with, while the fingerprint it took at
    # the start says otherwise: the run must keep nothing.
    path = os.path.join(project.schemas_dir, "loaded-terms.json")
    with open(path, encoding="utf-8") as fh:
        original = json.load(fh)
    with_term = dict(original, terms=original["terms"] + [PASSENGERS])

    def write(doc):
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=2)

    write(with_term)
    fresh = lines(project, cache=False)
    assert fresh and all("[T006]" in line for line in fresh)
    real = loader.discover

    def discover_and_drop_the_term(*args, **kwargs):
        write(original)
        return real(*args, **kwargs)

    monkeypatch.setattr(loader, "discover", discover_and_drop_the_term)
    assert lines(project) == []  # checked with the list without the term
    monkeypatch.setattr(loader, "discover", real)
    write(with_term)
    assert lines(project) == lines(project, whole_records=False) == fresh


@pytest.mark.parametrize(
    "odd",
    [
        lambda entry: entry[:4] + (7,) + entry[5:],  # reported pointers: a number
        lambda entry: entry[:4] + (["$.id"],) + entry[5:],  # reported pointers: a list
        lambda entry: entry[:6] + ([("records/x.yaml", "1", 1, "S001", "m", "")],) + entry[7:],  # a problem of another shape
        lambda entry: entry[:6] + ("not a list",) + entry[7:],
        lambda entry: entry[:5] + ("yes",) + entry[6:],  # unread: not a bool
    ],
    ids=["reported-number", "reported-list", "problem-shape", "problems-text", "unread-text"],
)
@pytest.mark.parametrize("whole_records", [True, False])
def test_brief_entries_of_another_shape_are_checked_again(bad_project, odd, whole_records):
    fresh = lines(bad_project, cache=False)
    lines(bad_project)
    rewrite_shards(bad_project, lambda entries, whole: ({path: odd(entry) for path, entry in entries.items()}, whole))
    assert lines(bad_project, whole_records=whole_records) == fresh
    assert stage(bad_project).cached == stage(bad_project).files  # and stored again in the right shape


def test_odd_paths_and_marks_tables_in_the_cache_are_not_trusted(bad_project):
    fresh = lines(bad_project, cache=False)
    lines(bad_project)

    def odd(entries, whole):
        entries = dict(entries)
        entries[7] = ("not", "an entry")  # keys that are no path
        entries["records/actor/\ud800.yaml"] = next(iter(entries.values()))
        # Marks tables whose numbers point past the positions they have, or
        # are not numbers.
        whole = {
            key: (data, ({path: n + 1 for path, n in index.items()}, pos), ({path: str(n) if n else n for path, n in kindex.items()}, kpos))
            for key, (data, (index, pos), (kindex, kpos)) in whole.items()
        }
        return entries, whole

    rewrite_shards(bad_project, odd)
    assert lines(bad_project) == fresh
    assert lines(bad_project, whole_records=False) == fresh


def test_a_brief_record_whose_shard_was_replaced_reads_its_positions_from_its_file(project):
    # Another run may replace a shard file after a brief record was made
    # from it: the whole part then fails its checksum, and the record's
    # positions come from its file.
    lines(project)
    schemas = SchemaSet(project.schemas_dir)
    loaded = pipeline.load_and_check(project.root, schemas, pipeline.FileChecker(schemas), jobs=1, use_cache=True, whole_records=False)
    rel = PERSON.replace(os.sep, "/")
    rec = next(r for r in loaded.records if r.path == rel)
    path = os.path.join(project.root, PERSON)
    expected = loader.load_file(rel, path, "actor")[0].mark("$.name")
    shard = os.path.join(project.root, CACHE, cache_mod.SHARD_FILE.format(cache_mod.shard_of(rel)))
    with open(shard + ".new", "wb") as fh:
        fh.write(b"another run's shard")
    os.replace(shard + ".new", shard)
    assert rec.mark("$.name") == expected
    loaded.close()


def test_a_schema_set_read_before_schemas_changed_is_checked_without_the_cache(project):
    # A program that keeps its SchemaSet between checks: after the loaded
    # terms list changes on disk, no entry made with the old list may hit.
    schemas = SchemaSet(project.schemas_dir)
    assert text(check(project, schemas, cache=True).problems) == ""
    add_passengers(project)
    fresh = text(check(project, schemas, cache=False).problems)
    assert "[T006]" in fresh
    assert text(check(project, schemas, cache=True).problems) == text(check(project, schemas, cache=True, whole_records=False).problems) == fresh


def test_a_warm_check_needs_few_file_descriptors(tmp_path):
    # No shard file is held open: under a low limit on open files, a warm
    # check of a tree that fills every shard still takes every file from
    # the cache.
    import resource

    person = base_record("records/actor/fixture-person.yaml")
    extra = {f"records/actor/extra-{i:03d}.yaml": person.replace("id: fixture-person", f"id: extra-{i:03d}") for i in range(300)}
    project = make_project(tmp_path / "many", extra)
    assert lines(project) == []
    assert len(os.listdir(os.path.join(project.root, CACHE))) == cache_mod.SHARDS
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    soft = 32 if hard == resource.RLIM_INFINITY else min(32, hard)
    code = (
        "import sys; from il76_claims import pipeline; from il76_claims.schemas import SchemaSet; "
        "s = SchemaSet(sys.argv[1] + '/schemas'); "
        "st = pipeline.load_and_check(sys.argv[1], s, pipeline.FileChecker(s), jobs=1, use_cache=True, whole_records=False); "
        "print(st.cached, st.files)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, project.root],
        capture_output=True,
        text=True,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard)),
    )
    assert (done.returncode, done.stdout.split()) == (0, ["313", "313"]), done.stderr
