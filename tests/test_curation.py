"""Rules of the editorial policy that hold across the real records, beyond
what the checker enforces for every project (docs/editorial-policy.md)."""

from __future__ import annotations

import pytest

from conftest import REPO
from il76_claims.loader import load_tree
from il76_claims.schemas import KINDS

RECORDS = load_tree(str(REPO), KINDS).records
BY_ID = {r.id: r for r in RECORDS}
CLAIMS = [r for r in RECORDS if r.kind == "claim"]
FOR = {"asserts", "suggests"}
AGAINST = {"denies", "questions"}


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda r: r.id)
def test_status_follows_the_recorded_positions(claim):
    stances = {p["stance"] for p in claim.data["positions"]}
    expected = "disputed" if stances & FOR and stances & AGAINST else "unverified"
    assert claim.data["status"] == expected


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda r: r.id)
def test_a_position_is_taken_by_the_speaker_of_its_statement(claim):
    for p in claim.data["positions"]:
        assert BY_ID[p["statement_id"]].data["speaker_id"] == p["actor_id"], p


def test_the_publisher_speaks_only_in_media_reports():
    for r in RECORDS:
        if r.kind == "statement" and r.data["speaker_id"] == "rt":
            assert r.data["setting"] == "media_report" and r.data["speech"] == "indirect", r.id


def test_no_statement_is_dated_before_the_crash():
    # The article rarely gives a date; the earliest defensible day is the
    # day of the crash, so nothing may be dated earlier.
    for r in RECORDS:
        if r.kind == "statement":
            assert r.data["date"] >= "2024-01-24", r.id
