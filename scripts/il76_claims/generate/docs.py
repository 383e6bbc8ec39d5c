"""Generated parts of README.md and the docs that are not whole documents:
copies of the commands' help, the record counts, the loaded-terms table.

Each is called from a cog block in the file it appears in (``make docs``
rewrites them; the tests run ``cog --check``).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..check.neutrality import load_terms
from ..model.escape import markdown_cell
from ..model.policy import AGAINST, FOR, NEVER_ALONE, STAND_ALONE
from ..model.schemas import SchemaSet
from ..publish.citation import bibtex, citation, licences, read_metadata
from ..publish.release import contents_summary
from .codebook import markdown_table


def help_block(command: str | None = None) -> str:
    """What ``il76-claims [command] --help`` prints, as a fenced block. The
    command runs in a new process, as a user would run it."""
    argv = [sys.executable, "-m", "il76_claims"] + ([command] if command else []) + ["--help"]
    out = subprocess.run(
        argv, capture_output=True, text=True, check=True, env={**os.environ, "COLUMNS": "100"}
    ).stdout
    return "```text\n" + out + "```\n"


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _table(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    return "\n".join(markdown_table(columns, rows))


def _plural(count: int, word: str) -> str:
    return f"{count} {word if count == 1 else word + 's'}"


def _tally(rows: list[dict], column: str) -> str:
    """'3 stated, 1 computed': how many rows hold each value, in first-seen order."""
    seen = Counter(r[column] for r in rows)
    return ", ".join(f"{n} {value.replace('_', ' ')}" for value, n in seen.items())


def counts(root: str = ".") -> str:
    """The README's sentence on what the package holds, from the built tables."""
    version = json.loads(Path(root, "datapackage.json").read_text(encoding="utf-8"))["version"]
    n = {path.stem: _rows(path) for path in Path(root, "data").glob("*.csv")}
    held = sum(r["text_held"] == "true" for r in n["sources"])
    paraphrased = sum(r["paraphrased"] == "true" for r in n["statements"])
    return (
        f"Version {version} holds {_plural(len(n['sources']), 'source')} ({held} whose text the project holds, "
        f"{len(n['sources']) - held} known by their address), {_plural(len(n['actors']), 'actor')}, "
        f"{_plural(len(n['events']), 'event')}, {_plural(len(n['statements']), 'statement')} ({_tally(n['statements'], 'kind')}; "
        f"{paraphrased} paraphrased, {len(n['statements']) - paraphrased} quoted; {_plural(len(n['statement_relays']), 'relay step')}), {_plural(len(n['casualty_figures']), 'casualty figure')} "
        f"({_tally(n['casualty_figures'], 'basis')}) and {_plural(len(n['claims']), 'claim')} ({_tally(n['claims'], 'status')}; "
        f"{_plural(len(n['claim_relations']), 'relation')} between them) with {_plural(len(n['claim_positions']), 'position')}. "
        "Every block of the archived article is cited by a record or explained in "
        "[block coverage](docs/block-coverage.md).\n"
    )


def terms_table(root: str = ".") -> str:
    """The loaded-terms list as a Markdown table, for the editorial policy."""
    rows = []
    for t in load_terms(os.path.join(root, "schemas")).terms:
        others = ", ".join(f for f in t.match if f.lower() != t.term.lower())
        rows.append([markdown_cell(c) for c in (t.term, t.kind, others, t.why, t.neutral)])
    columns = ("term", "kind", "also matches", "why it is loaded", "neutral wording")
    return _table(columns, rows)


def _codes(codelist: str, root: str) -> dict[str, str]:
    return SchemaSet(os.path.join(root, "schemas")).codelists[codelist].codes


def _names(stances: Iterable[str]) -> str:
    return ", ".join(f"`{s}`" for s in sorted(stances))


def codes_table(codelist: str, root: str = ".") -> str:
    """A codelist's codes and definitions as a Markdown table, in the codelist's order."""
    rows = [(f"`{code}`", markdown_cell(text)) for code, text in _codes(codelist, root).items()]
    return _table(("code", "meaning"), rows)


def status_rule(root: str = ".") -> str:
    """The rule that computes a claim's status, from the code that applies it."""
    return (
        f"Stances for the proposition: {_names(FOR)}. Against it: {_names(AGAINST)}. Every other stance counts for neither.\n\n"
        + codes_table("claim_status", root)
    )


def origin_rule(root: str = ".") -> str:
    """Which source origins may carry a statement on their own, from the
    code the checker applies (model/policy.py) and the codelist's words."""
    codes = _codes("source_origin", root)
    alone = "no: only beside another source"
    rows = [
        (f"`{code}`", markdown_cell(codes[code]), "yes" if code in STAND_ALONE else alone)
        for code in (*STAND_ALONE, *NEVER_ALONE)
    ]
    return _table(("origin", "meaning", "may be a statement's only source"), rows)


def dispute_rule(root: str = ".") -> str:
    """How the per-claim counts of the dispute are made, from the code that makes them."""
    return (
        f"An actor is **for** a claim when at least one of its positions on it is {_names(FOR)}, **against** when at least one is "
        f"{_names(AGAINST)}, and **other** when all of its positions are on neither side; an actor with positions on both sides "
        "counts on both (`both` in `claim_actors`). Each actor counts once however many statements it made, and each country "
        "once however many of its actors took a side.\n\n" + codes_table("dispute_side", root)
    )


def citation_block(root: str = ".") -> str:
    """How to cite, as text and as BibTeX, from dataset.yaml (the same text
    the outputs carry)."""
    meta = read_metadata(root)
    return f"{citation(meta)}\n\n```bibtex\n{bibtex(meta)}```\n"


def licence_block(root: str = ".") -> str:
    """The licence and the quotes' rights, from dataset.yaml."""
    meta = read_metadata(root)
    return f"The data: {licences(meta)}. {meta.get('rights', '')}".rstrip() + "\n"


# Each download's file ({name} and {version} filled in): (format, for whom).
DOWNLOADS = {
    "{name}.xlsx": (
        "Excel workbook",
        "spreadsheet users (Excel, LibreOffice): an About sheet, one sheet per table, readable sheets with names and code meanings",
    ),
    "{name}.sqlite": (
        "SQLite database",
        "SQL users and [Datasette](https://datasette.io/): the tables, readable views, descriptions",
    ),
    "{name}.json": (
        "JSON",
        "programs: the claims with every position, its actor and its statement, plus actors, sources and events",
    ),
    "{name}.jsonld": ("JSON-LD (schema.org)", "tools that read schema.org `Claim` and `Quotation`"),
    # What the archive holds is publish/release.py's.
    "{name}-{version}.zip": ("ZIP archive", "everyone: {contents}"),
}


def downloads(root: str = ".") -> str:
    """The README's download table: links to the latest release's assets,
    made from dataset.yaml's repository. The archive's name holds its
    version, so its link goes to the latest release's page."""
    meta = read_metadata(root)
    rows = []
    for file, (fmt, who) in DOWNLOADS.items():
        name = file.format(name=meta["name"], version="X.Y.Z")
        link = f"{meta['repository']}/releases/latest"
        if not name.endswith(".zip"):
            link += f"/download/{name}"
        rows.append((f"[{name}]({link})", fmt, who.format(contents=contents_summary())))
    return (
        _table(("file", "format", "for"), rows)
        + f"\nEvery release, with what changed in it: [releases]({meta['repository']}/releases).\n"
    )
