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
    # The same, as one set of ids per kind: what nearly every reference is
    # looked up in (a tree of 100,000 records makes about 800,000).
    ids_of: dict[str, set[str]] = {kind: set() for kind in schemas.kinds}
    # A record whose id matches its file name keeps the id; a copy under
    # another file name is the one reported, whatever the sort order.
    named, others = [], []
    for rec in records:
        stem = rec.path.rsplit("/", 1)[-1][: -len(".yaml")]
        (named if rec.data.get("id") == stem else others).append((rec, stem))
    is_id = ID_RE.match
    for rec, stem in named + others:
        rid = rec.data.get("id")
        valid = isinstance(rid, str) and is_id(rid) is not None
        if valid and rid != stem:
            line, col = rec.mark("$.id")
            out.append(problem(rec.path, line, col, "X002", f"id '{rid}' differs from the file name '{stem}.yaml'; rename the file or change the id", "$.id"))
        if not valid:
            if is_id(stem) is None:
                continue
            rid = stem  # the id is reported as malformed; references to the file name still resolve
        first = by_id.get(rid)
        if first is not None:
            line, col = rec.mark("$.id")
            out.append(problem(rec.path, line, col, "X001", f"id '{rid}' is already used by {first.path}; ids are unique across all kinds", "$.id"))
        else:
            by_id[rid] = rec
        if (rec.kind, rid) not in by_kind_id:
            by_kind_id[rec.kind, rid] = rec
            ids_of.setdefault(rec.kind, set()).add(rid)

    def missed(rec: Record, pointer: str, name: str, target: str, ref: str):
        """A reference that names no record of its target kind."""
        if pointer in rec.reported or not _is_id(ref):
            return
        line, col = rec.mark(pointer)
        hit = by_id.get(ref)
        if hit is None:
            out.append(problem(rec.path, line, col, "X003", f"{name}: no record has id '{ref}'; create records/{target}/{ref}.yaml or fix the id", pointer))
        else:
            out.append(problem(rec.path, line, col, "X004", f"{name}: '{ref}' is {_a(hit.kind)} ({hit.path}), but this field needs {_a(target)}", pointer))

    # A reference found among the ids of its target kind is fine, whatever
    # else is true of it; only the others need their path and position.
    fields = {kind: [(field, sub, target, ids_of.setdefault(target, set())) for field, sub, target in reference_fields(schemas, kind)] for kind in schemas.kinds}
    for rec in records:
        data = rec.data
        for field, sub, target, known in fields[rec.kind]:
            value = data.get(field)
            if value is None:
                continue
            if sub is None:
                if isinstance(value, str):
                    if value not in known:
                        missed(rec, child_pointer("$", field), field, target, value)
                elif isinstance(value, list):
                    for i, v in enumerate(value):
                        if isinstance(v, str) and v not in known:
                            missed(rec, child_pointer(child_pointer("$", field), i), field, target, v)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, dict):
                        v = item.get(sub)
                        if isinstance(v, str) and v not in known:
                            missed(rec, child_pointer(child_pointer(child_pointer("$", field), i), sub), sub, target, v)
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
        # Each rule starts from a field few records have.
        end = d.get("date_end")
        if end is not None:
            date = d.get("date")
            if _date(date) and _date(end) and end <= date:
                add(rec, "$.date_end", f"date_end {end} must be later than date {date} for a range")
        block = d.get("block")
        src = by_kind_id.get(("source", d.get("source_id"))) if block is not None and isinstance(d.get("source_id"), str) else None
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
