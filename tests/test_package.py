"""datapackage.json and data/*.csv pass Frictionless validation, and the
validation is real: a tampered copy fails it for the reason expected."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import frictionless
import pytest

from conftest import REPO, make_project
from il76_claims.check.report import text
from il76_claims.publish.build import build


def _errors(report) -> list[tuple[str, str]]:
    """(resource, error type) of every error, package-level ones included."""
    out = [("", e.type) for e in report.errors]
    out += [(task.name, e.type) for task in report.tasks for e in task.errors]
    return out


def _validate(descriptor: Path):
    return frictionless.validate(str(descriptor))


def test_committed_package_is_valid():
    descriptor = REPO / "datapackage.json"
    report = _validate(descriptor)
    assert report.valid, _errors(report)
    # Every resource was read, so "valid" is not "nothing was checked".
    resources = json.loads(descriptor.read_text(encoding="utf-8"))["resources"]
    assert report.stats["tasks"] == len(resources) >= 10


def test_fixture_build_is_valid(tmp_path):
    """The fixture records hold the edge cases (nulls, a range, a derived
    figure, empty and non-empty lists): their package is valid too."""
    project = make_project(tmp_path / "p")
    result = build(project)
    assert result.ok, text(result.check.problems)
    report = _validate(Path(project.root) / "datapackage.json")
    assert report.valid, _errors(report)


@pytest.fixture
def package_copy(tmp_path) -> Path:
    dest = tmp_path / "package"
    dest.mkdir()
    shutil.copytree(REPO / "data", dest / "data")
    shutil.copy(REPO / "datapackage.json", dest / "datapackage.json")
    return dest


def _edit_table(package: Path, table: str, edit, refresh_hash: bool):
    """Change a CSV; with refresh_hash, also update its size and hash in the
    descriptor, so that only the content rule under test can fail."""
    path = package / "data" / f"{table}.csv"
    data = edit(path.read_bytes())
    path.write_bytes(data)
    if refresh_hash:
        desc_path = package / "datapackage.json"
        desc = json.loads(desc_path.read_text(encoding="utf-8"))
        for res in desc["resources"]:
            if res["name"] == table:
                res["bytes"] = len(data)
                res["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
        desc_path.write_text(
            json.dumps(desc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )


def _first_cell_of(column: str, table_bytes: bytes) -> tuple[int, str]:
    lines = table_bytes.decode("utf-8").split("\n")
    header = lines[0].split(",")
    return header.index(column), lines[1].split(",")[header.index(column)]


def _replace_in_column(table_bytes: bytes, column: str, new: str) -> bytes:
    """Set `column` of the first data row to `new` (cells before it hold no
    commas in these tables' first rows)."""
    lines = table_bytes.decode("utf-8").split("\n")
    index, _ = _first_cell_of(column, table_bytes)
    cells = lines[1].split(",")
    cells[index] = new
    lines[1] = ",".join(cells)
    return "\n".join(lines).encode("utf-8")


def test_a_changed_byte_is_caught(package_copy):
    # Same length, one byte different: only the hash can tell.
    def edit(b: bytes) -> bytes:
        i = b.index(b"\n") + 1
        return b[:i] + bytes([b[i] ^ 0x01]) + b[i + 1 :]

    _edit_table(package_copy, "actors", edit, refresh_hash=False)
    report = _validate(package_copy / "datapackage.json")
    assert not report.valid
    assert ("actors", "hash-count") in _errors(report)


def test_a_broken_foreign_key_is_caught(package_copy):
    _edit_table(
        package_copy,
        "statement_relays",
        lambda b: _replace_in_column(b, "actor_id", "no-such-actor"),
        refresh_hash=True,
    )
    report = _validate(package_copy / "datapackage.json")
    assert not report.valid
    assert _errors(report) == [("statement_relays", "foreign-key")]


def test_a_duplicate_primary_key_is_caught(package_copy):
    def edit(b: bytes) -> bytes:
        lines = b.split(b"\n")
        return b"\n".join([*lines[:2], lines[1], *lines[2:]])

    _edit_table(package_copy, "actors", edit, refresh_hash=True)
    report = _validate(package_copy / "datapackage.json")
    assert not report.valid
    assert ("actors", "primary-key") in _errors(report)


def test_a_code_outside_its_codelist_is_caught(package_copy):
    _edit_table(
        package_copy,
        "actors",
        lambda b: _replace_in_column(b, "actor_type", "not_a_type"),
        refresh_hash=True,
    )
    report = _validate(package_copy / "datapackage.json")
    assert not report.valid
    assert _errors(report) == [("actors", "constraint-error")]


# Table Dialect keys (Data Package v1 and v2): frictionless-py's nested
# {"csv": {...}} form is not among them, and other readers ignore it.
DIALECT_KEYS = {
    "header",
    "headerRows",
    "headerJoin",
    "commentRows",
    "commentChar",
    "delimiter",
    "lineTerminator",
    "quoteChar",
    "doubleQuote",
    "escapeChar",
    "nullSequence",
    "skipInitialSpace",
}


def reader_problems(desc: dict) -> list[str]:
    """What readers other than frictionless-py stumble on: frictionless for
    R refuses a resource without the tabular profile; nested dialects and
    v1 contributor roles are read by no v2 reader."""
    out = []
    for res in desc["resources"]:
        if res.get("profile") != "tabular-data-resource":
            out.append(f"{res['name']}: no profile tabular-data-resource")
        unknown = sorted(set(res.get("dialect", {})) - DIALECT_KEYS)
        if unknown:
            out.append(f"{res['name']}: dialect keys {unknown}")
    for c in desc.get("contributors", []):
        if "role" in c or not isinstance(c.get("roles"), list):
            out.append(f"contributor {c.get('title')}: no v2 roles")
    return out


def test_every_reader_finds_what_it_needs():
    desc = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    assert reader_problems(desc) == []
    assert {"id", "homepage", "created", "rights"} <= desc.keys()
    for source in desc["sources"]:
        assert source["title"] and source["date"], source


def test_reader_problems_are_found():
    bad = {
        "resources": [{"name": "a", "dialect": {"csv": {"delimiter": ","}, "header": True}}],
        "contributors": [{"title": "X", "role": "author"}],
    }
    assert reader_problems(bad) == [
        "a: no profile tabular-data-resource",
        "a: dialect keys ['csv']",
        "contributor X: no v2 roles",
    ]


def test_identity_comes_from_dataset_yaml(tmp_path):
    """homepage, id and created follow dataset.yaml's repository and release
    date; sources carry their publisher's name and date."""
    project = make_project(tmp_path / "p")
    assert build(project).ok
    desc = json.loads((Path(project.root) / "datapackage.json").read_text(encoding="utf-8"))
    assert (desc["id"], desc["homepage"], desc["created"]) == (
        "https://github.com/example-owner/example-dataset",
    ) * 2 + ("2024-02-01T00:00:00Z",)
    assert desc["contributors"] == [
        {"title": "il76-belgorod-statements contributors", "roles": ["author"]}
    ]
    assert all(
        set(s) >= {"title", "publisher", "date", "datePrecision"} for s in desc["sources"]
    ), desc["sources"]
