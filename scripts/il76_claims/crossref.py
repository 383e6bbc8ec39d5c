"""Checks across records: ids, file names, references, and figures that
must agree with each other.

Which fields are references, and to which kind, is read from the schemas'
``x-ref-kind`` annotations.
"""

from __future__ import annotations

import datetime
import re
from itertools import chain

from .loader import ID_RE, Record, child_pointer
from .problems import Problem, problem
from .schemas import SchemaSet

_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")

# Every field these checks read besides the references (which the schemas
# name): a warm check gives them records holding only these fields and the
# references (``brief.py``), and tests/test_brief.py proves they need no
# other. A rule that reads another field must add it here.
READS = frozenset(["id", "date", "date_end", "block", "source_id", "basis", "count", "derived_from", "count_low", "count_high", "block_count"])


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
    index = _Index(records, out)
    ids_of = index.ids_of
    for kind in schemas.kinds:
        ids_of.setdefault(kind, set())

    def missed(rec: Record, pointer: str, name: str, target: str, ref: str):
        """A reference that names no record of its target kind."""
        if pointer in rec.reported or not _is_id(ref):
            return
        line, col = rec.mark(pointer)
        hit = index.by_id.get(ref)
        if hit is None:
            out.append(problem(rec.path, line, col, "X003", f"{name}: no record has id '{ref}'; create records/{target}/{ref}.yaml or fix the id", pointer))
        else:
            out.append(problem(rec.path, line, col, "X004", f"{name}: '{ref}' is {_a(hit.kind)} ({hit.path}), but this field needs {_a(target)}", pointer))

    # A tree of 100,000 records holds about 800,000 references. They are
    # first looked up all at once, one field of one kind at a time, as a
    # set; only a field where some reference is not among the ids of its
    # target kind is walked record by record, to find and place each.
    for kind, group in index.groups.items():
        datas = [r.data for r in group]
        for field, sub, target in reference_fields(schemas, kind) if kind in schemas.kinds else ():
            known = ids_of.setdefault(target, set())
            values = [d.get(field) for d in datas]
            if _all_known(values, sub, known):
                continue
            for rec, value in zip(group, values):
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
    out.extend(_consistency(index))
    return out


def _all_known(values: list, sub: str | None, known: set[str]) -> bool:
    """True when every reference in values (a field's values, one per
    record) is in known. Built for the usual case, where values are what
    the schema wants: any surprise (a list where a text should be, an item
    that is not an object) answers False, and the caller then looks at each
    record the careful way."""
    try:
        if sub is None:
            used = set(values)
        else:
            used = {item.get(sub) for v in values if v for item in v}
        used.discard(None)
    except (TypeError, AttributeError):  # a list or an object where a text should be
        try:
            used = set(chain.from_iterable(v for v in values if type(v) is list))
            used.update(v for v in values if type(v) is not list)
            used.discard(None)
        except (TypeError, AttributeError):
            return False
    return used <= known


def _stem(rec: Record) -> str:
    return rec.path[rec.path.rfind("/") + 1 : -len(".yaml")]


