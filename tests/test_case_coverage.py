"""Every rule the schemas state, and every reference field, has a failing case.

The rules are read from schemas/ (not listed by hand), so a field, a
constraint or a codelist added to a schema without a case under
tests/cases/ makes this test fail and names what is missing.
"""

from __future__ import annotations

import json
import re
from functools import cache

import pytest

from conftest import REPO
from il76_claims.check.references import reference_fields
from il76_claims.model.schemas import KINDS, SchemaSet

CASES = REPO / "tests" / "cases"

# keyword -> (code, words the message must contain)
RULES = {
    "type": ("S003", "is not of type"),
    "enum": ("S004", "is not in the codelist"),
    "pattern": ("S005", ""),
    "format": ("S006", "is not a"),
    "minimum": ("S007", "is less than the minimum"),
    "maximum": ("S007", "is more than the maximum"),
    "minLength": ("S007", "must have at least"),
    "maxLength": ("S007", "characters; the maximum is"),
    "minItems": ("S007", "must have at least"),
    "maxItems": ("S007", "items; the maximum is"),
    "uniqueItems": ("S009", "repeats an item"),
}

_LINE = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): \[(?P<code>[A-Z]\d{3})\] (?P<message>.*)$"
)
_FIELD = re.compile(r"^(?P<field>[a-z0-9_]+)(?:\[\d+\])?: ")


@cache
def _schemas() -> SchemaSet:
    return SchemaSet(str(REPO / "schemas"))


@cache
def _lines(group: str) -> tuple[tuple[str, str, str, str], ...]:
    """(kind, code, field or '', message) of every expected line in a group."""
    out = []
    for expected in sorted((CASES / group).glob("*/expected.txt")):
        for line in expected.read_text(encoding="utf-8").splitlines():
            m = _LINE.match(line)
            assert m, f"{expected}: not a problem line: {line!r}"
            path = m["path"]
            kind = "dataset" if path == "dataset.yaml" else path.split("/")[1]
            f = _FIELD.match(m["message"])
            out.append((kind, m["code"], f["field"] if f else "", m["message"]))
    return tuple(out)


def _origin(kind: str, name: str, node: dict) -> list[tuple[str, dict]]:
    """Where each part of a property's schema is defined: a shared
    definition or codelist is one rule wherever it is used; a constraint
    written on the property itself is that property's own rule."""
    parts = [
        (f"{kind}.{name}", {k: v for k, v in node.items() if k not in ("$ref", "anyOf", "items")})
    ]
    refs = (
        [node["$ref"]]
        if "$ref" in node
        else [n["$ref"] for n in node.get("anyOf", []) if "$ref" in n]
    )
    for ref in refs:
        parts.append((ref, _schemas()._deref(ref)))
    return parts


def _objects():
    """(kind, object schema) for each record kind, dataset.yaml, and each
    list of mappings inside them."""
    s = _schemas()
    for kind, doc in {**{k: s.kinds[k] for k in KINDS}, "dataset": s.dataset}.items():
        yield kind, doc
        for prop in doc["properties"].values():
            items = prop.get("items")
            if isinstance(items, dict) and "properties" in items:
                yield kind, items


def _rules() -> dict[tuple[str, str], set[tuple[str, str]]]:
    """(where the rule is defined, keyword) -> the (kind, field) pairs it applies to."""
    rules: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for kind, obj in _objects():
        for name, prop in obj["properties"].items():
            nodes = [prop]
            if isinstance(prop.get("items"), dict) and "properties" not in prop["items"]:
                nodes.append(prop["items"])  # a list of ids: each item is checked too
            for node in nodes:
                for where, schema in _origin(kind, name, node):
                    for keyword in RULES:
                        if keyword in schema:
                            rules.setdefault((where, keyword), set()).add((kind, name))
    return rules


def _rule_ids():
    return [
        pytest.param(key, users, id=f"{key[0]}:{key[1]}") for key, users in sorted(_rules().items())
    ]


