"""Block coverage: every block of every archived source is cited by a record
or explained in docs/uncited-blocks.yaml (docs/block-coverage.md is checked
for freshness with the other generated docs, in test_docs.py)."""

from __future__ import annotations

import json
import os

import pytest

from conftest import FIXTURE_SOURCES, REPO, make_project
from il76_claims import cli
from il76_claims.check import report
from il76_claims.check.coverage import UNCITED_FILE, coverage
from il76_claims.generate.coverage import DOC, render, render_for
from il76_claims.model.project import default_sources_dir

SOURCES = default_sources_dir(str(REPO))
# The base fixture cites blocks 2 and 4 of its 4-block archive.
REASONS = """fixture-source:
  - block: 1
    reason: A paragraph with no statement.
  - block: 3
    reason: Subheading.
    see: fixture-narration
"""


def lines(cov) -> list[str]:
    return report.text(cov.problems).splitlines()


def test_every_block_of_the_real_sources_is_cited_or_explained():
    # Needs only the records and block_count, so it runs without the archive too.
    assert coverage(str(REPO), SOURCES).problems == []


def test_an_unexplained_block_is_reported(tmp_path):
    project = make_project(tmp_path / "p")
    assert lines(coverage(project.root, str(FIXTURE_SOURCES))) == [
        "docs/uncited-blocks.yaml:1:1: [C001] fixture-source: blocks 1, 3 cited by no record and not explained; cite them from a statement or casualty figure, or add the reason here"
    ]


def test_reasons_complete_the_coverage(tmp_path):
    project = make_project(tmp_path / "p", {UNCITED_FILE: REASONS})
    cov = coverage(project.root, str(FIXTURE_SOURCES))
    assert cov.problems == []
    table = render(cov).split("| block | begins | cited by |")[1].splitlines()[2:]
    assert table == [
        "| 1 | A test paragraph about an aircraft that crashed … | not cited: A paragraph with no statement. |",
        "| 2 | “We are looking into what happened,” the agency … | statement `fixture-statement`<br>casualty_figure `fixture-range` |",
        '| 3 | "A subheading" | not cited: Subheading. (see `fixture-narration`) |',
        "| 4 | The outlet states that 10 passengers and 2 … | statement `fixture-narration`<br>casualty_figure `fixture-crew`<br>casualty_figure `fixture-passengers` |",
    ]


@pytest.mark.parametrize(
    "reasons, problem",
    [
        (
            REASONS + "  - block: 2\n    reason: Stale.\n",
            "docs/uncited-blocks.yaml:7:5: [C002] fixture-source: block 2 is cited by statement fixture-statement, casualty_figure fixture-range; remove it from docs/uncited-blocks.yaml",
        ),
        (
            REASONS + "  - block: 5\n    reason: Too far.\n",
            "docs/uncited-blocks.yaml:7:5: [C003] fixture-source: block 5 is beyond the 4 blocks of the source",
        ),
        (
            REASONS + "  - block: 1\n    reason: Twice.\n",
            "docs/uncited-blocks.yaml:7:5: [C004] fixture-source: block 1 is listed twice (first at line 2)",
        ),
        (
            REASONS.replace("see: fixture-narration", "see: nobody"),
            "docs/uncited-blocks.yaml:4:5: [C006] fixture-source: block 3: see names 'nobody', which is not a record id",
        ),
        (
            REASONS + "  - block: 0\n    reason: Zero.\n",
            "docs/uncited-blocks.yaml:7:12: [C007] fixture-source: block is a block number counted from 1",
        ),
        (
            REASONS + "  - block: 'two'\n    reason: Text.\n",
            "docs/uncited-blocks.yaml:7:12: [C007] fixture-source: block is a block number counted from 1",
        ),
        (
            REASONS + "  - block: 2\n    reason: ' '\n",
            "docs/uncited-blocks.yaml:8:13: [C007] fixture-source: reason is a non-empty text",
        ),
        (
            REASONS + "  - block: 2\n    reason: x\n    see: 3\n",
            "docs/uncited-blocks.yaml:9:10: [C007] fixture-source: see is the id of one record",
        ),
        (
            REASONS + "  - block: 2\n    reason: x\n    note: extra\n",
            "docs/uncited-blocks.yaml:7:5: [C007] fixture-source: each entry has block and reason, and optionally see",
        ),
        (
            REASONS + "  - just text\n",
            "docs/uncited-blocks.yaml:7:5: [C007] fixture-source: each entry has block and reason, and optionally see",
        ),
        (
            "fixture-source: none\n",
            "docs/uncited-blocks.yaml:1:17: [C007] fixture-source: write a list of entries with block, reason and, optionally, see",
        ),
        (
            REASONS + "  - block: 2\n",
            "docs/uncited-blocks.yaml:7:5: [C007] fixture-source: each entry has block and reason, and optionally see",
        ),
        (
            REASONS + "other-source:\n  - block: 1\n    reason: x\n",
            "docs/uncited-blocks.yaml:7:1: [C005] 'other-source' is not the id of a source record",
        ),
        (
            "- fixture-source\n",
            "docs/uncited-blocks.yaml:1:1: [Y009] a record must be a mapping of field: value lines, not a list or a single value",
        ),
    ],
)
def test_bad_reasons_are_reported_at_their_line(tmp_path, reasons, problem):
    project = make_project(tmp_path / "p", {UNCITED_FILE: reasons})
    problems = lines(coverage(project.root, str(FIXTURE_SOURCES)))
    # An entry is reported once, and the blocks it leaves unexplained after it.
    assert problems[0] == problem
    assert not problems[1:] or "cited by no record and not explained" in problems[1]


