"""A value in YAML is the value in every output, character for character.

The tricky-but-valid example (tests/cases/schema/valid-tricky) is built and
read back from the CSVs, from datapackage.json's types and through pandas;
a property test then writes records with arbitrary valid text, in every
quoting style, and reads each value back from the CSV.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import REPO, make_project
from il76_claims.check import canonical
from il76_claims.check import strict_yaml as loader
from il76_claims.check import text as textcheck
from il76_claims.publish import csv as csv_export
from il76_claims.publish.build import build, prepare

TRICKY = REPO / "tests" / "cases" / "schema" / "valid-tricky" / "files"


def read_csv(root: Path, table: str) -> dict[str, dict[str, str]]:
    with open(root / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return {row["id"]: row for row in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def tricky_build(tmp_path_factory):
    files = {
        p.relative_to(TRICKY).as_posix(): p.read_bytes() for p in TRICKY.rglob("*") if p.is_file()
    }
    project = make_project(tmp_path_factory.mktemp("tricky") / "project", files)
    result = build(project)
    assert result.ok, [p.message for p in result.check.problems]
    return Path(project.root)


EXPECTED = [
    # (table, id, column, exact value)
    ("actors", "fixture-person", "name", "Алексей О'Пример"),
    ("actors", "fixture-person", "role", "@fixture_press"),
    ("actors", "fixture-person", "country", "NO"),
    ("actors", "fixture-person", "notes", '+972 3 555 0100; says "it\'s fine" 👍'),
    ("actors", "fixture-agency", "name", "وكالة الأنباء"),
    ("actors", "fixture-agency", "role", ""),  # null
    (
        "statements",
        "fixture-statement",
        "summary",
        "- the spokesperson said the state is looking into what happened.",
    ),
    ("events", "fixture-event", "location", '-Region, "north" – 2 km'),
    ("events", "fixture-event", "date", "2024-03-01"),  # written unquoted
]


@pytest.mark.parametrize(
    "table,rid,column,value", EXPECTED, ids=[f"{t}.{c}:{r}" for t, r, c, _ in EXPECTED]
)
def test_tricky_values_come_out_exactly_in_the_csv(tricky_build, table, rid, column, value):
    assert read_csv(tricky_build, table)[rid][column] == value


def test_tricky_values_keep_their_declared_types(tricky_build):
    desc = json.loads((tricky_build / "datapackage.json").read_text(encoding="utf-8"))
    types = {
        (r["name"], f["name"]): f["type"] for r in desc["resources"] for f in r["schema"]["fields"]
    }
    for table, _, column, _ in EXPECTED:
        assert types[(table, column)] == ("date" if column == "date" else "string")
    # Cells that begin with + - @ are plain text cells: the CSV writer does
    # not alter them, and the descriptor says they are strings.
    raw = (tricky_build / "data" / "actors.csv").read_text(encoding="utf-8")
    assert ",@fixture_press," in raw and '"+972 3 555 0100; says ""it\'s fine"" 👍"' in raw


def test_tricky_values_read_back_through_pandas(tricky_build):
    import il76_claims

    tables = il76_claims.load(str(tricky_build))
    actors = tables["actors"].set_index("id")
    assert actors.loc["fixture-person", "name"] == "Алексей О'Пример"
    assert actors.loc["fixture-person", "country"] == "NO"
    assert actors.loc["fixture-person", "notes"] == '+972 3 555 0100; says "it\'s fine" 👍'
    assert str(tables["events"].set_index("id").loc["fixture-event", "date"].date()) == "2024-03-01"


# --- any valid text ---------------------------------------------------------

TRICKY_PIECES = [
    "Белгород",
    "Ил-76",
    "بيلغورود",
    "ירושלים",
    "Київ",
    "東京",
    "👍",
    "👩\u200d👩\u200d👧",
    "🇺🇦",
    "می\u200cخواهم",
    "'",
    "''",
    '"',
    "\\",
    "#",
    " #",
    ": ",
    ":",
    "-",
    "- ",
    "+",
    "@",
    "=",
    "!",
    "&",
    "*",
    "%",
    "|",
    ">",
    "?",
    ",",
    "[",
    "]",
    "{",
    "}",
    "NO",
    "yes",
    "null",
    "~",
    "012",
    "1e3",
    "12:30",
    ".nan",
    "2024-01-24",
    "+972",
    "@handle",
    "--",
    "---",
    "...",
    "<<",
    "\u00a0",
    "\u2013",
    "\u201c",
    "\u201d",
    "\u2019",
    "e\u0301",
]

_TEXT_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn", "Zl", "Zp"))
_piece = st.one_of(st.sampled_from(TRICKY_PIECES), st.text(_TEXT_CHARS, min_size=1, max_size=6))


def _valid(value: str, multiline: bool) -> bool:
    """True when the text checks accept value in a field of this kind."""
    if not value or value != value.strip() or value.startswith("="):
        return False
    if not multiline and "\n" in value:
        return False
    if (
        textcheck._CONTROL.search(value)
        or textcheck._INVISIBLE.search(value)
        or textcheck._PRIVATE.search(value)
    ):
        return False
    return "\t" not in value and "\r" not in value


def text_values(multiline: bool):
    joiner = (
        st.sampled_from([" ", "", "\n", "\n\n", "\n  "])
        if multiline
        else st.sampled_from([" ", ""])
    )

    @st.composite
    def build_value(draw):
        pieces = draw(st.lists(_piece, min_size=1, max_size=6))
        seps = [draw(joiner) for _ in pieces]
        value = unicodedata.normalize("NFC", "".join(p + s for p, s in zip(pieces, seps)).strip())
        assume(_valid(value, multiline))
        return value

    return build_value()


def yaml_scalar(value: str, style: str, indent: int = 2) -> str:
    """value written as a YAML scalar in the given style."""
    if style == "single":
        assert "\n" not in value
        return "'" + value.replace("'", "''") + "'"
    if style == "double":
        return json.dumps(value, ensure_ascii=False)  # JSON strings are YAML double-quoted scalars
    if style == "literal":
        pad = " " * indent
        return f"|{indent}-\n" + "\n".join(pad + line if line else "" for line in value.split("\n"))
    if style == "plain":
        return value
    raise ValueError(style)


def _plain_is_exact(value: str) -> bool:
    data, _, problems = loader.parse("x.yaml", f"v: {value}\n")
    return not problems and data == {"v": value}


ACTOR = "id: {id}\nactor_type: person\nname: {name}\nrole: {role}\naffiliation_id: null\ncountry: null\nnotes: {notes}\n"


@st.composite
def actors(draw):
    out = []
    for i in range(draw(st.integers(min_value=1, max_value=4))):
        values, written = {}, {}
        for field, multiline in (("name", False), ("role", False), ("notes", True)):
            value = draw(text_values(multiline))
            styles = ["double", "literal"] if multiline else ["single", "double"]
            if "\n" not in value and _plain_is_exact(value):
                styles.append("plain")
            if multiline and "\n" not in value:
                styles.append("single")
            written[field] = yaml_scalar(value, draw(st.sampled_from(styles)))
            values[field] = value
        out.append((f"gen-{i}", values, ACTOR.format(id=f"gen-{i}", **written)))
    return out


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(generated=actors())
def test_any_valid_text_comes_out_unchanged_in_the_csv(tmp_path_factory, generated):
    files = {f"records/actor/{rid}.yaml": text for rid, _, text in generated}
    project = make_project(tmp_path_factory.mktemp("gen") / "project", files)
    # Each value goes through fmt too (which check requires) before the
    # build's own steps up to the CSVs; the workbook and database have
    # their own tests, and skipping them keeps each example fast.
    assert canonical.run(project.root).problems == []
    result, tables = prepare(project)
    assert result.ok, [f"{p.path}:{p.line} {p.code} {p.message}" for p in result.problems]
    csv_export.write(tables, project.root)
    rows = read_csv(Path(project.root), "actors")
    for rid, values, _ in generated:
        for field, value in values.items():
            assert rows[rid][field] == value, (field, value)
