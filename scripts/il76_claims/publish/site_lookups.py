"""The site's view of the tables: rows by id, what refers to what, and the
few things a page computes (a date in words, where a statement lies on the
timeline, which page an item is on, where a quote lies in its block).

Everything is read from the ``Table`` values of ``tables.py`` by column
name, so the site shows what every other output holds and follows the
model when it changes; only the columns a page shows are named.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass
from operator import itemgetter

from ..model.policy import side
from .tables import Table

# Stance symbols: the shape gives the direction the claim status rule counts
# (up: for, down: against, circle: neither), the fill its strength. They are
# text, so they survive greyscale, print and colour-blind reading.
SYMBOLS = {"asserts": "▲", "suggests": "△", "denies": "▼", "questions": "▽"}


def words(code: str) -> str:
    """A code as words ('on_or_after' -> 'on or after'); its meaning is in the codelists table."""
    return code.replace("_", " ")


def direction(stance: str) -> str:
    """The side a stance is on, as the stylesheet names it."""
    return {"other": "neither"}.get(side(stance), side(stance))


def symbol(stance: str) -> str:
    return SYMBOLS.get(stance) or {"for": "△", "against": "▽"}.get(direction(stance), "○")


SIDE_SYMBOLS = {"for": "▲", "against": "▼", "both": "◆", "other": "○"}


def date_text(row: dict) -> str:
    """The date as the CSV writes it, with its precision in words."""
    d, p = row["date"], row["date_precision"]
    if not d:
        return f"no date ({words(p)})"
    if p in ("on_or_after", "on_or_before"):
        return f"{words(p)} {d}"
    return {"day": d, "range": f"{d} to {row.get('date_end')}"}.get(p, f"{d} ({words(p)})")


def interval(row: dict) -> tuple[str, str]:
    """(first, last) possible day as ISO text; '' where the date is open
    (both, for a row without a date)."""
    d, p = row["date"], row["date_precision"]
    return {
        "on_or_after": (d, ""),
        "on_or_before": ("", d),
        "range": (d, row.get("date_end") or d),
    }.get(p, (d, d))


def paginate(stem: str, items: list, per: int) -> list[tuple[str, list]]:
    """(file name, items) of each page: stem.html, stem-2.html, ..."""
    chunks = [items[i : i + per] for i in range(0, len(items), per)] or [[]]
    return [(f"{stem}-{n}.html" if n > 1 else f"{stem}.html", c) for n, c in enumerate(chunks, 1)]


# What every template may call, besides the index.
FUNCTIONS = {f.__name__: f for f in (words, symbol, direction, date_text, interval)}


def grouped(items: list[dict], column: str) -> list[tuple[str, list]]:
    """Consecutive runs of items with the same value in column, in order, as
    lists: a template may look ahead, which would empty groupby's own iterators."""
    return [(k, list(run)) for k, run in itertools.groupby(items, itemgetter(column))]


def _by(items: list[dict], column: str, pick: str = "") -> dict[str, list]:
    """Items (or their value in column pick) by their value in column."""
    out: dict[str, list] = defaultdict(list)
    for r in items:
        if r.get(column):
            out[r[column]].append(r[pick] if pick else r)
    return out


