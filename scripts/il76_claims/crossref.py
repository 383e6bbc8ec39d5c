"""Checks across records: ids, file names, references, and figures that
must agree with each other.

Which fields are references, and to which kind, is read from the schemas'
``x-ref-kind`` annotations.
"""

from __future__ import annotations

import datetime
import re

from .loader import ID_RE, Record, child_pointer
from .problems import Problem, problem
from .schemas import SchemaSet

_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def reference_fields(schemas: SchemaSet, kind: str) -> list[tuple[str, str | None, str]]:
    """(property, item property or None, target kind) for every reference."""
    out = []
    for name, prop in schemas.kinds[kind]["properties"].items():
        if "x-ref-kind" in prop:
            out.append((name, None, prop["x-ref-kind"]))
        items = prop.get("items")
        if isinstance(items, dict):
            for sub, subprop in items.get("properties", {}).items():
                if "x-ref-kind" in subprop:
                    out.append((name, sub, subprop["x-ref-kind"]))
    return out


def _refs(record: Record, field: str, sub: str | None):
    """Yield (pointer, id) for each reference a record makes through a field."""
    value = record.data.get(field)
    base = child_pointer("$", field)
    if sub is None:
        if isinstance(value, str):
            yield base, value
        elif isinstance(value, list):
            for i, v in enumerate(value):
                if isinstance(v, str):
                    yield child_pointer(base, i), v
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict) and isinstance(item.get(sub), str):
                yield child_pointer(child_pointer(base, i), sub), item[sub]


def _is_id(value) -> bool:
    # Malformed ids and references are the schema check's to report (S005);
    # here they would only add a second, misleading problem.
    return isinstance(value, str) and ID_RE.match(value) is not None


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def check_references(records: list[Record], schemas: SchemaSet) -> list[Problem]:
    out: list[Problem] = []
    by_id: dict[str, Record] = {}
    # Where an id is used twice, a reference still finds the record of the
    # kind it needs, so one duplicate does not make every reference wrong.
    by_kind_id: dict[tuple[str, str], Record] = {}
    # A record whose id matches its file name keeps the id; a copy under
    # another file name is the one reported, whatever the sort order.
    def _stem(rec: Record) -> str:
        return rec.path.rsplit("/", 1)[-1][: -len(".yaml")]

    for rec in sorted(records, key=lambda r: r.id != _stem(r)):
        rid = rec.id
        stem = _stem(rec)
        if _is_id(rid) and rid != stem:
            line, col = rec.mark("$.id")
            out.append(problem(rec.path, line, col, "X002", f"id '{rid}' differs from the file name '{stem}.yaml'; rename the file or change the id", "$.id"))
        if not _is_id(rid):
            if not _is_id(stem):
                continue
            rid = stem  # the id is reported as malformed; references to the file name still resolve
        first = by_id.get(rid)
        if first is not None:
            line, col = rec.mark("$.id")
            out.append(problem(rec.path, line, col, "X001", f"id '{rid}' is already used by {first.path}; ids are unique across all kinds", "$.id"))
        else:
            by_id[rid] = rec
        by_kind_id.setdefault((rec.kind, rid), rec)

    fields = {kind: reference_fields(schemas, kind) for kind in schemas.kinds}
    for rec in records:
        for field, sub, target in fields[rec.kind]:
            for pointer, ref in _refs(rec, field, sub):
                if pointer in rec.reported or not _is_id(ref):
                    continue
                hit = by_kind_id.get((target, ref)) or by_id.get(ref)
                line, col = rec.mark(pointer)
                name = sub or field
                if hit is None:
                    out.append(problem(rec.path, line, col, "X003", f"{name}: no record has id '{ref}'; create records/{target}/{ref}.yaml or fix the id", pointer))
                elif hit.kind != target:
                    out.append(problem(rec.path, line, col, "X004", f"{name}: '{ref}' is {_a(hit.kind)} ({hit.path}), but this field needs {_a(target)}", pointer))
    out.extend(_consistency(records, by_kind_id))
    return out


def _int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _date(value) -> bool:
    if not isinstance(value, str) or not _DATE_RE.match(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _consistency(records: list[Record], by_kind_id: dict[tuple[str, str], Record]) -> list[Problem]:
    """Rules that span fields or records and that JSON Schema cannot state.

    Each rule looks only at values of the right type; a wrong type is the
    schema check's to report."""
    out = []

    def add(rec, pointer, message):
        line, col = rec.mark(pointer)
        out.append(problem(rec.path, line, col, "X005", message, pointer))

    for rec in records:
        d = rec.data
        date, end = d.get("date"), d.get("date_end")
        if _date(date) and _date(end) and end <= date:
            add(rec, "$.date_end", f"date_end {end} must be later than date {date} for a range")
        src = by_kind_id.get(("source", d.get("source_id"))) if isinstance(d.get("source_id"), str) else None
        block = d.get("block")
        if src is not None and _int(block):
            count = src.data.get("block_count")
            if _int(count) and 1 <= count < block:
                add(rec, "$.block", f"block {block} is beyond the {count} blocks of source '{src.id}'")
        if rec.kind == "casualty_figure" and d.get("basis") == "derived" and _int(d.get("count")):
            parts = [by_kind_id.get(("casualty_figure", p)) for p in d.get("derived_from") or [] if isinstance(p, str)]
            counts = [p.data.get("count") for p in parts if p is not None]
            if parts and len(counts) == len(parts) and all(_int(c) for c in counts) and sum(counts) != d["count"]:
                add(rec, "$.count", f"count {d['count']} is not the sum of derived_from ({' + '.join(map(str, counts))} = {sum(counts)}); a derived figure is the sum of the figures it lists")
        if rec.kind == "casualty_figure":
            low, high = d.get("count_low"), d.get("count_high")
            if _int(low) and _int(high) and low > high:
                add(rec, "$.count_low", f"count_low {low} is greater than count_high {high}")
    return out
