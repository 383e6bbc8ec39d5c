"""The columns the build computes from the records: a claim's status from its
positions, and whether each quote was verified against an archived text."""

from __future__ import annotations

import csv
import json

import pytest

from conftest import REPO, base_record, case_files, make_project
from il76_claims.publish.build import build_package
from il76_claims.publish.derived import AGAINST, FOR


def _column(project, tmp_path, table: str, column: str) -> dict[str, str]:
    out = tmp_path / "out"
    assert build_package(project, str(out)).ok
    with open(out / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return {row["id"]: row[column] for row in csv.DictReader(fh)}


def _claim_with(stances: list[str]) -> str:
    """The fixture claim with one position per stance, all on the outlet's narration."""
    positions = "".join(f"  - actor_id: fixture-outlet\n    stance: {s}\n    basis: explicit\n    statement_id: fixture-narration\n" for s in stances)
    head = base_record("records/claim/fixture-claim.yaml").split("positions:")[0]
    return head + "positions:\n" + positions


@pytest.mark.parametrize(
    ("stances", "status"),
    [
        (["asserts", "questions"], "disputed"),
        (["suggests", "denies"], "disputed"),
        (["asserts", "lacks_information"], "only_for"),
        (["suggests"], "only_for"),
        (["denies", "does_not_admit"], "only_against"),
        (["questions"], "only_against"),
        (["lacks_information", "declines_to_comment", "calls_for_investigation"], "no_for_or_against"),
        (["does_not_deny", "does_not_admit"], "no_for_or_against"),
    ],
)
def test_a_claims_status_follows_its_stances(tmp_path, stances, status):
    project = make_project(tmp_path / "p", {"records/claim/fixture-claim.yaml": _claim_with(stances)})
    assert _column(project, tmp_path, "claims", "status") == {"fixture-claim": status}


def test_the_status_codelist_names_the_stances_the_build_counts():
    # The codebook says the rule in words; it must name the same stances as the code.
    description = json.loads((REPO / "schemas/codelists/claim_status.json").read_text(encoding="utf-8"))["description"]
    assert f"for: {', '.join(sorted(FOR))}; against: {', '.join(sorted(AGAINST))};" in description


def test_a_quote_is_verified_only_against_an_archived_text_in_the_sources_own_words(tmp_path):
    files = case_files(REPO / "tests/cases/rules/valid-contribution-without-archive")
    translated = files["records/statement/fixture-translated.yaml"].decode()
    # The same source (no archived text) in its own words, and a contributor's
    # translation of a quote of the archived source.
    files["records/statement/fixture-unarchived.yaml"] = translated.replace("id: fixture-translated", "id: fixture-unarchived").replace("by_contributor", "none")
    files["records/statement/fixture-statement.yaml"] = base_record("records/statement/fixture-statement.yaml").replace("quote_translation: none", "quote_translation: by_contributor")
    verified = _column(make_project(tmp_path / "p", files), tmp_path, "statements", "quote_verified")
    assert verified == {"fixture-narration": "true", "fixture-statement": "false", "fixture-translated": "false", "fixture-unarchived": "false"}
