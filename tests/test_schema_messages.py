"""Messages for what the project's schemas do not use today: a keyword
without a message of its own, an allOf rule broken in another way."""

from __future__ import annotations

from jsonschema.exceptions import ValidationError

from il76_claims.check.schema import _describe, _message, json_marks


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


def test_json_marks_places_each_value_of_a_json_text():
    assert json_marks('{"a": [1, 2]}') == {
        "$": (1, 1),
        "$.a": (1, 7),
        "$.a[0]": (1, 8),
        "$.a[1]": (1, 11),
    }


def test_json_marks_gives_no_places_for_json_that_yaml_cannot_read_or_an_empty_text():
    # A tab before a value is JSON whitespace but no YAML indentation.
    assert json_marks('{"a":\t1}') == {}
    assert json_marks("") == {}