class SiteIndex:
    """The tables as rows, by id and by what they refer to."""

    def __init__(self, tables: list[Table]):
        self.t = {
            t.name: [dict(zip([f.name for f in t.fields], r)) for r in t.rows] for t in tables
        }
        self.fields = {t.name: {f.name: f for f in t.fields} for t in tables}
        self.by_id = {
            t.name: {r["id"]: r for r in self.t[t.name]} for t in tables if t.primary_key == ["id"]
        }
        self.codes: dict[str, dict[str, str]] = defaultdict(dict)
        for r in self.t["codelists"]:
            self.codes[r["codelist"]][r["code"]] = r["description"]
        self.statement_page: dict[str, str] = {}
        self.figure_page: dict[str, str] = {}
        t = self.t
        self.positions_of_claim = _by(t["claim_positions"], "claim_id")
        self.positions_of_actor = _by(t["claim_positions"], "actor_id")
        self.positions_of_statement = _by(t["claim_positions"], "statement_id")
        self.relays = _by(t["statement_relays"], "statement_id", "actor_id")
        self.relayed_by_actor = _by(t["statement_relays"], "actor_id")
        self.relations_out = _by(t["claim_relations"], "claim_id")
        self.relations_in = _by(t["claim_relations"], "other_claim_id")
        self.spoken = _by(t["statements"], "speaker_id")
        self.described = _by(t["statements"], "described_actor_id")
        self.on_behalf = _by(t["statements"], "on_behalf_of_id")
        self.claimed = _by(t["casualty_figures"], "claimed_by_id")
        self.derivations = _by(
            t["casualty_figure_derivations"], "casualty_figure_id", "from_figure_id"
        )
        self.affiliated = _by(t["actors"], "affiliation_id")
        self.published = _by(t["sources"], "publisher_id")
        self.sides = _by(t["claim_actors"], "claim_id")
        self.carriers = _by(t["statement_sources"], "statement_id")
        self.carried = _by(t["statement_sources"], "source_id")
        self.resting = _by(t["statements"], "source_id")
        # source -> block -> [(table, row)] of the statements and figures citing it
        self.cited: dict[str, dict[int, list[tuple[str, dict]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for table in ("statements", "casualty_figures"):
            for r in t[table]:
                if r.get("source_id") and r.get("block"):
                    self.cited[r["source_id"]][int(r["block"])].append((table, r))

    # -- lookups a template asks for --

    def codes_of(self, table: str, column: str) -> dict[str, str]:
        """code -> meaning of the codes of a coded column, in codelist order."""
        return self.codes[self.fields[table][column].codelist or ""]

    def meaning(self, table: str, column: str, code: str) -> str:
        return self.codes_of(table, column).get(code, "")

    def actor(self, aid: str) -> dict:
        return self.by_id["actors"][aid]

    def name(self, aid: str) -> str:
        return self.by_id["actors"][aid]["name"]

    def name_key(self, aid: str) -> tuple[str, str]:
        """Actors in the order of their names."""
        return self.name(aid).casefold(), aid

    def relay_chain(self, statement: dict) -> list[str]:
        """Actor ids from the speaker outward to the source's publisher (when known)."""
        publisher = self.by_id["sources"][statement["source_id"]]["publisher_id"]
        chain = [statement["speaker_id"], *self.relays.get(statement["id"], []), publisher]
        return [a for a, _ in itertools.groupby(chain) if a]  # the publisher narrating: once

    def relayers(self, aid: str) -> list[tuple[str, list[dict]]]:
        """(relaying actor, [its statements]) for the statements aid made."""
        out: dict[str, list[dict]] = {}
        for s in self.spoken.get(aid, []):
            for r in self.relays.get(s["id"], []):
                out.setdefault(r, []).append(s)
        return sorted(out.items(), key=lambda item: self.name_key(item[0]))

    def side_groups(self, claim_id: str) -> list[tuple[str, list[dict]]]:
        """(side, [claim_actors rows]) in the order for, against, both, other,
        each side's actors by name: who is on which side of a claim."""
        order = list(self.codes_of("claim_actors", "side"))
        rows = sorted(
            self.sides.get(claim_id, []),
            key=lambda r: (order.index(r["side"]), self.name_key(r["actor_id"])),
        )
        return grouped(rows, "side")

    def sources_of(self, statement: dict) -> list[str]:
        """Every source that carries a statement: its own first."""
        carriers = self.carriers.get(statement["id"], [])
        return [statement["source_id"], *(c["source_id"] for c in carriers)]

    def claims_of(self, statement_id: str) -> list[str]:
        return list(
            dict.fromkeys(p["claim_id"] for p in self.positions_of_statement.get(statement_id, []))
        )

    # -- links --

    def href_statement(self, sid: str) -> str:
        return f"{self.statement_page[sid]}#st-{sid}"

    def href_figure(self, fid: str) -> str:
        return f"{self.figure_page[fid]}#fig-{fid}"


@dataclass(frozen=True)
class Bar:
    left: str  # CSS percentages
    width: str
    open_start: bool
    open_end: bool


@dataclass(frozen=True)
class Axis:
    """The days the timeline spans, with a margin so that an open-ended date
    visibly runs past every dated one."""

    start: dt.date
    days: int

    def pct(self, day: dt.date) -> float:
        return (day - self.start).days / self.days * 100

    def bar(self, row: dict) -> Bar:
        first, last = interval(row)
        lo = self.pct(dt.date.fromisoformat(first)) if first else 0.0
        hi = self.pct(dt.date.fromisoformat(last) + dt.timedelta(days=1)) if last else 100.0
        return Bar(f"{lo:.2f}%", f"{hi - lo:.2f}%", not first, not last)

    def ticks(self, most: int = 6) -> list[tuple[str, str]]:
        """(left, ISO day) of at most `most` evenly spaced days."""
        step = max(1, -(-self.days // most))
        days = (self.start + dt.timedelta(days=n) for n in range(0, self.days, step))
        return [(f"{self.pct(d):.2f}%", d.isoformat()) for d in days]


def axis(dated: list[dict]) -> Axis:
    known = sorted(
        dt.date.fromisoformat(d) for r in dated for d in (r["date"], r.get("date_end")) if d
    )
    if not known:
        return Axis(dt.date(2024, 1, 1), 1)
    margin = dt.timedelta(days=max(1, (known[-1] - known[0]).days // 10))
    start = known[0] - margin
    return Axis(start, (known[-1] + margin - start).days + 1)


def segments(
    text: str, quotes: list[tuple[str, str]]
) -> tuple[list[tuple[str, bool, list[str]]], set[str]]:
    """A block cut where quotes begin and end: (text, inside a quote, keys
    of the quotes ending there) pieces, and the keys of the quotes found.
    Each quote is placed at its first occurrence, as the quote check finds it."""
    spans = [(i, i + len(q), key) for key, q in quotes if q and (i := text.find(q)) >= 0]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    pieces = [
        (text[a:b], any(s <= a and b <= e for s, e, _ in spans), [k for _, e, k in spans if e == b])
        for a, b in itertools.pairwise(cuts)
    ]
    return pieces, {k for _, _, k in spans}
