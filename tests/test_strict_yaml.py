"""The strict YAML loader, value by value: what it refuses, where it says
so, and that what it accepts is exactly the text that was written."""

from __future__ import annotations

import pytest
import yaml

from conftest import check_lines
from il76_claims.check import strict_yaml as loader
from il76_claims.check.strict_yaml import (
    MAX_DEPTH,
    MAX_PROBLEMS_PER_FILE,
    MAX_SCALAR_CHARS,
    decode,
    parse,
)


def load(text: str):
    """(data, [(line, col, code)], record) for a file's text."""
    decoded, problems = decode("x.yaml", text.encode("utf-8"))
    if decoded is None:
        return None, [(p.line, p.col, p.code) for p in problems], None
    data, rec, problems = parse("x.yaml", decoded)
    return data, [(p.line, p.col, p.code) for p in problems], rec


# --- plain scalars that YAML 1.1 and 1.2 read differently -----------------

AMBIGUOUS = [
    # booleans in YAML 1.1, in any letter case
    ("NO", "Y003"),
    ("no", "Y003"),
    ("No", "Y003"),
    ("nO", "Y003"),
    ("yes", "Y003"),
    ("YES", "Y003"),
    ("y", "Y003"),
    ("Y", "Y003"),
    ("n", "Y003"),
    ("N", "Y003"),
    ("on", "Y003"),
    ("ON", "Y003"),
    ("off", "Y003"),
    ("Off", "Y003"),
    ("True", "Y003"),
    ("FALSE", "Y003"),
    ("tRuE", "Y003"),
    # null spellings other than null
    ("~", "Y003"),
    ("Null", "Y003"),
    ("NULL", "Y003"),
    # the YAML 1.1 value key
    ("=", "Y003"),
    # timestamps with a time part
    ("2024-01-24T10:00:00", "Y003"),
    ("2024-01-24 10:00:00", "Y003"),
    ("2024-1-24t10:00:00.5Z", "Y003"),
    ("2024-01-24 10:00:00 +03:00", "Y003"),
    # integers written so that versions disagree
    ("012", "Y004"),
    ("00", "Y004"),
    ("08", "Y004"),
    ("-012", "Y004"),
    ("+12", "Y004"),
    ("-0", "Y004"),
    ("1_000", "Y004"),
    ("0x1F", "Y004"),
    ("0o17", "Y004"),
    ("0b101", "Y004"),
    ("12:30", "Y004"),
    ("1:20:30", "Y004"),
    ("190:20:30.15", "Y004"),
    # floats
    ("1e3", "Y014"),
    ("1E+3", "Y014"),
    ("3.0", "Y014"),
    ("3.", "Y014"),
    (".5", "Y014"),
    ("-2.5e-3", "Y014"),
    ("1_0.5", "Y014"),
    (".nan", "Y014"),
    (".NaN", "Y014"),
    (".NAN", "Y014"),
    (".inf", "Y014"),
    ("-.inf", "Y014"),
    ("+.Inf", "Y014"),
    (".INF", "Y014"),
]


@pytest.mark.parametrize("plain,code", AMBIGUOUS, ids=[a for a, _ in AMBIGUOUS])
def test_ambiguous_plain_scalar_is_reported_and_kept_as_written(plain, code):
    data, problems, rec = load(f"id: x\nvalue: {plain}\n")
    assert problems == [(2, 8, code)]
    assert data["value"] == plain  # kept as the text written, never converted
    assert "$.value" in rec.reported


@pytest.mark.parametrize("plain", ["NO", "012", "1e3", "12:30", ".nan"])
def test_quoting_an_ambiguous_value_makes_it_text(plain):
    for quoted in (f"'{plain}'", f'"{plain}"'):
        data, problems, _ = load(f"value: {quoted}\n")
        assert problems == [] and data == {"value": plain}


