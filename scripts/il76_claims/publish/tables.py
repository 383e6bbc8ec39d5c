"""Records → flat tables: the one place rows are made.

Every output (CSV, the workbook, SQLite, datapackage.json, the codebook)
is written from these ``Table`` values, so a value is the same in all of
them. The layout is read from the schemas: each kind's scalar properties
become its table's columns, and each list property with ``x-table`` becomes
a child table with one row per item, so no cell ever holds a list. The one
exception is ``former_ids``, which every kind has: its items from all kinds
go into one table, so that an old id is looked up in one place.

Cell values are text exactly as written in the YAML: strings unchanged,
integers in plain decimal, booleans as ``true``/``false``, null as the
empty string (records never hold an empty string, so the two cannot be
confused).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import ModuleType

from ..model.record import Record
from ..model.schemas import KINDS, Property, SchemaSet
from . import dispute
from .derived import DERIVED, Context

FORMER_IDS = "former_ids"


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # Table Schema type: string, integer, boolean, date
    title: str
    description: str
    required: bool
    codelist: str | None = None
    enum: tuple[str, ...] | None = None
    ref_table: str | None = None  # foreign key to <ref_table>.id
    minimum: int | None = None
    maximum: int | None = None
    unique: bool = False
    derived: str | None = None  # the rule in derived.DERIVED that computes it
    line: bool = False  # free text on one line (a name, a title), no code or pattern


@dataclass
class Table:
    name: str
    title: str
    description: str
    fields: list[Field]
    primary_key: list[str]
    rows: list[list[str]] = field(default_factory=list)
    # Child tables: (column, parent table) of the key that ties them to it,
    # and the name of the list in the parent's records.
    parent: tuple[str, str] | None = None
    list_name: str | None = None

    @property
    def foreign_keys(self) -> list[tuple[str, str]]:
        """(column, referenced table) pairs; the referenced column is 'id'
        except for codelists, which carry no foreign keys."""
        out = [self.parent] if self.parent else []
        return out + [
            (f.name, f.ref_table)
            for f in self.fields
            if f.ref_table and (f.name, f.ref_table) not in out
        ]


def cell(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def typed(f: Field, value: str) -> str | int | bool | None:
    """A cell as a JSON value: the inverse of cell() for the field's type."""
    if value == "":
        return None
    if f.type == "integer":
        return int(value)
    if f.type == "boolean":
        return value == "true"
    return value


