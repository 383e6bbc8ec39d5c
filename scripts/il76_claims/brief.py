"""What the checks across records read of each record.

The checks that look across records (``crossref``, ``quotes``) read a few
fields of every record: its id, its references (named by the schemas'
``x-ref-kind``) and the fields in ``crossref.READS`` and ``quotes.READS``.
A warm check gives them, for every file the cache answers for, a record
holding only those fields; the rest of the record, and its line and column
marks, are read from the cache only when a problem must be placed in it.
tests/test_brief.py proves that the checks report the same problems, at the
same places, from brief records as from whole ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import crossref, quotes
from .schemas import SchemaSet


@dataclass(frozen=True)
class Spec:
    """Per kind: the fields kept whole, and for lists of objects whose items
    hold references, the item fields kept."""

    whole: dict[str, frozenset[str]]
    items: dict[str, dict[str, frozenset[str]]]


def spec_for(schemas: SchemaSet) -> Spec:
    read = crossref.READS | quotes.READS
    whole, items = {}, {}
    for kind in schemas.kinds:
        top = set(read)
        subs: dict[str, set[str]] = {}
        for name, sub, _target in crossref.reference_fields(schemas, kind):
            if sub is None:
                top.add(name)
            else:
                subs.setdefault(name, set()).add(sub)
        whole[kind] = frozenset(top)
        items[kind] = {name: frozenset(s) for name, s in subs.items() if name not in top}
    return Spec(whole, items)


def brief_data(spec: Spec, kind: str, data: dict) -> dict:
    """The part of a record's data the checks across records read; values
    are the record's own objects, in the record's order, list items at the
    same index."""
    whole = spec.whole.get(kind, frozenset())
    items = spec.items.get(kind, {})
    out = {}
    for name, value in data.items():
        if name in whole:
            out[name] = value
        elif name in items:
            keep = items[name]
            if type(value) is list:
                out[name] = [{k: v for k, v in item.items() if k in keep} if type(item) is dict else item for item in value]
            else:
                out[name] = value
    return out
