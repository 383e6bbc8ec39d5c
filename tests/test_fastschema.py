"""The compiled validity check must agree with jsonschema on every record:
a wrong "valid" would hide an error. Records are valid fixture records with
random fields replaced, removed or added."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import BASE, REPO
from il76_claims import loader
from il76_claims.fastschema import FastValidity, for_schemas
from il76_claims.schema_check import SchemaChecker, _compiled
from il76_claims.schemas import KINDS, SchemaSet

SCHEMAS = SchemaSet(str(REPO / "schemas"))
FAST = for_schemas(SCHEMAS)
JSONSCHEMA = SchemaChecker(SCHEMAS).validators


def _base_records() -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {"dataset": []}
    files, _ = loader.discover(str(BASE), KINDS)
    for f in files:
        rec, problems = loader.load_file(f.path, f.abspath, f.kind)
        assert rec is not None and not problems
        out.setdefault(f.kind, []).append(rec.data)
    rec, _ = loader.load_file("dataset.yaml", str(BASE / "dataset.yaml"), "dataset")
    out["dataset"].append(rec.data)
    return out


BASE_RECORDS = _base_records()
CODES = sorted({code for cl in SCHEMAS.codelists.values() for code in cl.codes})[:60]
FIELDS = sorted(
    {name for doc in [*SCHEMAS.kinds.values(), SCHEMAS.dataset] for name in doc["properties"]}
    | {name for doc in SCHEMAS.kinds.values() for p in doc["properties"].values() if isinstance(p.get("items"), dict) for name in p["items"].get("properties", {})}
)

# Every value each field name has anywhere in the base records.
NEAR: dict[str, list] = {}
for _records in BASE_RECORDS.values():
    for _record in _records:
        for _key, _value in _record.items():
            NEAR.setdefault(_key, []).append(_value)

TRICKY_TEXT = [
    "", " ", "x", "NO", "abc", "Abc", "a--b", "a-b", "-a", "a" * 80, "a" * 81, "x" * 1000, "x" * 1001,
    "2024-01-24", "2024-02-29", "2023-02-29", "2024-02-30", "2024-1-24", "2024-01-24\n", "24-01-2024",
    "https://example.org/a", "http://example.org/a b", "https://", "ftp://example.org/", "not a url",
    "Q1", "Q0", "Q12\n", "en", "en-GB", "EN", "ru-Cyrl-RU", "0" * 64, "f" * 63, "F" * 64,
    "1.2.3", "01.2.3", "1.2", "derived", "stated", "range", "day", "asserts", "abc\n",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=3),
    st.sampled_from([0, 1, 4, 5, 10000, 10001, 100000, 100001, 2**70]),
    st.sampled_from([0.0, 1.0, 1.5, -1.0, 1e6]),
    st.sampled_from(TRICKY_TEXT),
    st.sampled_from(CODES),
    st.text(max_size=5),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(FIELDS + ["extra"]), inner, max_size=4),
    ),
    max_leaves=8,
)


@st.composite
def mutated(draw):
    kind = draw(st.sampled_from(list(BASE_RECORDS)))
    record = copy.deepcopy(draw(st.sampled_from(BASE_RECORDS[kind])))
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
        action = draw(st.sampled_from(["set", "set", "swap", "swap", "delete", "item", "add"]))
        keys = list(record)
        if action == "set" and keys:
            record[draw(st.sampled_from(keys))] = draw(values)
        elif action == "swap" and keys:
            # a value that is right somewhere else: near misses are where a
            # compiled check would most likely differ
            key = draw(st.sampled_from(keys))
            record[key] = copy.deepcopy(draw(st.sampled_from(NEAR.get(key) or [None])))
        elif action == "delete" and keys:
            del record[draw(st.sampled_from(keys))]
        elif action == "add":
            record[draw(st.sampled_from(FIELDS + ["extra"]))] = draw(values)
        elif action == "item":
            lists = [k for k in keys if isinstance(record[k], list) and record[k]]
            if lists:
                items = record[draw(st.sampled_from(lists))]
                i = draw(st.integers(min_value=0, max_value=len(items) - 1))
                if isinstance(items[i], dict) and items[i] and draw(st.booleans()):
                    items[i][draw(st.sampled_from(list(items[i])))] = draw(values)
                else:
                    items[i] = draw(values)
    return kind, record


POOL = [None, True, False, -1, 0, 1, 4, 5, 10000, 10001, 100000, 100001, 1.0, 1.5, *TRICKY_TEXT, [], [None], ["a", "a"], {}]


def _single_changes():
    """Every record of the base with one field (or one list item's field)
    set to each pool value, each near value, or removed."""
    for kind, records in BASE_RECORDS.items():
        for record in records:
            for key in list(record):
                near = NEAR.get(key, [])
                doubled = [v + v for v in near if isinstance(v, list) and v]
                for value in [*POOL, *near, *doubled, "missing"]:
                    changed = copy.deepcopy(record)
                    if value == "missing":
                        del changed[key]
                    else:
                        changed[key] = copy.deepcopy(value)
                    yield kind, changed
                for i, item in enumerate(record[key] if isinstance(record[key], list) else []):
                    for sub in item if isinstance(item, dict) else []:
                        for value in [*POOL, *NEAR.get(sub, []), "missing"]:
                            changed = copy.deepcopy(record)
                            if value == "missing":
                                del changed[key][i][sub]
                            else:
                                changed[key][i][sub] = copy.deepcopy(value)
                            yield kind, changed


def test_fast_check_agrees_on_every_single_field_change():
    cases = 0
    for kind, record in _single_changes():
        cases += 1
        assert FAST.is_valid(kind, record) == JSONSCHEMA[kind].is_valid(record), (kind, json.dumps(record, default=str)[:500])
    assert cases > 5000


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_fast_check_agrees_with_jsonschema(case):
    kind, record = case
    assert FAST.is_valid(kind, record) == JSONSCHEMA[kind].is_valid(record), json.dumps(record, default=str)[:500]


def test_every_base_record_is_valid_on_the_fast_path():
    for kind, records in BASE_RECORDS.items():
        for record in records:
            assert FAST.is_valid(kind, record), kind


def test_every_schema_is_compiled():
    # A keyword the compiler does not know sends every record of that kind
    # to jsonschema: still correct, but slow. This says which one it was.
    assert FAST.unsupported == {}
    assert set(FAST.checks) == set(KINDS) | {"dataset"}


class _FakeSchemas:
    def __init__(self, doc):
        self.kinds = {"actor": doc}
        self.dataset = {"$id": "dataset.schema.json", "type": "object"}
        self.documents = {doc["$id"]: doc, "dataset.schema.json": self.dataset}


@pytest.mark.parametrize(
    "schema, reason",
    [
        ({"oneOf": [{"type": "string"}]}, "keyword oneOf"),
        ({"properties": {"a": {"not": {}}}}, "keyword not"),
        ({"additionalProperties": {"type": "string"}}, "additionalProperties with a schema"),
        ({"$ref": "other.json"}, "$ref to an unknown document other.json"),
        ({"$ref": "#/$defs/a", "$defs": {"a": {"$ref": "#/$defs/a"}}}, "recursive $ref actor.schema.json#/$defs/a"),
        ({"enum": [1, 2]}, "enum of values other than text"),
        ({"properties": {"a": {"$id": "x.json"}}}, "$id inside a document"),
        ({"ref": "x"}, "keyword ref"),
    ],
)
def test_unknown_schema_features_fall_back_to_jsonschema(schema, reason):
    fast = FastValidity(_FakeSchemas({"$id": "actor.schema.json", **schema}), lambda x, f: True, _compiled)
    assert fast.unsupported == {"actor": reason}
    assert fast.is_valid("actor", {"a": "b"}) is False


def test_values_the_loader_never_makes_go_to_jsonschema():
    record = copy.deepcopy(BASE_RECORDS["actor"][0])
    record["name"] = type("Text", (str,), {})("Name")
    assert FAST.is_valid("actor", record) is False
    record = copy.deepcopy(BASE_RECORDS["statement"][0])
    record["relayed_by"] = [1, True]
    assert FAST.is_valid("statement", record) is False  # uniqueness of non-text items: jsonschema decides
