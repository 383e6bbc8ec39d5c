"""il76-claims fmt: one canonical text per record, never a changed value or
a lost comment, written in one step; and --check, which lists the files
that are not canonical."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, run_cli
from il76_claims import cli
from il76_claims.check import canonical as canonical_form
from il76_claims.check import strict_yaml as loader
from il76_claims.check.files import discover
from il76_claims.model.schemas import KINDS, SchemaSet

SHAPES = canonical_form.shapes(SchemaSet(str(REPO / "schemas")))


def canonical(text: str, kind: str = "actor", path: str = "records/x/x.yaml") -> str:
    out, problems = canonical_form.canonical_text(path, text, kind, SHAPES)
    assert problems == [], [str(p) for p in problems]
    return out


def values(text: str) -> dict:
    data, _, problems = loader.parse("x.yaml", text)
    assert problems == []
    return data


def exactly(a, b) -> bool:
    """Equal values of equal types all the way down (True is not 1)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return set(a) == set(b) and all(exactly(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(exactly(x, y) for x, y in zip(a, b))
    return a == b


def project(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    root = tmp_path / "project"
    shutil.copytree(REPO / "schemas", root / "schemas")
    (root / "records").mkdir()
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return root


def run_fmt(capsys, root: Path, *argv: str) -> tuple[int, str, str]:
    return run_cli(capsys, "fmt", "--root", root, *argv)


# --- the canonical form, byte for byte --------------------------------------------------


def test_keys_in_schema_order_and_strings_quoted_only_where_yaml_would_misread_them():
    messy = 'notes: "plain text, with a comma; it\'s fine"\ncountry: "NO"\nrole: \'12:30\'\nname: "@handle"\naffiliation_id: null\nwikidata_qid: \'012\'\nactor_type: "person"\nid: tass\n'
    assert canonical(messy) == (
        "id: tass\nactor_type: person\nname: '@handle'\nrole: '12:30'\naffiliation_id: null\ncountry: 'NO'\nwikidata_qid: '012'\nnotes: plain text, with a comma; it's fine\n"
    )


TRICKY = [
    "NO",
    "012",
    "12:30",
    "@handle",
    "yes",
    "~",
    "null",
    "- x",
    ": x",
    "#x",
    " x",
    "a #b",
    "True",
    "1e3",
    "+1",
    "=",
    "2001-12-14 21:59:43",
    "",
    "'",
    '"',
]


def test_every_string_yaml_could_misread_is_single_quoted_and_the_rest_plain():
    body = "".join(
        f"  - {json.dumps(v)}\n"
        for v in [*TRICKY, "2024-01-24", "Belgorod region", "it's", "a\\b", "x: y"]
    )
    got = canonical("name: x\nkeywords:\n" + body, "dataset")
    assert got == (
        "name: x\n"
        "keywords:\n"
        "  - 'NO'\n  - '012'\n  - '12:30'\n  - '@handle'\n  - 'yes'\n  - '~'\n  - 'null'\n  - '- x'\n  - ': x'\n  - '#x'\n  - ' x'\n"
        "  - 'a #b'\n  - 'True'\n  - '1e3'\n  - '+1'\n  - '='\n  - '2001-12-14 21:59:43'\n  - ''\n  - ''''\n  - '\"'\n"
        "  - 2024-01-24\n  - Belgorod region\n  - it's\n  - a\\b\n  - 'x: y'\n"
    )


def test_long_text_is_folded_and_text_with_line_breaks_is_literal():
    long = " ".join(["word"] * 30)
    got = canonical(
        f'id: x\nnotes: {json.dumps(long)}\nrole: "first line\\n  second, indented\\n\\nafter a blank line"\n'
    )
    assert got == (
        "id: x\n"
        "role: |-\n"
        "  first line\n"
        "    second, indented\n"
        "\n"
        "  after a blank line\n"
        "notes: >-\n"
        "  word word word word word word word word word word word word word word word word word word\n"
        "  word word word word word word word word word word word word\n"
    )


def test_text_that_fits_stays_on_its_line_and_text_that_cannot_be_folded_too():
    fits = "x" * (canonical_form.WIDTH - len("notes: "))
    # Double spaces: PyYAML folds only at a single space, and so does not
    # fold this; a trailing space cannot be in a block at all.
    unfoldable = "a  " * 40 + "end "
    assert canonical(f"id: x\nnotes: {fits}\n") == f"id: x\nnotes: {fits}\n"
    assert canonical(f"id: x\nnotes: '{unfoldable}'\n") == f"id: x\nnotes: '{unfoldable}'\n"
    assert (
        canonical(f"id: x\nnotes: {fits}x\n") == f"id: x\nnotes: {fits}x\n"
    )  # no space to fold at


def test_block_text_in_a_list_of_mappings_and_empty_lists():
    messy = (
        "positions: [{stance: asserts, actor_id: a, statement_id: s, notes: "
        + json.dumps("note " * 20 + "end")
        + "}]\nid: c\nrelayed_by: []\n"
    )
    with pytest.raises(AssertionError):
        canonical(messy, "claim")  # relayed_by is a statement's field, not a claim's
    got = canonical(messy.replace("relayed_by: []\n", "event_id: null\n"), "claim")
    assert got == (
        "id: c\n"
        "event_id: null\n"
        "positions:\n"
        "  - actor_id: a\n"
        "    stance: asserts\n"
        "    statement_id: s\n"
        "    notes: >-\n"
        "      note note note note note note note note note note note note note note note note note\n"
        "      note note note end\n"
    )
    assert canonical("id: s\nrelayed_by: [ ]\n", "statement") == "id: s\nrelayed_by: []\n"


def test_comments_stay_with_their_key_or_item_and_blank_lines_follow_one_rule():
    messy = (
        "# About this record.\n"
        "\n"
        "# Its id.\n"
        "id: x\n"
        "# The topic, as recorded.\n"
        "topic: other\n"
        "\n\n"
        "proposition: P.\n"
        "positions:\n"
        "  # The first position.\n"
        "  - stance: asserts\n"
        "    # Who takes it.\n"
        "    actor_id: a\n"
        "    statement_id: s\n"
        "        # (indented too far)\n"
        "    notes: A note.\n"
        "# At the end.\n"
    )
    assert canonical(messy, "claim") == (
        "# About this record.\n"
        "\n"
        "# Its id.\n"
        "id: x\n"
        "proposition: P.\n"
        "\n"
        "# The topic, as recorded.\n"
        "topic: other\n"
        "positions:\n"
        "  # The first position.\n"
        "  # Who takes it.\n"
        "  - actor_id: a\n"
        "    stance: asserts\n"
        "    statement_id: s\n"
        "    # (indented too far)\n"
        "    notes: A note.\n"
        "\n"
        "# At the end.\n"
    )


def test_emoji_cyrillic_and_right_to_left_text_are_written_as_they_are():
    text = 'name: "Белгород 👍🏽 ❤️ می\u200cخواهم שלום مرحبا"\nid: x\n'
    assert canonical(text) == "id: x\nname: Белгород 👍🏽 ❤️ می\u200cخواهم שלום مرحبا\n"


def test_only_characters_a_record_cannot_hold_as_they_are_are_escaped():
    got = canonical('id: x\nname: "tab\\there"\nnotes: "a\\u2028b"\n')
    assert got == 'id: x\nname: "tab\\there"\nnotes: "a\\Lb"\n'
    assert exactly(values(got), {"id": "x", "name": "tab\there", "notes": "a\u2028b"})


def test_multi_line_text_that_no_block_holds_exactly_is_double_quoted_on_one_line():
    # A space before a line break cannot be written in a block scalar.
    assert canonical('id: x\nnotes: "one \\ntwo"\n') == 'id: x\nnotes: "one \\ntwo"\n'


# --- never a changed value, never a lost comment ---------------------------------------------


def _real_files():
    files, _ = discover(str(REPO), KINDS)
    return [(f.kind, f.path) for f in files] + [("dataset", "dataset.yaml")]


@pytest.mark.parametrize("kind, rel", _real_files())
def test_every_real_record_keeps_its_values_and_comments_and_formats_once(kind, rel):
    text = (REPO / rel).read_text(encoding="utf-8")
    once = canonical(text, kind, rel)
    assert exactly(values(once), values(text))
    assert sorted(c for _, _, c in canonical_form.find_comments(once)) == sorted(
        c for _, _, c in canonical_form.find_comments(text)
    )
    assert canonical(once, kind, rel) == once


@pytest.mark.parametrize("kind", KINDS)
def test_the_templates_are_canonical(kind):
    text = (REPO / "schemas" / "templates" / f"{kind}.yaml").read_text(encoding="utf-8")
    assert canonical(text, kind) == text


WORDS = ["NO", "no", "Yes", "on", "OFF", "y", "~", "null", "Null", "true", "False", "012", "0o17", "0x1F", "1_000", "-0", "+1", "1e3", ".5", ".nan", "12:30",
         "190:20:30", "2024-01-24", "2024-01-24 10:00:00", "=", "@handle", "`x", "- x", ": x", "? x", "#x", "a #b", "a: b", "!tag", "&a", "*a", "|", ">", "%x",
         "'", '"', "\\", "---", "...", "Белгород", "Київ", "שלום", "مرحبا", "می\u200cخواهم", "👍🏽", "❤️", "🇺🇦", "é", "  ", " ", "\n", "\n\n", "\n  ", "word"]  # fmt: skip
TEXT = st.lists(
    st.one_of(
        st.sampled_from(WORDS), st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
    ),
    max_size=40,
).map("".join)
SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**17), max_value=10**17), TEXT
)


