"""fmt's proof that the canonical form reads back as the same values, and
its refusals: the parts of it that no record of the fixtures reaches."""

from __future__ import annotations

import pytest
import yaml

from conftest import REPO, make_project
from il76_claims.check import canonical as canonical_form
from il76_claims.check.canonical import Shape
from il76_claims.check.files import RecordFile
from il76_claims.model.problems import problem
from il76_claims.model.schemas import SchemaSet

SHAPES = canonical_form.shapes(SchemaSet(str(REPO / "schemas")))
PATH = "records/actor/x.yaml"
ACTOR = "id: x\nactor_type: person\nname: Alex Example\n"


def test_the_scanner_failing_where_the_loader_did_not_refuses_the_file(monkeypatch):
    def scanner_error(text):
        mark = yaml.Mark("x", 0, 2, 0, None, None)
        raise yaml.scanner.ScannerError(
            problem="found a character it cannot read", problem_mark=mark
        )

    monkeypatch.setattr(canonical_form, "find_comments", scanner_error)
    assert canonical_form.canonical_text(PATH, "# note\n" + ACTOR, "actor", SHAPES) == (
        None,
        [
            problem(
                PATH,
                3,
                1,
                "R002",
                "cannot be formatted: PyYAML's scanner, which finds the comments, cannot read this line (found a character it cannot read)",
            )
        ],
    )


def test_a_reader_error_has_no_line_and_is_shown_as_it_is(monkeypatch):
    def reader_error(text):
        raise yaml.reader.ReaderError("x", 4, 7, "utf-8", "special characters are not allowed")

    monkeypatch.setattr(canonical_form, "find_comments", reader_error)
    assert canonical_form.canonical_text(PATH, "# note\n" + ACTOR, "actor", SHAPES) == (
        None,
        [
            problem(
                PATH,
                1,
                1,
                "R002",
                "cannot be formatted: PyYAML's scanner, which finds the comments, cannot read this line (unacceptable character #x0007: special characters are not...)",
            )
        ],
    )


def test_a_comment_outside_a_key_and_its_later_value_is_kept():
    text = "id: x\nactor_type: person\nname:\n  Alex Example\n# who they work for\nrole: Spokesperson\n"
    assert canonical_form.canonical_text(PATH, text, "actor", SHAPES) == (
        "id: x\nactor_type: person\nname: Alex Example\n\n# who they work for\nrole: Spokesperson\n",
        [],
    )


def test_a_text_the_loader_refuses_has_no_canonical_form():
    new, problems = canonical_form.canonical_text(PATH, "id: [x\n", "actor", SHAPES)
    assert new is None and [p.code for p in problems] == ["Y001"]


def test_mappings_and_empty_collections_inside_lists_keep_their_shape():
    inner = Shape({"b": None, "a": None}, None)
    shape = {"x": Shape({"m": inner, "l": Shape(None, inner)}, None)}
    text = "l:\n  - {}\n  - []\n  - a: 1\n    b: 2\nm:\n  a: 1\n  b: 2\n"
    assert canonical_form.canonical_text("x.yaml", text, "x", shape) == (
        "m:\n  b: 2\n  a: 1\nl:\n  - {}\n  - []\n  - b: 2\n    a: 1\n",
        [],
    )


def test_a_multi_line_value_whose_block_did_not_read_back_is_double_quoted():
    assert canonical_form.string_lines(PATH, "one\ntwo", 0, 6, {"block"}) == ['"one\\ntwo"']


@pytest.mark.parametrize(
    "old, new, differ",
    [
        ({"a": [1, "x"]}, {"a": [1, "x"]}, set()),
        ({"a": 1}, {"a": True}, {"$.a"}),
        ({"a": 1}, {"b": 1}, {"$"}),
        ({"a": [1, 2]}, {"a": [1]}, {"$.a"}),
        ({"a": [1, "x"]}, {"a": [1, "y"]}, {"$.a[1]"}),
    ],
)
def test_differences_name_the_values_that_differ(old, new, differ):
    assert canonical_form._differences(old, new) == differ


@pytest.mark.parametrize(
    "text, misread",
    [
        ("id: x\n", set()),
        ("id: y\n", {"$.id"}),
        ("id: x\nname: \x07\n", None),  # not a text a record may hold
        ("id: [x\n", None),  # not YAML
        ("id: x\n1: y\n", None),  # a problem at no value: a key that is a number
    ],
)
def test_misread_says_which_values_do_not_read_back(text, misread):
    assert canonical_form._misread(PATH, text, {"id": "x"}) == misread


def test_a_form_that_never_reads_back_is_refused(monkeypatch):
    monkeypatch.setattr(canonical_form, "_misread", lambda path, text, data: None)
    text = "name: Alex Example\nid: x\nactor_type: person\n"
    assert canonical_form.canonical_text(PATH, text, "actor", SHAPES) == (
        None,
        [
            problem(
                PATH,
                1,
                1,
                "R002",
                "cannot be formatted: the formatted text would not read back as the same values (at $); the file was left as it was",
                "$",
            )
        ],
    )


def test_a_comment_the_formatted_text_would_not_keep_is_refused(monkeypatch):
    found = iter([[(0, 0, "# kept")], [(0, 0, "# changed")]])
    monkeypatch.setattr(canonical_form, "find_comments", lambda text: next(found))
    text = "# kept\nname: Alex Example\nid: x\nactor_type: person\n"
    assert canonical_form.canonical_text(PATH, text, "actor", SHAPES) == (
        None,
        [
            problem(
                PATH,
                1,
                1,
                "R002",
                "cannot be formatted: the comment '# kept' would not be kept as it is; the file was left as it was",
            )
        ],
    )


def test_the_project_folder_names_every_file(tmp_path):
    root = make_project(tmp_path / "p").root
    assert canonical_form.targets(root, [root]) == canonical_form.targets(root)


def test_a_file_shorter_than_its_canonical_form():
    assert canonical_form._first_difference(PATH, "id: x\n", "id: x\nname: y\n") == problem(
        PATH,
        1,
        1,
        "R001",
        f"not in canonical form: the file ends before its canonical form does, which goes on with 'name: y'; run il76-claims fmt {PATH}",
    )


def test_a_file_that_cannot_be_read_is_reported_not_formatted(tmp_path):
    path = tmp_path / "x.yaml"
    with open(path, "wb") as fh:
        fh.truncate(300 * 1024)
    differs, problems = canonical_form.format_file(
        RecordFile("actor", PATH, str(path)), SHAPES, None
    )
    assert (differs, [(p.code, p.line) for p in problems]) == (False, [("F006", 1)])
