"""Messages for what the project's schemas do not use today: a keyword
without a message of its own, an allOf rule broken in another way."""

from __future__ import annotations

from jsonschema.exceptions import ValidationError

from il76_claims.check.schema import _describe, _message


def test_a_keyword_without_a_message_of_its_own_is_worded_by_jsonschema():
    err = ValidationError(
        "{'a': 1} has too few properties",
        validator="minProperties",
        validator_value=2,
        instance={"a": 1},
        schema={"minProperties": 2},
    )
    assert _message(err, "notes") == ("S009", "notes: {'a': 1} has too few properties")


def test_a_rule_broken_by_another_keyword_is_described_by_jsonschema():
    err = ValidationError(
        "'x' is not one of ['a', 'b']",
        validator="enum",
        validator_value=["a", "b"],
        instance="x",
        schema={"enum": ["a", "b"]},
    )
    assert _describe(err, "basis") == "basis: 'x' is not one of ['a', 'b']"