@st.composite
def claims(draw):
    """A claim record with any values at all in its fields (the schema's
    types do not matter to fmt), its keys in any order."""
    fields = list(SHAPES["claim"].fields)
    rec = {
        k: draw(SCALAR)
        for k in draw(st.lists(st.sampled_from(fields), unique=True, min_size=1))
        if k != "positions"
    }
    if draw(st.booleans()):
        item_fields = list(SHAPES["claim"].fields["positions"].items.fields)
        rec["positions"] = draw(
            st.lists(st.dictionaries(st.sampled_from(item_fields), SCALAR, min_size=1), max_size=3)
        )
    return draw(st.permutations(list(rec.items())))


def _messy(items) -> str:
    """YAML the strict loader reads: every string double-quoted as JSON
    (with the characters YAML refuses as they are escaped), lists in flow
    style."""
    return "".join(f"{k}: {_escaped(json.dumps(v, ensure_ascii=False))}\n" for k, v in items)


def _escaped(text: str) -> str:
    return re.sub("[\x7f-\x84\x86-\x9f\ufffe\uffff]", lambda m: f"\\u{ord(m.group()):04x}", text)


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(claims())
def test_generated_records_keep_their_values_and_format_once(items):
    text = _messy(items)
    data, _, problems = loader.parse("x.yaml", text)
    if problems:  # e.g. a value over the loader's limits: not fmt's to judge
        return
    once = canonical(text, "claim")
    assert exactly(values(once), data)
    assert canonical(once, "claim") == once
    assert once.endswith("\n") and not once.endswith("\n\n") and "\r" not in once