def test_an_unreadable_schema_of_the_reasons_is_reported(tmp_path):
    project = make_project(
        tmp_path / "p", {UNCITED_FILE: REASONS, "schemas/uncited-blocks.schema.json": "{"}
    )
    assert lines(coverage(project.root, str(FIXTURE_SOURCES)))[0] == (
        "schemas/uncited-blocks.schema.json:1:1: [C008] cannot read: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"
    )


def test_the_reasons_file_is_read_strictly(tmp_path):
    project = make_project(
        tmp_path / "p", {UNCITED_FILE: REASONS + "  - block: 2\n    block: 2\n    reason: x\n"}
    )
    # The loader's own problems keep their code.
    assert any(
        ":8:5: [Y002] duplicate key 'block'" in line
        for line in lines(coverage(project.root, str(FIXTURE_SOURCES)))
    )


def test_without_the_archive_the_first_words_are_left_out(tmp_path):
    project = make_project(tmp_path / "p", {UNCITED_FILE: REASONS})
    cov = coverage(project.root, str(tmp_path / "nowhere"))
    assert cov.problems == []
    assert "The archived text was not available" in render(cov)
    assert "| 1 |  | not cited: A paragraph with no statement. |" in render(cov)


def test_command_passes_when_every_block_is_covered(tmp_path, monkeypatch, capsys):
    project = make_project(tmp_path / "p", {UNCITED_FILE: REASONS})
    monkeypatch.chdir(project.root)
    assert cli.main(["coverage", "--sources", str(FIXTURE_SOURCES)]) == 0
    assert capsys.readouterr().out == "ok: every block is cited by a record or explained\n"
    assert not os.path.exists(
        os.path.join(project.root, DOC)
    )  # the document is make docs' to write


def test_command_fails_on_an_unexplained_block(tmp_path, monkeypatch, capsys):
    project = make_project(tmp_path / "p")
    monkeypatch.chdir(project.root)
    assert cli.main(["coverage", "--sources", str(FIXTURE_SOURCES)]) == 1
    out = capsys.readouterr()
    assert out.out.startswith(
        "docs/uncited-blocks.yaml:1:1: [C001] fixture-source: blocks 1, 3 cited by no record"
    )
    assert "1 coverage problem(s)" in out.err


UNEXPLAINED = "fixture-source: blocks 1, 3 cited by no record and not explained; cite them from a statement or casualty figure, or add the reason here"


def test_command_in_json(tmp_path, monkeypatch, capsys):
    project = make_project(tmp_path / "p")
    monkeypatch.chdir(project.root)
    assert cli.main(["coverage", "--sources", str(tmp_path / "nowhere"), "--format", "json"]) == 1
    out, err = capsys.readouterr()
    assert err == ""
    assert json.loads(out) == {
        "summary": {
            "sources": 1,
            "problems": 1,
            "files_with_problems": 1,
            "notices": [
                f"the sources folder {tmp_path / 'nowhere'} does not exist; blocks are counted from the sources' block_count"
            ],
        },
        "problems": [
            {
                "path": "docs/uncited-blocks.yaml",
                "line": 1,
                "col": 1,
                "code": "C001",
                "message": UNEXPLAINED,
                "pointer": "",
            }
        ],
    }


def test_command_as_github_annotations(tmp_path, monkeypatch, capsys):
    project = make_project(tmp_path / "p")
    monkeypatch.chdir(project.root)
    assert cli.main(["coverage", "--sources", str(FIXTURE_SOURCES), "--format", "github"]) == 1
    assert capsys.readouterr() == (
        "::error file=docs/uncited-blocks.yaml,line=1,col=1,title=C001 Block cited by no record and not explained::"
        + UNEXPLAINED
        + "\n",
        "1 coverage problem(s)\n",
    )


def test_without_the_archive_make_docs_keeps_the_document_as_it_is(monkeypatch, tmp_path, capsys):
    from il76_claims.generate import coverage as cov

    monkeypatch.setenv("IL76_SOURCES", str(tmp_path / "not-here"))
    kept = cov.render_for(str(REPO))
    assert (
        kept == cov._generated(str(REPO / cov.DOC)) and "| 1 | The United States is trying" in kept
    )
    assert (
        "docs/block-coverage.md kept as it is: an archived text it shows is not here"
        in capsys.readouterr().err
    )


def test_command_without_the_archive_counts_blocks_from_block_count(tmp_path, monkeypatch, capsys):
    project = make_project(tmp_path / "p", {UNCITED_FILE: REASONS})
    monkeypatch.chdir(project.root)
    nowhere = tmp_path / "nowhere"
    assert cli.main(["coverage", "--sources", str(nowhere)]) == 0
    assert capsys.readouterr() == (
        "ok: every block is cited by a record or explained\n",
        f"note: the sources folder {nowhere} does not exist; blocks are counted from the sources' block_count\n",
    )


def test_a_block_neither_cited_nor_explained_is_marked_in_the_document(tmp_path):
    project = make_project(tmp_path / "p")
    table = render(coverage(project.root, str(FIXTURE_SOURCES))).splitlines()
    assert [line for line in table if line.startswith(("| 1 |", "| 3 |"))] == [
        "| 1 | A test paragraph about an aircraft that crashed … | **not cited, no reason given** |",
        '| 3 | "A subheading" | **not cited, no reason given** |',
    ]


def test_without_a_document_to_keep_the_coverage_is_written_afresh(tmp_path, monkeypatch):
    project = make_project(tmp_path / "p", {UNCITED_FILE: REASONS})
    monkeypatch.setenv("IL76_SOURCES", str(tmp_path / "nowhere"))
    assert render_for(project.root) == render(coverage(project.root, str(tmp_path / "nowhere")))
