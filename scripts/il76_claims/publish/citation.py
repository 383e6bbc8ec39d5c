"""What every output says about the package: authors, licence, rights, how
to cite. The one place these texts are written: the README, the release
README, the workbook's About sheet, SQLite's _meta_package, CITATION.cff
and .zenodo.json all take them from here."""

from __future__ import annotations


def authors(meta: dict) -> str:
    return ", ".join(c["title"] for c in meta["contributors"])


def licences(meta: dict) -> str:
    return "; ".join(f"{lic['title']} ({lic['name']}), {lic['path']}" for lic in meta["licenses"])


def year(meta: dict) -> str | None:
    return meta["released"][:4] if meta.get("released") else None


def _licence_names(meta: dict) -> str:
    return ", ".join(lic["name"] for lic in meta["licenses"])


def citation(meta: dict) -> str:
    when = f" ({year(meta)})" if year(meta) else ""
    where = f" {meta['repository']}." if meta.get("repository") else ""
    return f"{authors(meta)}{when}. {meta['title']}. Dataset {meta['name']}, version {meta['version']}.{where} Licence: {_licence_names(meta)}."


def bibtex(meta: dict) -> str:
    """A BibTeX entry; the authors in double braces, as one name that
    BibTeX does not split into first and last names."""
    fields = [
        ("author", "{" + authors(meta) + "}"),
        ("title", "{" + meta["title"] + "}"),
        ("version", meta["version"]),
    ]
    if meta.get("released"):
        fields += [("year", year(meta)), ("month", str(int(meta["released"][5:7])))]
    if meta.get("repository"):
        fields.append(("url", meta["repository"]))
    fields.append(("note", f"Dataset, version {meta['version']}; licence {_licence_names(meta)}"))
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
    return f"@misc{{{meta['name']}-{meta['version']},\n{body}\n}}\n"


def read_metadata(root: str) -> dict:
    """dataset.yaml, for the generated parts of the docs (the build takes it
    from the check, with its problems)."""
    from ..check.report import text
    from ..check.strict_yaml import load_dataset

    _, rec, problems = load_dataset(root)
    if rec is None or problems:
        first = text(problems[:1]).rstrip("\n") or "no data"
        raise ValueError(f"dataset.yaml cannot be read: {first}; run il76-claims check")
    return rec.data
