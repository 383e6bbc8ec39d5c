"""Columns the build computes from the records, not written in them: each
is named in a kind's schema under ``x-derived-columns`` (with its title and
description, for the codebook and the package) and computed here, the one
place its rule is written. The sides of the dispute (which stances count
for and against a claim) are editorial rules, in model/policy.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..check import quote_checks
from ..model.policy import side
from ..model.record import Record


@dataclass
class Context:
    """What the rules look up: records by kind and id, and the verified quotes."""

    records: dict[str, dict[str, Record]] = field(default_factory=dict)
    verified: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, records: list[Record], verified: dict[str, str]) -> Context:
        by_kind: dict[str, dict[str, Record]] = {}
        for rec in records:
            by_kind.setdefault(rec.kind, {})[rec.id] = rec
        return cls(by_kind, verified)

    def get(self, kind: str, rid: Any) -> dict:
        rec = self.records.get(kind, {}).get(rid)
        return rec.data if rec else {}


def claim_status(rec: Record, ctx: Context) -> str:
    """What the positions add up to (the claim_status codelist says it in words)."""
    sides = {side(p["stance"]) for p in rec.data["positions"]}
    has_for, has_against = "for" in sides, "against" in sides
    if has_for and has_against:
        return "disputed"
    return "only_for" if has_for else "only_against" if has_against else "no_for_or_against"


def _actors_on(rec: Record, wanted: str) -> set[str]:
    return {p["actor_id"] for p in rec.data["positions"] if side(p["stance"]) == wanted}


def _other_actors(rec: Record) -> set[str]:
    """Actors whose every position on the claim is on neither side."""
    return (
        {p["actor_id"] for p in rec.data["positions"]}
        - _actors_on(rec, "for")
        - _actors_on(rec, "against")
    )


def _countries(actors: set[str], ctx: Context) -> int:
    return len({c for a in actors if (c := ctx.get("actor", a).get("country"))})


def sources_of(statement: dict) -> list[str]:
    """Every source that carries a statement: its basis first, then the others."""
    basis = [statement["source_id"]] if statement.get("source_id") else []
    return basis + [
        c["source_id"] for c in statement.get("carried_by") or [] if c["source_id"] not in basis
    ]


def claim_source_count(rec: Record, ctx: Context) -> int:
    """Distinct sources that the positions' statements rest on (their source_id)."""
    return len(
        {ctx.get("statement", p["statement_id"]).get("source_id") for p in rec.data["positions"]}
        - {None}
    )


def quote_verified(rec: Record, ctx: Context) -> bool:
    """Whether the quote was checked against the archived text of its
    source by a check that had it, and is unchanged since (quote_checks)."""
    return quote_checks.key(rec) in ctx.verified


def paraphrased(rec: Record, ctx: Context) -> bool:
    return rec.data.get("quote") is None


def source_count(rec: Record, ctx: Context) -> int:
    return len(sources_of(rec.data))


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
