"""What changed between two builds of the package, and the version bump it needs.

A build is read as published: datapackage.json and the CSV files it lists.
It can come from a package folder, from the files committed at a git
commit (``git cat-file``, no checkout, no rebuild: what users downloaded at
that commit, whatever the tooling was then), or from a fresh build of the
working tree's records (so an edit that was not rebuilt yet still counts).

Changes are graded by the Data Package version recipe as this project
applies it (docs/versioning.md):

* MAJOR: a table or field removed or renamed, a field retyped, fields
  re-ordered, a constraint tightened, a primary or foreign key changed or
  added, a record removed that other tables can reference, or renamed
  without its former id recorded, a former id removed;
* MINOR: a table, field or record added, a constraint loosened, a record
  renamed with its former id recorded (the old id still leads to it);
* PATCH: a value corrected, a list item removed, descriptive metadata
  (titles, descriptions, keywords, licences, contributors) changed.

Rows are matched by the table's primary key, after a renamed id (see
renames.py) is read as its new id in the old build. Only fields present in
both builds are compared cell by cell; an added or removed field is
reported once, as a schema change.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..check.metadata import parse_version
from ..model.fileio import safe_relative_path
from ..publish.tables import FORMER_IDS
from .git import read_blob
from .renames import Rename, TableData, find_renames, translate

LEVELS = ("none", "patch", "minor", "major")


class DiffError(Exception):
    """A build cannot be read: missing descriptor, broken CSV, bad key."""


def max_level(levels: Iterable[str]) -> str:
    return max(levels, key=LEVELS.index, default="none")


# --- reading a build -----------------------------------------------------------


@dataclass
class Package:
    label: str
    descriptor: dict
    tables: dict[str, TableData]

    @property
    def version(self) -> str | None:
        v = self.descriptor.get("version")
        return v if isinstance(v, str) else None


def _read_csv(where: str, raw: bytes | None) -> TableData:
    if raw is None:
        raise DiffError(f"{where} is listed in datapackage.json but missing")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DiffError(f"{where}: not UTF-8 (byte {exc.start})") from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise DiffError(f"{where}: not a readable CSV file: {exc}") from None
    if not rows:
        raise DiffError(f"{where}: empty file (no header row)")
    header, body = rows[0], rows[1:]
    for i, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise DiffError(f"{where}: line {i} has {len(row)} cells, the header has {len(header)}")
    return TableData(header, body)


def load(read: Callable[[str], bytes | None], label: str) -> Package:
    """A build from a function that gives a file's bytes by its package path
    (or None when there is no such file)."""
    raw = read("datapackage.json")
    if raw is None:
        raise DiffError(f"{label}: no datapackage.json")
    try:
        desc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise DiffError(f"{label}: datapackage.json is not valid JSON: {exc}") from None
    if not isinstance(desc, dict) or not isinstance(desc.get("resources"), list):
        raise DiffError(f"{label}: datapackage.json has no list of resources")
    tables: dict[str, TableData] = {}
    for res in desc["resources"]:
        name, path = (res.get("name"), res.get("path")) if isinstance(res, dict) else (None, None)
        if not isinstance(name, str) or not safe_relative_path(path):
            raise DiffError(
                f"{label}: datapackage.json: resource {name!r} has no usable relative path ({path!r})"
            )
        if name in tables:
            raise DiffError(f"{label}: datapackage.json: two resources are named {name!r}")
        table = _read_csv(f"{label}: {path}", read(path))
        schema = res.get("schema") or {}
        fields = [f.get("name") for f in schema.get("fields", []) if isinstance(f, dict)]
        if table.header != fields:
            raise DiffError(
                f"{label}: {path}: the header row does not list the fields that datapackage.json gives for {name}"
            )
        tables[name] = table
    return Package(label, desc, tables)


def load_folder(folder: str, label: str | None = None) -> Package:
    def read(rel: str) -> bytes | None:
        try:
            return Path(folder, rel).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise DiffError(f"{label or folder}: cannot read {rel}: {exc.strerror}") from None

    return load(read, label or folder)


def load_commit(root: str, commit: str, label: str) -> Package:
    return load(lambda rel: read_blob(root, commit, rel), label)


# --- comparing ----------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    level: str
    where: str  # "package", a table name, or "table.field"
    what: str
    old: Any = None
    new: Any = None
    # False when ``what`` already names what changed and old/new are long
    # (an enum of 249 country codes): the text output leaves them out.
    detail: bool = field(default=True, compare=False)


@dataclass
class TableDiff:
    name: str
    key: list[str]
    added: list[dict[str, str]] = field(default_factory=list)
    removed: list[dict[str, str]] = field(default_factory=list)
    # {"key": {column: value}, "fields": [{"field": ..., "old": ..., "new": ...}]}
    changed: list[dict] = field(default_factory=list)
    renamed: list[Rename] = field(default_factory=list)
    referenced: bool = False  # other tables hold foreign keys to this one
    note: str = ""

    def findings(self) -> list[tuple[str, str]]:
        """(level, what) of each kind of row change, in the order reasons give
        them; an id renamed without its former id is, for a user, one removed."""
        unrecorded = sum(not r.recorded for r in self.renamed)
        recorded = len(self.renamed) - unrecorded
        lost = "major" if self.referenced else "patch"
        removed, renamed = "list item(s) removed", "id(s) renamed"
        if self.referenced:
            removed = "record(s) removed that other tables can reference"
            renamed = "id(s) renamed without a former id recorded"
        if self.name == FORMER_IDS:
            removed = "former id(s) removed, so old ids no longer lead to their records"
        found = [
            ("minor", len(self.added), "record(s) added"),
            ("minor", recorded, "id(s) renamed, the former id recorded"),
            ("patch", len(self.changed), "record(s) changed"),
            (lost, len(self.removed), removed),
            (lost, unrecorded, renamed),
        ]
        return [(level, f"{n} {what}") for level, n, what in found if n]

    @property
    def level(self) -> str:
        return max_level(level for level, _ in self.findings())

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.renamed or self.note)


@dataclass
class Diff:
    old: Package
    new: Package
    changes: list[Change]
    tables: list[TableDiff]

    @property
    def level(self) -> str:
        return max_level([c.level for c in self.changes] + [t.level for t in self.tables])

    @property
    def empty(self) -> bool:
        return not self.changes and not any(self.tables)

    def reasons(self) -> list[str]:
        """One line per change that sets the required level, for messages."""
        top = self.level
        out = [f"{c.where}: {c.what}" for c in self.changes if c.level == top]
        for t in self.tables:
            if t.level == top:
                out.append(f"{t.name}: " + ", ".join(w for lv, w in t.findings() if lv == top))
        return out


# Field properties that only describe; changing them is a PATCH.
_DESCRIPTIVE = {"title", "description", "codelist", "example", "rdfType"}
# Constraints where a larger value is stricter, and where a smaller one is.
_LOWER_BOUNDS = {"minimum", "exclusiveMinimum", "minLength"}
_BOUNDS = _LOWER_BOUNDS | {"maximum", "exclusiveMaximum", "maxLength"}
# Constraints whose changes are told as tightened or loosened.
_GRADED = _BOUNDS | {"required", "unique"}
# Resource properties not compared: its name and schema are compared apart,
# bytes and hash follow from the data.
_RESOURCE_SKIP = {"name", "schema", "bytes", "hash"}
# Resource properties that describe a table without changing how it is
# read: the tabular profile only says what the schema already shows.
_RESOURCE_PATCH = {"title", "description", "profile"}
# Package properties that say how the package is read, not what it is about.
_PACKAGE_MAJOR = {"name", "$schema", "profile"}


def _changed(old: dict, new: dict, skip: Collection[str] = ()) -> list[tuple[str, Any, Any]]:
    """(key, old value, new value) of each key but skip whose value differs,
    None for an absent one: the old dict's keys first, in order."""
    return [
        (k, old.get(k), new.get(k)) for k in old | new if k not in skip and old.get(k) != new.get(k)
    ]


