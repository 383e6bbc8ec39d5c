"""The agreement of dataset.yaml's version with CITATION.cff and
CHANGELOG.md, when one of the three cannot be read as it should."""

from __future__ import annotations

from pathlib import Path

import pytest

from il76_claims.check.metadata import metadata_problems


def found(root: str) -> tuple[str | None, list[tuple[str, int, str]]]:
    """metadata_problems as (version, [(path, line, message)])."""
    version, problems = metadata_problems(root)
    return version, [(p.path, p.line, p.message) for p in problems]


DATASET = "title: Fixture\nversion: 0.1.0\nreleased: 2024-02-01\n"
CITATION = 'cff-version: "1.2.0"\ntitle: "Fixture"\nversion: "0.1.0"\n'
CHANGELOG = "# Changelog\n\n## [0.1.0] - 2024-02-01\n\n- First.\n"


def _root(tmp_path: Path, files: dict[str, str | bytes | None] | None = None) -> str:
    texts = {"dataset.yaml": DATASET, "CITATION.cff": CITATION, "CHANGELOG.md": CHANGELOG}
    for name, content in {**texts, **(files or {})}.items():
        if content is not None:
            path = tmp_path / name
            path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return str(tmp_path)


def test_files_that_agree_have_no_finding(tmp_path):
    assert found(_root(tmp_path)) == ("0.1.0", [])


@pytest.mark.parametrize(
    "files, findings",
    [
        ({"dataset.yaml": None}, [("dataset.yaml", 1, "dataset.yaml is missing")]),
        (
            {"dataset.yaml": "title: Fixture\nversion: 1\n"},
            [("dataset.yaml", 2, "dataset.yaml has no text field 'version'")],
        ),
        (
            {"dataset.yaml": "title: Fixture\n\tversion: 0.1.0\n"},
            [
                (
                    "dataset.yaml",
                    2,
                    "dataset.yaml cannot be read (line 2: tab character; indent and separate with spaces); run il76-claims check",
                )
            ],
        ),
        (
            {"dataset.yaml": "title: Fixture\nversion: '1.2'\n"},
            [("dataset.yaml", 2, "version '1.2' is not MAJOR.MINOR.PATCH (e.g. 1.2.0)")],
        ),
    ],
)
def test_a_dataset_yaml_without_a_usable_version(tmp_path, files, findings):
    assert found(_root(tmp_path, files)) == (None, findings)


def test_a_changelog_that_is_not_utf8(tmp_path):
    root = _root(tmp_path, {"CHANGELOG.md": b"# Changelog\n\n## [0.1.0] - 2024-02-01 \xe9\n"})
    assert found(root) == (
        "0.1.0",
        [
            (
                "CHANGELOG.md",
                1,
                "CHANGELOG.md cannot be read: 'utf-8' codec can't decode byte 0xe9 in position 37: invalid continuation byte",
            )
        ],
    )