# --- what cannot be formatted is left as it is ------------------------------------------------


GOOD = "id: tass\nactor_type: media_outlet\nname: TASS\nrole: null\naffiliation_id: null\ncountry: RU\n"


@pytest.mark.parametrize(
    "text, message",
    [
        (
            GOOD.replace("id: tass", "id: 'tass' # the id"),
            "1:12: [R002] cannot be formatted: the comment '# the id' shares its line with a key or value",
        ),
        (
            GOOD + "notes: |- # why\n  A note.\n",
            "7:11: [R002] cannot be formatted: the comment '# why' shares its line with a key or value",
        ),
        (
            GOOD.replace("name: TASS", "name:\n  # as printed\n  TASS"),
            "4:3: [R002] cannot be formatted: the comment '# as printed' sits between the key on line 3 and its value on line 5",
        ),
    ],
)
def test_a_file_that_cannot_be_formatted_without_loss_is_reported_and_left_alone(
    tmp_path, capsys, text, message
):
    root = project(tmp_path, {"records/actor/tass.yaml": text})
    for argv in ([], ["--check"]):
        code, out, _ = run_fmt(capsys, root, *argv)
        assert code == 1 and out.startswith(f"records/actor/tass.yaml:{message}"), out
        assert len(out.splitlines()) == 1
        assert (root / "records/actor/tass.yaml").read_text(encoding="utf-8") == text