def _constraint_changes(where: str, old: dict, new: dict) -> list[Change]:
    out = []
    for key, a, b in _changed(old, new):
        if key == "enum" and a is not None and b is not None:
            out.extend(_enum_changes(where, a, b))
            continue
        if key in ("required", "unique"):
            tight = bool(b) and not a
        elif key in _BOUNDS and a is not None and b is not None:
            try:
                tight = (b > a) if key in _LOWER_BOUNDS else (b < a)
            except TypeError:
                tight = True
        else:
            # Added or removed; a pattern (or anything else) changed may or
            # may not loosen it, so only a removal counts as loosening.
            tight = b is not None
        if key in _GRADED:
            verb = "tightened" if tight else "loosened"
        else:
            verb = "changed" if a is not None and tight else "added" if tight else "removed"
        out.append(Change("major" if tight else "minor", where, f"constraint {verb}: {key}", a, b))
    return out


def _enum_changes(where: str, a: list, b: list) -> list[Change]:
    out = [
        Change(level, where, f"constraint {how}: " + ", ".join(map(str, codes)), a, b, False)
        for level, how, codes in (
            ("major", "tightened: enum codes removed", [c for c in a if c not in b]),
            ("minor", "loosened: enum codes added", [c for c in b if c not in a]),
        )
        if codes
    ]
    return out or [Change("patch", where, "enum codes re-ordered", a, b, False)]


