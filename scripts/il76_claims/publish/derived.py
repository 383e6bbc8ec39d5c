"""Columns the build computes from the records, not written in them: each
is named in a kind's schema under ``x-derived-columns`` (with its title and
description, for the codebook and the package) and computed here, the one
place its rule is written. The sides of the dispute (which stances count
for and against a claim) are editorial rules, in model/policy.py.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..check import quote_checks
from ..model.policy import side
from ..model.record import Record

# A claim's status, from where its positions put it (fold).
STATUS = {
    "for": "only_for",
    "against": "only_against",
    "both": "disputed",
    "other": "no_for_or_against",
}


class Context:
    """What the rules look up: records by kind and id, and the verified quotes."""

    def __init__(self, records: list[Record], verified: dict[str, str]):
        self.records: dict[str, dict[str, Record]] = defaultdict(dict)
        for rec in records:
            self.records[rec.kind][rec.id] = rec
        self.verified = verified

    def get(self, kind: str, rid: Any) -> dict:
        rec = self.records[kind].get(rid)
        return rec.data if rec else {}


def fold(positions: list[dict]) -> str:
    """Where positions put a claim or an actor: for, against, both, or other (on neither side)."""
    sides = {side(p["stance"]) for p in positions} & {"for", "against"}
    return "both" if len(sides) == 2 else sides.pop() if sides else "other"


def claim_status(rec: Record, ctx: Context) -> str:
    """What the positions add up to (the claim_status codelist says it in words)."""
    return STATUS[fold(rec.data["positions"])]


def _actors_on(rec: Record, wanted: str) -> set[str]:
    return {p["actor_id"] for p in rec.data["positions"] if side(p["stance"]) == wanted}


def _other_actors(rec: Record) -> set[str]:
    """Actors whose every position on the claim is on neither side."""
    everyone = {p["actor_id"] for p in rec.data["positions"]}
    return everyone - _actors_on(rec, "for") - _actors_on(rec, "against")


def _countries(actors: set[str], ctx: Context) -> int:
    return len({c for a in actors if (c := ctx.get("actor", a).get("country"))})


def claim_source_count(rec: Record, ctx: Context) -> int:
    """Distinct sources that the positions' statements rest on (their source_id)."""
    said = (ctx.get("statement", p["statement_id"]) for p in rec.data["positions"])
    return len({s.get("source_id") for s in said} - {None})


def quote_verified(rec: Record, ctx: Context) -> bool:
    """Whether the quote was checked against the archived text of its
    source by a check that had it, and is unchanged since (quote_checks)."""
    return quote_checks.key(rec) in ctx.verified


def paraphrased(rec: Record, ctx: Context) -> bool:
    return rec.data.get("quote") is None


def source_count(rec: Record, ctx: Context) -> int:
    """The sources that carry a statement: its basis and the others."""
    d = rec.data
    return len({d.get("source_id"), *(c["source_id"] for c in d.get("carried_by") or [])} - {None})


def source_label(rec: Record, ctx: Context) -> str:
    d = rec.data
    publisher = ctx.get("actor", d.get("publisher_id")).get("name")
    return d.get("title") or ", ".join(x for x in (publisher, d.get("date")) if x) or rec.id


def statement_label(rec: Record, ctx: Context) -> str:
    return f"{ctx.get('actor', rec.data.get('speaker_id')).get('name', rec.data.get('speaker_id'))}, {rec.data.get('date')}"


DERIVED = {
    "source_label": source_label,
    "statement_label": statement_label,
    "claim_status": claim_status,
    "actors_for": lambda r, c: len(_actors_on(r, "for")),
    "actors_against": lambda r, c: len(_actors_on(r, "against")),
    "actors_other": lambda r, c: len(_other_actors(r)),
    "countries_for": lambda r, c: _countries(_actors_on(r, "for"), c),
    "countries_against": lambda r, c: _countries(_actors_on(r, "against"), c),
    "countries_other": lambda r, c: _countries(_other_actors(r), c),
    "claim_source_count": claim_source_count,
    "source_count": source_count,
    "quote_verified": quote_verified,
    "paraphrased": paraphrased,
}