def test_a_field_the_schema_does_not_have_stops_fmt(tmp_path, capsys):
    text = GOOD + "qoute: q\n"
    root = project(tmp_path, {"records/actor/tass.yaml": text})
    # fmt reports the file's own problem, as check does; --check, which
    # does not run the schema check, says why it cannot judge the form.
    assert run_fmt(capsys, root)[:2] == (
        1,
        "records/actor/tass.yaml:7:1: [S002] unknown field 'qoute'; did you mean 'notes'?\n",
    )
    code, out, _ = run_fmt(capsys, root, "--check")
    assert (code, out) == (
        1,
        "records/actor/tass.yaml:7:1: [R002] cannot be formatted: field 'qoute' is not in the schema, so it has no place in the schema's order; "
        "correct or remove it (il76-claims check explains), then run il76-claims fmt records/actor/tass.yaml\n",
    )
    assert (root / "records/actor/tass.yaml").read_text(encoding="utf-8") == text


def test_a_file_with_problems_of_its_own_is_reported_and_not_rewritten(tmp_path, capsys):
    bad_yaml = "id: x\ncountry: NO\n"
    bad_code = (
        'id: "y"\nactor_type: spy\nname: Yuri\nrole: null\naffiliation_id: null\ncountry: null\n'
    )
    root = project(tmp_path, {"records/actor/x.yaml": bad_yaml, "records/actor/y.yaml": bad_code})
    code, out, err = run_fmt(capsys, root)
    assert code == 1
    assert (
        out.splitlines()[0]
        == "records/actor/x.yaml:2:10: [Y003] unquoted NO is read as a boolean by YAML 1.1; write 'NO' in quotes if it is text, or true/false"
    )
    assert out.splitlines()[1].startswith("records/actor/y.yaml:2:13: [S004] ")
    assert err.splitlines()[-1] == "0 file(s) formatted, 0 already canonical, 2 left as they were"
    assert (root / "records/actor/x.yaml").read_text(encoding="utf-8") == bad_yaml
    assert (root / "records/actor/y.yaml").read_text(encoding="utf-8") == bad_code
    # --check judges the form only: y.yaml is not canonical ('"y"'), and
    # x.yaml cannot be read exactly until NO is quoted.
    code, out, err = run_fmt(capsys, root, "--check")
    assert code == 1 and [ln.split(" ")[:2] for ln in out.splitlines()] == [
        ["records/actor/x.yaml:2:10:", "[Y003]"],
        ["records/actor/y.yaml:1:1:", "[R001]"],
    ]
    assert (
        err
        == "1 of 2 file(s) not in canonical form (il76-claims fmt rewrites them), 1 file(s) with problems to fix first\n"
    )


DATASET = (REPO / "tests/fixtures/base/dataset.yaml").read_text(encoding="utf-8")


# --- fmt --check ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            GOOD.replace("TASS\n", '"TASS"\n'),
            "3:1: [R001] not in canonical form: the line is 'name: \"TASS\"', the canonical form has 'name: TASS'",
        ),
        (
            GOOD.replace("name: TASS\nrole: null\n", "role: null\nname: TASS\n"),
            "3:1: [R001] not in canonical form: 'role' is out of the schema's order, where 'name' comes here",
        ),
        (GOOD[:-1], "6:1: [R001] not in canonical form: no line break at the end of the file"),
        (
            GOOD + "\n",
            "7:1: [R001] not in canonical form: the canonical form ends before this line",
        ),
        (
            GOOD.replace("\nname", "\n\nname"),
            "3:1: [R001] not in canonical form: blank line where the canonical form has none",
        ),
        (
            "# c\nid: tass\n# d\nactor_type: media_outlet\n",
            "3:1: [R001] not in canonical form: the canonical form has a blank line here",
        ),
    ],
)
def test_check_names_the_first_line_that_differs_and_writes_nothing(
    tmp_path, capsys, text, expected
):
    root = project(
        tmp_path,
        {"records/actor/tass.yaml": text, "records/actor/good.yaml": GOOD.replace("tass", "good")},
    )
    code, out, err = run_fmt(capsys, root, "--check")
    assert (code, out) == (
        1,
        f"records/actor/tass.yaml:{expected}; run il76-claims fmt records/actor/tass.yaml\n",
    )
    assert err == "1 of 2 file(s) not in canonical form (il76-claims fmt rewrites them)\n"
    assert (root / "records/actor/tass.yaml").read_text(encoding="utf-8") == text


