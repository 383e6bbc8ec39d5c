"""Tables + dataset.yaml → the datapackage.json descriptor.

The descriptor is plain JSON written with sorted-free, fixed key order and
no timestamps, so two builds of the same records give the same bytes.
"""

from __future__ import annotations

import hashlib
import os

from ..model.fileio import write_json
from ..model.record import Record
from .tables import Field, Table


def _field(f: Field) -> dict:
    d: dict = {"name": f.name, "type": f.type, "title": f.title, "description": f.description}
    if f.type == "date":
        d["format"] = "default"
    if f.type == "boolean":
        d["trueValues"] = ["true"]
        d["falseValues"] = ["false"]
    constraints: dict = {}
    if f.required:
        constraints["required"] = True
    if f.unique:
        constraints["unique"] = True
    if f.enum is not None:
        constraints["enum"] = list(f.enum)
    if f.minimum is not None:
        constraints["minimum"] = f.minimum
    if f.maximum is not None:
        constraints["maximum"] = f.maximum
    if constraints:
        d["constraints"] = constraints
    if f.codelist:
        d["codelist"] = f.codelist
    return d


def _file_facts(path: str) -> tuple[int, str]:
    # In blocks: a table's CSV can be tens of megabytes.
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
            size += len(block)
    return size, h.hexdigest()


def _resource(t: Table, out_dir: str) -> dict:
    rel = f"data/{t.name}.csv"
    size, digest = _file_facts(os.path.join(out_dir, rel))
    schema: dict = {
        "fields": [_field(f) for f in t.fields],
        "missingValues": [""],
        "primaryKey": list(t.primary_key),
    }
    fks = [
        {"fields": col, "reference": {"resource": table, "fields": "id"}}
        for col, table in t.foreign_keys
    ]
    if fks:
        schema["foreignKeys"] = fks
    return {
        "name": t.name,
        "type": "table",
        # The v1 profile as well: frictionless for R reads a resource as a
        # table only when it says so.
        "profile": "tabular-data-resource",
        "path": rel,
        "scheme": "file",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "title": t.title,
        "description": t.description,
        "bytes": size,
        "hash": f"sha256:{digest}",
        # Flat Table Dialect keys, which every reader takes (frictionless-py's
        # own nested {"csv": ...} form is unknown to the others).
        "dialect": {
            "delimiter": ",",
            "lineTerminator": "\n",
            "quoteChar": '"',
            "doubleQuote": True,
            "header": True,
        },
        "schema": schema,
    }


def _sources(records: list[Record]) -> list[dict]:
    """Each source with its title (or its id, when the title is not known),
    address, publisher and date as the records give them."""
    actors = {r.id: r.data for r in records if r.kind == "actor"}
    out = []
    for rec in records:
        if rec.kind != "source":
            continue
        d = rec.data
        entry = {"title": d.get("title") or f"{rec.id} (title not known)"}
        if d.get("url"):
            entry["path"] = d["url"]
        if d.get("publisher_id"):
            entry["publisher"] = actors[d["publisher_id"]]["name"]
        entry["date"] = d["date"]
        entry["datePrecision"] = d["date_precision"]
        out.append(entry)
    return out


def identity(meta: dict) -> dict:
    """id, homepage and created, from dataset.yaml's repository and release
    date, when it gives them."""
    out = {}
    if meta.get("repository"):
        out["id"] = out["homepage"] = meta["repository"]
    if meta.get("released"):
        out["created"] = f"{meta['released']}T00:00:00Z"
    return out


def descriptor(meta: dict, tables: list[Table], records: list[Record], out_dir: str) -> dict:
    desc = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": meta["name"],
        **identity(meta),
    }
    desc |= {
        "title": meta["title"],
        "description": meta["description"],
        "version": meta["version"],
        "keywords": list(meta.get("keywords", [])),
    }
    desc["licenses"] = list(meta["licenses"])
    if meta.get("rights"):
        desc["rights"] = meta["rights"]
    # Data Package v2 contributors: roles, a list (dataset.yaml keeps one role).
    desc["contributors"] = [
        {"title": c["title"], "roles": [c["role"]]} for c in meta["contributors"]
    ]
    desc["sources"] = _sources(records)
    desc["resources"] = [_resource(t, out_dir) for t in tables]
    return desc


def write(desc: dict, out_dir: str) -> str:
    return write_json(out_dir, "datapackage.json", desc)
