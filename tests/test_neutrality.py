"""The loaded-terms list and the neutrality check (T006) beyond the case
folders under tests/cases/neutrality."""

from __future__ import annotations

import json

import pytest

from conftest import REPO, base_record, make_project
from il76_claims.check.neutrality import KINDS_OF_TERM, check_records, load_terms
from il76_claims.check.run import check
from il76_claims.check.strict_yaml import parse
from il76_claims.model.project import Project, default_sources_dir
from il76_claims.model.schemas import SchemaError

TERMS = load_terms(str(REPO / "schemas"))


def _record(text: str, path="records/statement/x.yaml"):
    _, rec, problems = parse(path, text)
    assert problems == []
    rec.kind = "statement"
    return rec


def test_every_term_is_documented():
    assert len(TERMS.terms) >= 30
    for term in TERMS.terms:
        assert term.kind in KINDS_OF_TERM
        assert term.why.endswith(".") and term.neutral
        assert term.term.lower() in (f.lower() for f in term.match)


def test_both_sides_vocabularies_are_listed():
    forms = set(TERMS.by_form)
    # Russian official usage, Ukrainian usage, and words both sides use.
    assert {"regime", "militants", "junta", "special military operation", "kiev"} <= forms
    assert {"orcs", "rashists", "occupiers", "aggressor"} <= forms
    assert {"terrorist", "so-called", "puppet", "neo-nazi"} <= forms


def test_whole_words_only_and_any_case():
    def found(text):
        return [m.group() for m in TERMS.pattern.finditer(text)]

    assert found("the Regime and the REGIMES") == ["Regime", "REGIMES"]
    assert found("a regimental band, a Kievan chronicle, the occupants, terrorise") == []
    assert found("so-called and so called") == ["so-called"]
    assert found("neo-Nazis") == ["neo-Nazis"]
    assert found("Kiev’s streets") == ["Kiev"]


def test_quote_fields_are_not_checked():
    rec = _record("id: x\nquote: militants of the regime\nsummary: Ukrainian forces\n")
    assert check_records([rec], TERMS) == []


def test_mentions_in_notes_are_accepted_unverified_without_archives():
    rec = _record("id: x\nnotes: The source says “militants”.\n")
    assert check_records([rec], TERMS, None) == []
    assert check_records([rec], TERMS, ["The text says soldiers."])[0].code == "T006"
    assert check_records([rec], TERMS, ["They were militants, it said."]) == []


def test_quotation_marks_do_not_excuse_other_fields():
    rec = _record("id: x\nsummary: The ministry named “militants”.\n")
    assert [
        p.message.split(";")[0] for p in check_records([rec], TERMS, ["named “militants”"])
    ] == ["summary: loaded term “militants” (label)"]


def test_a_later_unquoted_use_is_reported_after_an_accepted_mention():
    rec = _record("id: x\nnotes: The source says “militants”; so do we, militants.\n")
    problems = check_records([rec], TERMS, ["said militants"])
    assert [(p.line, p.code) for p in problems] == [(2, "T006")]
    assert "(label)" in problems[0].message


def test_the_real_records_use_no_loaded_term():
    result = check(Project(str(REPO), default_sources_dir(str(REPO))))
    assert [p for p in result.problems if p.code == "T006"] == []


@pytest.mark.parametrize(
    "doc, message",
    [
        ({"terms": []}, "needs a non-empty 'terms' list"),
        (
            {"terms": [{"term": "x", "match": ["x"], "kind": "label", "why": "w."}]},
            "terms[0]: each entry has exactly the keys",
        ),
        (
            {"terms": [{"term": "x", "match": ["x"], "kind": "rude", "why": "w.", "neutral": "y"}]},
            "kind 'rude' is not one of",
        ),
        (
            {"terms": [{"term": "x", "match": ["x"], "kind": "label", "why": " ", "neutral": "y"}]},
            "terms[0]: term, kind, why and neutral are non-empty text",
        ),
        (
            {
                "terms": [
                    {"term": "x", "match": [" x"], "kind": "label", "why": "w.", "neutral": "y"}
                ]
            },
            "match is a non-empty list",
        ),
        (
            {
                "terms": [
                    {"term": "x", "match": ["x"], "kind": "label", "why": "w.", "neutral": "y"},
                    {"term": "y", "match": ["X"], "kind": "label", "why": "w.", "neutral": "y"},
                ]
            },
            "terms[1]: form 'X' is already listed under 'x'",
        ),
    ],
)
def test_a_broken_terms_file_is_a_schema_error(tmp_path, doc, message):
    (tmp_path / "loaded-terms.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(SchemaError, match=message.replace("(", r"\(").replace("[", r"\[")):
        load_terms(str(tmp_path))


def test_a_missing_terms_file_is_a_schema_error(tmp_path):
    with pytest.raises(SchemaError, match="cannot read the loaded-terms list"):
        load_terms(str(tmp_path))


def test_checker_reports_at_the_fields_line(tmp_path):
    narration = base_record("records/statement/fixture-narration.yaml").replace(
        "summary: The outlet states that ten passengers and two crew members were on board.",
        "summary: >-\n  The outlet states that ten\n  militants were on board.",
    )
    project = make_project(tmp_path / "p", {"records/statement/fixture-narration.yaml": narration})
    problems = check(project).problems
    assert [(p.path, p.line, p.col, p.code) for p in problems] == [
        ("records/statement/fixture-narration.yaml", 12, 10, "T006")
    ]


def test_codes_dates_urls_and_references_are_not_the_projects_text(tmp_path):
    from il76_claims.check.neutrality import skipped_fields
    from il76_claims.model.schemas import SchemaSet

    skipped = skipped_fields(SchemaSet(str(REPO / "schemas")))
    assert {"quote", "speaker_id", "relayed_by", "setting", "date", "date_precision"} <= skipped[
        "statement"
    ]
    assert {"url", "publisher_id", "date"} <= skipped["source"]
    assert {"actor_id", "statement_id", "stance"} <= skipped["claim"]
    assert not {"id", "summary", "notes"} & skipped["statement"]
    assert not {"id", "name", "role", "notes"} & skipped["actor"]
    source = base_record("records/source/fixture-source.yaml").replace(
        "https://example.org/fixture-article", "https://example.org/the-kiev-regime"
    )
    project = make_project(tmp_path / "p", {"records/source/fixture-source.yaml": source})
    assert check(project).problems == []


def test_the_policy_lists_every_term():
    policy = (REPO / "docs" / "editorial-policy.md").read_text(encoding="utf-8")
    for term in TERMS.terms:
        assert f"| {term.term} | {term.kind} |" in policy
