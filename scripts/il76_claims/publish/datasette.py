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
from html import escape

from ..model.project import SQLITE
from .sqlite import META_TABLES
from .tables import Table
from .views import View, label


def _table(t: Table) -> dict:
    """A table's metadata: its description, with the columns' descriptions
    folded under it (Datasette lists a "columns" entry above the rows, where
    it would fill the first screen), and, for a table that others point to,
    the column that labels its rows: the row's label when it is required,
    else its id, which always has a value."""
    glossary = "".join(
        f"<dt><code>{escape(f.name)}</code></dt><dd>{escape(f.description)}</dd>" for f in t.fields
    )
    html = f"<p>{escape(t.description)}</p><details><summary>What each column holds</summary><dl>{glossary}</dl></details>"
    out = {"description_html": html}
    if t.primary_key == ["id"]:
        lab = label(t)
        out["label_column"] = lab.name if lab and lab.required else "id"
    return out


def _sides(side: str) -> str:
    return f"(SELECT group_concat(a.name, '; ') FROM claim_actors ca JOIN actors a ON a.id = ca.actor_id WHERE ca.claim_id = c.id AND ca.side = '{side}') AS {side}"


QUERIES = {
    "disputed_claims": (
        "Disputed claims, and the parties on each side",
        "Each claim with positions both for and against it, with the parties for, against, on both sides and on neither, each party once; the claims most parties take a side on first.",
        "SELECT c.proposition, c.actors_for, c.actors_against, c.actors_other,\n  "
        + ",\n  ".join(_sides(side) for side in ("for", "against", "both", "other"))
        + "\nFROM claims c\nWHERE c.status = 'disputed'\nORDER BY c.actors_for + c.actors_against DESC, c.id",
    ),
    "statements_with_speakers": (
        "Statements with their speakers' names",
        "Every statement with the names of its speaker and of whom the speaker spoke for, its date, its source and the page's address; a paraphrase is a summary of a page the project does not hold.",
        "SELECT s.date, s.speaker_name, s.on_behalf_of_name, s.summary, s.paraphrased, s.source_label AS source, src.url, s.id\n"
        "FROM statements_readable s JOIN sources src ON src.id = s.source_id\nORDER BY s.date, s.id",
    ),
    "figures_by_claimant": (
        "Casualty figures by claimant",
        "Every casualty figure with the name of the actor that gives it (none for a figure this project computed), grouped by claimant.",
        "SELECT claimed_by_name, category, outcome, count, count_low, count_high, basis, statement_id, id\nFROM casualty_figures_readable\nORDER BY claimed_by_name, category, outcome, id",
    ),
}


def metadata(meta: dict, tables: list[Table], views: list[View]) -> dict:
    db = {
        "tables": {t.name: _table(t) for t in [*tables, *(v.table for v in views)]}
        | {m: {"hidden": True} for m in META_TABLES},
        "queries": {
            name: dict(zip(("title", "description", "sql"), q)) for name, q in QUERIES.items()
        },
    }
    out = {
        "title": meta["title"],
        "description": "\n\n".join(t for t in (meta["description"], meta.get("rights")) if t),
    }
    out |= {"license": meta["licenses"][0]["name"], "license_url": meta["licenses"][0]["path"]}
    if meta.get("repository"):
        out |= {"source": f"{meta['name']} {meta['version']}", "source_url": meta["repository"]}
        out |= {
            "about": "Codebook",
            "about_url": f"{meta['repository']}/blob/v{meta['version']}/docs/codebook.md",
        }
    return out | {"databases": {os.path.splitext(os.path.basename(SQLITE))[0]: db}}
