"""Reports: one sorted line per problem in text, JSON for programs, and
GitHub annotations with the workflow-command escaping."""

from __future__ import annotations

import json

import pytest

from conftest import base_record, make_project, run_cli
from il76_claims.check.report import as_json, github, render, text
from il76_claims.model.problems import Problem, problem

P1 = problem(
    "records/actor/x.yaml",
    3,
    10,
    "Y003",
    "unquoted NO is read as a boolean by YAML 1.1; write 'NO' in quotes if it is text, or true/false",
    "$.country",
)
P2 = problem(
    "records/actor/x.yaml", 12, 1, "S002", "unknown field 'qoute'; did you mean 'quote'?", "$.qoute"
)


def test_text_is_path_line_col_code_message():
    assert text([P1, P2]) == (
        "records/actor/x.yaml:3:10: [Y003] unquoted NO is read as a boolean by YAML 1.1; write 'NO' in quotes if it is text, or true/false\n"
        "records/actor/x.yaml:12:1: [S002] unknown field 'qoute'; did you mean 'quote'?\n"
    )


def test_problems_sort_by_file_then_position_then_code():
    items = [
        Problem("records/b.yaml", 1, 1, "Y003", "m"),
        Problem("records/a.yaml", 10, 1, "S001", "m"),
        Problem("records/a.yaml", 2, 5, "T002", "m"),
        Problem("records/a.yaml", 2, 5, "S005", "m"),
        Problem("records/a.yaml", 2, 1, "Y002", "m"),
    ]
    assert [(p.path, p.line, p.col, p.code) for p in sorted(items)] == [
        ("records/a.yaml", 2, 1, "Y002"),
        ("records/a.yaml", 2, 5, "S005"),
        ("records/a.yaml", 2, 5, "T002"),
        ("records/a.yaml", 10, 1, "S001"),  # line 10 after line 2: numbers, not text
        ("records/b.yaml", 1, 1, "Y003"),
    ]


@pytest.mark.parametrize(
    "raw,shown",
    [
        ("a\nb", "a\\u000ab"),
        ("a\rb", "a\\u000db"),
        ("a\x00b", "a\\u0000b"),
        ("a\u2028b", "a\\u2028b"),
        ("a\u202eb", "a\\u202eb"),
        ("a\x1b[31mb", "a\\u001b[31mb"),
        ("Белгород 👍 بيلغورود", "Белгород 👍 بيلغورود"),
    ],
)
def test_text_keeps_one_line_per_problem_whatever_a_message_holds(raw, shown):
    out = text([Problem(f"records/actor/{raw}.yaml", 1, 1, "S002", f"unknown field '{raw}'")])
    assert out == f"records/actor/{shown}.yaml:1:1: [S002] unknown field '{shown}'\n"


def test_json_holds_every_field_and_the_summary():
    summary = {"files": 2, "problems": 2}
    doc = json.loads(as_json([P1, P2], summary))
    assert doc["summary"] == summary
    assert doc["problems"][0] == {
        "path": "records/actor/x.yaml",
        "line": 3,
        "col": 10,
        "code": "Y003",
        "message": P1.message,
        "pointer": "$.country",
    }
    assert [p["code"] for p in doc["problems"]] == ["Y003", "S002"]


def test_json_keeps_text_readable_and_escapes_what_breaks_lines():
    out = as_json([Problem("records/a.yaml", 1, 1, "S002", "поле 'a\u2028b\nc'")], {})
    assert "поле" in out  # not \u escapes
    assert "\u2028" not in out and "\\u2028" in out and "\\n" in out
    assert json.loads(out)["problems"][0]["message"] == "поле 'a\u2028b\nc'"


def test_github_annotation_format():
    assert (
        github([P2])
        == "::error file=records/actor/x.yaml,line=12,col=1,title=S002 Unknown field::unknown field 'qoute'; did you mean 'quote'?\n"
    )


def test_github_escapes_properties_and_data():
    p = Problem("records/a,b:c%.yaml", 2, 3, "Y005", "100% sure: a, b\nc")
    assert (
        github([p])
        == "::error file=records/a%2Cb%3Ac%25.yaml,line=2,col=3,title=Y005 Text cut by a comment::100%25 sure: a, b\\u000ac\n"
    )


def test_render_picks_the_format():
    assert render("text", [P1], {}) == text([P1])
    assert render("json", [P1], {}) == as_json([P1], {})
    assert render("github", [P1], {}) == github([P1])


# --- through the command line -------------------------------------------------


def _bad_project(tmp_path):
    person = (
        base_record("records/actor/fixture-person.yaml")
        .replace("country: GB", "country: NO")
        .replace("name: Alex Example", "name: Alex #1")
    )
    event = base_record("records/event/fixture-event.yaml").replace(
        "date: 2024-03-01", "date: 2024-02-30"
    )
    return make_project(
        tmp_path / "project",
        {
            "records/actor/fixture-person.yaml": person,
            "records/event/fixture-event.yaml": event,
            "records/actor/notes.txt": "x",
        },
    )


def _run(capsys, project, *args):
    return run_cli(capsys, "check", "--root", project.root, "--sources", project.sources_dir, *args)


def test_cli_reports_every_problem_at_once_sorted(tmp_path, capsys):
    code, out, err = _run(capsys, _bad_project(tmp_path))
    assert code == 1
    assert out.splitlines() == [
        "records/actor/fixture-person.yaml:3:7: [Y005] the text after ' #' ('#1') is a comment and was dropped from the value; quote the whole value if '#' belongs to it, or put the comment on a line of its own",
        "records/actor/fixture-person.yaml:6:10: [Y003] unquoted NO is read as a boolean by YAML 1.1; write 'NO' in quotes if it is text, or true/false",
        "records/actor/notes.txt:1:1: [F003] not a .yaml file; records are .yaml files",
        "records/event/fixture-event.yaml:4:7: [S006] date: '2024-02-30' is not a real calendar date (YYYY-MM-DD)",
    ]
    assert "4 problem(s) in 3 file(s)" in err


def test_cli_json_is_one_document_on_stdout(tmp_path, capsys):
    code, out, _err = _run(capsys, _bad_project(tmp_path), "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert doc["summary"]["problems"] == 4 and doc["summary"]["files_with_problems"] == 3
    assert [(p["path"], p["line"], p["code"]) for p in doc["problems"]] == [
        ("records/actor/fixture-person.yaml", 3, "Y005"),
        ("records/actor/fixture-person.yaml", 6, "Y003"),
        ("records/actor/notes.txt", 1, "F003"),
        ("records/event/fixture-event.yaml", 4, "S006"),
    ]


def test_cli_github_gives_one_annotation_per_problem(tmp_path, capsys):
    code, out, _ = _run(capsys, _bad_project(tmp_path), "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 4 and all(line.startswith("::error file=records/") for line in lines)
    assert lines[1].startswith(
        "::error file=records/actor/fixture-person.yaml,line=6,col=10,title=Y003 Ambiguous unquoted value::"
    )


def test_cli_clean_project_exits_zero(tmp_path, capsys):
    project = make_project(tmp_path / "project")
    code, out, _ = _run(capsys, project)
    assert code == 0 and out.startswith("ok: ")
    code, out, _ = _run(capsys, project, "--format", "json")
    assert code == 0 and json.loads(out)["problems"] == []
