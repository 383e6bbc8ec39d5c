"""dataset.yaml → CITATION.cff (Citation File Format 1.2.0), committed at
the repository's root, where GitHub and Zenodo read it. Written by the
build, so it never disagrees with the package."""

from __future__ import annotations

from pathlib import Path

import yaml

HEADER = "# Written by il76-claims build from dataset.yaml: edit dataset.yaml, then run make.\n"


def document(meta: dict) -> dict:
    doc = {
        "cff-version": "1.2.0",
        # cffconvert's BibTeX of this file has no version and no citation key
        # (tests/test_citation.py), so the message points to the project's own.
        "message": "Please cite it as below, with its version. For BibTeX, use the README's entry.",
        "type": "dataset",
        "title": meta["title"],
        "version": meta["version"],
    }
    if meta.get("released"):
        doc["date-released"] = meta["released"]
    doc["authors"] = [{"name": c["title"]} for c in meta["contributors"]]
    names = [lic["name"] for lic in meta["licenses"]]
    doc["license"] = names[0] if len(names) == 1 else names
    if meta.get("repository"):
        doc["url"] = doc["repository-code"] = meta["repository"]
    # CFF has no field for rights: the quotes' status goes in the abstract.
    doc["abstract"] = " ".join(t for t in (meta["description"], meta.get("rights")) if t)
    doc["keywords"] = list(meta.get("keywords", []))
    return doc


class _Dumper(yaml.SafeDumper):
    """Long text folded (>-): the form the project's strict YAML reader,
    which reads CITATION.cff's version, takes for text over several lines."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar(
        "tag:yaml.org,2002:str", value, style=">" if len(value) > 80 else None
    )


_Dumper.add_representer(str, _str)


def text(meta: dict) -> str:
    return HEADER + yaml.dump(
        document(meta),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=88,
        default_flow_style=False,
    )


def write(meta: dict, out_dir: str) -> str:
    Path(out_dir, "CITATION.cff").write_text(text(meta), encoding="utf-8", newline="\n")
    return "CITATION.cff"
