"""No input makes the checker raise: random bytes, random YAML and mangled
records all end in a clean report of problems, never an exception."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import base_record, make_project
from il76_claims.check import strict_yaml as loader
from il76_claims.check.report import as_json, github, text
from il76_claims.check.run import check
from il76_claims.model.problems import CODES

FAST = settings(max_examples=300, deadline=None, derandomize=True, database=None)
SLOW = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

REPORT_LINE = re.compile(r"[^\n]+:[0-9]+:[0-9]+: \[[A-Z][0-9]{3}\] [^\n]+")


def assert_clean(problems, n_lines: int | None = None):
    for p in problems:
        assert p.code in CODES
        assert p.line >= 1 and p.col >= 1
        assert p.message and p.path
    out = text(problems)
    for line in out.splitlines():
        assert REPORT_LINE.fullmatch(line), line
    assert len(out.splitlines()) == len(problems)  # one line each, whatever the messages hold
    out.encode("utf-8")
    as_json(problems, {}).encode("utf-8")
    assert len(github(problems).splitlines()) == len(problems)


def load_bytes(raw: bytes):
    decoded, problems = loader.decode("records/actor/x.yaml", raw)
    if decoded is None:
        assert problems
        return None, problems
    data, rec, problems = loader.parse("records/actor/x.yaml", decoded)
    if rec is not None:
        assert isinstance(rec.data, dict) and rec.data is data
        for pointer in rec.marks:
            assert rec.mark(pointer)[0] >= 1
    else:
        assert problems  # refusing a file always says why
    return rec, problems


@FAST
@given(st.binary(max_size=400))
def test_random_bytes(raw):
    _, problems = load_bytes(raw)
    assert_clean(problems)


TOKENS = [
    "a",
    "id",
    "name",
    "x",
    "Белгород",
    "é",
    "e\u0301",
    "👍",
    " ",
    "  ",
    "\n",
    "\n  ",
    "\n- ",
    ": ",
    ":",
    "-",
    "- ",
    "? ",
    ",",
    "[",
    "]",
    "{",
    "}",
    "'",
    '"',
    "\\",
    "\\x00",
    "\\u2028",
    "\\ud800",
    "#",
    " #",
    "&a",
    "*a",
    "!x",
    "!!str",
    "!!binary",
    "!!python/object:os.system",
    "|",
    "|-",
    ">",
    ">-",
    "|2",
    "---",
    "...",
    "%YAML 1.2",
    "%TAG ! x:",
    "<<",
    "yes",
    "NO",
    "~",
    "null",
    "012",
    "1e3",
    "12:30",
    ".nan",
    "2024-01-24",
    "2024-01-24T10:00:00",
    "=",
    "@",
    "`",
    "%",
    "\t",
    "\r",
    "\r\n",
    "\x00",
    "\x1b",
    "\x85",
    "\ufeff",
    "\u2028",
    "\u202e",
    "\u200b",
    "\ue000",
    "\ufffe",
    "9" * 30,
    "[" * 60,
    "x" * 300,
]


@FAST
@given(st.lists(st.sampled_from(TOKENS), max_size=60))
def test_random_yaml(tokens):
    raw = "".join(tokens).encode("utf-8", "surrogatepass")
    _, problems = load_bytes(raw)
    assert_clean(problems)


@FAST
@given(
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20)),
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_any_document_the_yaml_emitter_writes(doc):
    import yaml

    raw = yaml.safe_dump(doc, allow_unicode=True).encode("utf-8")
    _, problems = load_bytes(raw)
    assert_clean(problems)


RECORDS = [
    "records/actor/fixture-person.yaml",
    "records/statement/fixture-statement.yaml",
    "records/claim/fixture-claim.yaml",
    "records/casualty_figure/fixture-total.yaml",
    "records/source/fixture-source.yaml",
]


@st.composite
def mangled_record(draw):
    """A base record with a few random edits: enough to reach the schema,
    reference and quote checks with odd values."""
    rel = draw(st.sampled_from(RECORDS))
    content = base_record(rel)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        at = draw(st.integers(min_value=0, max_value=len(content)))
        cut = draw(st.integers(min_value=0, max_value=8))
        insert = draw(st.one_of(st.sampled_from(TOKENS), st.text(max_size=4)))
        content = content[:at] + insert + content[at + cut :]
    return rel, content.encode("utf-8", "surrogatepass")


@SLOW
@given(mangled_record())
def test_mangled_records_through_the_whole_check(tmp_path_factory, mangled):
    rel, raw = mangled
    project = make_project(tmp_path_factory.mktemp("fuzz") / "project", {rel: raw})
    result = check(project)
    assert_clean(result.problems)
    assert result.problems == sorted(result.problems)
