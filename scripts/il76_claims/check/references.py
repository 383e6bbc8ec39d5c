"""Checks across records: ids, file names, and references between records.

Which fields are references, and to which kind, is read from the schemas'
``x-ref-kind`` annotations.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeGuard

from ..model.problems import Problem, add_at, problem
from ..model.record import ID_RE, Record, child_pointer
from ..model.schemas import SchemaSet


def reference_fields(schemas: SchemaSet, kind: str) -> list[tuple[str, str | None, str]]:
    """(property, item property or None, target kind) for every reference."""
    return [
        (p.parent.name, p.name, target) if p.parent else (p.name, None, target)
        for p in schemas.walk(schemas.kinds[kind])
        if (target := p.node.get("x-ref-kind"))
    ]


def _is_id(value: object) -> TypeGuard[str]:
    # Malformed ids and references are the schema check's to report (S005);
    # here they would only add a second, misleading problem.
    return isinstance(value, str) and ID_RE.match(value) is not None


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def check_references(
    index: RecordIndex, schemas: SchemaSet, renamed: dict[tuple[str, str], tuple[Record, object]]
) -> list[Problem]:
    """X003, X004 and X025 for every reference that names no record of its
    kind; renamed is (kind, former id) -> (record, version), from former_ids."""
    out: list[Problem] = []
    fields = {kind: reference_fields(schemas, kind) for kind in schemas.kinds}
    for rec in index.records:
        for field, sub, target in fields.get(rec.kind, ()):
            for pointer, name, ref in _references(rec.data, field, sub):
                if index.find(target, ref) is not None or not _is_id(ref):
                    continue
                hit = index.by_id.get(ref)
                if (target, ref) in renamed:
                    now, version = renamed[target, ref]
                    released = f" in {version}" if isinstance(version, str) else ""
                    why = f"{name}: '{ref}' was renamed to '{now.id}'{released}; use '{now.id}'"
                    add_at(out, rec, pointer, "X025", why)
                elif hit is None:
                    why = f"{name}: no record has id '{ref}'; create records/{target}/{ref}.yaml or fix the id"
                    add_at(out, rec, pointer, "X003", why)
                else:
                    why = f"{name}: '{ref}' is {_a(hit.kind)} ({hit.path}), but this field needs {_a(target)}"
                    add_at(out, rec, pointer, "X004", why)
    return out


def _references(data: dict, field: str, sub: str | None) -> Iterator[tuple[str, str, str]]:
    """(pointer, field name, value) of every text in a reference field;
    values of another type are the schema check's to report."""
    value, top = data.get(field), child_pointer("$", field)
    if sub is None and isinstance(value, str):
        yield top, field, value
    for i, item in enumerate(value if isinstance(value, list) else []):
        if sub is None and isinstance(item, str):
            yield child_pointer(top, i), field, item
        elif sub is not None and isinstance(item, dict) and isinstance(item.get(sub), str):
            yield child_pointer(child_pointer(top, i), sub), sub, item[sub]


def _stem(rec: Record) -> str:
    return rec.path[rec.path.rfind("/") + 1 : -len(".yaml")]


class RecordIndex:
    """Records by id and by kind, reporting ids used twice (X001) and ids
    that differ from their file name (X002). A record whose id is malformed
    (the schema check reports it) is found by its file name, so references
    to it still resolve."""

    def __init__(self, records: list[Record], out: list[Problem]) -> None:
        self.records = records
        self.groups: dict[str, list[Record]] = {}
        for rec in records:
            self.groups.setdefault(rec.kind, []).append(rec)
        self.by_id: dict[str, Record] = {}
        # Where an id is used twice, a reference still finds the record of
        # the kind it needs, so one duplicate does not make every reference
        # wrong.
        self.by_kind_id: dict[tuple[str, str], Record] = {}
        # A record whose id matches its file name keeps the id; a copy
        # under another file name is the one reported, whatever the order.
        named = [r for r in records if r.data.get("id") == _stem(r)]
        for rec in named + [r for r in records if r.data.get("id") != _stem(r)]:
            self._add(rec, out)

    def _add(self, rec: Record, out: list[Problem]) -> None:
        rid, stem = rec.data.get("id"), _stem(rec)
        if _is_id(rid) and rid != stem:
            why = f"id '{rid}' differs from the file name '{stem}.yaml'; rename the file or change the id"
            out.append(problem(rec.path, *rec.mark("$.id"), "X002", why, "$.id"))
        if not _is_id(rid):
            if not _is_id(stem):
                return
            rid = stem  # the id is reported as malformed; references to the file name still resolve
        first = self.by_id.get(rid)
        if first is not None:
            why = f"id '{rid}' is already used by {first.path}; ids are unique across all kinds"
            out.append(problem(rec.path, *rec.mark("$.id"), "X001", why, "$.id"))
        else:
            self.by_id[rid] = rec
        self.by_kind_id.setdefault((rec.kind, rid), rec)

    def find(self, kind: str, rid: object) -> Record | None:
        """The record of that kind with that id."""
        return self.by_kind_id.get((kind, rid)) if isinstance(rid, str) else None
