"""The SQLite database: same rows as the CSVs, typed columns, keys that
hold, indexes on foreign keys, descriptions, and the same bytes twice."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from built_package import (
    META,
    TRICKY_NAME,
    TRICKY_NOTES,
    built,
    built_tables,
    built_views,
    read_csv,
    sqlite_path,
)
from conftest import BASE
from il76_claims.publish import citation
from il76_claims.publish import sqlite as sqlite_export
from il76_claims.publish.tables import Field, Table


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return built(tmp_path_factory)


@pytest.fixture
def con(root):
    c = sqlite3.connect(f"file:{sqlite_path(root)}?mode=ro", uri=True)
    yield c
    c.close()


def _text(v) -> str:
    return "" if v is None else str(v)


def test_every_row_equals_the_csv_row(con, root, tmp_path_factory):
    for t in built_tables(tmp_path_factory):
        cols = ", ".join(f'"{f.name}"' for f in t.fields)
        booleans = {i for i, f in enumerate(t.fields) if f.type == "boolean"}
        rows = [
            [
                ("true" if v else "false") if i in booleans and v is not None else _text(v)
                for i, v in enumerate(r)
            ]
            for r in con.execute(f'SELECT {cols} FROM "{t.name}" ORDER BY rowid')
        ]
        expected = read_csv(root / "data" / f"{t.name}.csv")
        assert [f.name for f in t.fields] == expected[0]
        assert rows == expected[1:], t.name


def test_column_types_nulls_and_tricky_strings(con, tmp_path_factory):
    for t in built_tables(tmp_path_factory):
        info = {r[1]: (r[2], r[3]) for r in con.execute(f'PRAGMA table_info("{t.name}")')}
        for f in t.fields:
            declared, notnull = info[f.name]
            assert declared == ("INTEGER" if f.type in ("integer", "boolean") else "TEXT"), (
                t.name,
                f.name,
            )
            assert bool(notnull) == f.required, (t.name, f.name)
            stored = {
                r[0] for r in con.execute(f'SELECT DISTINCT typeof("{f.name}") FROM "{t.name}"')
            }
            assert stored <= {declared.lower(), "null"}, (t.name, f.name, stored)
    assert (
        con.execute("SELECT count(*) FROM casualty_figures WHERE count IS NULL").fetchone()[0] == 1
    )
    assert con.execute("SELECT count(*) FROM casualty_figures WHERE count = ''").fetchone()[0] == 0
    person = con.execute(
        "SELECT name, role, notes, typeof(name) FROM actors WHERE id = 'fixture-person'"
    ).fetchone()
    assert person == (TRICKY_NAME, "NA", TRICKY_NOTES, "text")
    assert con.execute(
        "SELECT name, country FROM actors WHERE id = 'fixture-tricky'"
    ).fetchone() == ("null", "NO")


def test_keys_hold_and_the_file_is_sound(con):
    assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []


def test_primary_and_foreign_keys_are_declared(con, tmp_path_factory):
    for t in built_tables(tmp_path_factory):
        info = con.execute(f'PRAGMA table_info("{t.name}")').fetchall()
        pk = [r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5])]
        assert pk == t.primary_key, t.name
        fks = sorted(
            (r[3], r[2], r[4]) for r in con.execute(f'PRAGMA foreign_key_list("{t.name}")')
        )
        assert fks == sorted((col, ref, "id") for col, ref in t.foreign_keys), t.name


def test_every_foreign_key_column_leads_an_index(con, tmp_path_factory):
    for t in built_tables(tmp_path_factory):
        leading = set()
        for idx in con.execute(f'PRAGMA index_list("{t.name}")').fetchall():
            cols = con.execute(f'PRAGMA index_info("{idx[1]}")').fetchall()
            leading.add(cols[0][2])
        for col, _ in t.foreign_keys:
            assert col in leading, (t.name, col)
    plan = " ".join(
        r[3]
        for r in con.execute("EXPLAIN QUERY PLAN SELECT * FROM statements WHERE speaker_id = 'x'")
    )
    assert "statements__speaker_id" in plan


def test_a_join_across_the_keys(con):
    rows = con.execute(
        """
        SELECT s.id, sp.name, s.date, src.title, group_concat(r.name, ' > ')
        FROM statements s
        JOIN actors sp ON sp.id = s.speaker_id
        JOIN sources src ON src.id = s.source_id
        LEFT JOIN (SELECT sr.statement_id, a.name FROM statement_relays sr JOIN actors a ON a.id = sr.actor_id ORDER BY sr.step) r
               ON r.statement_id = s.id
        GROUP BY s.id ORDER BY s.id
        """
    ).fetchall()
    assert rows == [
        ("fixture-narration", "Fixture Outlet", "2024-03-02", "A fixture article", None),
        ("fixture-statement", TRICKY_NAME, "2024-03-01", "A fixture article", "Fixture Agency"),
    ]


def test_tables_and_columns_are_described(con, tmp_path_factory):
    tables = [*built_tables(tmp_path_factory), *(v.table for v in built_views(tmp_path_factory))]
    described = con.execute(
        'SELECT name, title, description, "rows" FROM _meta_tables ORDER BY position'
    ).fetchall()
    assert described == [(t.name, t.title, t.description, len(t.rows)) for t in tables]
    cols = con.execute(
        "SELECT table_name, name, type, description, codelist, references_table FROM _meta_columns ORDER BY rowid"
    ).fetchall()
    expected = []
    for t in tables:
        refs = dict(t.foreign_keys)
        expected += [
            (t.name, f.name, f.type, f.description, f.codelist, refs.get(f.name)) for f in t.fields
        ]
    assert cols == expected
    package = dict(con.execute("SELECT key, value FROM _meta_package"))
    assert package["version"] == "0.1.0"
    meta = citation.read_metadata(str(BASE))
    assert (
        "CC-BY-4.0" in package["licence"]
        and package["citation"] == citation.citation(meta)
        and package["bibtex"] == citation.bibtex(meta)
    )
    assert (package["rights"], package["repository"], package["released"]) == (
        meta["rights"],
        meta["repository"],
        meta["released"],
    )


def _write(path: Path, tables) -> str:
    sqlite_export.write(META, tables, str(path.parent), path.name)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_two_writes_give_the_same_bytes(tmp_path, tmp_path_factory):
    tables = built_tables(tmp_path_factory)
    assert _write(tmp_path / "a.sqlite", tables) == _write(tmp_path / "b.sqlite", tables)


def test_writing_over_an_old_file_starts_afresh(tmp_path, tmp_path_factory):
    tables = built_tables(tmp_path_factory)
    fresh = _write(tmp_path / "a.sqlite", tables)
    old = tmp_path / "b.sqlite"
    old.write_bytes(b"not a database")
    assert _write(old, tables) == fresh


def _things(rows, flag_type="boolean"):
    fields = [
        Field("id", "string", "Id", "", True, unique=True),
        Field("flag", flag_type, "Flag", "", False),
        Field("parent_id", "string", "Parent", "", False, ref_table="things"),
    ]
    return Table("things", "Things", "Things.", fields, ["id"], rows=rows)


def test_booleans_are_one_and_zero(tmp_path):
    path = tmp_path / "t.sqlite"
    things = _things([["a", "true", ""], ["b", "false", "a"], ["c", "", "a"]])
    sqlite_export.write(META, [things], str(tmp_path), "t.sqlite")
    con = sqlite3.connect(path)
    assert con.execute("SELECT id, flag, typeof(flag) FROM things ORDER BY id").fetchall() == [
        ("a", 1, "integer"),
        ("b", 0, "integer"),
        ("c", None, "null"),
    ]
    assert con.execute("SELECT id FROM things WHERE flag").fetchall() == [("a",)]
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        con.execute("INSERT INTO things VALUES ('d', 2, NULL)")
    con.close()


def test_a_broken_foreign_key_is_refused(tmp_path):
    with pytest.raises(
        ValueError, match=r"1 row\(s\) break a foreign key, first in things row 1 → things"
    ):
        sqlite_export.write(META, [_things([["a", "", "missing"]])], str(tmp_path), "t.sqlite")


def test_a_boolean_cell_that_is_neither_true_nor_false_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"^boolean cell holds 'yes', not true or false$"):
        sqlite_export.write(META, [_things([["a", "yes", ""]])], str(tmp_path), "t.sqlite")
