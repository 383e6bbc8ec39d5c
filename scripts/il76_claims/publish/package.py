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
        d |= {"trueValues": ["true"], "falseValues": ["false"]}
    constraints = {
        "required": f.required or None,
        "unique": f.unique or None,
        "enum": None if f.enum is None else list(f.enum),
        "minimum": f.minimum,
        "maximum": f.maximum,
    }
    if given := {k: v for k, v in constraints.items() if v is not None}:
        d["constraints"] = given
    if f.codelist:
        d["codelist"] = f.codelist
    return d


def _resource(t: Table, out_dir: str) -> dict:
    rel = f"data/{t.name}.csv"
    with open(os.path.join(out_dir, rel), "rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()  # in blocks: tens of megabytes
    schema: dict = {
        "fields": [_field(f) for f in t.fields],
        "missingValues": [""],
        "primaryKey": list(t.primary_key),
    }
    if t.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": col, "reference": {"resource": table, "fields": "id"}}
            for col, table in t.foreign_keys
        ]
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
        "bytes": os.path.getsize(os.path.join(out_dir, rel)),
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
    for rec in (r for r in records if r.kind == "source"):
        d = rec.data
        entry = {"title": d.get("title") or f"{rec.id} (title not known)"}
        if d.get("url"):
            entry["path"] = d["url"]
        if d.get("publisher_id"):
            entry["publisher"] = actors[d["publisher_id"]]["name"]
        out.append(entry | {"date": d["date"], "datePrecision": d["date_precision"]})
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
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": meta["name"],
        **identity(meta),
        "title": meta["title"],
        "description": meta["description"],
        "version": meta["version"],
        "keywords": list(meta.get("keywords", [])),
        "licenses": list(meta["licenses"]),
        **({"rights": meta["rights"]} if meta.get("rights") else {}),
        # Data Package v2 contributors: roles, a list (dataset.yaml keeps one role).
        "contributors": [{"title": c["title"], "roles": [c["role"]]} for c in meta["contributors"]],
        "sources": _sources(records),
        "resources": [_resource(t, out_dir) for t in tables],
    }


def write(desc: dict, out_dir: str) -> str:
    return write_json(out_dir, "datapackage.json", desc)
