"""A package built from the base fixture plus values that spreadsheets and
CSV readers like to mangle, shared by the output tests (built once per
session: the build is the slow part)."""

from __future__ import annotations

import csv
from pathlib import Path

from conftest import base_record, make_project
from il76_claims.publish.build import SQLITE, XLSX, build
from il76_claims.publish.tables import Table
from il76_claims.publish.views import View, build_views

# Package metadata for exporter tests that write tables directly.
META = {
    "name": "test-package",
    "title": "Test package",
    "description": "A package for tests.",
    "version": "1.2.3",
    "licenses": [
        {
            "name": "CC-BY-4.0",
            "title": "Creative Commons Attribution 4.0 International",
            "path": "https://creativecommons.org/licenses/by/4.0/",
        }
    ],
    "contributors": [{"title": "Test authors", "role": "author"}],
}

# Strings that must come out as the same strings in every output.
TRICKY_NAME = "007"
TRICKY_ROLE = "NA"
TRICKY_NOTES = "None\nnull, nan, TRUE, 1e3, -1, +1, @x, 2024-01-24, 0012"
UNICODE_NAME = "null"
UNICODE_NOTES = "Белгород — “quotes”, ’apostrophe’, Ünïcödé, 🛩, a, b; c"

TRICKY_FILES = {
    "records/actor/fixture-person.yaml": base_record("records/actor/fixture-person.yaml")
    .replace("name: Alex Example", f"name: '{TRICKY_NAME}'")
    .replace("role: Spokesperson", f"role: {TRICKY_ROLE}")
    .replace(
        "notes: A person who exists only in the test fixtures.",
        "notes: |-\n  " + TRICKY_NOTES.replace("\n", "\n  "),
    ),
    "records/actor/fixture-tricky.yaml": (
        f"id: fixture-tricky\nactor_type: group\nname: '{UNICODE_NAME}'\nrole: null\naffiliation_id: null\ncountry: 'NO'\nnotes: {UNICODE_NOTES}\n"
    ),
}

_built: dict[str, Path] = {}


def built(tmp_path_factory) -> Path:
    """Root of the built tricky package (data/, datapackage.json, dist/)."""
    if "root" not in _built:
        project = make_project(tmp_path_factory.mktemp("built") / "project", TRICKY_FILES)
        result = build(project)
        assert result.ok, [str(p) for p in result.check.problems]
        _built["root"] = Path(project.root)
        _built["tables"] = result.tables
    return _built["root"]


def built_tables(tmp_path_factory) -> list[Table]:
    built(tmp_path_factory)
    return _built["tables"]


def built_views(tmp_path_factory) -> list[View]:
    return build_views(built_tables(tmp_path_factory))


def xlsx_path(root: Path) -> Path:
    return root / XLSX


def sqlite_path(root: Path) -> Path:
    return root / SQLITE


def read_csv(path: Path) -> list[list[str]]:
    """A CSV as rows of exact strings, header first."""
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))
