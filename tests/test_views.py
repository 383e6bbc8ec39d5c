"""Readable views: the same rows in SQLite and the workbook, every id
spelt out by the name of its row and every code by its meaning, made from
the tables alone."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from built_package import built, built_tables, built_views, read_csv, sqlite_path
from il76_claims.publish.tables import Field, Table
from il76_claims.publish.views import build_views, label


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return built(tmp_path_factory)


def _text(v, f: Field) -> str:
    if v is None:
        return ""
    return ("true" if v else "false") if f.type == "boolean" else str(v)


def test_the_sqlite_views_give_the_rows_of_the_sheets(root, tmp_path_factory):
    con = sqlite3.connect(f"file:{sqlite_path(root)}?mode=ro", uri=True)
    views = built_views(tmp_path_factory)
    assert {v.base for v in views} >= {"statements", "claim_positions", "casualty_figures"}
    for v in views:
        cur = con.execute(f'SELECT * FROM "{v.table.name}"')
        assert [d[0] for d in cur.description] == [f.name for f in v.table.fields]
        assert [[_text(x, f) for x, f in zip(r, v.table.fields)] for r in cur] == v.table.rows, (
            v.table.name
        )
    con.close()


def test_the_base_tables_are_untouched(root, tmp_path_factory):
    for v in built_views(tmp_path_factory):
        base = read_csv(root / "data" / f"{v.base}.csv")
        names = [f.name for f in v.table.fields]
        keep = [names.index(c) for c in base[0]]
        assert [[row[i] for i in keep] for row in v.table.rows] == base[1:], v.base


def test_every_id_and_code_is_spelt_out(tmp_path_factory):
    by_name = {v.base: v.table for v in built_views(tmp_path_factory)}
    tables = {t.name: t for t in built_tables(tmp_path_factory)}
    positions = by_name["claim_positions"]
    cols = [f.name for f in positions.fields]
    assert cols[:7] == [
        "claim_id",
        "claim_proposition",
        "position",
        "actor_id",
        "actor_name",
        "stance",
        "stance_meaning",
    ]
    actors = {r[0]: r[2] for r in tables["actors"].rows}  # id, actor_type, name
    for row in positions.rows:
        assert row[4] == actors[row[3]] and row[1] and row[6] and row[cols.index("basis_meaning")]
    statements = by_name["statements"]
    cols = [f.name for f in statements.fields]
    assert {"speaker_name", "on_behalf_of_name", "source_label", "kind_meaning"} <= set(cols)
    for row in statements.rows:
        assert row[cols.index("speaker_name")] and row[cols.index("source_label")]
        assert bool(row[cols.index("on_behalf_of_name")]) == bool(
            row[cols.index("on_behalf_of_id")]
        )
    assert "claimed_by_name" in [f.name for f in by_name["casualty_figures"].fields]


def test_a_row_is_named_by_its_first_required_line_else_its_title(tmp_path_factory):
    tables = {t.name: t for t in built_tables(tmp_path_factory)}
    assert {n: getattr(label(tables[n]), "name", None) for n in ("actors", "events", "claims", "sources", "statements", "casualty_figures")} == {
        "actors": "name", "events": "name", "claims": "proposition", "sources": "label", "statements": "label", "casualty_figures": None,
    }  # fmt: skip


def test_views_follow_the_tables():
    """A new reference or coded column appears in the view, spelt out; a
    table with neither gets no view; an empty title falls back on the id."""
    people = Table(
        "people",
        "People",
        "",
        [
            Field("id", "string", "Id", "", True, unique=True),
            Field("name", "string", "Name", "", True, line=True),
        ],
        ["id"],
        [["p1", "Ann"]],
    )
    docs = Table(
        "docs",
        "Docs",
        "",
        [
            Field("id", "string", "Id", "", True),
            Field("title", "string", "Title", "", False, line=True),
        ],
        ["id"],
        [["d1", ""]],
    )
    fields = [
        Field("id", "string", "Id", "", True),
        Field("by_id", "string", "By", "", False, ref_table="people"),
        Field("doc_id", "string", "Doc", "", True, ref_table="docs"),
    ]
    fields.append(Field("mood", "string", "Mood", "", True, codelist="mood"))
    notes = Table(
        "notes", "Notes", "", fields, ["id"], [["n1", "p1", "d1", "calm"], ["n2", "", "d1", "calm"]]
    )
    codes = Table(
        "codelists",
        "Codelists",
        "",
        [Field(n, "string", n, "", True) for n in ("codelist", "code", "description")],
        ["codelist", "code"],
        [["mood", "calm", "Calm."]],
    )
    views = build_views([people, docs, notes, codes])
    assert [v.table.name for v in views] == ["notes_readable"]
    v = views[0].table
    assert [f.name for f in v.fields] == [
        "id",
        "by_id",
        "by_name",
        "doc_id",
        "doc_title",
        "mood",
        "mood_meaning",
    ]
    assert v.rows == [
        ["n1", "p1", "Ann", "d1", "d1", "calm", "Calm."],
        ["n2", "", "", "d1", "d1", "calm", "Calm."],
    ]
