"""dataset.yaml → .zenodo.json, the metadata Zenodo gives a release it
archives (and its DOI), committed at the repository's root."""

from __future__ import annotations


def document(meta: dict) -> dict:
    doc = {"upload_type": "dataset", "title": meta["title"], "version": meta["version"]}
    if meta.get("released"):
        doc["publication_date"] = meta["released"]
    doc["creators"] = [{"name": c["title"]} for c in meta["contributors"]]
    doc["description"] = meta["description"]
    # Zenodo's licence ids are the SPDX ids in lower case.
    doc |= {
        "access_right": "open",
        "license": meta["licenses"][0]["name"].lower(),
        "keywords": list(meta.get("keywords", [])),
    }
    if meta.get("rights"):
        doc["notes"] = meta["rights"]
    if meta.get("repository"):
        doc["related_identifiers"] = [
            {"identifier": meta["repository"], "relation": "isSupplementTo", "scheme": "url"}
        ]
    return doc