PLAIN_OK = [
    # (written, read as)
    ("0", 0),
    ("7", 7),
    ("-3", -3),
    ("100000", 100000),
    ("999999999999999999", 999999999999999999),
    ("null", None),
    ("true", True),
    ("false", False),
    ("2024-01-24", "2024-01-24"),  # an unquoted ISO date is kept as its exact text
    ("2024-02-30", "2024-02-30"),  # impossible, but the schema says so (S006), not the loader
    ("1.0.0", "1.0.0"),
    ("0.0.1", "0.0.1"),
    ("1,000", "1,000"),
    ("+972 3 555 0100", "+972 3 555 0100"),
    ("-dash first", "-dash first"),
    ("Q212", "Q212"),
    ("a#b", "a#b"),
    ("x=1", "x=1"),
    ("yesterday", "yesterday"),
    ("Nord Stream", "Nord Stream"),
    ("Белгород", "Белгород"),
    ("بيلغورود", "بيلغورود"),
    ("👍", "👍"),
    ("O'Neil", "O'Neil"),
    (".", "."),
    ("._", "._"),
    ("1e", "1e"),
    ("12:60", "12:60"),
    ("0xG", "0xG"),
]


@pytest.mark.parametrize("plain,value", PLAIN_OK, ids=[a for a, _ in PLAIN_OK])
def test_unambiguous_plain_scalar_is_read_exactly(plain, value):
    data, problems, _ = load(f"value: {plain}\n")
    assert problems == []
    assert data["value"] == value and type(data["value"]) is type(value)


def test_booleans_are_not_integers():
    data, _, _ = load("a: true\nb: 1\n")
    assert data["a"] is True and type(data["b"]) is int


def test_integer_with_too_many_digits_is_refused_before_conversion():
    # int() of a long digit string is slow and limited in Python; the loader
    # refuses it by length first.
    data, problems, rec = load("count: " + "9" * 5000 + "\n")
    assert problems == [(1, 8, "Y013")] and data["count"] is None and "$.count" in rec.reported


# --- comments, multi-line plain text, empty values --------------------------


def test_comment_after_plain_text_is_reported_at_the_value():
    data, problems, _ = load("name: Привет, мир #1 fan\n")
    assert problems == [(1, 7, "Y005")] and data["name"] == "Привет, мир"


def test_comment_after_a_list_item_is_reported():
    _, problems, _ = load("items:\n  - first #1\n  - second\n")
    assert problems == [(2, 5, "Y005")]


@pytest.mark.parametrize(
    "text",
    [
        "name: 'A #1 fan'  # note\n",
        "name: A#1\n",
        "# a comment\nname: A\n",
        "name: |-\n  A #1 fan\n",
    ],
)
def test_hash_that_does_not_cut_a_value_is_fine(text):
    _, problems, _ = load(text)
    assert problems == []


def test_plain_text_over_several_lines_is_refused():
    data, problems, _ = load("summary: The agency said\n  it would.\nnext: x\n")
    assert problems == [(1, 10, "Y015")]
    assert data["summary"] == "The agency said it would." and data["next"] == "x"


def test_block_text_over_several_lines_is_fine():
    data, problems, _ = load("a: >-\n  one\n  two\nb: |-\n  one\n  two\n")
    assert problems == []
    assert data == {"a": "one two", "b": "one\ntwo"}


def test_quoted_text_over_several_lines_is_refused():
    data, problems, _ = load('a: "one\n  two"\nb: \'one\n\n  two\'\nc: "one\\ntwo"\n')
    assert problems == [(1, 4, "Y015"), (3, 4, "Y015")]
    assert data == {"a": "one two", "b": "one\ntwo", "c": "one\ntwo"}


def test_empty_value_points_at_its_key_line():
    data, problems, rec = load("name:\nrole: x\n")
    assert problems == [(1, 6, "Y011")] and data["name"] is None and "$.name" in rec.reported