def _field_changes(table: str, old: dict, new: dict) -> list[Change]:
    where = f"{table}.{new['name']}"
    out = []
    for key, a, b in _changed(old, new, {"name"}):
        if key == "constraints":
            out.extend(_constraint_changes(where, a or {}, b or {}))
        elif key == "type":
            out.append(Change("major", where, "field retyped", a, b))
        else:
            # format, trueValues, missingValues...: how values are read.
            level = "patch" if key in _DESCRIPTIVE else "major"
            out.append(Change(level, where, f"{key} changed", a, b))
    return out


def _fk_refs(resource: dict | None) -> list[list]:
    """Each foreign key as [fields, referenced table, referenced fields]."""
    out = []
    for fk in ((resource or {}).get("schema") or {}).get("foreignKeys") or []:
        ref = fk.get("reference") if isinstance(fk, dict) else None
        if isinstance(ref, dict):
            out.append([fk.get("fields"), ref.get("resource"), ref.get("fields")])
    return out


def _schema_changes(name: str, old: dict, new: dict) -> list[Change]:
    """The table's fields (removed, added, re-ordered, changed), keys and
    missing values, and the resource's own properties: its dialect, path..."""
    os_, ns = old.get("schema") or {}, new.get("schema") or {}
    of = {f.get("name"): f for f in os_.get("fields", [])}
    nf = {f.get("name"): f for f in ns.get("fields", [])}
    gone, came = [f for f in of if f not in nf], [f for f in nf if f not in of]
    out = [Change("major", f"{name}.{f}", "field removed", of[f].get("type")) for f in gone]
    out += [Change("minor", f"{name}.{f}", "field added", new=nf[f].get("type")) for f in came]
    common_old = [f for f in of if f in nf]
    common_new = [f for f in nf if f in of]
    if common_old != common_new:
        out.append(Change("major", name, "fields re-ordered", common_old, common_new))
    for fname in common_new:
        out.extend(_field_changes(name, of[fname], nf[fname]))
    if os_.get("primaryKey") != ns.get("primaryKey"):
        pk = (os_.get("primaryKey"), ns.get("primaryKey"))
        out.append(Change("major", name, "primary key changed", *pk))
    ofk, nfk = _fk_refs(old), _fk_refs(new)
    out += [Change("major", name, "foreign key added", None, fk) for fk in nfk if fk not in ofk]
    out += [Change("minor", name, "foreign key removed", fk, None) for fk in ofk if fk not in nfk]
    if os_.get("missingValues") != ns.get("missingValues"):
        mv = (os_.get("missingValues"), ns.get("missingValues"))
        out.append(Change("major", name, "missingValues changed", *mv))
    return out + [
        Change("patch" if key in _RESOURCE_PATCH else "major", name, f"{key} changed", a, b)
        for key, a, b in _changed(_flat_dialect(old), _flat_dialect(new), _RESOURCE_SKIP)
    ]


def _flat_dialect(resource: dict) -> dict:
    """The resource with its dialect in flat Table Dialect keys: the nested
    form frictionless-py writes ({"csv": {...}}) says the same thing."""
    dialect = resource.get("dialect")
    if not isinstance(dialect, dict) or not isinstance(dialect.get("csv"), dict):
        return resource
    flat = {k: v for k, v in dialect.items() if k != "csv"} | dialect["csv"]
    return {**resource, "dialect": flat}