class _Index:
    """Records by id and by kind, reporting ids used twice (X001) and ids
    that differ from their file name (X002). A record whose id is malformed
    (the schema check reports it) is found by its file name, so references
    to it still resolve."""

    def __init__(self, records: list[Record], out: list[Problem]):
        groups: dict[str, list[Record]] = {}
        for rec in records:
            group = groups.get(rec.kind)
            if group is None:
                group = groups[rec.kind] = []
            group.append(rec)
        self.groups = groups
        self._by_id: dict[str, Record] | None = None
        self._by_kind_id: dict[tuple[str, str], Record] | None = None
        self._of_kind: dict[str, dict[str, Record]] = {}
        # Nearly always every id is well formed, is its file's name and is
        # used once: then the index is built from plain lists at C speed.
        ids = {kind: [r.data.get("id") for r in group] for kind, group in groups.items()}
        stems = {kind: [r.path[r.path.rfind("/") + 1 : -len(".yaml")] for r in group] for kind, group in groups.items()}
        if ids == stems:
            self.ids_of = {kind: set(v) for kind, v in ids.items()}
            if sum(map(len, self.ids_of.values())) == len(records) and len(set().union(*self.ids_of.values())) == len(records):
                if all(all(map(ID_RE.match, v)) for v in ids.values()):
                    self._ids = ids
                    return
        self._ids = None
        self._index_the_long_way(records, out)

    @property
    def by_id(self) -> dict[str, Record]:
        if self._by_id is None:
            self._by_id = {}
            for kind, group in self.groups.items():
                self._by_id.update(zip(self._ids[kind], group))
        return self._by_id

    def find(self, kind: str, rid) -> Record | None:
        """The record of that kind with that id."""
        if not isinstance(rid, str):
            return None
        if self._by_kind_id is not None:
            return self._by_kind_id.get((kind, rid))
        of_kind = self._of_kind.get(kind)
        if of_kind is None:
            of_kind = self._of_kind[kind] = dict(zip(self._ids.get(kind, ()), self.groups.get(kind, ())))
        return of_kind.get(rid)

    def _index_the_long_way(self, records: list[Record], out: list[Problem]):
        by_id: dict[str, Record] = {}
        # Where an id is used twice, a reference still finds the record of
        # the kind it needs, so one duplicate does not make every reference
        # wrong.
        by_kind_id: dict[tuple[str, str], Record] = {}
        ids_of: dict[str, set[str]] = {}
        # A record whose id matches its file name keeps the id; a copy
        # under another file name is the one reported, whatever the order.
        named, others = [], []
        for rec in records:
            stem = rec.path[rec.path.rfind("/") + 1 : -len(".yaml")]
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
        self._by_id, self._by_kind_id, self.ids_of = by_id, by_kind_id, ids_of


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


def _consistency(index: _Index) -> list[Problem]:
    """Rules that span fields or records and that JSON Schema cannot state.

    Each rule looks only at values of the right type; a wrong type is the
    schema check's to report. Each starts from a field few records have,
    picked out kind by kind."""
    out = []

    def add(rec, pointer, message):
        line, col = rec.mark(pointer)
        out.append(problem(rec.path, line, col, "X005", message, pointer))

    # The sources' block counts, for the statements' blocks.
    counts: dict[str, tuple[Record, int]] = {}
    for src in index.groups.get("source", ()):
        count = src.data.get("block_count")
        if _int(count) and count >= 1:
            rid = src.data.get("id")
            rid = rid if _is_id(rid) else _stem(src)
            if src is index.find("source", rid):
                counts[rid] = (src, count)
    for kind, group in index.groups.items():
        for rec in [r for r in group if "date_end" in r.data]:
            d = rec.data
            end, date = d["date_end"], d.get("date")
            if end is not None and _date(date) and _date(end) and end <= date:
                add(rec, "$.date_end", f"date_end {end} must be later than date {date} for a range")
        for rec in [r for r in group if "block" in r.data]:
            d = rec.data
            sid = d.get("source_id")
            found = counts.get(sid) if isinstance(sid, str) else None
            if found is not None:
                block = d["block"]
                src, count = found
                if _int(block) and count < block:
                    add(rec, "$.block", f"block {block} is beyond the {count} blocks of source '{src.id}'")
        if kind != "casualty_figure":
            continue
        for rec in group:
            d = rec.data
            if d.get("basis") == "derived" and _int(d.get("count")):
                derived = d.get("derived_from")
                parts = [index.find("casualty_figure", p) for p in derived if isinstance(p, str)] if isinstance(derived, list) else []
                counts_ = [p.data.get("count") for p in parts if p is not None]
                if parts and len(counts_) == len(parts) and all(_int(c) for c in counts_) and sum(counts_) != d["count"]:
                    add(rec, "$.count", f"count {d['count']} is not the sum of derived_from ({' + '.join(map(str, counts_))} = {sum(counts_)}); a derived figure is the sum of the figures it lists")
            low, high = d.get("count_low"), d.get("count_high")
            if _int(low) and _int(high) and low > high:
                add(rec, "$.count_low", f"count_low {low} is greater than count_high {high}")
    return out
