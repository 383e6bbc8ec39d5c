"""Tables → one SQLite database, for SQL users and tools such as Datasette.

Same tables, columns, rows and order as the CSVs, with:

* column types INTEGER for integers and TEXT for everything else; dates are
  ISO text (``2024-01-24``), which sorts and compares correctly and works
  with SQLite's date functions;
* booleans as INTEGER 1/0 (SQLite has no boolean type; its TRUE and FALSE
  keywords are 1 and 0, so ``WHERE flag`` works), checked to be 0 or 1;
* NULL where the CSV cell is empty;
* primary keys, foreign keys (``REFERENCES``) and an index on every
  foreign-key column that does not already lead the primary key;
* descriptions in three tables, ``_meta_package`` (title, version, licence,
  how to cite), ``_meta_tables`` and ``_meta_columns`` (title, description,
  type, codelist and referenced table of every column);
* a view ``<table>_readable`` beside a table whose ids and codes it spells
  out (publish/views.py), described in ``_meta_tables`` after the tables.

The file is written in one transaction into a new file, rows in the tables'
order, so two writes of the same tables with the same SQLite library give
the same bytes. Foreign keys are checked after loading: a table may refer
to one loaded after it (sources.publisher_id → actors).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Sequence

from .citation import authors, bibtex, citation, licences
from .tables import Field, Table, typed
from .views import View, sql_name

SQL_TYPES = {"integer": "INTEGER", "boolean": "INTEGER"}  # any other type is TEXT


def _column_sql(f: Field) -> str:
    parts = [sql_name(f.name), SQL_TYPES.get(f.type, "TEXT")]
    if f.required:
        parts.append("NOT NULL")
    if f.type == "boolean":
        parts.append(f"CHECK ({sql_name(f.name)} IN (0, 1))")
    if f.ref_table:
        parts.append(f'REFERENCES {sql_name(f.ref_table)} ("id")')
    return " ".join(parts)


def create_sql(t: Table) -> str:
    cols = [_column_sql(f) for f in t.fields]
    cols.append("PRIMARY KEY (" + ", ".join(sql_name(c) for c in t.primary_key) + ")")
    return f"CREATE TABLE {sql_name(t.name)} (\n  " + ",\n  ".join(cols) + "\n)"


def index_sql(t: Table) -> list[str]:
    """An index per foreign-key column, except the column that leads the
    primary key (its own index serves the same lookups)."""
    return [
        f"CREATE INDEX {sql_name(f'{t.name}__{col}')} ON {sql_name(t.name)} ({sql_name(col)})"
        for col, _ in t.foreign_keys
        if col != t.primary_key[0]
    ]


def _value(f: Field, value: str) -> str | int | None:
    """The cell as typed() reads it; a boolean as 1 or 0, which SQLite
    stores for True and False."""
    if f.type == "boolean" and value not in ("true", "false", ""):
        raise ValueError(f"boolean cell holds {value!r}, not true or false")
    return typed(f, value)


# The tables that describe the others, which Datasette hides.
META_TABLES = ("_meta_package", "_meta_tables", "_meta_columns")
META_SQL = (
    """CREATE TABLE "_meta_package" (
  "key" TEXT NOT NULL PRIMARY KEY,
  "value" TEXT NOT NULL
)""",
    """CREATE TABLE "_meta_tables" (
  "name" TEXT NOT NULL PRIMARY KEY,
  "position" INTEGER NOT NULL,
  "title" TEXT NOT NULL,
  "description" TEXT NOT NULL,
  "primary_key" TEXT NOT NULL,
  "rows" INTEGER NOT NULL
)""",
    """CREATE TABLE "_meta_columns" (
  "table_name" TEXT NOT NULL REFERENCES "_meta_tables" ("name"),
  "name" TEXT NOT NULL,
  "position" INTEGER NOT NULL,
  "type" TEXT NOT NULL,
  "sql_type" TEXT NOT NULL,
  "required" INTEGER NOT NULL CHECK ("required" IN (0, 1)),
  "title" TEXT NOT NULL,
  "description" TEXT NOT NULL,
  "codelist" TEXT,
  "references_table" TEXT,
  PRIMARY KEY ("table_name", "name")
)""",
)


def _write_meta(con: sqlite3.Connection, meta: dict, tables: list[Table]) -> None:
    package = [
        ("name", meta["name"]),
        ("title", meta["title"]),
        ("description", meta["description"]),
        ("version", meta["version"]),
        ("licence", licences(meta)),
        *[(key, meta[key]) for key in ("rights", "repository", "released") if meta.get(key)],
        ("citation", citation(meta)),
        ("bibtex", bibtex(meta)),
        ("contributors", authors(meta)),
        (
            "types",
            "INTEGER columns hold integers, and booleans as 1 (true) and 0 (false); all other columns are TEXT, dates as ISO YYYY-MM-DD; NULL means no value.",
        ),
    ]
    tabs = [
        (t.name, i, t.title, t.description, ",".join(t.primary_key), len(t.rows))
        for i, t in enumerate(tables, start=1)
    ]
    cols = []
    for t in tables:
        for i, f in enumerate(t.fields, start=1):
            types = (f.type, SQL_TYPES.get(f.type, "TEXT"), int(f.required))
            cols.append(
                (t.name, f.name, i, *types, f.title, f.description, f.codelist, f.ref_table)
            )
    con.executemany('INSERT INTO "_meta_package" VALUES (?, ?)', package)
    con.executemany('INSERT INTO "_meta_tables" VALUES (?, ?, ?, ?, ?, ?)', tabs)
    con.executemany('INSERT INTO "_meta_columns" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', cols)


def write(
    meta: dict, tables: list[Table], out_dir: str, rel: str, views: Sequence[View] = ()
) -> str:
    path = os.path.join(out_dir, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.lexists(path):
        os.remove(path)
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as con:
        con.execute("PRAGMA page_size = 4096")
        con.execute("PRAGMA foreign_keys = OFF")
        con.execute("BEGIN")
        for sql in [*META_SQL, *(create_sql(t) for t in tables)]:
            con.execute(sql)
        _write_meta(con, meta, [*tables, *(v.table for v in views)])
        for t in tables:
            marks = ", ".join("?" * len(t.fields))
            con.executemany(
                f"INSERT INTO {sql_name(t.name)} VALUES ({marks})",
                ([_value(f, v) for f, v in zip(t.fields, row)] for row in t.rows),
            )
        for sql in [*(s for t in tables for s in index_sql(t)), *(v.sql for v in views)]:
            con.execute(sql)
        broken = con.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            table, rowid, parent, _ = broken[0]
            raise ValueError(
                f"SQLite: {len(broken)} row(s) break a foreign key, first in {table} row {rowid} → {parent}"
            )
        con.execute("COMMIT")
    return rel