def _index(t: TableData, key: list[str], where: str) -> dict[tuple[str, ...], dict[str, str]]:
    pos = [t.header.index(k) for k in key]
    out: dict[tuple[str, ...], dict[str, str]] = {}
    for row in t.rows:
        k = tuple(row[p] for p in pos)
        if k in out:
            raise DiffError(f"{where}: primary key {_key_text(dict(zip(key, k)))} appears twice")
        out[k] = dict(zip(t.header, row))
    return out


def _primary_key(resource: dict) -> list[str]:
    key = (resource.get("schema") or {}).get("primaryKey") or []
    return [key] if isinstance(key, str) else list(key)


def _rows_diff(
    name: str, old: TableData, new: TableData, resource: dict, labels: tuple[str, str]
) -> TableDiff:
    """Rows matched by the primary key of the table's (newer) resource."""
    td = TableDiff(name, _primary_key(resource))
    if not td.key or any(k not in t.header for t in (old, new) for k in td.key):
        td.note = "rows not compared: the two builds have no primary key in common"
        return td
    types = {f.get("name"): f.get("type") for f in resource["schema"].get("fields", [])}
    ints = [types.get(k) == "integer" for k in td.key]

    def order(row_key: tuple[str, ...]) -> tuple[tuple[int, int, str], ...]:
        # Integer key columns sort as numbers (position 2 before 10).
        return tuple(
            (0, int(v), "") if is_int and re.fullmatch(r"-?[0-9]+", v) else (1, 0, v)
            for v, is_int in zip(row_key, ints)
        )

    a, b = (_index(t, td.key, f"{label}: table {name}") for t, label in zip((old, new), labels))
    common = [h for h in new.header if h in old.header]
    td.added = [b[k] for k in sorted(b.keys() - a.keys(), key=order)]
    td.removed = [a[k] for k in sorted(a.keys() - b.keys(), key=order)]
    for k in sorted(a.keys() & b.keys(), key=order):
        fields = [
            {"field": h, "old": a[k][h], "new": b[k][h]} for h in common if a[k][h] != b[k][h]
        ]
        if fields:
            td.changed.append({"key": dict(zip(td.key, k)), "fields": fields})
    return td


def _id_columns(resource: dict | None) -> list[tuple[str, str]]:
    """(column, referenced table) of each one-column foreign key to an id."""
    out = []
    for cols, table, to in _fk_refs(resource):
        cols = [cols] if isinstance(cols, str) else cols
        if isinstance(cols, list) and len(cols) == 1 and to in ("id", ["id"]):
            out.append((cols[0], table))
    return out


def compare(old: Package, new: Package) -> Diff:
    changes = [
        Change("major" if key in _PACKAGE_MAJOR else "patch", "package", f"{key} changed", a, b)
        for key, a, b in _changed(old.descriptor, new.descriptor, {"resources", "version"})
    ]
    ores, nres = ({r["name"]: r for r in p.descriptor["resources"]} for p in (old, new))
    common_old = [n for n in ores if n in nres]
    common_new = [n for n in nres if n in ores]
    if common_old != common_new:
        changes.append(Change("patch", "package", "tables re-ordered", common_old, common_new))
    # An old id in former_ids is a key users join on, like a record's id.
    referenced = {ref[1] for r in [*ores.values(), *nres.values()] for ref in _fk_refs(r)}
    referenced.add(FORMER_IDS)
    # The renames in every table keyed by id alone in both builds, each
    # recorded one with what is wrong with its version, if anything.
    by_id = [
        n for n in nres if n in ores and _primary_key(ores[n]) == _primary_key(nres[n]) == ["id"]
    ]
    renames = find_renames(old.tables, new.tables, by_id)
    for rename in (r for table in renames.values() for r in table.values() if r.recorded):
        rename.problem = _misdated(rename.version, old.version, new.version)
    tables = []
    for name in list(nres) + [n for n in ores if n not in nres]:
        if name not in ores:
            changes.append(Change("minor", name, "table added"))
        elif name not in nres:
            changes.append(Change("major", name, "table removed"))
        else:
            changes.extend(_schema_changes(name, ores[name], nres[name]))
        # A table only one build has counts as all rows added (or removed).
        after = new.tables.get(name) or TableData(old.tables[name].header, [])
        before = old.tables.get(name) or TableData(after.header, [])
        refs = _id_columns(ores.get(name)) + _id_columns(nres.get(name))
        before = TableData(before.header, translate(name, before, refs, renames))
        td = _rows_diff(name, before, after, nres.get(name) or ores[name], (old.label, new.label))
        td.renamed = list(renames.get(name, {}).values())
        td.referenced = name in referenced
        tables.append(td)
    return Diff(old, new, changes, tables)


