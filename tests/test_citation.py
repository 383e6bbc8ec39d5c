"""CITATION.cff and .zenodo.json are written from dataset.yaml, valid for
the tools that read them, and the citation text is the same everywhere."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
import yaml
from toolvenv import tool

from conftest import REPO
from il76_claims.publish import cff, citation, zenodo

META = citation.read_metadata(str(REPO))


def test_cffconvert_validates_citation_cff():
    proc = subprocess.run(
        [str(tool("cffconvert") / "cffconvert"), "--validate", "-i", "CITATION.cff"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_cffconvert_refuses_a_broken_citation_cff(tmp_path):
    broken = tmp_path / "CITATION.cff"
    broken.write_text(
        cff.text(META).replace("cff-version: 1.2.0\n", "cff-version: 1.2.0\nauthors-typo: x\n"),
        encoding="utf-8",
    )
    proc = subprocess.run(
        [str(tool("cffconvert") / "cffconvert"), "--validate", "-i", str(broken)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0 and "authors-typo" in proc.stdout + proc.stderr


def _bibtex_fields(entry: str) -> dict[str, str]:
    return {k: v.strip("{}") for k, v in re.findall(r"^\s*(\w+) = (.*?),?$", entry, re.M)}


def _cffconvert_bibtex() -> str:
    proc = subprocess.run(
        [str(tool("cffconvert") / "cffconvert"), "-f", "bibtex", "-i", "CITATION.cff"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_cffconvert_bibtex_lacks_a_key_the_version_and_a_whole_group_author():
    """What the docs warn of, so that they change when a new cffconvert
    fixes it: no key, no version, and the group author in single braces,
    which BibTeX splits into a first and a last name."""
    theirs = _cffconvert_bibtex()
    assert theirs.startswith("@misc{YourReferenceHere,\n")
    assert "version" not in _bibtex_fields(theirs)
    assert f"author = {{{citation.authors(META)}}},\n" in theirs


def test_our_bibtex_has_a_real_key_the_version_and_a_whole_group_author():
    ours = citation.bibtex(META)
    assert ours.startswith(f"@misc{{{META['name']}-{META['version']},\n")
    assert ours.startswith("@misc{il76-belgorod-statements-")
    assert f"  version = {{{META['version']}}},\n" in ours
    # Double braces: BibTeX reads the inner group as one last name.
    assert "  author = {{il76-belgorod-statements contributors}},\n" in ours


def test_our_bibtex_agrees_with_cffconvert_on_the_fields_both_give():
    theirs, ours = _bibtex_fields(_cffconvert_bibtex()), _bibtex_fields(citation.bibtex(META))
    shared = ("author", "title", "year", "month", "url")
    assert {k: theirs[k] for k in shared} == {k: ours[k] for k in shared}


def test_the_docs_point_to_our_bibtex_and_warn_of_the_converted_one():
    pinned = re.search(
        r"^cffconvert==(\S+)$", (REPO / "tests/tools/cffconvert.txt").read_text("utf-8"), re.M
    )[1]
    for doc in ("README.md", "docs/release-readme.md"):
        text = " ".join((REPO / doc).read_text(encoding="utf-8").split())
        assert citation.bibtex(META) in (REPO / doc).read_text(encoding="utf-8"), doc
        assert f"cffconvert's (version {pinned}) has the key `YourReferenceHere`" in text, doc
    message = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))["message"]
    assert "For BibTeX, use the README's entry." in message


def test_citation_cff_carries_the_repository_version_and_date():
    doc = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert (doc["url"], doc["repository-code"]) == (META["repository"],) * 2
    assert (doc["version"], doc["date-released"]) == (META["version"], META["released"])
    assert META["rights"] in doc["abstract"]


def test_zenodo_json_is_written_from_the_same_metadata():
    doc = json.loads((REPO / ".zenodo.json").read_text(encoding="utf-8"))
    assert doc == zenodo.document(META)
    assert (doc["upload_type"], doc["version"], doc["publication_date"], doc["license"]) == (
        "dataset",
        META["version"],
        META["released"],
        "cc-by-4.0",
    )
    assert (
        doc["notes"] == META["rights"]
        and doc["related_identifiers"][0]["identifier"] == META["repository"]
    )


def test_the_citation_is_one_text():
    """README.md gives the text that every output gives (its cog block is
    checked by test_docs; the outputs by their own tests)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert citation.citation(META) in readme and citation.bibtex(META) in readme


def test_a_dataset_yaml_that_cannot_be_read_is_named_at_its_line(tmp_path):
    (tmp_path / "dataset.yaml").write_text("title: Fixture\n\tversion: 0.1.0\n", encoding="utf-8")
    with pytest.raises(ValueError) as exc:
        citation.read_metadata(str(tmp_path))
    assert str(exc.value) == (
        "dataset.yaml cannot be read: dataset.yaml:2:1: [E005] tab character; indent and separate with spaces; run il76-claims check"
    )
