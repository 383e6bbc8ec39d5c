"""The il76-claims command as a user meets it: exit codes, exact output in
each format, one line and no traceback for every kind of failure, and a
build that writes nothing while there are problems."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest

from conftest import (
    FIXTURE_SOURCES,
    REPO,
    base_record,
    file_bytes,
    make_project,
    run_cli,
    run_process,
)
from il76_claims import cli
from il76_claims.check import run as run_module

SOURCES = str(FIXTURE_SOURCES)


run = run_cli


# A small project with four problems in three files. The statement has two,
# on lines 4 and 11: sorted by number, not as text ("11" < "4").
def _bad_files() -> dict[str, str]:
    st = base_record("records/statement/fixture-statement.yaml")
    st = st.replace("setting: remarks_to_reporters", "setting: quoted").replace(
        "speaker_id: fixture-person", "speaker_id: nobody"
    )
    outlet = base_record("records/actor/fixture-outlet.yaml").replace("country: GB", "country: XX")
    ds = base_record("dataset.yaml").replace("version: 0.1.0", "version: one")
    return {
        "records/statement/fixture-statement.yaml": st,
        "records/actor/fixture-outlet.yaml": outlet,
        "dataset.yaml": ds,
    }


BAD_TEXT = """\
dataset.yaml:13:10: [S005] version: 'one' is not a semantic version such as 1.2.0
records/actor/fixture-outlet.yaml:6:10: [S004] country: 'XX' is not in the codelist; use a code of the 'country' codelist (listed in docs/codebook.md)
records/statement/fixture-statement.yaml:4:13: [X003] speaker_id: no record has id 'nobody'; create records/actor/nobody.yaml or fix the id
records/statement/fixture-statement.yaml:11:10: [S004] setting: 'quoted' is not in the codelist; use one of: press_briefing, remarks_to_reporters, official_statement, social_media_post, interview_with_publisher, interview_with_other_outlet, media_report, unspecified
"""

BAD_GITHUB = """\
::error file=dataset.yaml,line=13,col=10,title=S005 Value does not match the required pattern::version: 'one' is not a semantic version such as 1.2.0
::error file=records/actor/fixture-outlet.yaml,line=6,col=10,title=S004 Value not in the codelist::country: 'XX' is not in the codelist; use a code of the 'country' codelist (listed in docs/codebook.md)
::error file=records/statement/fixture-statement.yaml,line=4,col=13,title=X003 Reference to a missing record::speaker_id: no record has id 'nobody'; create records/actor/nobody.yaml or fix the id
::error file=records/statement/fixture-statement.yaml,line=11,col=10,title=S004 Value not in the codelist::setting: 'quoted' is not in the codelist; use one of: press_briefing, remarks_to_reporters, official_statement, social_media_post, interview_with_publisher, interview_with_other_outlet, media_report, unspecified
"""

BAD_JSON = """\
{
  "summary": {
    "files": 13,
    "records": 13,
    "problems": 4,
    "files_with_problems": 3,
    "notices": []
  },
  "problems": [
    {
      "path": "dataset.yaml",
      "line": 13,
      "col": 10,
      "code": "S005",
      "message": "version: 'one' is not a semantic version such as 1.2.0",
      "pointer": "$.version"
    },
    {
      "path": "records/actor/fixture-outlet.yaml",
      "line": 6,
      "col": 10,
      "code": "S004",
      "message": "country: 'XX' is not in the codelist; use a code of the 'country' codelist (listed in docs/codebook.md)",
      "pointer": "$.country"
    },
    {
      "path": "records/statement/fixture-statement.yaml",
      "line": 4,
      "col": 13,
      "code": "X003",
      "message": "speaker_id: no record has id 'nobody'; create records/actor/nobody.yaml or fix the id",
      "pointer": "$.speaker_id"
    },
    {
      "path": "records/statement/fixture-statement.yaml",
      "line": 11,
      "col": 10,
      "code": "S004",
      "message": "setting: 'quoted' is not in the codelist; use one of: press_briefing, remarks_to_reporters, official_statement, social_media_post, interview_with_publisher, interview_with_other_outlet, media_report, unspecified",
      "pointer": "$.setting"
    }
  ]
}
"""


@pytest.fixture
def bad(tmp_path):
    return make_project(tmp_path / "bad", _bad_files())


# -- exit 0 and 1, and what is printed -------------------------------------


def test_clean_project_prints_one_summary_line_and_exits_0(project, capsys):
    code, out, err = run(capsys, "check", "--root", project.root, "--sources", SOURCES)
    assert (code, out, err) == (0, "ok: 13 files, 13 records, no problems\n", "")


def test_problems_are_printed_sorted_and_exit_1(bad, capsys):
    code, out, err = run(capsys, "check", "--root", bad.root, "--sources", SOURCES)
    assert code == 1
    assert out == BAD_TEXT
    assert err == "4 problem(s) in 3 file(s)\n"
    keys = [(p.split(":")[0], int(p.split(":")[1]), int(p.split(":")[2])) for p in out.splitlines()]
    assert keys == sorted(keys)


def test_json_format_exact(bad, capsys):
    code, out, err = run(
        capsys, "check", "--root", bad.root, "--sources", SOURCES, "--format", "json"
    )
    assert (code, out, err) == (1, BAD_JSON, "")
    assert json.loads(out)["summary"]["problems"] == 4


def test_json_format_when_clean(project, capsys):
    code, out, err = run(
        capsys, "check", "--root", project.root, "--sources", SOURCES, "--format", "json"
    )
    assert code == 0 and err == ""
    assert json.loads(out) == {
        "summary": {
            "files": 13,
            "records": 13,
            "problems": 0,
            "files_with_problems": 0,
            "notices": [],
        },
        "problems": [],
    }


def test_github_format_exact(bad, capsys):
    code, out, err = run(
        capsys, "check", "--root", bad.root, "--sources", SOURCES, "--format", "github"
    )
    assert (code, out, err) == (1, BAD_GITHUB, "4 problem(s) in 3 file(s)\n")


def test_check_is_the_default_root(project, capsys, monkeypatch):
    monkeypatch.chdir(project.root)
    code, out, _ = run(capsys, "check", "--sources", SOURCES)
    assert (code, out) == (0, "ok: 13 files, 13 records, no problems\n")


# -- exit 2: the command, not the records, is wrong -------------------------


def test_no_command_prints_help_and_exits_2(capsys):
    code, out, _ = run(capsys)
    assert code == 2
    assert out.startswith("usage: il76-claims")


def test_unknown_option_exits_2(capsys):
    code, out, err = run(capsys, "check", "--no-such-option")
    assert code == 2 and out == ""
    assert "unrecognized arguments: --no-such-option" in err


@pytest.mark.parametrize("command", ["check", "build"])
def test_root_that_does_not_exist(command, tmp_path, capsys):
    missing = tmp_path / "nowhere"
    code, out, err = run(capsys, command, "--root", str(missing))
    assert (code, out) == (2, "")
    assert (
        err
        == f"il76-claims: {missing}: no such folder; give the project folder (the one holding schemas/ and records/) with --root\n"
    )
    assert not missing.exists()


@pytest.mark.parametrize("command", ["check", "build"])
def test_root_that_is_not_a_project(command, tmp_path, capsys):
    (tmp_path / "records").mkdir()
    code, out, err = run(capsys, command, "--root", str(tmp_path))
    assert (code, out) == (2, "")
    assert (
        err
        == f"il76-claims: {tmp_path} is not a project folder: no schemas/ there; give the folder holding schemas/ and records/ with --root\n"
    )
    assert sorted(os.listdir(tmp_path)) == ["records"]  # nothing was written


def test_empty_folder_is_not_a_project(tmp_path, capsys):
    code, _, err = run(capsys, "check", "--root", str(tmp_path))
    assert code == 2
    assert "is not a project folder: no schemas/ or records/ there" in err


def _break_schema(project, rel: str, change):
    path = Path(project.root) / "schemas" / rel
    if callable(change):
        doc = json.loads(path.read_text(encoding="utf-8"))
        change(doc)
        path.write_text(json.dumps(doc), encoding="utf-8")
    else:
        path.write_text(change, encoding="utf-8")


BROKEN_SCHEMAS = {
    "not-json": (
        "actor.schema.json",
        '{"$id": ',
        "schemas/actor.schema.json: cannot read schema: Expecting value: line 1 column 9 (char 8)",
    ),
    "not-an-object": (
        "event.schema.json",
        "[]",
        'schemas/event.schema.json: a schema must be a JSON object with a "$id"',
    ),
    "no-id": (
        "actor.schema.json",
        lambda d: d.pop("$id"),
        'schemas/actor.schema.json: a schema must be a JSON object with a "$id"',
    ),
    "bad-keyword-value": (
        "actor.schema.json",
        lambda d: d["properties"]["name"].update(type="strng"),
        "schemas/actor.schema.json: not a valid JSON Schema at properties/name/type: 'strng' is not valid under any of the given schemas",
    ),
    "unknown-meta-schema": (
        "actor.schema.json",
        lambda d: d.update({"$schema": "https://example.org/no-such-meta-schema"}),
        'schemas/actor.schema.json: "$schema" is \'https://example.org/no-such-meta-schema\', not JSON Schema 2020-12; write "$schema": "https://json-schema.org/draft/2020-12/schema"',
    ),
    "dangling-ref": (
        "claim.schema.json",
        lambda d: d["properties"]["topic"].update({"$ref": "codelists/no-such-list.json"}),
        'schemas/claim.schema.json: "$ref": "codelists/no-such-list.json" points to no schema under schemas/',
    ),
    "codelist-out-of-step": (
        "codelists/stance.json",
        lambda d: d["enum"].append("extra"),
        "schemas/codelists/stance.json: 'enum' and the keys of 'x-codes' must list the same codes in the same order",
    ),
}


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("name", sorted(BROKEN_SCHEMAS))
def test_broken_schemas_are_one_line_and_exit_2(name, command, project, capsys):
    rel, change, message = BROKEN_SCHEMAS[name]
    _break_schema(project, rel, change)
    code, out, err = run(capsys, command, "--root", project.root, "--sources", SOURCES)
    assert (code, out) == (2, "")
    assert (
        err.startswith("il76-claims: the schemas are broken: ")
        and err.endswith("\n")
        and err.count("\n") == 1
    )
    # Paths are absolute for files that cannot be read, relative otherwise.
    assert err.rstrip("\n").replace(project.root + "/", "").endswith(message)
    assert not (Path(project.root) / "data").exists()


def test_a_bug_in_the_tooling_is_reported_without_a_traceback(project, capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("something unexpected")

    monkeypatch.setattr(run_module, "check", broken)
    code, out, err = run(capsys, "check", "--root", project.root, "--sources", SOURCES)
    assert (code, out) == (2, "")
    assert err == (
        "il76-claims: internal error: RuntimeError: something unexpected\n"
        "il76-claims: this is a bug in the tooling, not in the records; please report it with the command you ran"
        " (run it again with --traceback to see where)\n"
    )


@pytest.mark.parametrize("how", ["option", "environment"])
def test_traceback_of_an_internal_error_on_request(project, capsys, monkeypatch, how):
    def broken(*args, **kwargs):
        raise RuntimeError("something unexpected")

    monkeypatch.setattr(run_module, "check", broken)
    argv = ["check", "--root", project.root, "--sources", SOURCES]
    if how == "option":
        argv.insert(0, "--traceback")
    else:
        monkeypatch.setenv("IL76_TRACEBACK", "1")
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.startswith("Traceback (most recent call last):\n")
    assert 'in broken\n    raise RuntimeError("something unexpected")\n' in err
    assert err.endswith(
        "il76-claims: internal error: RuntimeError: something unexpected\nil76-claims: this is a bug in the tooling, not in the records; please report it with the command you ran\n"
    )


def test_unreadable_record_is_a_problem_not_a_crash(project, capsys, monkeypatch):
    target = Path(project.root) / "records" / "actor" / "fixture-agency.yaml"
    target.chmod(0)
    if os.geteuid() == 0:  # root reads the file anyway: make the read fail as it would for a user
        real_open = os.open

        def denying_open(path, *args, **kwargs):
            if os.fspath(path) == str(target):
                raise PermissionError(13, "Permission denied", str(target))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(os, "open", denying_open)
    try:
        code, out, err = run(capsys, "check", "--root", project.root, "--sources", SOURCES)
    finally:
        target.chmod(0o644)
    assert (code, err) == (1, "1 problem(s) in 1 file(s)\n")
    # Only the file itself: references to the record it holds are not
    # reported as missing, since the record could not be read.
    assert (
        out
        == "records/actor/fixture-agency.yaml:1:1: [F007] cannot read the file: Permission denied\n"
    )


@pytest.mark.parametrize("case", ["no-folder", "broken-schema", "binary-record"])
def test_no_traceback_from_a_real_process(case, tmp_path):
    """The same guarantee in a separate process: stderr holds one or two
    plain lines, never a Python traceback."""
    if case == "no-folder":
        argv, expected_code = ["check", "--root", str(tmp_path / "nowhere")], 2
    else:
        p = make_project(tmp_path / "p")
        if case == "broken-schema":
            (Path(p.root) / "schemas" / "common.schema.json").write_text("{", encoding="utf-8")
            expected_code = 2
        else:
            (Path(p.root) / "records" / "actor" / "fixture-agency.yaml").write_bytes(
                b"\x00\xff\xfe garbage \x80"
            )
            expected_code = 1
        argv = ["build", "--root", p.root, "--sources", SOURCES]
    proc = run_process(*argv)
    assert proc.returncode == expected_code
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    assert proc.stderr.count("\n") <= 2


# -- build writes nothing while there are problems --------------------------


def _snapshot(root: str) -> dict[str, bytes]:
    """Every file the build may have written, by path."""
    return file_bytes(Path(root), ("data", "dist", "datapackage.json"))


def test_build_refuses_to_write_when_there_are_problems(project, capsys):
    code, out, _ = run(capsys, "build", "--root", project.root, "--sources", SOURCES)
    assert code == 0 and out.startswith("built: ")
    before = _snapshot(project.root)
    assert "datapackage.json" in before and "data/statements.csv" in before

    for rel, content in _bad_files().items():
        (Path(project.root) / rel).write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "build", "--root", project.root, "--sources", SOURCES)
    assert code == 1
    assert out == BAD_TEXT
    assert err == "4 problem(s) in 3 file(s); nothing was built\n"
    assert _snapshot(project.root) == before
    # and no half-written staging folder is left behind
    staging = Path(project.root) / ".build"
    assert not staging.exists() or list(staging.iterdir()) == []


def test_build_with_problems_creates_no_outputs(bad, capsys):
    code, _, _ = run(capsys, "build", "--root", bad.root, "--sources", SOURCES)
    assert code == 1
    assert _snapshot(bad.root) == {}


def test_build_json_summary(bad, capsys):
    code, out, err = run(
        capsys, "build", "--root", bad.root, "--sources", SOURCES, "--format", "json"
    )
    assert (code, err) == (1, "")
    doc = json.loads(out)
    assert doc["summary"]["build"] is True
    assert [p["code"] for p in doc["problems"]] == ["S005", "S004", "X003", "S004"]


@pytest.mark.parametrize("command", ["build", "site"])
def test_build_and_site_report_in_every_format(bad, capsys, command):
    argv = [command, "--root", bad.root, "--sources", SOURCES, "--format"]
    code, out, err = run(capsys, *argv, "github")
    assert (code, out, err) == (1, BAD_GITHUB, "4 problem(s) in 3 file(s); nothing was built\n")
    code, out, err = run(capsys, *argv, "json")
    assert (code, err) == (1, "")
    expected = json.loads(BAD_JSON)
    expected["summary"]["build"] = True
    assert json.loads(out) == expected


def test_module_and_entry_point_agree():
    """`python -m il76_claims` is the installed il76-claims command."""
    proc = run_process("--version", cwd=REPO)
    assert proc.returncode == 0
    assert proc.stdout.startswith("il76-claims ")


def test_a_closed_pipe_ends_the_command_quietly(project, capsys, monkeypatch):
    # As in `il76-claims check | head -1`, once head has what it wants.
    def pipe_closed(*args, **kwargs):
        raise BrokenPipeError

    monkeypatch.setattr(run_module, "check", pipe_closed)
    assert run(capsys, "check", "--root", project.root, "--sources", SOURCES) == (1, "", "")


def test_output_streams_that_cannot_be_reconfigured_are_used_as_they_are(project, monkeypatch):
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    assert cli.main(["check", "--root", project.root, "--sources", SOURCES]) == 0
    assert (out.getvalue(), err.getvalue()) == ("ok: 13 files, 13 records, no problems\n", "")


def test_new_without_a_kind(project, capsys):
    assert run(capsys, "new", "--root", project.root) == (
        2,
        "",
        "il76-claims new: give the KIND of record to start (or --update-templates)\n",
    )
