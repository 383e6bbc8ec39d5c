"""Columns the build computes from the records, not written in them: each
is named in a kind's schema under ``x-derived-columns`` (with its title and
description, for the codebook and the package) and computed here, the one
place its rule is written.
"""

from __future__ import annotations

from ..model.record import Record

# Stances that hold the proposition true, and that hold it false or doubt it.
FOR = frozenset({"asserts", "suggests"})
AGAINST = frozenset({"denies", "questions"})


def claim_status(rec: Record, sources: dict[str, dict]) -> str:
    """What the positions add up to (the claim_status codelist says it in words)."""
    stances = {p["stance"] for p in rec.data["positions"]}
    has_for, has_against = bool(stances & FOR), bool(stances & AGAINST)
    if has_for and has_against:
        return "disputed"
    return "only_for" if has_for else "only_against" if has_against else "no_for_or_against"


def quote_verified(rec: Record, sources: dict[str, dict]) -> bool:
    """Whether the quote is checked against the archived text of its source:
    the source's own wording (not a contributor's translation), of a source
    whose archived text has a recorded SHA-256, at a block."""
    source = sources.get(rec.data.get("source_id")) or {}
    own_words = rec.data.get("quote_translation") != "by_contributor"
    return bool(rec.data.get("quote") and own_words and source.get("archive_sha256") and rec.data.get("block"))


DERIVED = {"claim_status": claim_status, "quote_verified": quote_verified}
