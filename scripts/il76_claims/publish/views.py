"""Readable views: a table with what its ids and codes stand for inline.

Every reference column is followed by the name of the row it points to,
and every coded column by the code's meaning from the codelists; nothing
else changes, and the base tables stay as they are. A table gets a view
when that adds a column. Views are made from the tables alone, so they
follow the model: a new reference or coded column appears in its view.

A row's name is its label: the table's first required one-line text field
(an actor's name, a claim's proposition); without one, a field called
``title`` (Datasette's own convention), falling back on the id where it is
empty; without either, the id, which adds nothing and is left out.

The same views are written as SQLite views (``sql``) and as workbook
sheets (``table.rows``), and the tests check that the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .tables import Field, Table

SUFFIX = "_readable"


@dataclass
class View:
    base: str
    table: Table  # the view's columns and rows; its name ends in SUFFIX
    sql: str


def sql_name(name: str) -> str:
    """name as an SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def label(t: Table) -> Field | None:
    """The field that names a row, or None when only the id does."""
    return next((f for f in t.fields if f.required and f.line), None) or next(
        (f for f in t.fields if f.name == "title" and f.line), None
    )


def _added(t: Table, by_name: dict[str, Table]) -> dict[int, tuple[Field, str]]:
    """Index of a column -> the new field that follows it, and its SQL expression."""
    out = {}
    refs = dict(t.foreign_keys)
    for i, f in enumerate(t.fields):
        ref = by_name.get(refs.get(f.name, ""))
        if ref is not None and (lab := label(ref)) is not None:
            name = f"{f.name.removesuffix('_id')}_{lab.name}"
            title = f"{f.title}: {lab.title.lower()}"
            expr = f'(SELECT COALESCE(r.{sql_name(lab.name)}, r."id") FROM {sql_name(ref.name)} r WHERE r."id" = t.{sql_name(f.name)})'
            desc = f"The {lab.title.lower()} of the row {f.name} points to ({ref.name}.{lab.name}), written here to save a look-up."
        elif f.codelist:
            name, title = f"{f.name}_meaning", f"{f.title}: meaning"
            expr = f'(SELECT c."description" FROM "codelists" c WHERE c."codelist" = \'{f.codelist}\' AND c."code" = t.{sql_name(f.name)})'
            desc = (
                f"What the code in {f.name} means (its description in the codelist {f.codelist})."
            )
        else:
            continue
        out[i] = (Field(name, "string", title, desc, f.required), expr)
    return out


def _lookups(tables: list[Table]) -> dict[str, dict[str, str]]:
    """table -> id -> label, and 'codelist/code' -> meaning under 'codelists'."""
    out: dict[str, dict[str, str]] = {}
    for t in tables:
        lab = label(t)
        if lab and t.primary_key == ["id"]:
            li, ii = t.fields.index(lab), [f.name for f in t.fields].index("id")
            out[t.name] = {r[ii]: r[li] or r[ii] for r in t.rows}
        if t.name == "codelists":
            out["codelists"] = {f"{r[0]}/{r[1]}": r[2] for r in t.rows}
    return out


def _value(t: Table, row: list[str], i: int, lookups: dict[str, dict[str, str]]) -> str:
    if not row[i]:
        return ""
    ref = dict(t.foreign_keys).get(t.fields[i].name)
    return lookups[ref][row[i]] if ref else lookups["codelists"][f"{t.fields[i].codelist}/{row[i]}"]


def view_of(t: Table, by_name: dict[str, Table], lookups: dict[str, dict[str, str]]) -> View | None:
    added = _added(t, by_name)
    if not added:
        return None
    fields, columns = [], []
    for i, f in enumerate(t.fields):
        fields.append(replace(f, unique=False))
        columns.append(f"t.{sql_name(f.name)}")
        if i in added:
            fields.append(added[i][0])
            columns.append(f"{added[i][1]} AS {sql_name(added[i][0].name)}")
    name = t.name + SUFFIX
    listed = ",\n  ".join(columns)
    sql = f"CREATE VIEW {sql_name(name)} AS SELECT\n  {listed}\nFROM {sql_name(t.name)} t ORDER BY t.rowid"
    rows = []
    for row in t.rows:
        rows.append(list(row))
        for i in sorted(added, reverse=True):  # from the right: the indexes before stay right
            rows[-1].insert(i + 1, _value(t, row, i, lookups))
    desc = f"The table {t.name} with the name of every row its references point to, and the meaning of every code, next to them."
    table = Table(name, f"{t.title}, readable", desc, fields, list(t.primary_key), rows)
    return View(t.name, table, sql)


def build_views(tables: list[Table]) -> list[View]:
    """The views of the tables, in the tables' order."""
    by_name, lookups = {t.name: t for t in tables}, _lookups(tables)
    return [v for t in tables if (v := view_of(t, by_name, lookups))]
