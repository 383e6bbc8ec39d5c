"""Ids renamed between two builds.

A record whose id changed is one row removed and one added. It is taken for
a rename (a) when the new build's former_ids table maps the removed id to
the added one: a recorded rename; or (b) when the two rows hold the same
values, or all but one: a rename found by content, which the record's
former_ids list should then record. Only a pair that matches no other row
either way counts, so a guess is never made between look-alikes.

The old build's rows are then read under the new ids (``translate``): the
record itself, its list rows and the rows of other tables that point at it
match their new rows, and only what really changed is left to report.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter

from ..publish.tables import FORMER_IDS


@dataclass
class TableData:
    """A table of a build: its header row and the rows under it."""

    header: list[str]
    rows: list[list[str]]


@dataclass
class Rename:
    table: str
    old: str
    new: str
    version: str | None  # the release former_ids gives; None when found by content
    differs: list[str] = field(default_factory=list)  # found by content: the field that differs
    # "table.column" -> how many of the old build's cells held the old id.
    references: dict[str, int] = field(default_factory=dict)
    problem: str = ""  # why the recorded version cannot be the one that releases it

    @property
    def recorded(self) -> bool:
        return self.version is not None

    def as_dict(self) -> dict:
        return {
            "old": self.old,
            "new": self.new,
            "recorded": self.recorded,
            "version": self.version,
            "differs": self.differs,
            "references": self.references,
            "problem": self.problem or None,
        }


Renames = dict[str, dict[str, Rename]]  # table -> old id -> its rename
Rows = dict[str, list[str]]  # id -> its row


def find_renames(
    old: Mapping[str, TableData], new: Mapping[str, TableData], tables: Iterable[str]
) -> Renames:
    """The renames in each of the tables (those keyed by id alone in both
    builds): recorded ones first, then those found by content."""
    former = _former(new.get(FORMER_IDS))
    out: Renames = {}
    for name in tables:
        if any("id" not in t[name].header for t in (old, new)):
            continue
        a, b = _by_id(old[name]), _by_id(new[name])
        gone, came = a.keys() - b.keys(), b.keys() - a.keys()
        found: dict[str, Rename] = {}
        for old_id in gone:
            new_id, version = former.get((name, old_id), (None, None))
            if new_id in came:
                found[old_id] = Rename(name, old_id, new_id, version)
        came -= {r.new for r in found.values()}
        rest = {i: a[i] for i in gone if i not in found}
        found |= _by_content(
            name, old[name].header, new[name].header, rest, {i: b[i] for i in came}
        )
        if found:
            out[name] = dict(sorted(found.items()))
    return out


def _former(table: TableData | None) -> dict[tuple[str, str], tuple[str, str]]:
    """(table, former id) -> (id now, version) from a former_ids table."""
    columns = ("former_id", "id", "table_name", "version")  # as the build writes them
    if table is None or any(c not in table.header for c in columns):
        return {}
    rows = map(itemgetter(*[table.header.index(c) for c in columns]), table.rows)
    return {(t, old): (now, version) for old, now, t, version in rows}


def _by_id(table: TableData) -> Rows:
    pos = table.header.index("id")
    return {row[pos]: row for row in table.rows}


def _by_content(
    name: str, old_header: list[str], new_header: list[str], gone: Rows, came: Rows
) -> dict[str, Rename]:
    """Removed and added rows whose values (the id aside) are the same, or
    all but one; only pairs that match nothing else either way."""
    columns = [h for h in new_header if h in old_header and h != "id"]
    if len(columns) < 2 or not gone or not came:
        return {}
    old_values = itemgetter(*[old_header.index(c) for c in columns])
    new_values = itemgetter(*[new_header.index(c) for c in columns])
    olds = {i: old_values(row) for i, row in gone.items()}
    news = {i: new_values(row) for i, row in came.items()}
    # Each row under every signature that leaves one column out: two rows
    # share one exactly when they differ in at most that column.
    by_signature: dict[int, set[str]] = defaultdict(set)
    for new_id, values in news.items():
        for s in _signatures(values):
            by_signature[s].add(new_id)
    pairs = {
        (old_id, new_id)
        for old_id, values in olds.items()
        for s in _signatures(values)
        for new_id in by_signature.get(s, ())
        # A hash shared by chance is no match.
        if sum(x != y for x, y in zip(values, news[new_id])) <= 1
    }
    old_hits, new_hits = Counter(o for o, _ in pairs), Counter(n for _, n in pairs)
    return {
        o: Rename(name, o, n, None, [c for c, x, y in zip(columns, olds[o], news[n]) if x != y])
        for o, n in pairs
        if old_hits[o] == new_hits[n] == 1
    }


def _signatures(values: tuple[str, ...]) -> list[int]:
    return [hash((j, *values[:j], *values[j + 1 :])) for j in range(len(values))]


def translate(
    name: str, table: TableData, references: list[tuple[str, str]], renames: Renames
) -> list[list[str]]:
    """The rows of the old build's table with each renamed id replaced by
    the new one: its own id column when its records were renamed, and each
    column that references (column, table) a table whose records were.
    Counts each reference in its rename."""
    own = [("id", name)] if name in renames else []
    columns = [
        (table.header.index(col), col, renames[ref])
        for col, ref in own + references
        if ref in renames and col in table.header
    ]
    rows = []
    for row in table.rows:
        row = list(row)
        for pos, col, by_old in columns:
            rename = by_old.get(row[pos])
            if rename is not None:
                row[pos] = rename.new
                if (col, rename.table) not in own:
                    where = f"{name}.{col}"
                    rename.references[where] = rename.references.get(where, 0) + 1
        rows.append(row)
    return rows
