"""The JSON Schemas under schemas/: loading them, and what they say about
tables, references and codelists.

The schemas are the single description of the data model: the checker
validates against them, and ``tables``, ``crossref`` and ``package`` read
their ``x-`` annotations (``x-table``, ``x-ref-kind``, ``x-multiline``,
``x-codes``) instead of keeping a second copy of the model in code.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

# Record kinds in dependency order: a kind only references kinds before it,
# or itself. Folder names under records/ and schema file names follow it.
KINDS = ("source", "actor", "event", "statement", "casualty_figure", "claim")


class SchemaError(Exception):
    """The schemas folder itself is broken: a maintainer's error, not a record's."""


def _read_json(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except (OSError, ValueError) as exc:
        raise SchemaError(f"{path}: cannot read schema: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("$id"), str):
        raise SchemaError(f'{path}: a schema must be a JSON object with a "$id"')
    return doc


def _refs(node: object) -> Iterator[str]:
    """Every "$ref" value in a schema document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


@dataclass(frozen=True)
class Codelist:
    name: str
    title: str
    description: str
    codes: dict[str, str]  # code -> description, in schema order


@dataclass(frozen=True, eq=False)
class Property:
    """One property of a schema, as SchemaSet.walk meets it."""

    name: str
    node: dict  # as written in the schema, with the property's own annotations
    schema: dict  # node with its $ref followed (SchemaSet.resolve)
    required: bool
    items: dict | None  # a list's items, $ref followed; None for any other value
    parent: Property | None  # the list (or mapping) whose items hold this property


class SchemaSet:
    def __init__(self, schemas_dir: str):
        self.dir = schemas_dir
        read = {
            name: _read_json(os.path.join(schemas_dir, f"{name}.schema.json"))
            for name in (*KINDS, "dataset", "common")
        }
        self.kinds = {kind: read[kind] for kind in KINDS}
        # dataset.yaml's schema: validated like a record kind, but not a kind.
        self.dataset = read["dataset"]
        self.documents = {doc["$id"]: doc for doc in read.values()}  # $id -> document
        self.codelists: dict[str, Codelist] = {}
        cl_dir = os.path.join(schemas_dir, "codelists")
        for name in sorted(os.listdir(cl_dir)):
            if not name.endswith(".json"):
                continue
            doc = _read_json(os.path.join(cl_dir, name))
            code_name = name[: -len(".json")]
            codes = doc.get("x-codes", {})
            if list(codes) != doc.get("enum"):
                why = "'enum' and the keys of 'x-codes' must list the same codes in the same order"
                raise SchemaError(f"{cl_dir}/{name}: {why}")
            self.codelists[code_name] = Codelist(code_name, doc["title"], doc["description"], codes)
            self.documents[doc["$id"]] = doc
        # Every reader of the schemas follows $ref; one that points nowhere
        # is reported here, once, rather than as a crash wherever it is read.
        for uri, doc in self.documents.items():
            for ref in _refs(doc):
                target = ref.partition("#")[0]
                if target and target not in self.documents:
                    raise SchemaError(
                        f'schemas/{uri}: "$ref": "{ref}" points to no schema under schemas/'
                    )

    def resolve(self, node: dict) -> dict:
        """Follow $ref (and an anyOf of one ref plus null) to the schema a
        property really has, merged with the property's own annotations."""
        merged = {k: v for k, v in node.items() if k not in ("$ref", "anyOf")}
        if "$ref" in node:
            target = self._deref(node["$ref"])
            merged = {**target, **merged}
        elif "anyOf" in node:
            refs = [n for n in node["anyOf"] if "$ref" in n]
            if len(refs) == 1:
                target = self._deref(refs[0]["$ref"])
                merged = {**target, **merged, "nullable": True}
        return merged

    def _deref(self, ref: str) -> dict:
        doc_id, _, frag = ref.partition("#")
        doc = self.documents[doc_id]
        if frag:
            for part in frag.strip("/").split("/"):
                doc = doc[part]
        return doc

    def codelist_of(self, node: dict) -> str | None:
        """Name of the codelist a property is constrained to, if any."""
        for ref in [node.get("$ref")] + [n.get("$ref") for n in node.get("anyOf", [])]:
            if ref and ref.startswith("codelists/"):
                return ref[len("codelists/") : -len(".json")]
        return None

    def walk(self, doc: dict, parent: Property | None = None) -> Iterator[Property]:
        """Every property of a schema at any depth, in the schema's order,
        with $refs followed; the properties of a list's items (or of a
        mapping) come right after the property that holds them."""
        required = set(doc.get("required", ()))
        for name, node in doc.get("properties", {}).items():
            schema = self.resolve(node)
            items = schema.get("items")
            items = self.resolve(items) if isinstance(items, dict) else None
            prop = Property(name, node, schema, name in required, items, parent)
            yield prop
            yield from self.walk(schema if items is None else items, prop)

    @cached_property
    def multiline_fields(self) -> dict[str, frozenset[str]]:
        """kind -> names of properties (at any depth) that may hold line breaks."""
        return {
            kind: frozenset(p.name for p in self.walk(doc) if p.schema.get("x-multiline"))
            for kind, doc in {**self.kinds, "dataset": self.dataset}.items()
        }
