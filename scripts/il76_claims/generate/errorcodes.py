"""docs/error-codes.md, written from ``model.problems.CODES`` and nothing else.

Every code a report can print is listed with what it means, an example of
input that causes it, and how to fix it. A cog block in the file calls
``render``; the tests fail when the file is stale, and when a registered
code is exercised by no test.
"""

from __future__ import annotations

from ..model.escape import markdown_cell as _cell
from ..model.problems import CODES, Code

# The stage each code letter belongs to, letter: (title, what it covers), in
# the order a check runs them. A title is words and spaces only, so that its
# GitHub heading anchor is the title in lower case with hyphens for spaces.
GROUPS = {
    "F": (
        "Files and layout",
        "Which files are records: where they sit, their names and whether they can be read.",
    ),
    "E": (
        "Encoding",
        "The bytes of a file, before it is read as YAML: UTF-8 without BOM, LF line ends, no control characters or tabs.",
    ),
    "Y": (
        "YAML",
        "The strict YAML subset records are written in: one mapping of plain fields, nothing that two YAML readers would read differently.",
    ),
    "T": (
        "Text",
        "Every text value: characters a reader cannot see or that a spreadsheet would run, Unicode normalization, whitespace and line breaks.",
    ),
    "S": (
        "Schema",
        "Each record against its kind's JSON Schema in schemas/: required fields, types, codelists, patterns, formats and limits.",
    ),
    "X": (
        "Across records",
        "Ids, references between records, and figures that must agree with each other.",
    ),
    "Q": ("Quotes", "Quotes checked against the archived source texts."),
    "R": (
        "Record form",
        "The one canonical text of each record that `il76-claims fmt` writes, and that `il76-claims check` (like its shortcut `fmt --check`) requires of a record with no other problem of its own (CONTRIBUTING.md, The canonical form of a record).",
    ),
    "V": (
        "Version",
        "`il76-claims version-check` and `il76-claims release`: dataset.yaml's version against CITATION.cff, CHANGELOG.md and the changes since a base commit (docs/versioning.md).",
    ),
    "C": (
        "Block coverage",
        "`il76-claims coverage`: every block of every archived source cited by a record or explained in docs/uncited-blocks.yaml.",
    ),
    "A": (
        "Release archive",
        "`il76-claims release`: what the archive packs, checked before it is written.",
    ),
}


def _example(text: str) -> str:
    # Inside a code span nothing is HTML; only '|' still ends a table cell.
    if "`" in text:
        return _cell(text)
    return "`" + str(text).replace("|", "\\|").replace("\n", " ") + "`"


def _groups() -> list[tuple[str, str, str, list[Code]]]:
    codes = sorted(CODES.values(), key=lambda c: c.code)
    out = [
        (letter, title, about, [c for c in codes if c.code[0] == letter])
        for letter, (title, about) in GROUPS.items()
    ]
    others = [c for c in codes if c.code[0] not in GROUPS]
    out.append(("", "Other", "Codes of other stages.", others))
    return [g for g in out if g[3]]  # a group without codes is left out, Other too


def render() -> str:
    groups = _groups()
    lines = [
        f"- {f'**{letter}** ' if letter else ''}[{title}](#{title.lower().replace(' ', '-')}): {', '.join(c.code for c in codes)}"
        for letter, title, _, codes in groups
    ]
    lines.append("")
    for _, title, about, codes in groups:
        lines += [f"## {title}", "", about, ""]
        lines += ["| Code | Problem | Example | How to fix it |", "|---|---|---|---|"]
        lines += [
            f'| <a id="{c.code.lower()}"></a>{c.code} | {_cell(c.title)} | {_example(c.example)} | {_cell(c.fix)} |'
            for c in codes
        ]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