@pytest.mark.parametrize("key,users", _rule_ids())
def test_every_schema_rule_has_a_failing_case(key, users):
    where, keyword = key
    code, words = RULES[keyword]
    hits = [
        m
        for kind, c, field, m in _lines("schema")
        if c == code and (kind, field) in users and words in m
    ]
    assert hits, (
        f"no case under tests/cases/schema/ fails rule {keyword!r} of {where} ({code}, used by {sorted(users)})"
    )


def test_every_required_field_has_a_failing_case():
    found = {(kind, m.split("'")[1]) for kind, c, _, m in _lines("schema") if c == "S001"}
    missing = [
        (kind, name)
        for kind, obj in _objects()
        for name in obj.get("required", [])
        if (kind, name) not in found
    ]
    assert not missing, f"required fields never reported missing by a case: {missing}"


def test_every_closed_object_has_an_unknown_field_case():
    kinds = {kind for kind, c, _, m in _lines("schema") if c == "S002"}
    assert {kind for kind, obj in _objects() if obj.get("additionalProperties") is False} <= kinds
    assert any("did you mean" in m for _, c, _, m in _lines("schema") if c == "S002")
    assert any("allowed fields:" in m for _, c, _, m in _lines("schema") if c == "S002")


def test_every_codelist_has_its_own_case():
    # A codelist of a column the build computes (claim_status) is in no record.
    names = {d.name for d in (CASES / "schema").iterdir()}
    used = {
        ref.split("/")[1].removesuffix(".json")
        for _, obj in _objects()
        for prop in obj["properties"].values()
        for ref in re.findall(r'"(codelists/[^"]+)"', json.dumps(prop))
    }
    missing = [
        n for n in _schemas().codelists if n in used and "enum-" + n.replace("_", "-") not in names
    ]
    assert not missing, f"codelists without a tests/cases/schema/enum-<codelist> case: {missing}"


def test_every_all_of_rule_has_a_failing_case():
    s = _schemas()
    for kind in KINDS:
        for rule in s.kinds[kind].get("allOf", []):
            hits = [
                m
                for k, c, _, m in _lines("schema")
                if k == kind and c == "S008" and m.startswith(rule["description"] + " (")
            ]
            assert hits, f"allOf rule of {kind} never broken by a case: {rule['description']!r}"


@pytest.mark.parametrize("code", ["X003", "X004"])
def test_every_reference_field_has_a_failing_case(code):
    s = _schemas()
    found = {(kind, field) for kind, c, field, _ in _lines("crossref") if c == code}
    missing = [
        (kind, sub or name)
        for kind in KINDS
        for name, sub, _ in reference_fields(s, kind)
        if (kind, sub or name) not in found
    ]
    assert not missing, f"reference fields without a {code} case: {missing}"


# Each consistency rule, with each kind it applies to.
X005_RULES = [
    ("event", "must be later than date"),
    ("source", "must be later than date"),
    ("statement", "must be later than date"),
    ("statement", "blocks of source"),
    ("casualty_figure", "blocks of source"),
    ("casualty_figure", "is not the sum of derived_from"),
    ("casualty_figure", "is greater than count_high"),
]


@pytest.mark.parametrize("kind,words", X005_RULES)
def test_every_consistency_rule_has_a_failing_case(kind, words):
    assert any(k == kind and c == "X005" and words in m for k, c, _, m in _lines("crossref"))


@pytest.mark.parametrize("code", ["X001", "X002"])
def test_ids_have_failing_cases(code):
    assert any(c == code for _, c, _, _ in _lines("crossref"))


@pytest.mark.parametrize("group", ["schema", "crossref"])
def test_each_group_has_passing_cases(group):
    passing = [
        e
        for e in (CASES / group).glob("valid-*/expected.txt")
        if e.read_text(encoding="utf-8") == ""
    ]
    assert len(passing) >= 5
