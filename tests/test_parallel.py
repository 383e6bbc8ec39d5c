"""The per-file stage gives the same records and problems however it runs:
in one process or several, from the file, from bytes read for the cache,
or from the cache; and the same as the plain way of loading and checking
(loader.load_tree, then each record's text and schema checks)."""

from __future__ import annotations

import concurrent.futures

import pytest

from conftest import REPO, base_record, case_files, make_project
from il76_claims import loader, pipeline
from il76_claims.checker import check
from il76_claims.report import text
from il76_claims.schema_check import SchemaChecker
from il76_claims.schemas import KINDS, SchemaSet
from il76_claims.textcheck import check_text

CASES = REPO / "tests" / "cases"


def _shape(records, problems):
    return (
        [(r.kind, r.path, r.data, r.marks, r.key_marks, r.reported, r.unread) for r in records],
        sorted(set(problems)),
    )


# Cases that keep the repository's schemas share one set of checkers
# (building them once keeps this test fast).
SHARED = (SchemaSet(str(REPO / "schemas")),)
SHARED += (SchemaChecker(SHARED[0]), pipeline.FileChecker(SHARED[0]))


def _checkers(root: str, own_schemas: bool):
    if not own_schemas:
        return SHARED
    schemas = SchemaSet(f"{root}/schemas")
    return schemas, SchemaChecker(schemas), pipeline.FileChecker(schemas)


def reference(root: str, own_schemas: bool = False):
    """Loading and checking as written plainly, without any speed-up."""
    schemas, full, _ = _checkers(root, own_schemas)
    loaded = loader.load_tree(root, KINDS)
    problems = list(loaded.problems)
    for rec in loaded.records:
        problems += check_text(rec, schemas.multiline_fields[rec.kind])
        problems += full.check(rec)
    return _shape(loaded.records, problems)


def staged(root: str, own_schemas: bool = False, **kw):
    schemas, _, file_checker = _checkers(root, own_schemas)
    st = pipeline.load_and_check(root, schemas, file_checker, **kw)
    return _shape(st.records, st.problems)


def test_every_case_folder_gives_the_reference_result(tmp_path):
    cases = sorted(p.parent for p in CASES.glob("*/*/expected.txt"))
    assert len(cases) > 50
    for i, case in enumerate(cases):
        files = case_files(case)
        own = any(path.startswith("schemas/") for path in files)
        project = make_project(tmp_path / str(i), files)
        expected = reference(project.root, own)
        assert staged(project.root, own, jobs=1, use_cache=False) == expected, case.name
        assert staged(project.root, own, jobs=1, use_cache=True) == expected, case.name  # from bytes read for the cache
        assert staged(project.root, own, jobs=1, use_cache=True) == expected, case.name  # from the cache


def _many_files() -> dict:
    """The base project and a hundred more files, good and bad."""
    files = {}
    person = base_record("records/actor/fixture-person.yaml")
    for i in range(100):
        rid = f"person-{i:03d}"
        body = person.replace("id: fixture-person", f"id: {rid}")
        if i % 7 == 0:
            body = body.replace("actor_type: person", "actor_type: human")
        if i % 11 == 0:
            body += "name: duplicate\n"
        if i % 13 == 0:
            body = body.replace("affiliation_id: fixture-state", "affiliation_id: nowhere")
        if i % 17 == 0:
            body = "id: [unclosed\n"
        files[f"records/actor/{rid}.yaml"] = body
    files["records/actor/not-utf8.yaml"] = b"id: not-utf8\nname: \xff\n"
    return files


@pytest.mark.parametrize("cache", [False, True])
def test_two_processes_give_the_report_of_one(tmp_path, monkeypatch, cache):
    project = make_project(tmp_path / "project", _many_files())
    one = check(project, jobs=1, cache=False)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_FILES", 1)
    used = []
    real = concurrent.futures.ProcessPoolExecutor

    def spy(*args, **kwargs):
        used.append(kwargs.get("max_workers"))
        return real(*args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", spy)
    two = check(project, jobs=2, cache=cache)
    assert used == [2]
    assert len(one.problems) > 30
    assert text(two.problems) == text(one.problems)
    assert [r.path for r in two.records] == [r.path for r in one.records]
    assert _shape(two.records, two.problems) == _shape(one.records, one.problems)


def test_a_small_tree_stays_in_one_process(project, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a process pool for a small tree")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", refuse)
    assert check(project, jobs=2, cache=False).problems == []


@pytest.mark.parametrize("value, expected", [("1", 1), ("3", 3), ("0", None), ("", None), ("two", None), ("-1", None)])
def test_jobs_from_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("IL76_JOBS", value)
    assert pipeline.jobs_from_env() == (expected or pipeline.usable_cores())


def test_chunks_keep_order_and_cover_everything():
    items = list(range(10))
    for n in (1, 3, 4, 10, 20):
        chunks = pipeline._chunks(items, n)
        assert [x for c in chunks for x in c] == items
        assert len(chunks) <= n
    assert pipeline._chunks([], 4) == []


def test_the_check_command_gives_the_cyclic_collector_back(tmp_path, capsys):
    # The command holds the collector back and freezes its objects, for
    # speed; a program that runs it in its own process keeps its collector.
    import gc

    from il76_claims.cli import main

    project = make_project(tmp_path / "project", {})
    assert gc.isenabled()
    assert main(["check", "--root", project.root]) == 0
    assert gc.isenabled()
    gc.disable()
    try:
        main(["check", "--root", project.root])
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()
    assert capsys.readouterr().out.startswith("ok:")
