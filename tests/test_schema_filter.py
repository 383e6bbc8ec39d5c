"""jsonschema-rs, the yes/no filter in front of jsonschema, must give
jsonschema's verdict on every record: a wrong "valid" would hide an error,
a wrong "invalid" would make jsonschema word problems it does not find.
Records are valid fixture records with random fields replaced, removed or
added, formats (dates, URLs) and patterns included."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import BASE, REPO, base_record, check_lines
from il76_claims.check import strict_yaml as loader
from il76_claims.check.files import discover
from il76_claims.check.schema import SchemaChecker
from il76_claims.model.schemas import KINDS, SchemaSet

SCHEMAS = SchemaSet(str(REPO / "schemas"))
CHECKER = SchemaChecker(SCHEMAS)
JSONSCHEMA = CHECKER.validators
FAST = CHECKER.fast


def _base_records() -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {"dataset": []}
    files, _ = discover(str(BASE), KINDS)
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
    | {
        name
        for doc in SCHEMAS.kinds.values()
        for p in doc["properties"].values()
        if isinstance(p.get("items"), dict)
        for name in p["items"].get("properties", {})
    }
)

# Every value each field name has anywhere in the base records.
NEAR: dict[str, list] = {}
for _records in BASE_RECORDS.values():
    for _record in _records:
        for _key, _value in _record.items():
            NEAR.setdefault(_key, []).append(_value)

TRICKY_TEXT = [
    "",
    " ",
    "x",
    "NO",
    "abc",
    "Abc",
    "a--b",
    "a-b",
    "-a",
    "a" * 80,
    "a" * 81,
    "x" * 1000,
    "x" * 1001,
    "2024-01-24",
    "2024-02-29",
    "2023-02-29",
    "2024-02-30",
    "2024-1-24",
    "2024-01-24\n",
    "24-01-2024",
    "https://example.org/a",
    "http://example.org/a b",
    "https://",
    "ftp://example.org/",
    "not a url",
    "https://例え.jp/",
    "https://example.org/%zz",
    "https://example.org/?q=a b",
    "//example.org",
    "HTTPS://EXAMPLE.ORG",
    "https://example.org:99999/",
    "http://[::1]/",
    "mailto:x@example.org",
    "https://example.org/#a#b",
    "2024-13-01",
    "0000-01-01",
    "2024-02-29T00:00:00",
    "2024-01-24 ",
    "２０２４-01-24",
    "Q1",
    "Q0",
    "Q12\n",
    "en",
    "en-GB",
    "EN",
    "ru-Cyrl-RU",
    "0" * 64,
    "f" * 63,
    "F" * 64,
    "1.2.3",
    "01.2.3",
    "1.2",
    "derived",
    "stated",
    "range",
    "day",
    "asserts",
    "abc\n",
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
        st.dictionaries(st.sampled_from([*FIELDS, "extra"]), inner, max_size=4),
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
            record[draw(st.sampled_from([*FIELDS, "extra"]))] = draw(values)
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


POOL = [
    None,
    True,
    False,
    -1,
    0,
    1,
    4,
    5,
    10000,
    10001,
    100000,
    100001,
    1.0,
    1.5,
    *TRICKY_TEXT,
    [],
    [None],
    ["a", "a"],
    {},
]


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


@pytest.mark.slow
def test_filter_agrees_on_every_single_field_change():
    cases = 0
    for kind, record in _single_changes():
        cases += 1
        assert FAST[kind].is_valid(record) == JSONSCHEMA[kind].is_valid(record), (
            kind,
            json.dumps(record, default=str)[:500],
        )
    assert cases > 5000


@settings(
    max_examples=500,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(mutated())
def test_filter_agrees_with_jsonschema(case):
    kind, record = case
    assert FAST[kind].is_valid(record) == JSONSCHEMA[kind].is_valid(record), json.dumps(
        record, default=str
    )[:500]


def test_every_base_record_passes_the_filter():
    for kind, records in BASE_RECORDS.items():
        for record in records:
            assert FAST[kind].is_valid(record), kind


def test_a_record_the_filter_refuses_gets_jsonschema_problems(project_with):
    record = base_record("records/actor/fixture-person.yaml").replace(
        "actor_type: person", "actor_type: persn"
    )
    assert check_lines(project_with({"records/actor/fixture-person.yaml": record})) == [
        "records/actor/fixture-person.yaml:2:13: [S004] actor_type: 'persn' is not in the codelist; use one of: person, state, government_body, organization, media_outlet, intergovernmental_organization, unnamed_source, group"
    ]
