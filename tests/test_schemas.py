"""SchemaSet.walk: the one walk over a schema's properties that the
multiline fields, references, table layout, codebook and fmt's order read."""

from __future__ import annotations

from conftest import REPO
from il76_claims.model.schemas import SchemaSet

SCHEMAS = SchemaSet(str(REPO / "schemas"))


def test_walk_gives_each_list_s_item_fields_right_after_the_list():
    walked = [
        (p.parent.name if p.parent else None, p.name, p.required)
        for p in SCHEMAS.walk(SCHEMAS.kinds["claim"])
    ]
    assert walked[:6] == [
        (None, "id", True),
        (None, "proposition", True),
        (None, "topic", True),
        (None, "event_id", True),
        (None, "relations", True),
        ("relations", "relation", True),
    ]
    assert walked[-6:] == [
        ("positions", "statement_id", True),
        ("positions", "notes", False),
        (None, "notes", False),
        (None, "former_ids", False),
        ("former_ids", "id", True),
        ("former_ids", "version", True),
    ]


def test_walk_follows_refs_of_properties_and_items():
    walked = {p.name: p for p in SCHEMAS.walk(SCHEMAS.kinds["statement"]) if p.parent is None}
    # "quote" is a $ref to common.schema.json's text; its annotations come along.
    assert walked["quote"].schema.get("x-multiline") is True
    assert "$ref" in walked["quote"].node or "anyOf" in walked["quote"].node
    # relayed_by is a list of references: its items resolve to the id pattern.
    assert walked["relayed_by"].items["pattern"] == "^[a-z0-9]+(-[a-z0-9]+)*$"
    assert walked["id"].items is None


def test_walk_of_a_schema_without_properties_yields_nothing():
    assert list(SCHEMAS.walk({"type": "string"})) == []
