"""Tables → dist/metadata.json, the metadata Datasette shows with the SQLite
file (``datasette il76-belgorod-statements.sqlite -m metadata.json``): the
package's title, description, licence and source; every table's, view's
and column's description; the column that names a row of each table that
other tables point to (Datasette shows it in place of the bare id: a
column that is never empty, so no link reads "None"); the ``_meta_*``
tables hidden; and a few canned queries.
"""

from __future__ import annotations

import os

from ..fileio import write_json
from ..model.project import SQLITE
from .sqlite import META_TABLES
from .tables import Table
from .views import View, label, sql_name


def label_column(t: Table) -> str | None:
    """The label Datasette shows for a row that others point to: the row's
    label when it is required, else its id, which always has a value."""
    if t.primary_key != ["id"]:
        return None
    lab = label(t)
    return lab.name if lab and lab.required else "id"


def _table(t: Table) -> dict:
    out = {"description": t.description, "columns": {f.name: f.description for f in t.fields}}
    if label_column(t):
        out["label_column"] = label_column(t)
    return out


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def stance_matrix(tables: list[Table]) -> str:
    """Actors down, claims across (by id), each cell the actor's stances on
    the claim in the order of the claim's positions."""
    claims = next(t for t in tables if t.name == "claims")
    cells = [f"group_concat(CASE WHEN p.claim_id = {_literal(r[0])} THEN p.stance END, ', ') AS {sql_name(r[0])}" for r in claims.rows]
    return (
        "SELECT a.name AS actor,\n  " + ",\n  ".join(cells) + "\nFROM (SELECT * FROM claim_positions ORDER BY claim_id, position) p\n"
        "JOIN actors a ON a.id = p.actor_id\nGROUP BY a.id\nORDER BY a.name, a.id"
    )


QUERIES = {
    "statements_with_speakers": (
        "Statements with their speakers' names",
        "Every statement with the names of its speaker and of whom the speaker spoke for, its kind, date and source.",
        "SELECT id, date, date_precision, speaker_name, on_behalf_of_name, kind, quote, summary, source_title, block\nFROM statements_readable\nORDER BY date, id",
    ),
    "figures_by_claimant": (
        "Casualty figures by claimant",
        "Every casualty figure with the name of the actor that gives it (none for a figure this project computed), grouped by claimant.",
        "SELECT claimed_by_name, category, outcome, count, count_low, count_high, basis, statement_id, id\nFROM casualty_figures_readable\nORDER BY claimed_by_name, category, outcome, id",
    ),
}


def metadata(meta: dict, tables: list[Table], views: list[View]) -> dict:
    queries = {"stance_matrix": {"title": "Stance matrix: actors × claims", "description": "Each actor's stances on each claim (columns are claim ids).", "sql": stance_matrix(tables)}}
    queries |= {name: {"title": title, "description": desc, "sql": sql} for name, (title, desc, sql) in QUERIES.items()}
    db = {"tables": {t.name: _table(t) for t in [*tables, *(v.table for v in views)]} | {m: {"hidden": True} for m in META_TABLES}, "queries": queries}
    out = {"title": meta["title"], "description": "\n\n".join(t for t in (meta["description"], meta.get("rights")) if t)}
    out |= {"license": meta["licenses"][0]["name"], "license_url": meta["licenses"][0]["path"]}
    if meta.get("repository"):
        out |= {"source": f"{meta['name']} {meta['version']}", "source_url": meta["repository"]}
        out |= {"about": "Codebook", "about_url": f"{meta['repository']}/blob/v{meta['version']}/docs/codebook.md"}
    return out | {"databases": {os.path.splitext(os.path.basename(SQLITE))[0]: db}}


def write(meta: dict, tables: list[Table], views: list[View], out_dir: str, rel: str) -> str:
    return write_json(out_dir, rel, metadata(meta, tables, views))
