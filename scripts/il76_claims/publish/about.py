"""What every output says about the package: authors, licence, how to cite."""

from __future__ import annotations


def authors(meta: dict) -> str:
    return ", ".join(c["title"] for c in meta["contributors"])


def licences(meta: dict) -> str:
    return "; ".join(f"{lic['title']} ({lic['name']}), {lic['path']}" for lic in meta["licenses"])


def citation(meta: dict) -> str:
    licence = ", ".join(lic["name"] for lic in meta["licenses"])
    return f"{authors(meta)}. {meta['title']}. Dataset {meta['name']}, version {meta['version']}. Licence: {licence}."
