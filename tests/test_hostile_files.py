"""Files that case folders cannot hold: links, pipes, names that collide or
do not decode, and files far over the size limit, all made at test time."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURE_SOURCES, base_record, check_lines, make_project
from il76_claims import cli
from il76_claims.check import strict_yaml as loader
from il76_claims.check.files import UnreadableFolder
from il76_claims.check.report import text
from il76_claims.check.run import check
from il76_claims.model.fileio import safe_relative_path
from il76_claims.model.problems import problem

PERSON = "records/actor/fixture-person.yaml"
# A record whose content would give its own, recognizable problem if read.
BAIT = "id: fixture-bait\nbait: NO\n"

needs_symlinks = pytest.mark.skipif(
    not hasattr(os, "symlink") or sys.platform == "win32", reason="symbolic links"
)
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")


def lines_for(tmp_path, setup) -> list[str]:
    project = make_project(tmp_path / "project")
    setup(Path(project.root))
    return check_lines(project)


@needs_symlinks
def test_symlinked_record_is_reported_and_never_read(tmp_path):
    bait = tmp_path / "bait.yaml"
    bait.write_text(BAIT, encoding="utf-8")

    def setup(root):
        os.symlink(bait, root / "records/actor/fixture-bait.yaml")

    assert lines_for(tmp_path, setup) == [
        "records/actor/fixture-bait.yaml:1:1: [F004] symbolic link; replace it with a regular file (links are never followed)"
    ]


@needs_symlinks
def test_symlink_replacing_a_referenced_record(tmp_path):
    bait = tmp_path / "elsewhere.yaml"
    bait.write_text(base_record(PERSON), encoding="utf-8")

    def setup(root):
        (root / PERSON).unlink()
        os.symlink(bait, root / PERSON)

    lines = lines_for(tmp_path, setup)
    assert (
        lines[0]
        == f"{PERSON}:1:1: [F004] symbolic link; replace it with a regular file (links are never followed)"
    )
    assert all("[X003]" in line for line in lines[1:])  # the records that pointed at it


@needs_symlinks
def test_symlinked_kind_folder_is_reported_and_never_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "fixture-bait.yaml").write_text(BAIT, encoding="utf-8")

    def setup(root):
        os.symlink(outside, root / "records/claim-old")

    assert lines_for(tmp_path, setup) == [
        "records/claim-old:1:1: [F004] symbolic link; replace it with a regular folder or file (links are never followed)"
    ]


@needs_symlinks
def test_symlinked_records_folder_is_reported_and_never_followed(tmp_path):
    def setup(root):
        real = root.parent / "real-records"
        os.rename(root / "records", real)
        os.symlink(real, root / "records")

    assert lines_for(tmp_path, setup) == [
        "records:1:1: [F004] symbolic link; records/ must be a regular folder (links are never followed)"
    ]


@needs_symlinks
def test_load_file_refuses_a_link_even_if_it_appears_after_discovery(tmp_path):
    # A file swapped for a link between listing and reading is still not followed.
    target = tmp_path / "target.yaml"
    target.write_text(BAIT, encoding="utf-8")
    link = tmp_path / "x.yaml"
    os.symlink(target, link)
    rec, problems = loader.load_file("records/actor/x.yaml", str(link), "actor")
    assert rec is None and [p.code for p in problems] == ["F004"]


@needs_symlinks
def test_symlinked_dataset_yaml_is_not_followed(tmp_path):
    project = make_project(tmp_path / "project")
    root = Path(project.root)
    real = tmp_path / "dataset-real.yaml"
    os.rename(root / "dataset.yaml", real)
    os.symlink(real, root / "dataset.yaml")
    assert [line.split(" [")[1][:4] for line in check_lines(project)] == ["F004"]


@needs_fifo
def test_named_pipe_is_reported_without_blocking(tmp_path):
    # Opening a FIFO for reading blocks until a writer comes; a checker that
    # opened it would hang forever, so this test finishing is the proof.
    def setup(root):
        os.mkfifo(root / "records/actor/fixture-pipe.yaml")

    assert lines_for(tmp_path, setup) == [
        "records/actor/fixture-pipe.yaml:1:1: [F007] not a regular file (a pipe, socket or device); records are plain files"
    ]


@needs_fifo
def test_load_file_on_a_pipe_does_not_block(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    rec, problems = loader.load_file("records/actor/pipe.yaml", str(fifo), "actor")
    assert rec is None and [p.code for p in problems] == ["F007"]


def _case_sensitive(path: Path) -> bool:
    probe = path / "CaseProbe"
    probe.write_text("x")
    try:
        return not (path / "caseprobe").exists()
    finally:
        probe.unlink()


def test_names_differing_only_by_case(tmp_path):
    project = make_project(tmp_path / "project")
    root = Path(project.root)
    if not _case_sensitive(root):
        pytest.skip("case-insensitive file system: the two names cannot coexist")
    (root / "records/actor/Fixture-Person.yaml").write_text(base_record(PERSON), encoding="utf-8")
    (root / "records/actor/FIXTURE-PERSON.yaml").write_text(base_record(PERSON), encoding="utf-8")
    assert check_lines(project) == [
        "records/actor/FIXTURE-PERSON.yaml:1:1: [F005] differs only by letter case from records/actor/fixture-person.yaml; the two collide on macOS and Windows",
        "records/actor/FIXTURE-PERSON.yaml:1:1: [F008] file name is not a valid id: character 1 is U+0046 LATIN CAPITAL LETTER F; use lower-case ASCII letters, digits and single hyphens",
        "records/actor/Fixture-Person.yaml:1:1: [F005] differs only by letter case from records/actor/fixture-person.yaml; the two collide on macOS and Windows",
        "records/actor/Fixture-Person.yaml:1:1: [F008] file name is not a valid id: character 1 is U+0046 LATIN CAPITAL LETTER F; use lower-case ASCII letters, digits and single hyphens",
    ]


def test_names_that_collide_after_unicode_normalization(tmp_path):
    # macOS stores names decomposed: 'é' and 'e' + combining acute are one name there.
    project = make_project(tmp_path / "project")
    root = Path(project.root)
    try:
        (root / "records/actor/caf\u00e9.yaml").write_text(BAIT, encoding="utf-8")
        (root / "records/actor/cafe\u0301.yaml").write_text(BAIT, encoding="utf-8")
    except OSError:
        pytest.skip("file system refuses these names")
    if len(os.listdir(root / "records/actor")) != 6:
        pytest.skip("file system normalizes names")
    f005 = [line for line in check_lines(project) if "[F005]" in line]
    assert len(f005) == 1


@pytest.mark.skipif(
    sys.platform in ("darwin", "win32"), reason="needs a file system that takes any bytes in names"
)
def test_file_name_that_is_not_utf8(tmp_path):
    project = make_project(tmp_path / "project")
    folder = os.fsencode(Path(project.root) / "records/actor")
    with open(os.path.join(folder, b"bad-\xff-name.yaml"), "wb") as fh:
        fh.write(b"id: fixture-bad\n")
    result = check(project)
    report = text(result.problems)
    report.encode("utf-8")  # printable: no lone surrogates reach the report
    assert report.splitlines()[0] == (
        "records/actor/bad-\\xff-name.yaml:1:1: [F008] file name is not a valid id: character 5 is byte 0xff, not UTF-8; use lower-case ASCII letters, digits and single hyphens"
    )


@pytest.mark.skipif(
    sys.platform == "win32", reason="needs a file system that takes line breaks in names"
)
def test_file_name_with_a_line_break_keeps_the_report_one_line_per_problem(tmp_path):
    def setup(root):
        (root / "records/actor/evil\nname.yaml").write_text(BAIT, encoding="utf-8")
        (root / "records/actor/rtl-\u202eoverride.yaml").write_text(BAIT, encoding="utf-8")

    lines = lines_for(tmp_path, setup)
    assert all(line.startswith("records/") for line in lines)
    assert "records/actor/evil\\u000aname.yaml:1:1: [F008]" in "\n".join(lines)
    assert "records/actor/rtl-\\u202eoverride.yaml:1:1: [F008]" in "\n".join(lines)


def test_file_over_the_size_limit_is_refused_without_reading_it(tmp_path, monkeypatch):
    project = make_project(tmp_path / "project")
    huge = Path(project.root) / "records/actor/fixture-huge.yaml"
    with open(huge, "wb") as fh:
        fh.truncate(4 * 1024**3)  # 4 GiB, sparse: costs no disk
    reads = []
    real_read = os.read

    def counting_read(fd, n):
        data = real_read(fd, n)
        reads.append(len(data))
        return data

    monkeypatch.setattr(loader.os, "read", counting_read)
    lines = check_lines(project)
    assert lines == [
        f"records/actor/fixture-huge.yaml:1:1: [F006] file of {4 * 1024**3} bytes; the limit is {loader.MAX_FILE_BYTES} bytes, records are small"
    ]
    assert sum(reads) <= 16 * loader.MAX_FILE_BYTES  # only the other, small records were read


def test_file_at_the_size_limit_is_read_and_one_byte_more_is_not(tmp_path):
    record = base_record(PERSON).encode("utf-8")
    padding = loader.MAX_FILE_BYTES - len(record)
    comment = b"".join(b"#" + b"x" * 98 + b"\n" for _ in range(padding // 100))
    at_limit = comment + b"#" * (padding - len(comment) - 1) + b"\n" + record
    assert len(at_limit) == loader.MAX_FILE_BYTES
    f = tmp_path / "x.yaml"
    f.write_bytes(at_limit)
    rec, problems = loader.load_file("x.yaml", str(f), "actor")
    assert problems == [] and rec.data["id"] == "fixture-person"
    f.write_bytes(b"#" + at_limit)
    rec, problems = loader.load_file("x.yaml", str(f), "actor")
    assert rec is None and [p.code for p in problems] == ["F006"]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_is_reported(tmp_path):
    def setup(root):
        os.chmod(root / PERSON, 0)

    lines = lines_for(tmp_path, setup)
    assert lines[0] == f"{PERSON}:1:1: [F007] cannot read the file: Permission denied"


def test_missing_records_folder_stops_the_check(tmp_path):
    project = make_project(tmp_path / "project", {"records": None})
    with pytest.raises(
        UnreadableFolder,
        match=r"cannot read the records folder .*/project/records: No such file or directory",
    ):
        check_lines(project)


@pytest.mark.parametrize("unreadable", ["records", "records/actor", "."])
def test_an_unreadable_folder_is_a_failure_to_run(tmp_path, monkeypatch, capsys, unreadable):
    """Exit 2 and one line naming the folder, not a problem of the data (a
    permission error stands in for chmod 0, which root reads through)."""
    project = make_project(tmp_path / "project")
    folder = os.path.normpath(os.path.join(project.root, unreadable))
    real_scandir, real_listdir = os.scandir, os.listdir

    def deny(real):
        def call(path="."):
            if os.path.normpath(os.fspath(path)) == folder:
                raise PermissionError(13, "Permission denied")
            return real(path)

        return call

    monkeypatch.setattr(os, "scandir", deny(real_scandir))
    monkeypatch.setattr(os, "listdir", deny(real_listdir))
    code = cli.main(["check", "--root", project.root, "--sources", str(FIXTURE_SOURCES)])
    out, err = capsys.readouterr()
    what = "the folder" if unreadable != "records" else "the records folder"
    assert (code, out) == (2, "")
    assert err == f"il76-claims: cannot read {what} {folder}: Permission denied\n"


def test_read_error_is_a_problem_not_a_traceback(tmp_path, monkeypatch):
    # Stands in for an unreadable file where the tests run as root.
    project = make_project(tmp_path / "project")
    real_open = os.open

    def failing_open(path, flags, *args):
        if str(path).endswith("fixture-person.yaml"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)

    monkeypatch.setattr(loader.os, "open", failing_open)
    assert check_lines(project) == [f"{PERSON}:1:1: [F007] cannot read the file: Permission denied"]


@pytest.mark.parametrize(
    "path, safe",
    [
        ("data/actors.csv", True),
        ("fixture-article.txt", True),
        ("../sources/x.txt", False),
        ("data/../../x.csv", False),
        ("/etc/passwd", False),
        ("data//x.csv", False),
        ("./x.csv", False),
        ("data\\x.csv", False),
        ("x\0.txt", False),
        ("https://example.org/x.csv", False),
        ("", False),
        (None, False),
    ],
)
def test_safe_relative_path_stays_inside_its_folder(path, safe):
    assert safe_relative_path(path) is safe


@pytest.mark.parametrize("name", ["sub/x.txt", "..", "x\\y.txt"])
def test_an_archive_file_that_is_not_a_plain_name_is_refused(tmp_path, name):
    source = base_record("records/source/fixture-source.yaml")
    source = source.replace("archive_file: fixture-article.txt", f"archive_file: '{name}'")
    project = make_project(tmp_path / "p", {"records/source/fixture-source.yaml": source})
    assert (
        f"records/source/fixture-source.yaml:15:15: [Q002] archive_file {name!r} must be the name of a file in the sources folder, not a path"
        in check_lines(project)
    )


def test_a_parser_error_without_a_position_is_reported_at_the_first_line(monkeypatch):
    def parser_that_stops(text, Loader):
        raise yaml.YAMLError("the parser stopped")
        yield  # a generator, as yaml.parse is: the error comes with the first event

    monkeypatch.setattr(loader.yaml, "parse", parser_that_stops)
    assert loader.parse("records/actor/x.yaml", "id: x\n") == (
        None,
        None,
        [problem("records/actor/x.yaml", 1, 1, "Y001", "YAML syntax error: the parser stopped")],
    )
