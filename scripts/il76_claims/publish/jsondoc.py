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

from ..model.fileio import write_json
from .citation import citation
from .jsonl import objects
from .tables import Table

MAIN = "claims"


def _children(tables: list[Table], parent: str) -> list[Table]:
    return [t for t in tables if t.parent and t.parent[1] == parent]


def _embedded(child: Table) -> dict[str, str]:
    """column -> table of the rows an item of the child list carries."""
    parent = child.parent[1]  # type: ignore[index]  # _children's tables all have a parent
    return {f.name: f.ref_table for f in child.fields if f.ref_table and f.ref_table != parent}


def _items(child: Table, index: dict[str, dict]) -> dict[str, list[dict]]:
    """Parent id -> the child's items, in order, without the key columns."""
    col, order = child.parent[0], child.primary_key[1]  # type: ignore[index]  # as in _embedded
    out: dict[str, list[dict]] = {}
    for o in objects(child):
        parent = o.pop(col)
        del o[order]
        for name, table in _embedded(child).items():
            if o[name] is not None:
                o[name.removesuffix("_id")] = index[table][o[name]]
        out.setdefault(parent, []).append(o)
    return out


def document(meta: dict, tables: list[Table]) -> dict:
    index = {t.name: {o["id"]: o for o in objects(t)} for t in tables if t.primary_key == ["id"]}
    main = next(t for t in tables if t.name == MAIN)
    claims = objects(main)
    children = _children(tables, MAIN)
    for child in children:
        items = _items(child, index)
        for c in claims:
            c[child.list_name] = items.get(c["id"], [])
    doc = {
        "name": meta["name"],
        "title": meta["title"],
        "version": meta["version"],
        "licenses": meta["licenses"],
    }
    doc |= {k: meta[k] for k in ("rights", "repository") if meta.get(k)}
    doc |= {"citation": citation(meta), MAIN: claims}
    return doc | {t.name: objects(t) for t in tables if t.name != MAIN and t not in children}


def write(meta: dict, tables: list[Table], out_dir: str, rel: str) -> str:
    return write_json(out_dir, rel, document(meta, tables))
