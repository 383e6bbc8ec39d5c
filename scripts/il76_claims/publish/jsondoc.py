"""Tables → dist/<name>.json: one document of the claims, for programs that
want the claims with everything that shows each position in one place.

Each claim carries its lists (relations, positions) as the records do; each
item of a list carries, next to each id it holds, the whole row that id
points to (a position's actor and statement), except ids of the list's own
table (a relation's other claim, which is in ``claims``). The rows those
carry point to further rows (a statement's source and speaker): every
other table is listed whole beside the claims (statements with no position
included, with their sources and relays, the casualty figures and the
codelists), so every id in the document resolves and no record is left out. Values are typed as in
the JSON Lines files.
"""

from __future__ import annotations

from .citation import citation
from .jsonl import objects
from .tables import Table

MAIN = "claims"


def _items(child: Table, column: str, index: dict[str, dict]) -> dict[str, list[dict]]:
    """Parent id (in column) -> the child's items, in order, without the key
    columns; each id of another table than the claims' with its row beside it."""
    embedded = {f.name: f.ref_table for f in child.fields if f.ref_table and f.ref_table != MAIN}
    out: dict[str, list[dict]] = {}
    for o in objects(child):
        del o[child.primary_key[1]]
        for name, table in embedded.items():
            if o[name] is not None:
                o[name.removesuffix("_id")] = index[table][o[name]]
        out.setdefault(o.pop(column), []).append(o)
    return out


def document(meta: dict, tables: list[Table]) -> dict:
    index = {t.name: {o["id"]: o for o in objects(t)} for t in tables if t.primary_key == ["id"]}
    claims = objects(next(t for t in tables if t.name == MAIN))
    listed = {MAIN}  # the claims and the lists they carry
    for child in tables:
        if child.parent and child.parent[1] == MAIN:
            listed.add(child.name)
            items = _items(child, child.parent[0], index)
            for c in claims:
                c[child.list_name] = items.get(c["id"], [])
    doc = {k: meta[k] for k in ("name", "title", "version", "licenses")}
    doc |= {k: meta[k] for k in ("rights", "repository") if meta.get(k)}
    doc |= {"citation": citation(meta), MAIN: claims}
    return doc | {t.name: objects(t) for t in tables if t.name not in listed}
