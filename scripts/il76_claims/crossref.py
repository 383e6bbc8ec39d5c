"""Checks across records: ids, file names, references, and figures that
must agree with each other.

Which fields are references, and to which kind, is read from the schemas'
``x-ref-kind`` annotations.
"""

from __future__ import annotations

from .loader import Record, child_pointer
from .problems import Problem, problem
from .schemas import SchemaSet


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


def check_references(records: list[Record], schemas: SchemaSet) -> list[Problem]:
    out: list[Problem] = []
    by_id: dict[str, Record] = {}
    for rec in records:
        rid = rec.id
        stem = rec.path.rsplit("/", 1)[-1][: -len(".yaml")]
        if isinstance(rid, str) and rid != stem:
            line, col = rec.mark("$.id")
            out.append(problem(rec.path, line, col, "X002", f"id '{rid}' differs from the file name '{stem}.yaml'; rename the file or change the id", "$.id"))
        if not isinstance(rid, str):
            continue
        first = by_id.get(rid)
        if first is not None:
            line, col = rec.mark("$.id")
            out.append(problem(rec.path, line, col, "X001", f"id '{rid}' is already used by {first.path}; ids are unique across all kinds", "$.id"))
            continue
        by_id[rid] = rec

    fields = {kind: reference_fields(schemas, kind) for kind in schemas.kinds}
    for rec in records:
        for field, sub, target in fields[rec.kind]:
            for pointer, ref in _refs(rec, field, sub):
                if pointer in rec.reported:
                    continue
                hit = by_id.get(ref)
                line, col = rec.mark(pointer)
                name = sub or field
                if hit is None:
                    out.append(problem(rec.path, line, col, "X003", f"{name}: no record has id '{ref}'; create records/{target}/{ref}.yaml or fix the id", pointer))
                elif hit.kind != target:
                    out.append(problem(rec.path, line, col, "X004", f"{name}: '{ref}' is a {hit.kind} ({hit.path}), but this field needs a {target}", pointer))
    out.extend(_consistency(records, by_id))
    return out


def _consistency(records: list[Record], by_id: dict[str, Record]) -> list[Problem]:
    """Rules that span fields or records and that JSON Schema cannot state."""
    out = []

    def add(rec, pointer, message):
        line, col = rec.mark(pointer)
        out.append(problem(rec.path, line, col, "X005", message, pointer))

    for rec in records:
        d = rec.data
        date, end = d.get("date"), d.get("date_end")
        if isinstance(date, str) and isinstance(end, str) and end <= date:
            add(rec, "$.date_end", f"date_end {end} must be later than date {date} for a range")
        src = by_id.get(d.get("source_id")) if isinstance(d.get("source_id"), str) else None
        block = d.get("block")
        if src is not None and src.kind == "source" and isinstance(block, int):
            count = src.data.get("block_count")
            if isinstance(count, int) and block > count:
                add(rec, "$.block", f"block {block} is beyond the {count} blocks of source '{src.id}'")
        if rec.kind == "casualty_figure" and d.get("basis") == "derived" and isinstance(d.get("count"), int):
            parts = [by_id.get(p) for p in d.get("derived_from") or [] if isinstance(p, str)]
            counts = [p.data.get("count") for p in parts if p is not None and p.kind == "casualty_figure"]
            if len(counts) == len(parts) and all(isinstance(c, int) for c in counts) and sum(counts) != d["count"]:
                add(rec, "$.count", f"count {d['count']} is not the sum of derived_from ({' + '.join(map(str, counts))} = {sum(counts)}); a derived figure is the sum of the figures it lists")
        if rec.kind == "casualty_figure":
            low, high = d.get("count_low"), d.get("count_high")
            if isinstance(low, int) and isinstance(high, int) and low > high:
                add(rec, "$.count_low", f"count_low {low} is greater than count_high {high}")
    return out
