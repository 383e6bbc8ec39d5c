"""The model's small parts on their own: shortened texts, unregistered
codes, positions of values that have none, files that change while read,
stray files among the schemas."""

from __future__ import annotations

import os
import shutil
from types import SimpleNamespace

import pytest

from conftest import REPO
from il76_claims.check import strict_yaml as loader
from il76_claims.model import fileio
from il76_claims.model.escape import show
from il76_claims.model.problems import problem
from il76_claims.model.record import Record
from il76_claims.model.schemas import SchemaSet


def test_show_cuts_a_long_text_to_its_limit():
    assert show("a" * 61) == "a" * 57 + "..."
    assert show("a" * 60) == "a" * 60
    assert show("ab\ncd", 4) == "a..."


def test_an_unregistered_problem_code_fails_loudly():
    with pytest.raises(KeyError, match="unregistered problem code Z999"):
        problem("records/x.yaml", 1, 1, "Z999", "no such code")


def test_a_value_without_a_mark_is_placed_at_its_key_or_the_nearest_marked_node():
    rec = Record(
        "claim",
        "records/claim/x.yaml",
        {},
        marks={"$.positions": (4, 3), "$.positions[0]": (5, 5)},
        key_marks={"$.title": (2, 1)},
    )
    assert rec.mark("$.positions[0].stance") == (5, 5)
    assert rec.mark("$.positions[1].stance") == (4, 3)
    assert rec.mark("$.title") == (2, 1)
    assert rec.mark("$.summary") == (1, 1)
    assert rec.mark("") == (1, 1)


def test_a_file_that_grows_past_the_limit_while_it_is_read_is_refused(tmp_path, monkeypatch):
    # The size the file had when it was opened was within the limit.
    path = tmp_path / "x.yaml"
    path.write_bytes(b"#" * (loader.MAX_FILE_BYTES + 10))
    real_fstat = os.fstat

    def fstat_when_opened(fd):
        st = real_fstat(fd)
        return SimpleNamespace(st_mode=st.st_mode, st_size=100)

    monkeypatch.setattr(fileio.os, "fstat", fstat_when_opened)
    with pytest.raises(fileio.TooLarge) as exc:
        fileio.read_regular(str(path), loader.MAX_FILE_BYTES)
    assert exc.value.size is None
    assert loader.load_file("records/actor/x.yaml", str(path), "actor") == (
        None,
        [
            problem(
                "records/actor/x.yaml",
                1,
                1,
                "F006",
                f"file larger than {loader.MAX_FILE_BYTES} bytes; the limit is {loader.MAX_FILE_BYTES} bytes, records are small",
            )
        ],
    )


def test_write_if_changed_writes_a_new_file_and_replaces_one_that_is_not_utf8(tmp_path):
    new, broken = tmp_path / "new.md", tmp_path / "broken.md"
    broken.write_bytes(b"caf\xe9\n")
    assert fileio.write_if_changed(str(new), "text\n") is True
    assert fileio.write_if_changed(str(broken), "café\n") is True
    assert fileio.write_if_changed(str(broken), "café\n") is False
    assert new.read_bytes() == b"text\n" and broken.read_bytes() == "café\n".encode()


def test_a_stray_file_among_the_codelists_is_not_read_as_a_schema(tmp_path):
    schemas = tmp_path / "schemas"
    shutil.copytree(REPO / "schemas", schemas)
    (schemas / "codelists" / "README.txt").write_text("notes, not a schema\n", encoding="utf-8")
    assert (
        SchemaSet(str(schemas)).codelists.keys()
        == SchemaSet(str(REPO / "schemas")).codelists.keys()
    )


def test_resolve_follows_only_an_any_of_with_one_reference():
    schemas = SchemaSet(str(REPO / "schemas"))
    two_types = {"anyOf": [{"type": "string"}, {"type": "null"}], "description": "d"}
    assert schemas.resolve(two_types) == {"description": "d"}
    one_ref = {"anyOf": [{"$ref": "codelists/stance.json"}, {"type": "null"}]}
    resolved = schemas.resolve(one_ref)
    assert resolved["nullable"] is True and "stance" in resolved["$id"]