def test_check_in_json_and_github_annotations(tmp_path, capsys):
    messy = GOOD.replace("TASS\n", '"TASS"\n')
    root = project(tmp_path, {"records/actor/t%a,s:s.yaml": messy.replace("tass", "t%a,s:s")})
    message = (
        "not in canonical form: the line is 'name: \"TASS\"', the canonical form has 'name: TASS'; "
        "run il76-claims fmt records/actor/t%a,s:s.yaml"
    )
    code, out, err = run_fmt(capsys, root, "--check", "--format", "json")
    assert (code, err) == (1, "")
    assert json.loads(out) == {
        "summary": {
            "files": 1,
            "changed": ["records/actor/t%a,s:s.yaml"],
            "problems": 1,
            "files_with_problems": 1,
            "notices": [],
        },
        "problems": [
            {
                "path": "records/actor/t%a,s:s.yaml",
                "line": 3,
                "col": 1,
                "code": "R001",
                "message": message,
                "pointer": "",
            }
        ],
    }
    code, out, err = run_fmt(capsys, root, "--check", "--format", "github")
    assert code == 1
    # fmt --check judges the form only; the odd file name is check's to report.
    assert out == (
        "::error file=records/actor/t%25a%2Cs%3As.yaml,line=3,col=1,title=R001 Not in canonical form::"
        + message.replace("%", "%25")
        + "\n"
    )
    assert err == "1 of 1 file(s) not in canonical form (il76-claims fmt rewrites them)\n"


def test_check_passes_a_canonical_tree_and_fmt_makes_one(tmp_path, capsys):
    messy = GOOD.replace("TASS\n", '"TASS"\n')
    root = project(tmp_path, {"records/actor/tass.yaml": messy, "dataset.yaml": DATASET})
    code, out, err = run_fmt(capsys, root)
    assert (code, out) == (0, "")
    assert err == "formatted records/actor/tass.yaml\n1 file(s) formatted, 1 already canonical\n"
    assert (root / "records/actor/tass.yaml").read_text(encoding="utf-8") == GOOD
    assert run_fmt(capsys, root, "--check") == (0, "", "2 file(s) in canonical form\n")
    assert run_fmt(capsys, root) == (0, "", "0 file(s) formatted, 2 already canonical\n")


def test_paths_name_files_and_folders(tmp_path, capsys, monkeypatch):
    messy = GOOD.replace("TASS\n", '"TASS"\n')
    root = project(
        tmp_path,
        {
            "records/actor/tass.yaml": messy,
            "records/actor/ria.yaml": messy.replace("tass", "ria"),
            "records/event/e.yaml": "id: e\n",
        },
    )
    monkeypatch.chdir(root)
    code, out, _ = run_fmt(capsys, root, "--check", "records/actor/ria.yaml", "records/event")
    assert code == 1 and [ln.split(":")[0] for ln in out.splitlines()] == ["records/actor/ria.yaml"]
    code, _, err = run_fmt(capsys, root, "records/actor")
    assert code == 0 and err.endswith("2 file(s) formatted, 0 already canonical\n")
    assert run_fmt(capsys, root, "schemas/actor.schema.json")[0] == 2
    assert run_fmt(capsys, root, "records/actor/nobody.yaml")[0] == 2
    assert run_fmt(capsys, root, "dataset.yaml") == (
        2,
        "",
        "il76-claims fmt: dataset.yaml: no such file\n",
    )


# --- writes ----------------------------------------------------------------------------------


