"""The committed record of the quotes that were checked: quote-checks.csv.

A quote is verified only by a check that had the archived text of its
source. Pull requests are built without the archive (the texts are
third-party works kept outside the repository), so a check with the
archive writes, for every quote it verified, a SHA-256 of what it checked:
the archived text's hash, the block, the statement's kind and the quote.
A build without the archive trusts a quote only while its record still
hashes to a recorded value. Editing a record's quote, block or kind, or
its source's archive hash, makes it unverified until a check with the
archive sees it; the file itself is only ever written by such a check,
and its changes show in a pull request's diff.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os

from ..model.fileio import read_regular
from ..model.problems import Problem, problem
from ..model.record import Record

PATH = "quote-checks.csv"
HEADER = ["record", "sha256"]
_LIMIT = 64 * 1024 * 1024


def key(rec: Record) -> str:
    return f"{rec.kind}/{rec.id}"


def digest(rec: Record, source: Record) -> str:
    what = [source.data.get("archive_sha256"), *map(rec.data.get, ("block", "kind", "quote"))]
    return hashlib.sha256(json.dumps(what, ensure_ascii=False).encode("utf-8")).hexdigest()


def read(root: str) -> dict[str, str]:
    """record key -> digest, as committed; empty when there is no file."""
    try:
        text = read_regular(os.path.join(root, PATH), _LIMIT).decode("utf-8")
    except FileNotFoundError:
        return {}
    rows = list(csv.reader(io.StringIO(text)))
    return {r[0]: r[1] for r in rows[1:] if len(r) == 2}


def render(checked: dict[str, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(sorted(checked.items()))
    return out.getvalue()


def verified(
    quoted: list[tuple[Record, Record]], archives: set[str], root: str
) -> tuple[dict[str, str], bool]:
    """(record key -> digest of each verified quote, whether this run checked
    them): with the archives, every quote of an archived source was checked
    here (any mismatch is a problem that stops the build); without them,
    only the quotes whose records still hash as recorded count."""
    if archives:
        return {key(r): digest(r, s) for r, s in quoted if s.id in archives}, True
    recorded = read(root)
    return {key(r): d for r, s in quoted if recorded.get(key(r)) == (d := digest(r, s))}, False


def unverified_warnings(
    quoted: list[tuple[Record, Record]], checked: dict[str, str]
) -> list[Problem]:
    """One warning per quote that no check with the archive has seen (where
    such checks are recorded at all: a new or changed quote in a pull request)."""
    out = []
    for rec, src in quoted:
        if key(rec) not in checked:
            why = f"the archived text of '{src.id}' is not here, and {PATH} records no check of this wording"
            message = f"quote not verified: {why}; it is published with quote_verified false until a check with the archive verifies it"
            out.append(problem(rec.path, *rec.mark("$.quote"), "Q005", message, "$.quote"))
    return out
