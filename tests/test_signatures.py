"""Stat signatures taken in a second process are the ones this process
would take, a failure of that process costs only time, and the cache finds
the same changes with them."""

from __future__ import annotations

import os
import signal
import time

import pytest

from conftest import make_project
from il76_claims import cache as cache_mod
from il76_claims import pipeline, signatures
from il76_claims.checker import check
from il76_claims.report import text
from il76_claims.schemas import SchemaSet

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="signatures are taken in a second process only where fork is available")


@pytest.fixture
def paths(tmp_path):
    out = []
    for i in range(5):
        p = tmp_path / f"f{i}.yaml"
        p.write_text("x" * i, encoding="utf-8")
        out.append(str(p))
    os.mkfifo(tmp_path / "pipe")
    os.symlink(out[0], tmp_path / "link")
    return out + [str(tmp_path / "pipe"), str(tmp_path / "link"), str(tmp_path / "gone.yaml")]


def test_the_second_process_gives_the_signatures_of_this_one(paths):
    here = signatures.all_of(paths)
    assert signatures.in_background(paths).wait() == here
    assert here[-1] is None and all(sig is not None for sig in here[:-1])
    # A link is looked at, never followed.
    assert here[-2] != here[0]


class _BrokenStruct:
    """SIG for a second process that fails half way."""

    size = signatures.SIG.size
    pack = signatures.SIG.pack
    unpack = signatures.SIG.unpack

    @staticmethod
    def pack_into(*args):
        raise RuntimeError("the second process fails")


def test_a_failed_second_process_costs_only_time(paths, monkeypatch):
    here = signatures.all_of(paths)
    monkeypatch.setattr(signatures, "SIG", _BrokenStruct)
    assert signatures.in_background(paths).wait() == here


def test_a_second_process_reaped_elsewhere_is_not_trusted(paths):
    here = signatures.all_of(paths)
    background = signatures.in_background(paths)
    assert isinstance(background, signatures.Background)
    os.waitpid(background._pid, 0)  # as a SIGCHLD handler might
    assert background.wait() == here


def test_no_second_process_where_children_are_reaped_unseen(paths, monkeypatch):
    monkeypatch.setattr(signal, "getsignal", lambda sig: signal.SIG_IGN if sig == signal.SIGCHLD else signal.SIG_DFL)
    taken = signatures.in_background(paths)
    assert isinstance(taken, signatures.Here)
    assert taken.wait() == signatures.all_of(paths)


def _no_children_left():
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_a_cancelled_second_process_is_stopped_and_reaped(paths):
    background = signatures.in_background(paths * 2000)
    pid = background._pid
    background.cancel()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    _no_children_left()


def test_a_failure_while_the_cache_loads_leaves_no_process_behind(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_FILES", 1)

    def broken(*args, **kwargs):
        raise RuntimeError("the cache cannot be loaded")

    monkeypatch.setattr(cache_mod.Cache, "open", broken)
    project = make_project(tmp_path / "project")
    with pytest.raises(RuntimeError):
        _stage(project)
    _no_children_left()


def test_no_second_process_for_no_files():
    assert signatures.in_background([]).wait() == []


def _stage(project):
    schemas = SchemaSet(project.schemas_dir)
    return pipeline.load_and_check(project.root, schemas, pipeline.FileChecker(schemas), jobs=2, use_cache=True)


def test_the_cache_finds_an_edit_by_signatures_from_a_second_process(tmp_path, monkeypatch):
    # Every tree is large enough for the second process; files are aged
    # past the racy margin, so unchanged ones are found by signature.
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(cache_mod, "RACY_SECONDS", 0.05)
    project = make_project(tmp_path / "project")
    time.sleep(0.1)
    first = _stage(project)
    assert first.parsed == first.files
    time.sleep(0.1)
    again = _stage(project)
    assert (again.stat_hits, again.parsed) == (again.files, 0)
    path = os.path.join(project.root, "records", "actor", "fixture-person.yaml")
    before = os.stat(path)
    with open(path, "rb") as fh:
        raw = fh.read()
    with open(path, "r+b") as fh:  # same inode, same size, modification time put back
        fh.write(raw.replace(b"actor_type: person", b"actor_type: persoo"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    edited = _stage(project)
    assert (edited.stat_hits, edited.parsed) == (edited.files - 1, 1)
    assert text(check(project, jobs=2, cache=True).problems) == text(check(project, cache=False).problems) != ""