# --- YAML features records have no use for -----------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("a: !!python/object:os.system x\n", [(1, 4, "Y006")]),
        ("a: !!python/name:os.system\n", [(1, 4, "Y006")]),
        ("a: !!binary aGk=\n", [(1, 4, "Y006")]),
        ("a: !!str 1\n", [(1, 4, "Y006")]),
        ("a: !x y\n", [(1, 4, "Y006")]),
        ("a: ! y\n", [(1, 4, "Y006")]),
        ("a: !<tag:example.org,2024:x> y\n", [(1, 4, "Y006")]),
        ("a: !!map {b: c}\n", [(1, 4, "Y006")]),
        ("a: &x 1\n", [(1, 4, "Y007")]),
        ("a: &x 1\nb: *x\n", [(1, 4, "Y007"), (2, 4, "Y007")]),
        ("<<: {a: 1}\nb: 2\n", [(1, 1, "Y007")]),
        ("a:\n  <<: {b: 1}\n", [(2, 3, "Y007")]),
    ],
)
def test_tags_anchors_aliases_and_merge_keys_are_refused(text, expected):
    _, problems, _ = load(text)
    assert problems == expected


def test_a_bad_node_is_skipped_and_the_rest_still_read():
    data, problems, rec = load("a: !x [1, 2]\nb: &y {c: 1}\nc: ok\nd: NO\n")
    assert problems == [(1, 4, "Y006"), (2, 4, "Y007"), (4, 4, "Y003")]
    assert data == {"a": None, "b": None, "c": "ok", "d": "NO"}
    assert {"$.a", "$.b", "$.d"} <= rec.reported and "$.c" not in rec.reported


def test_quoted_merge_key_is_an_ordinary_field_name():
    # Only a plain << is a merge key; quoted, it is text, and the schema
    # reports it as an unknown field.
    data, problems, _ = load('"<<": x\n')
    assert problems == [] and data == {"<<": "x"}


@pytest.mark.parametrize(
    "text,expected",
    [
        ("a: 1\n---\nb: 2\n", [(2, 1, "Y008")]),
        ("%YAML 1.1\n---\na: 1\n", [(1, 1, "Y008")]),
        ("%YAML 1.2\n---\na: 1\n", [(1, 1, "Y008")]),
        ("%TAG !e! tag:example.org,2024:\n---\na: 1\n", [(1, 1, "Y008")]),
        ("- a\n- b\n", [(1, 1, "Y009")]),
        ("just text\n", [(1, 1, "Y009")]),
        ("'quoted'\n", [(1, 1, "Y009")]),
        ("", [(1, 1, "Y011")]),
        ("\n\n", [(1, 1, "Y011")]),
        ("# only a comment\n", [(1, 1, "Y011")]),
        ("---\n", [(1, 1, "Y011")]),
        ("--- # x\n...\n", [(1, 1, "Y011")]),
    ],
)
def test_document_level_problems(text, expected):
    _data, problems, rec = load(text)
    assert problems == expected and rec is None


def test_document_markers_around_one_record_are_fine():
    data, problems, _ = load("---\na: 1\n...\n")
    assert problems == [] and data == {"a": 1}


@pytest.mark.parametrize(
    "text,message",
    [
        ("1: x\n", "unquoted key 1 is read as a number"),
        ("true: x\n", "unquoted key true is read as a boolean"),
        ("yes: x\n", "unquoted key yes is read as a boolean"),
        ("null: x\n", "unquoted key null is read as null"),
        ("~: x\n", "unquoted key ~ is read as null"),
        ("1.5: x\n", "unquoted key 1.5 is read as a number"),
        ("2024-01-24: x\n", "unquoted key 2024-01-24 is read as a date"),
        ("? [a]\n: x\n", "a key must be a field name, not a list or mapping"),
        ("? {a: b}\n: x\n", "a key must be a field name, not a list or mapping"),
        ("{[a]: x}\n", "a key must be a field name, not a list or mapping"),
        ('"": x\n', "empty key"),
        ("k" * 101 + ": x\n", "key of 101 characters"),
        ("!x a: y\n", "tag '!x' is not allowed"),
    ],
)
def test_keys_that_are_not_field_names(text, message):
    data, _, problems = parse("x.yaml", text)
    assert [p.code for p in problems] in (["Y010"], ["Y006"]) and message in problems[0].message
    assert data == {}


