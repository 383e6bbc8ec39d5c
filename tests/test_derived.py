"""The columns the build computes from the records: a claim's status from its
positions, and whether each quote was verified against an archived text."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from conftest import REPO, base_record, case_files, make_project
from il76_claims.model.policy import AGAINST, FOR
from il76_claims.publish.build import build_package


def _column(project, tmp_path, table: str, column: str) -> dict[str, str]:
    out = tmp_path / "out"
    assert build_package(project, str(out)).ok
    with open(out / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return {row["id"]: row[column] for row in csv.DictReader(fh)}


def _claim_with(stances: list[str]) -> str:
    """The fixture claim with one position per stance, all on the outlet's narration."""
    basis = {"suggests": "hedged"}
    positions = "".join(
        f"  - actor_id: fixture-outlet\n    stance: {s}\n    basis: {basis.get(s, 'explicit')}\n    statement_id: fixture-narration\n"
        for s in stances
    )
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
        (
            ["lacks_information", "declines_to_comment", "calls_for_investigation"],
            "no_for_or_against",
        ),
        (["does_not_deny", "does_not_admit"], "no_for_or_against"),
    ],
)
def test_a_claims_status_follows_its_stances(tmp_path, stances, status):
    project = make_project(
        tmp_path / "p", {"records/claim/fixture-claim.yaml": _claim_with(stances)}
    )
    assert _column(project, tmp_path, "claims", "status") == {"fixture-claim": status}


def test_the_status_codelist_names_the_stances_the_build_counts():
    # The codebook says the rule in words; it must name the same stances as the code.
    description = json.loads(
        (REPO / "schemas/codelists/claim_status.json").read_text(encoding="utf-8")
    )["description"]
    assert f"for: {', '.join(sorted(FOR))}; against: {', '.join(sorted(AGAINST))};" in description
    claims = json.loads((REPO / "schemas/claim.schema.json").read_text(encoding="utf-8"))[
        "x-derived-columns"
    ]
    assert (
        f"Stances for: {', '.join(sorted(FOR))}; against: {', '.join(sorted(AGAINST))} ("
        in claims["actors_for"]["description"]
    )


def _verified(project, tmp_path, name: str) -> dict[str, str]:
    return _column(project, tmp_path / name, "statements", "quote_verified")


def test_a_quote_is_verified_only_by_a_check_with_its_archived_text(tmp_path):
    files = case_files(REPO / "tests/cases/rules/valid-source-not-held")
    # A contributor's translation of a quote of the archived source is not the source's wording.
    files["records/statement/fixture-statement.yaml"] = base_record(
        "records/statement/fixture-statement.yaml"
    ).replace("quote_translation: none", "quote_translation: by_contributor")
    project = make_project(tmp_path / "p", files)
    expected = {
        "fixture-narration": "true",
        "fixture-statement": "false",
        "fixture-translated": "false",
    }
    assert _verified(project, tmp_path, "with") == expected
    # The check with the archive recorded what it verified; without the archive, that record is trusted.
    (tmp_path / "with" / "out" / "quote-checks.csv").replace(
        Path(project.root) / "quote-checks.csv"
    )
    project.sources_dir = None
    assert _verified(project, tmp_path, "without") == expected


def test_a_made_up_quote_built_without_the_archive_is_not_verified(tmp_path):
    project = make_project(tmp_path / "p")
    assert _verified(project, tmp_path, "with")["fixture-narration"] == "true"
    (tmp_path / "with" / "out" / "quote-checks.csv").replace(
        Path(project.root) / "quote-checks.csv"
    )
    narration = Path(project.root) / "records/statement/fixture-narration.yaml"
    narration.write_text(
        narration.read_text(encoding="utf-8").replace("10 passengers", "12 passengers"),
        encoding="utf-8",
    )
    project.sources_dir = None
    assert _verified(project, tmp_path, "without") == {
        "fixture-narration": "false",
        "fixture-statement": "true",
    }
    # The build without the archive keeps the record of checks as it was.
    assert (tmp_path / "without" / "out" / "quote-checks.csv").read_bytes() == (
        Path(project.root) / "quote-checks.csv"
    ).read_bytes()


def test_without_the_archive_and_no_record_of_checks_no_quote_is_verified(tmp_path):
    project = make_project(tmp_path / "p")
    project.sources_dir = None
    assert set(_verified(project, tmp_path, "none").values()) == {"false"}


def test_paraphrase_and_source_count(tmp_path):
    files = case_files(REPO / "tests/cases/rules/valid-carried-by")
    project = make_project(tmp_path / "p", files)
    assert _column(project, tmp_path / "a", "statements", "paraphrased") == {
        "fixture-narration": "false",
        "fixture-statement": "false",
        "fixture-translated": "true",
    }
    assert _column(project, tmp_path / "b", "statements", "source_count") == {
        "fixture-narration": "1",
        "fixture-statement": "1",
        "fixture-translated": "3",
    }


def test_a_claim_counts_actors_and_countries_not_statements(tmp_path):
    # The outlet asserts in two statements, the person (of the state's country) denies: one actor each side.
    positions = [
        ("fixture-outlet", "asserts", "fixture-narration"),
        ("fixture-outlet", "suggests", "fixture-narration"),
        ("fixture-person", "denies", "fixture-statement"),
    ]
    body = "".join(
        f"  - actor_id: {a}\n    stance: {s}\n    basis: {'hedged' if s == 'suggests' else 'explicit'}\n    statement_id: {st}\n"
        for a, s, st in positions
    )
    head = base_record("records/claim/fixture-claim.yaml").split("positions:")[0]
    project = make_project(
        tmp_path / "p", {"records/claim/fixture-claim.yaml": head + "positions:\n" + body}
    )
    out = tmp_path / "out"
    assert build_package(project, str(out)).ok
    with open(out / "data" / "claims.csv", encoding="utf-8", newline="") as fh:
        row = next(csv.DictReader(fh))
    counts = {k: row[k] for k in ("actors_for", "actors_against", "actors_other", "source_count")}
    assert counts == {
        "actors_for": "1",
        "actors_against": "1",
        "actors_other": "0",
        "source_count": "1",
    }
    with open(out / "data" / "claim_actors.csv", encoding="utf-8", newline="") as fh:
        rows = [
            (r["actor_id"], r["side"], r["stances"], r["statement_count"])
            for r in csv.DictReader(fh)
        ]
    assert rows == [
        ("fixture-outlet", "for", "asserts suggests", "1"),
        ("fixture-person", "against", "denies", "1"),
    ]
