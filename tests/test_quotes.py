"""Quote verification: what the case folders under tests/cases/quotes cannot
hold (other sources folders, other archives) and the block rules themselves."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

from conftest import REPO, base_record, case_files, check_lines, make_project
from il76_claims import cli
from il76_claims.check.quotes import (
    MAX_ARCHIVE_BYTES,
    _first_difference,
    closest,
    inside_quotation,
    split_blocks,
)
from il76_claims.check.run import check
from il76_claims.model.project import Project, default_sources_dir

SOURCE = "records/source/fixture-source.yaml"


def _with_archive(tmp_path: Path, data: bytes, files=None) -> Project:
    """The base project with its source pointing at an archive holding data."""
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "other.txt").write_bytes(data)
    record = base_record(SOURCE).replace(
        "archive_file: fixture-article.txt", "archive_file: other.txt"
    )
    record = record.replace(
        "a707ad67d9669c1ac9fbbca5acf189a1a00fa4e8ec1730f6a3d1e81c4368458c",
        hashlib.sha256(data).hexdigest(),
    )
    project = make_project(tmp_path / "project", {SOURCE: record, **(files or {})})
    project.sources_dir = str(sources)
    return project


def test_blocks_are_runs_of_non_blank_lines():
    text = "\n\nfirst line\nsecond line\n\n \t\n\nthird\n\n"
    assert split_blocks(text) == ["first line\nsecond line", "third"]


def test_a_line_of_spaces_or_a_carriage_return_is_blank():
    assert split_blocks("a\n  \nb\n\r\nc") == ["a", "b", "c"]


REAL_ARCHIVE = Path(default_sources_dir(str(REPO))) / "rt-2024-01-il76-western-reaction.txt"
needs_archive = pytest.mark.skipif(
    not REAL_ARCHIVE.is_file(), reason=f"the archived source is not at {REAL_ARCHIVE}"
)


@needs_archive
def test_no_summary_or_note_of_the_real_records_copies_the_article():
    """Every summary (and note, proposition, description, inference) against
    the archived article: no run of 12 of its words outside quotation marks
    (rule Q006), and every quote still verified."""
    result = check(Project(root=str(REPO), sources_dir=str(REAL_ARCHIVE.parent)))
    assert [p for p in result.problems if p.code in ("Q001", "Q006")] == []
    assert result.archive_checked and len(result.verified) == 42


@needs_archive
def test_the_real_archive_has_32_blocks_with_subheadings_at_7_and_23():
    text = REAL_ARCHIVE.read_text(encoding="utf-8")
    blocks = split_blocks(text)
    assert len(blocks) == 32
    assert blocks[6] == '"Insufficient information"'
    assert blocks[22] == '"Sluggish reaction"'


@pytest.mark.parametrize(
    "text, sub, inside",
    [
        ("“a b” c", "a b", True),
        ("“a b” c", "b” c", False),
        ("x “a “inner” b” y", "a “inner” b", True),
        ('say "a b" now', "a b", True),
        ("«a b» c", "a b", True),
        ("it’s a b", "a b", False),
    ],
)
def test_inside_quotation(text, sub, inside):
    start = text.index(sub)
    assert inside_quotation(text, start, start + len(sub)) is inside


def test_closest_names_a_straight_apostrophe_against_a_typographic_one():
    assert closest("It's a pity", "“It’s a pity,” he said.") == (
        "the source has “’” where the quote has “'” after “…It” (U+0027 APOSTROPHE in the quote, U+2019 RIGHT SINGLE QUOTATION MARK in the source)"
    )


def test_closest_says_when_nothing_resembles_the_quote():
    assert closest("zzzz qqqq", "An unrelated block.").startswith(
        "no passage of the block resembles it"
    )


def test_absent_sources_folder_skips_the_check_with_a_notice(tmp_path):
    project = make_project(
        tmp_path / "p",
        {
            "records/statement/fixture-narration.yaml": base_record(
                "records/statement/fixture-narration.yaml"
            ).replace("10 passengers", "11 passengers")
        },
    )
    project.sources_dir = str(tmp_path / "nowhere")
    result = check(project)
    assert result.problems == []
    assert result.notices == [
        f"quotes were not checked against the archived sources: the sources folder {tmp_path / 'nowhere'} does not exist (5 quotes unchecked); pass --sources DIR or set IL76_SOURCES to check them",
        "no quote is verified: quote-checks.csv records no check with the archived texts (5 quotes)",
    ]


def test_no_sources_folder_given(tmp_path):
    project = make_project(tmp_path / "p")
    project.sources_dir = None
    assert (
        check(project)
        .notices[0]
        .startswith(
            "quotes were not checked against the archived sources: no sources folder was given (5 quotes unchecked)"
        )
    )


def test_the_command_prints_the_notice_on_stderr(tmp_path, capsys, monkeypatch):
    # No folder named: the default (../shared/sources) is absent, so a notice.
    make_project(tmp_path / "p")
    monkeypatch.chdir(tmp_path / "p")
    monkeypatch.delenv("IL76_SOURCES", raising=False)
    assert cli.main(["check"]) == 0
    captured = capsys.readouterr()
    assert (
        "note: quotes were not checked against the archived sources: the sources folder"
        in captured.err
    )
    # No check with the archive was ever recorded: one note, not a warning per quote.
    assert (
        "note: no quote is verified: quote-checks.csv records no check with the archived texts (5 quotes)"
        in captured.err
    )
    assert captured.out.startswith("ok:")


def test_a_quote_that_no_recorded_check_has_seen_is_a_warning_at_its_line(
    tmp_path, capsys, monkeypatch
):
    # A check with the archive recorded every quote but one, which was then changed (a pull request).
    project = make_project(tmp_path / "p")
    result = check(project)
    key = "statement/fixture-narration"
    ledger = "record,sha256\n" + "".join(
        f"{k},{d}\n" for k, d in sorted(result.verified.items()) if k != key
    )
    (Path(project.root) / "quote-checks.csv").write_text(ledger, encoding="utf-8")
    monkeypatch.delenv("IL76_SOURCES", raising=False)
    assert cli.main(["check", "--root", project.root, "--format", "github"]) == 0
    *out, last = capsys.readouterr().out.splitlines()
    assert last.startswith("ok:")
    assert out == [
        "::warning file=records/statement/fixture-narration.yaml,line=12,col=8,title=Q005 Quote not verified (a warning)::quote not verified: the archived text of 'fixture-source' is not here, and quote-checks.csv records no check of this wording; it is published with quote_verified false until a check with the archive verifies it"
    ]


def test_a_source_whose_text_is_not_held_has_no_quote_to_check(tmp_path):
    project = make_project(
        tmp_path / "p", case_files(REPO / "tests/cases/rules/valid-source-not-held")
    )
    result = check(project)
    assert result.problems == [] and result.notices == [] and result.warnings == []


def test_archive_that_is_not_utf8(tmp_path):
    project = _with_archive(tmp_path, b"A paragraph.\n\nOne \xff byte.\n")
    assert check_lines(project) == [
        "records/source/fixture-source.yaml:15:15: [Q002] archived text 'other.txt' is not valid UTF-8 (line 3); archive texts as UTF-8"
    ]


def test_quotes_are_checked_against_an_archive_of_hard_wrapped_lines(tmp_path):
    article = (REPO / "tests/fixtures/sources/fixture-article.txt").read_text(encoding="utf-8")
    wrapped = article.replace(
        "10 passengers and 2 crew members", "10 passengers\nand 2 crew members"
    )
    project = _with_archive(tmp_path, wrapped.encode("utf-8"))
    lines = check_lines(project)
    # The one-line quote of the narration no longer matches; nothing joins
    # the lines for it.
    assert lines == [
        "records/statement/fixture-narration.yaml:12:8: [Q001] quote is not in block 4 of 'other.txt': the source has “\\u000a” where the quote has “ ” after “…tlet states that 10 passengers” (U+0020 SPACE in the quote, U+000A LINE FEED in the source)"
    ]


def test_a_bad_value_is_reported_once(tmp_path):
    # An empty quote is the schema check's to report; the quote check stays quiet.
    project = make_project(
        tmp_path / "p",
        {
            "records/statement/fixture-narration.yaml": base_record(
                "records/statement/fixture-narration.yaml"
            ).replace(
                "quote: The outlet states that 10 passengers and 2 crew members were on board.",
                "quote: ''",
            )
        },
    )
    assert [line.split(" [")[1][:4] for line in check_lines(project)] == ["S007"]


def test_an_archive_that_is_not_a_regular_file_is_refused_not_waited_on(tmp_path):
    project = _with_archive(tmp_path, b"placeholder")
    archive = Path(project.sources_dir) / "other.txt"
    archive.unlink()
    os.mkfifo(archive)
    assert check_lines(project) == [
        "records/source/fixture-source.yaml:15:15: [Q002] archived text 'other.txt' cannot be read: not a regular file"
    ]


@pytest.mark.parametrize(
    "quote, hint",
    [
        # A changed last character shows as itself, not as a jump to a later full stop.
        (
            "This is a terrible loss.",
            "the source has “,” where the quote has “.” after “…This is a terrible loss” (U+002E FULL STOP in the quote, U+002C COMMA in the source)",
        ),
        ("trying to establish facts", "the quote leaves out “the ” after “…trying to establish ”"),
        ("We are truly trying", "the quote adds “truly ” after “…We are ”"),
    ],
)
def test_closest_points_at_the_first_difference(quote, hint):
    block = "“We are trying to establish the facts of what happened. This is a terrible loss,” TASS quotes him."
    assert closest(quote, block) == hint


@needs_archive
def test_every_quote_in_the_dataset_is_verified_against_the_archive():
    # With the archive present, only the quotes of sources that have no
    # archived text (archive_file: null) may go unchecked, and a notice
    # counts them; nothing else is skipped and nothing fails.
    result = check(Project(root=str(REPO), sources_dir=default_sources_dir(str(REPO))))
    assert result.problems == []
    assert [n for n in result.notices if "(archive_file: null)" not in n] == []


def test_a_named_sources_folder_that_does_not_exist_is_a_problem(tmp_path, capsys, monkeypatch):
    # Naming a folder asks for the quote check; a typo must not skip it quietly.
    monkeypatch.delenv("IL76_SOURCES", raising=False)
    project = make_project(tmp_path / "p")
    missing = tmp_path / "typo"
    assert cli.main(["check", "--root", project.root, "--sources", str(missing)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        f"{missing}:1:1: [F009] the sources folder given with --sources or IL76_SOURCES does not exist; give the folder holding the archived texts, or leave both unset to skip quote checks"
    )


def test_the_environment_variable_counts_as_naming_the_folder(tmp_path, capsys, monkeypatch):
    project = make_project(tmp_path / "p")
    monkeypatch.setenv("IL76_SOURCES", str(tmp_path / "typo"))
    assert cli.main(["check", "--root", project.root]) == 1
    assert "[F009]" in capsys.readouterr().out


def test_an_archive_over_the_size_limit_is_refused_without_reading_it(tmp_path):
    project = _with_archive(tmp_path, b"placeholder")
    with open(Path(project.sources_dir) / "other.txt", "wb") as fh:
        fh.truncate(MAX_ARCHIVE_BYTES + 1)  # sparse: costs no disk
    assert check_lines(project) == [
        f"records/source/fixture-source.yaml:15:15: [Q002] archived text 'other.txt' is larger than {MAX_ARCHIVE_BYTES} bytes; archive the article's text only"
    ]


@pytest.mark.parametrize("block", ["0", "'2'", "9"])
def test_a_block_that_other_checks_report_is_not_looked_up(tmp_path, block):
    # Block 0 and '2' are the schema check's to report, block 9 of a
    # source of 4 blocks the cross-record check's (X005).
    statement = "records/statement/fixture-statement.yaml"
    project = make_project(
        tmp_path / "p", {statement: base_record(statement).replace("block: 2", f"block: {block}")}
    )
    assert [line for line in check_lines(project) if "[Q00" in line] == []


def test_a_quote_without_a_block_whose_source_id_is_taken_twice_is_not_looked_up(tmp_path):
    # A null block passes the schema when the source may have no archive;
    # X015 flags it, so the quote check never compares null with a count.
    held = base_record("records/source/fixture-source.yaml")
    copy = re.sub(r"(?m)^(archive_file|archive_sha256|block_count): .*$", r"\1: null", held)
    statement = "records/statement/fixture-statement.yaml"
    project = make_project(
        tmp_path / "p",
        {
            "records/source/fixture-copy.yaml": copy.replace("text_held: true", "text_held: false"),
            statement: base_record(statement).replace("block: 2", "block: null"),
        },
    )
    assert check_lines(project) == [
        "records/source/fixture-copy.yaml:1:5: [X001] id 'fixture-source' is already used by records/source/fixture-source.yaml; ids are unique across all kinds",
        "records/source/fixture-copy.yaml:1:5: [X002] id 'fixture-source' differs from the file name 'fixture-copy.yaml'; rename the file or change the id",
        "records/statement/fixture-statement.yaml:3:8: [X015] block is null, but source 'fixture-source' has an archived text: cite the block the quote is in",
    ]


def test_a_passage_that_holds_the_quote_has_no_difference():
    assert _first_difference("He said: we are trying, he said.", "we are trying") is None