def _misdated(version: str | None, before: str | None, after: str | None) -> str:
    """Why a rename new since the version before cannot have been released
    in version, when after is the version that releases it."""
    v, b, a = parse_version(version), parse_version(before), parse_version(after)
    if v is None or b is None:
        return ""
    if v <= b:
        return f"former_ids says it was renamed in {version}, but {before} still had the old id; give the version that releases the rename"
    if a is not None and a > b and v != a:
        return f"former_ids says it was renamed in {version}, but the rename is released in {after}; give {after}"
    return ""


# --- output -------------------------------------------------------------------


def _show(v: object) -> str:
    # None is a property that is not there (cells are never None).
    return "(absent)" if v is None else json.dumps(v, ensure_ascii=False)


def _key_text(key: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in key.items())


def render_text(d: Diff) -> str:
    lines = [
        f"{side}: {p.label}, version {p.version or '(none)'}"
        for side, p in (("old", d.old), ("new", d.new))
    ]
    lines.append("no changes" if d.empty else f"required version bump: {d.level.upper()}")
    lines += ["", "schema and metadata:"] if d.changes else []
    for c in d.changes:
        if c.what in ("field added", "field removed"):
            detail = f" ({c.new or c.old})"
        elif not c.detail or (c.old is None and c.new is None):
            detail = ""
        else:
            detail = f": {_show(c.old)} → {_show(c.new)}"
        lines.append(f"  {c.level.upper():5}  {c.where}: {c.what}{detail}")
    lines += ["", "records:"] if any(d.tables) else []
    lines += [line for t in d.tables if t for line in _table_lines(t)]
    return "\n".join(lines) + "\n"


def _table_lines(t: TableDiff) -> list[str]:
    if t.note:
        return [f"  {t.name}: {t.note}"]
    renamed = f"{len(t.renamed)} renamed, " if t.renamed else ""
    counts = f"{len(t.added)} added, {len(t.removed)} removed, {renamed}{len(t.changed)} changed"
    lines = [f"  {t.level.upper():5}  {t.name}: {counts}"]
    lines += [f"    + {_key_text({k: row[k] for k in t.key})}" for row in t.added]
    lines += [f"    - {_key_text({k: row[k] for k in t.key})}" for row in t.removed]
    for r in t.renamed:
        if r.recorded:
            how = f"former id recorded, renamed in {r.version}"
        else:
            same = f"all but {r.differs[0]} the same" if r.differs else "all fields the same"
            how = f"found by content ({same}); the former id is not recorded"
        lines.append(f"    > id={r.old} → id={r.new}: {how}")
        if r.problem:
            lines.append(f"        ! {r.problem}")
        if not r.recorded:
            lines.append(
                f"        to keep '{r.old}' findable, list it under former_ids in the record '{r.new}' with the version that releases the rename (CONTRIBUTING.md: Renaming an id)"
            )
        if r.references:
            follow = ", ".join(f"{where} ({n})" for where, n in r.references.items())
            lines.append(f"        references that follow it: {follow}")
    for rc in t.changed:
        lines.append(f"    ~ {_key_text(rc['key'])}")
        lines += [
            f"        {f['field']}: {_show(f['old'])} → {_show(f['new'])}" for f in rc["fields"]
        ]
    return lines


def render_json(d: Diff) -> str:
    doc = {
        "old": {"label": d.old.label, "version": d.old.version},
        "new": {"label": d.new.label, "version": d.new.version},
        "required_bump": d.level,
        "changes": [
            {k: getattr(c, k) for k in ("level", "where", "what", "old", "new")} for c in d.changes
        ],
        "tables": [
            {
                "name": t.name,
                "primary_key": t.key,
                "level": t.level,
                "note": t.note or None,
                "added": t.added,
                "removed": t.removed,
                "renamed": [r.as_dict() for r in t.renamed],
                "changed": t.changed,
            }
            for t in d.tables
            if t
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