@pytest.mark.parametrize("key", ["'1'", '"true"', "'2024-01-24'", "name with spaces", "Name"])
def test_quoted_or_wordy_keys_are_text(key):
    data, problems, _ = load(f"{key}: x\n")
    assert problems == [] and list(data.values()) == ["x"]


def test_duplicate_keys_are_all_reported_and_the_first_kept():
    data, problems, rec = load("a: 1\nb: 2\na: 3\na: [4]\n")
    assert problems == [(3, 1, "Y002"), (4, 1, "Y002")]
    assert data == {"a": 1, "b": 2} and "$.a" in rec.reported


def test_duplicate_keys_inside_a_list_item():
    _, problems, _ = load("positions:\n  - actor: a\n    actor: b\n")
    assert problems == [(3, 5, "Y002")]


def test_flow_style_is_read_like_block_style():
    flow, p1, _ = load("{id: x, list: [a, b], items: [{k: v}]}\n")
    block, p2, _ = load("id: x\nlist:\n  - a\n  - b\nitems:\n  - k: v\n")
    assert p1 == p2 == [] and flow == block


def test_escapes_in_double_quotes_come_through_for_the_text_checks():
    # The loader keeps them; textcheck reports them (E004, E005, E006, T002).
    data, problems, _ = load(r'a: "\x00\t\u2028\e\N\u200b\_"' + "\n")
    assert problems == [] and data["a"] == "\x00\t\u2028\x1b\x85\u200b\u00a0"


def test_escaped_surrogates_are_a_syntax_error():
    _, problems, rec = load(r'a: "\ud800"' + "\n")
    assert [c for _, _, c in problems] == ["Y001"] and rec is None


# --- limits ----------------------------------------------------------------


def test_nesting_deeper_than_records_need_is_refused_and_skipped():
    data, problems, rec = load("a:\n  - - - x\nb: ok\n")
    assert problems == [(2, 9, "Y012")] and data["b"] == "ok"
    assert "$.a[0][0][0]" in rec.reported
    assert MAX_DEPTH == 4


def test_long_value_is_refused_with_the_limit_named():
    _, problems, _ = load("a: " + "x" * (MAX_SCALAR_CHARS + 1) + "\n")
    assert problems == [(1, 4, "Y013")]
    _, problems, _ = load("a: " + "x" * MAX_SCALAR_CHARS + "\n")
    assert problems == []


def test_problems_per_file_are_capped():
    text = "".join(f"k{i}: yes\n" for i in range(200))
    _, rec, problems = parse("x.yaml", text)
    assert len(problems) == MAX_PROBLEMS_PER_FILE + 1 and rec is None
    assert problems[-1].code == "Y016" and str(MAX_PROBLEMS_PER_FILE) in problems[-1].message


class CountingEvents:
    """Wraps yaml.parse to count the events the loader pulls."""

    def __init__(self, monkeypatch):
        self.count = 0
        real = yaml.parse

        def counting(*args, **kwargs):
            for ev in real(*args, **kwargs):
                self.count += 1
                yield ev

        monkeypatch.setattr(yaml, "parse", counting)


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_without_expanding(monkeypatch):
    events = CountingEvents(monkeypatch)
    text = billion_laughs()
    data, problems, _rec = load(text)
    # One problem per anchor, each node skipped: nothing is expanded, and the
    # work is bounded by the events in the file, not by 9**9 copies.
    assert [c for _, _, c in problems] == ["Y007"] * 10
    assert all(v is None for v in data.values())
    assert 0 < events.count < 200


def test_work_grows_with_the_file_not_with_aliases(monkeypatch):
    events = CountingEvents(monkeypatch)
    text = billion_laughs(levels=40, width=200)
    assert len(text) < loader.MAX_FILE_BYTES
    load(text)
    assert events.count <= len(text)  # every event takes at least one character


