"""The claim_actors table: one row per actor per claim, the actor's
positions folded, so that an actor who asserts a claim in three statements
counts once. Made from the records; the sides come from model/policy.py."""

from __future__ import annotations

from ..model.record import Record
from .derived import Context, fold

NAME = "claim_actors"
_DESCRIPTION = (
    "One row per actor per claim: the actor's positions on the claim folded into one, with its side of the dispute, "
    "its stances and the statements that show them. Computed by the build from claim_positions; an actor who takes the "
    "same position in several statements is one row."
)


# (name, Table Schema type, title, description) of each column, all required
FIELDS = (
    ("claim_id", "string", "Claim", "The claim."),
    ("actor_id", "string", "Actor", "The actor that takes positions on it."),
    ("side", "string", "Side", "Where the actor's positions put it: for, against, both or other."),
    (
        "stances",
        "string",
        "Stances",
        "The actor's distinct stances on the claim, in the order of its positions, separated by spaces.",
    ),
    (
        "statement_count",
        "integer",
        "Statements",
        "How many of the actor's statements take a position on the claim.",
    ),
    (
        "statements",
        "string",
        "Statement ids",
        "The ids of those statements, in the order of the positions, separated by spaces.",
    ),
    (
        "first_date",
        "date",
        "First date",
        "The earliest date of those statements (as each statement's date gives it).",
    ),
    (
        "source_count",
        "integer",
        "Sources",
        "How many distinct sources those statements rest on (their source_id).",
    ),
)
CODELISTS = {"side": "dispute_side"}  # column -> its codelist
REFS = {"claim_id": "claims", "actor_id": "actors"}  # column -> the table it refers to
TITLE, DESCRIPTION, KEY = "Claims by actor", _DESCRIPTION, ["claim_id", "actor_id"]


def _row(claim_id: str, actor_id: str, positions: list[dict], ctx: Context) -> list[str]:
    statements = list(dict.fromkeys(p["statement_id"] for p in positions))
    said = [ctx.get("statement", s) for s in statements]
    dates = sorted(d["date"] for d in said if d.get("date"))
    sources = {d["source_id"] for d in said if d.get("source_id")}
    stances = " ".join(dict.fromkeys(p["stance"] for p in positions))
    return [
        claim_id,
        actor_id,
        fold(positions),
        stances,
        str(len(statements)),
        " ".join(statements),
        dates[0] if dates else "",
        str(len(sources)),
    ]


def rows(claims: list[Record], ctx: Context) -> list[list[str]]:
    out = []
    for claim in sorted(claims, key=lambda r: r.id):
        by_actor: dict[str, list[dict]] = {}
        for p in claim.data["positions"]:
            by_actor.setdefault(p["actor_id"], []).append(p)
        out += [_row(claim.id, actor, by_actor[actor], ctx) for actor in sorted(by_actor)]
    return out