class Layout:
    """The tables, columns and keys that the schemas describe."""

    def __init__(self, schemas: SchemaSet):
        self.schemas = schemas
        self.kind_table = {k: schemas.kinds[k]["x-table"] for k in KINDS}
        self.tables: dict[str, Table] = {}
        # kind -> [(list property, its child table)]
        self.children: dict[str, list[tuple[str, str]]] = {}
        for kind in KINDS:
            self._add_kind(kind)
        self.tables[dispute.NAME] = self._computed(dispute)
        self.tables[FORMER_IDS] = self._former_ids()
        about = "Every code used by a coded column, with its meaning. The column's codelist is named in datapackage.json and docs/codebook.md."
        fields = [
            Field("codelist", "string", "Codelist", "Name of the codelist.", True),
            Field("code", "string", "Code", "The code as it appears in the data.", True),
            Field("description", "string", "Description", "What the code means.", True),
        ]
        self.tables["codelists"] = Table(
            "codelists", "Codelists", about, fields, ["codelist", "code"]
        )

    def _computed(self, module: ModuleType) -> Table:
        """A table the build computes whole, as its module describes it."""
        fields = []
        for name, ftype, title, description in module.FIELDS:
            codelist, ref = module.CODELISTS.get(name), module.REFS.get(name)
            enum = tuple(self.schemas.codelists[codelist].codes) if codelist else None
            low = 1 if ftype == "integer" else None
            fields.append(Field(name, ftype, title, description, True, codelist, enum, ref, low))
        return Table(module.NAME, module.TITLE, module.DESCRIPTION, fields, list(module.KEY))

    def _former_ids(self) -> Table:
        names = tuple(self.kind_table[k] for k in KINDS)
        about = (
            "Every id a record had in an earlier release, with the record's id now: join an old id "
            "through this table to find the record. A record renamed twice has two rows. table_name "
            "says which table's id column holds id, so no foreign key can be declared for it."
        )
        fields = [
            Field("former_id", "string", "Former id", "The id the record had before.", True),
            Field("id", "string", "Id", "The record's id now.", True),
            Field("table_name", "string", "Table", "The table the record is in.", True, enum=names),
            Field(
                "version",
                "string",
                "Renamed in",
                "The release that first had the id now (MAJOR.MINOR.PATCH); earlier releases have former_id.",
                True,
            ),
        ]
        return Table(FORMER_IDS, "Former ids", about, fields, ["former_id", "table_name"])

    def _field(self, name: str, prop: dict, required: bool) -> Field:
        s = self.schemas.resolve(prop)
        types = s.get("type", "string")
        types = types if isinstance(types, list) else [types]
        base = next((t for t in types if t != "null"), "string")
        ftype = {"integer": "integer", "boolean": "boolean"}.get(base, "string")
        if s.get("format") == "date":
            ftype = "date"
        codelist = self.schemas.codelist_of(prop)
        enum = tuple(self.schemas.codelists[codelist].codes) if codelist else None
        ref = prop.get("x-ref-kind")
        plain = not codelist and not ref and not {"pattern", "format", "x-multiline"} & s.keys()
        return Field(
            name,
            ftype,
            prop.get("title", name),
            prop.get("description", ""),
            required and "null" not in types and not s.get("nullable", False),
            codelist,
            enum,
            self.kind_table[ref] if ref else None,
            s.get("minimum"),
            s.get("maximum"),
            unique=name == "id",
            line=ftype == "string" and plain,
        )

    def _add_kind(self, kind: str) -> None:
        doc = self.schemas.kinds[kind]
        fields = []
        self.children[kind] = []
        for p in self.schemas.walk(doc):
            if FORMER_IDS in (p.node.get("x-table"), p.parent and p.parent.node.get("x-table")):
                continue  # one table for every kind: _former_ids
            if p.parent is not None:
                child = self.tables[p.parent.node["x-table"]]
                child.fields.append(self._field(p.name, p.node, p.required))
            elif p.items is None:
                fields.append(self._field(p.name, p.node, p.required))
            else:
                self._add_child(kind, p, p.items)
        for name, prop in doc.get("x-derived-columns", {}).items():
            fields.append(replace(self._field(name, prop, True), derived=prop["x-derived"]))
        tname = doc["x-table"]
        self.tables[tname] = Table(tname, doc["title"] + "s", doc["description"], fields, ["id"])

    def _add_child(self, kind: str, prop: Property, items: dict) -> None:
        """The child table of a list property (its items, $ref followed),
        with its key columns; the columns of a list of mappings follow as
        the walk meets its fields."""
        doc, node = self.schemas.kinds[kind], prop.node
        parent_col, tname, order = f"{kind}_id", doc["x-table"], node["x-order-column"]
        about = f"The {doc['title'].lower()} this row belongs to."
        fields = [
            Field(parent_col, "string", doc["title"], about, True, ref_table=tname),
            Field(
                order, "integer", "Order", "Position in the list, counted from 1.", True, minimum=1
            ),
        ]
        if "properties" not in items:
            item = {
                **node["items"],
                "title": node["x-column-title"],
                "description": node["x-column-description"],
                "x-ref-kind": node.get("x-ref-kind"),
            }
            fields.append(self._field(node["x-column"], item, True))
        self.children[kind].append((prop.name, node["x-table"]))
        self.tables[node["x-table"]] = Table(
            node["x-table"],
            node["title"],
            node["description"],
            fields,
            [parent_col, order],
            parent=(parent_col, tname),
            list_name=prop.name,
        )

    def ordered(self) -> list[Table]:
        """Tables in a stable order: each kind's table, then its children;
        the computed claim_actors, former_ids, then codelists last."""
        names = [n for k in KINDS for n in (self.kind_table[k], *(c for _, c in self.children[k]))]
        return [self.tables[n] for n in (*names, dispute.NAME, FORMER_IDS, "codelists")]


def build_tables(
    records: list[Record], schemas: SchemaSet, verified: dict[str, str] | None = None
) -> list[Table]:
    """The package's tables; verified holds the quotes that were checked
    (quote_checks), which no record can say of itself."""
    layout = Layout(schemas)
    tables = layout.ordered()
    by_name = {t.name: t for t in tables}
    ctx = Context(records, verified or {})
    for rec in sorted(records, key=lambda r: (KINDS.index(r.kind), r.data["id"])):
        main = by_name[layout.kind_table[rec.kind]]
        main.rows.append(
            [
                cell(DERIVED[f.derived](rec, ctx) if f.derived else rec.data.get(f.name))
                for f in main.fields
            ]
        )
        for prop, child in layout.children[rec.kind]:
            t = by_name[child]
            for i, item in enumerate(rec.data.get(prop) or [], start=1):
                # A list of mappings has a column per field; a list of values one column.
                values = (
                    [item.get(f.name) for f in t.fields[2:]] if isinstance(item, dict) else [item]
                )
                t.rows.append([rec.data["id"], str(i), *map(cell, values)])
        by_name[FORMER_IDS].rows += [
            [item["id"], rec.data["id"], main.name, item["version"]]
            for item in rec.data.get(FORMER_IDS) or []
        ]
    by_name[dispute.NAME].rows = dispute.rows([r for r in records if r.kind == "claim"], ctx)
    cl = by_name["codelists"]
    for name in sorted(schemas.codelists):
        for code, desc in schemas.codelists[name].codes.items():
            cl.rows.append([name, code, desc])
    return tables