# --- bytes before YAML --------------------------------------------------------


@pytest.mark.parametrize(
    "raw,expected",
    [
        (b"\xef\xbb\xbfa: 1\n", [(1, 1, "E001")]),
        ("a: 1\n".encode("utf-16"), [(1, 1, "E002")]),
        ("a: 1\n".encode("utf-16-be"), [(1, 1, "E002")]),
        ("a: 1\n".encode("utf-16-le"), [(1, 1, "E002")]),
        ("a: 1\nb: Exémple\n".encode("latin-1"), [(2, 6, "E002")]),
        ("a: Бел\nb: Бе".encode() + b"\xd0" + b"\n", [(2, 6, "E002")]),
        (b"a: \xed\xa0\x80\n", [(1, 4, "E002")]),  # an encoded surrogate
        (b"a: \xc0\xaf\n", [(1, 4, "E002")]),  # an overlong encoding
        (b"\x00a: 1\n", [(1, 1, "E004")]),  # a NUL first is a control, not UTF-16
        (b"a: 1\x00\nb: \x00\x00\n", [(1, 5, "E004"), (2, 4, "E004")]),
        (b"a: \x1b[31m\n", [(1, 4, "E004")]),
        (b"a: \x7f\n", [(1, 4, "E004")]),
        ("a: x\u0085y\n".encode(), [(1, 5, "E004")]),
        ("a: x\ufffey\n".encode(), [(1, 5, "E004")]),
        (b"a: 1\r\nb: 2\r\n", [(1, 5, "E003")]),
        (b"a: 1\rb: 2\r", [(1, 5, "E003")]),
        (b"a:\n\t- x\n", [(2, 1, "E005")]),
        (b"a: x\ty\n", [(1, 5, "E005")]),
        ("a: x\u2028y\n".encode(), [(1, 5, "E006")]),
        ("a: x\u2029y\n".encode(), [(1, 5, "E006")]),
    ],
)
def test_bytes_that_are_not_plain_utf8_with_lf(raw, expected):
    text, problems = decode("x.yaml", raw)
    assert text is None
    assert [(p.line, p.col, p.code) for p in problems] == expected


def test_invalid_utf8_names_the_line_and_character_column_not_a_byte_offset():
    raw = "id: x\nname: Алексей\nrole: Пре".encode() + b"\xff" + "сс\n".encode()
    _, problems = decode("x.yaml", raw)
    assert [(p.line, p.col) for p in problems] == [(3, 10)]
    assert "0xff" in problems[0].message


def test_control_characters_reported_once_per_line_all_lines():
    _, problems = decode("x.yaml", b"a: \x01\x02\nb: ok\nc: \x03\n")
    assert [(p.line, p.code) for p in problems] == [(1, "E004"), (3, "E004")]


def test_carriage_returns_reported_once_per_file():
    _, problems = decode("x.yaml", b"a: 1\r\n" * 1000)
    assert len(problems) == 1 and "1000 in the file" in problems[0].message


# --- files --------------------------------------------------------------------


def test_load_file_gives_the_data_and_where_each_value_is(tmp_path):
    f = tmp_path / "x.yaml"
    f.write_text("id: x\nname: Белгород\ncountry: NO\n", encoding="utf-8")
    rec, problems = loader.load_file("records/actor/x.yaml", str(f), "actor")
    assert [p.code for p in problems] == ["Y003"]
    assert rec.kind == "actor" and rec.data == {"id": "x", "name": "Белгород", "country": "NO"}
    assert rec.mark("$.name") == (2, 7) and rec.reported == {"$.country"}


def test_load_file_never_raises_on_what_is_not_a_file(tmp_path):
    cases = {"missing": tmp_path / "nope.yaml", "folder": tmp_path}
    for what, path in cases.items():
        rec, problems = loader.load_file("p.yaml", str(path), "actor")
        assert rec is None and [p.code for p in problems] == ["F007"], what


# --- what later stages see --------------------------------------------------------