def test_an_interrupted_run_leaves_every_file_old_or_new_and_no_temporary_file(
    tmp_path, capsys, monkeypatch
):
    old = {
        f"records/actor/a{i}.yaml": GOOD.replace("tass", f"a{i}").replace("TASS\n", f'"A{i}"\n')
        for i in range(5)
    }
    root = project(tmp_path, old)
    real_replace, calls = os.replace, []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) == 3:
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    code, _, err = run_fmt(capsys, root)
    assert code == 130 and "interrupted" in err
    states = []
    for rel, text in old.items():
        now = (root / rel).read_text(encoding="utf-8")
        assert now in (text, canonical(text)), rel
        states.append(now == text)
    assert states == [False, False, True, True, True]
    assert sorted(os.listdir(root / "records/actor")) == [f"a{i}.yaml" for i in range(5)]


def test_an_edit_saved_while_fmt_runs_is_not_overwritten(tmp_path, capsys, monkeypatch):
    root = project(tmp_path, {"records/actor/tass.yaml": GOOD.replace("TASS\n", '"TASS"\n')})
    edited = GOOD.replace("TASS\n", '"TASS news agency"\n')
    real = canonical_form._OwnChecks.problems

    def save_meanwhile(self, rec):
        (root / "records/actor/tass.yaml").write_text(edited, encoding="utf-8")
        return real(self, rec)

    monkeypatch.setattr(canonical_form._OwnChecks, "problems", save_meanwhile)
    code, out, _ = run_fmt(capsys, root)
    assert (code, out) == (
        1,
        "records/actor/tass.yaml:1:1: [R002] cannot be formatted: the file changed while fmt was formatting it, and was left as it is now; run il76-claims fmt again\n",
    )
    assert (root / "records/actor/tass.yaml").read_text(encoding="utf-8") == edited
    assert os.listdir(root / "records/actor") == ["tass.yaml"]


def test_a_rewritten_file_keeps_its_permissions(tmp_path, capsys):
    root = project(tmp_path, {"records/actor/tass.yaml": GOOD.replace("TASS\n", '"TASS"\n')})
    (root / "records/actor/tass.yaml").chmod(0o664)
    assert run_fmt(capsys, root)[0] == 0
    assert (root / "records/actor/tass.yaml").stat().st_mode & 0o777 == 0o664


# --- everything that writes records writes them canonical -------------------------------------


@pytest.mark.parametrize("name", ["Jane Example", "NO #1: 'x'", "Дмитрий Песков", "A name " * 12])
def test_new_writes_canonical_records(tmp_path, capsys, name):
    root = project(tmp_path, {})
    assert cli.main(["new", "actor", "--name", name, "--root", str(root)]) == 0
    capsys.readouterr()
    (path,) = (root / "records/actor").iterdir()
    text = path.read_text(encoding="utf-8")
    assert canonical(text) == text
    assert values(text)["name"] == " ".join(name.split())
    assert run_fmt(capsys, root, "--check") == (0, "", "1 file(s) in canonical form\n")


def test_the_example_in_contributing_is_what_fmt_writes():
    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = guide[guide.index("## The canonical form of a record") :]
    before, after = re.findall(r"```yaml\n(.*?)```", section, re.S)[:2]
    assert canonical(before) == after
    assert canonical(after) == after


# --- libyaml's emitter where it writes what PyYAML's does --------------------------------

_TEXT = st.text(
    st.sampled_from(list("ab :#'\"-?,[]{}&*!|>%@`~09.+=\t\nБé\u00a0—“”\x85\u2028🛩")), max_size=40
)
_WORDS = st.lists(
    st.sampled_from(
        ["the", "Il-76", "Белгород", "a,", "b:", "#x", "'q'", '"d"', "—", "x" * 95, "?"]
    ),
    min_size=1,
    max_size=40,
).map(" ".join)


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(value=st.one_of(_TEXT, _WORDS), form=st.sampled_from([None, "'", '"', "|", ">"]))
def test_the_faster_emitter_writes_what_pyyaml_writes(value, form):
    """The canonical form is PyYAML's pure-Python emitter's; where libyaml's
    stands in for speed, it must give the same text."""
    width = 70 if form == ">" else math.inf
    canonical_form._emit.cache_clear()
    events = canonical_form.value_events(value, form)
    pure = yaml.emit(events, Dumper=yaml.SafeDumper, allow_unicode=True, width=width).split("\n")
    while pure and pure[-1] in ("", "..."):
        pure.pop()
    pure[0] = pure[0][2:].lstrip(" ")
    assert canonical_form._emit(value, form, width) == tuple(pure)