def test_reported_values_get_no_follow_on_schema_problems(project_with):
    lines = check_lines(
        project_with(
            {
                "records/statement/fixture-statement.yaml": (
                    "id: fixture-statement\nsource_id: fixture-source\nblock: 2.0\nspeaker_id: fixture-person\n"
                    "on_behalf_of_id: fixture-state\ndate: 2024-03-01\ndate_end: 2024-03-02\ndate_precision: range\n"
                    "setting: remarks_to_reporters\nkind: direct_speech\ndescribed_actor_id: null\nquote: We are looking into what happened,\nquote_language: en\nquote_translation: none\n"
                    "summary: The spokesperson said the state is looking into what happened.\ncarried_by: []\nrelayed_by:\n  - !x fixture-agency\n"
                    "event_id: ~\n"
                )
            }
        )
    )
    # block 2.0 would also be "not of type integer", the tagged item "not
    # text", and ~ "not an id"; the loader's problem is the only one.
    assert [line.split(": [")[1][:4] for line in lines] == ["Y014", "Y006", "Y003"]


def test_unread_file_still_answers_for_its_id(project_with):
    # fixture-person is referenced from three records; when it cannot be read,
    # only its own problem is reported, not three "no record has id".
    lines = check_lines(
        project_with({"records/actor/fixture-person.yaml": "id: fixture-person\nname: 'unclosed\n"})
    )
    assert len(lines) == 1 and "[Y001]" in lines[0] and "(line 2, column 7)" in lines[0]


def test_deep_flow_nesting_is_refused_before_parsing(monkeypatch):
    # The parser's work grows with the square of flow nesting; the brackets
    # are counted first, so the parser never sees such a file.
    events = CountingEvents(monkeypatch)
    depth = loader.MAX_FILE_BYTES // 2 - 10
    _, problems, rec = load("a: " + "[" * depth + "]" * depth + "\n")
    assert problems == [(1, 4 + loader.MAX_OPEN_BRACKETS, "Y012")] and rec is None
    assert events.count == 0


def test_brackets_within_the_limit_are_parsed():
    n = loader.MAX_OPEN_BRACKETS
    data, problems, _ = load("a: '" + "[" * n + "'\n")
    assert problems == [] and data == {"a": "[" * n}
    _, problems, _ = load("a: [[[[x]]]]\n")
    assert problems == [(1, 7, "Y012")]  # parsed, and refused by the depth rule


def test_long_lists_and_wide_mappings_are_refused_with_the_limit_named():
    n = loader.MAX_ITEMS
    data, problems, rec = load("a: [" + "x, " * (n + 5) + "]\nb: ok\n")
    assert [c for _, _, c in problems] == ["Y013"] and f"more than {n} items" in parse(
        "x.yaml", "a: [" + "x, " * (n + 1) + "]\n"
    )[2][0].message
    assert data == {"a": None, "b": "ok"} and "$.a" in rec.reported
    data, problems, rec = load(
        "a:\n" + "".join(f"  k{i}: v\n" for i in range(loader.MAX_FIELDS + 3)) + "b: ok\n"
    )
    assert problems == [(loader.MAX_FIELDS + 2, 3, "Y013")] and data == {"a": None, "b": "ok"}
    _, problems, rec = load("".join(f"k{i}: v\n" for i in range(loader.MAX_FIELDS + 1)))
    assert problems == [(loader.MAX_FIELDS + 1, 1, "Y013")] and rec is None


def test_a_refused_key_drops_its_field_but_keeps_the_other_checks():
    data, problems, rec = load("!!str name: x\nrole: ' y'\n1: z\n")
    assert problems == [(1, 1, "Y006"), (3, 1, "Y010")]
    assert (
        data == {"role": " y"} and rec.reported == set()
    )  # role's whitespace is still checked later


def test_a_merge_key_quiets_the_checks_on_its_mapping():
    _, problems, rec = load("a:\n  <<: {b: 1}\n  c: 2\n")
    assert problems == [(2, 3, "Y007")] and rec.reported == {"$.a"}
