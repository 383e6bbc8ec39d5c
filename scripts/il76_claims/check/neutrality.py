"""Loaded terms in the text this project writes.

The project's own voice is every string of a record except the ones that
hold someone else's text or a fixed vocabulary: ``quote`` (the source's
words), ``url`` (the source's address), references to other records (the
id is checked where it is defined), codes from a codelist, and dates. So
names, roles, ids, summaries, propositions, descriptions, locations, file
names and notes are checked. A word from ``schemas/loaded-terms.json``
(whole word, any letter case) in one of them is reported as T006 at the
field's line, once per term and field.

One exception keeps the curators able to document the source: inside a
``notes`` field, a loaded word within double quotation marks (“…” or "…")
is a mention of the source's wording, not a use of it. Such a mention is
accepted only if the quoted text occurs in an archived source, so scare
quotes around a word the source never printed are still reported. (When no
archived text could be read, mentions are accepted unverified; the quote
check's notice says the archive was not read.)
"""

from __future__ import annotations

import functools
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..model.escape import show
from ..model.problems import Problem, problem
from ..model.record import Record, iter_strings
from ..model.schemas import SchemaError, SchemaSet
from .schema import json_marks, json_path, side_file_errors

TERMS_FILE = "loaded-terms.json"
TERMS_SCHEMA = "loaded-terms.schema.json"
# Fields that hold the source's words, not the project's.
VERBATIM_FIELDS = frozenset({"quote"})
MENTION_FIELDS = frozenset({"notes"})
_WORD = re.compile(r"\w+")
_QUOTED = re.compile(r"“[^“”]*”|\"[^\"]*\"")


@dataclass(frozen=True)
class Term:
    term: str
    match: tuple[str, ...]
    kind: str
    why: str
    neutral: str


@dataclass
class Terms:
    terms: list[Term]
    by_form: dict[str, Term]  # lower-cased form -> its term
    pattern: re.Pattern  # every form as a whole word, any letter case
    # The first word of every form, lower-cased: a text holding none of
    # them cannot match, which a set lookup per word finds faster than the
    # pattern (nearly every text of a large tree holds no loaded term).
    first_words: frozenset[str]


def load_terms(schemas_dir: str) -> Terms:
    """The loaded-terms list; SchemaError at file:line for a list that
    breaks schemas/loaded-terms.schema.json or repeats a form."""
    path = os.path.join(schemas_dir, TERMS_FILE)
    try:
        text = Path(path).read_text(encoding="utf-8")
        doc = json.loads(text)
        schema = json.loads(Path(schemas_dir, TERMS_SCHEMA).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SchemaError(f"{path}: cannot read the loaded-terms list: {exc}") from None
    errors = side_file_errors(schema, doc) or _repeated_forms(doc["terms"])
    if errors:
        # The first problem of the file, at its line, as a maintainer's error.
        marks = json_marks(text)
        at, message = min(errors, key=lambda e: marks.get(json_path(e[0]), (1, 1)))
        line, col = marks.get(json_path(at), (1, 1))
        entry = f"terms[{at[1]}]: " if len(at) > 1 else ""
        raise SchemaError(f"{path}:{line}:{col}: {entry}{message}")
    entries = doc["terms"]
    terms = [Term(e["term"], tuple(e["match"]), e["kind"], e["why"], e["neutral"]) for e in entries]
    by_form = {f.lower(): t for t in terms for f in t.match}
    # Longest forms first, so "neo-Nazi" is found as itself and not as "Nazi".
    alternatives = "|".join(re.escape(f) for f in sorted(by_form, key=lambda f: (-len(f), f)))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    return Terms(terms, by_form, pattern, frozenset(_WORD.findall(f)[0] for f in by_form))


def _repeated_forms(entries: list[dict]) -> list[tuple[tuple, str]]:
    first: dict[str, str] = {}  # lower-cased form -> the term it is listed under
    out = []
    for i, e in enumerate(entries):
        for j, f in enumerate(e["match"]):
            if f.lower() in first:
                message = f"form {f!r} is already listed under {first[f.lower()]!r}"
                out.append((("terms", i, "match", j), message))
            first.setdefault(f.lower(), e["term"])
    return out


def skipped_fields(schemas: SchemaSet) -> dict[str, frozenset[str]]:
    """kind -> names of fields (at any depth) that hold no text of the
    project's own: codes, dates, URLs, references, and quotes."""
    return {
        kind: frozenset(VERBATIM_FIELDS).union(
            p.name
            for p in schemas.walk(doc)
            if schemas.codelist_of(p.node)
            or "x-ref-kind" in p.node
            or p.schema.get("format") in ("date", "uri")
        )
        for kind, doc in schemas.kinds.items()
    }


def _term(terms: Terms, found: str) -> Term:
    """The term a matched form belongs to (a form whose lower-casing changes
    its length is looked up the slow way)."""
    return terms.by_form.get(found.lower()) or next(
        t for f, t in terms.by_form.items() if re.fullmatch(re.escape(f), found, re.IGNORECASE)
    )


def check_records(
    records: list[Record],
    terms: Terms,
    archive_texts: list[str] | None = None,
    skipped: dict[str, frozenset[str]] | None = None,
) -> list[Problem]:
    """T006 for every loaded term in the project's own text. ``archive_texts``
    are the archived sources a mention in notes must come from (None or
    empty: mentions are accepted unverified); ``skipped`` maps a kind to the
    fields that are not the project's text (``quote`` when not given)."""
    out: list[Problem] = []
    for rec in records:
        skip = skipped.get(rec.kind, VERBATIM_FIELDS) if skipped is not None else VERBATIM_FIELDS
        for pointer, field, text in iter_strings(rec.data):
            if field not in skip:
                line, col = rec.mark(pointer)
                out += [
                    problem(rec.path, line, col, "T006", f"{field}: {message}", pointer)
                    for message in _uses(terms, text, field, archive_texts)
                ]
    return out


def _uses(terms: Terms, text: str, field: str | None, archive_texts: list[str] | None) -> list[str]:
    """A message for each loaded term the text uses, once per term."""
    plain, origin = matchable(text.replace("-", " ") if field == "id" else text)
    if terms.first_words.isdisjoint(_WORD.findall(plain.lower())):
        return []
    quoted = list(_QUOTED.finditer(text)) if field in MENTION_FIELDS else []
    out, seen = [], set()
    for m in terms.pattern.finditer(plain):
        start, end = (origin[m.start()], origin[m.end() - 1] + 1) if origin else m.span()
        term, found = _term(terms, m.group()), text[start:end]
        # The text inside the quotation marks (one character each) around the word.
        mention = next((q[0][1:-1] for q in quoted if q.start() < start and end < q.end()), None)
        if term.term in seen or (
            mention is not None and (not archive_texts or any(mention in t for t in archive_texts))
        ):
            continue
        seen.add(term.term)
        disguised = (
            ""
            if found == m.group()
            else f", written with look-alike or invisible characters as “{show(found)}”"
        )
        if mention is not None:
            out.append(
                f"loaded term “{show(m.group())}”{disguised} is in quotation marks, but “{show(mention, 50)}” is not text of an archived source; quote the source exactly, or use neutral wording: {term.neutral}"
            )
        else:
            out.append(
                f"loaded term “{show(m.group())}” ({term.kind}){disguised}; neutral wording: {term.neutral}; the word itself belongs only in a quote field"
            )
    return out


# Characters that change no letter of a word but can split it so that a
# pattern misses it: zero-width, joiners, soft hyphen, direction marks.
_IGNORABLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u206a\u206b\u206c\u206d\u206e\u206f"
)


def matchable(text: str) -> tuple[str, list[int] | None]:
    """The text as a loaded term is looked for in it, and for each of its
    characters the index it comes from in text (None: the text itself).
    A word can be disguised so that a pattern misses it while a reader sees
    it: fullwidth or mathematical letters (undone by NFKC), letters of
    another script that look Latin (replaced by the Latin letter they are
    confusable with, from Unicode's confusables data as confusable_homoglyphs
    ships it), invisible characters inside it (dropped). Only the copy is
    changed, so Cyrillic names and a Persian zero-width non-joiner stay
    valid text."""
    if text.isascii():
        return text, None
    folded = [
        (i, c)
        for i, ch in enumerate(text)
        if ch not in _IGNORABLE
        for c in unicodedata.normalize("NFKC", ch)
    ]
    return "".join(_latin(c) if not c.isascii() else c for _, c in folded), [i for i, _ in folded]


@functools.cache
def _latin(ch: str) -> str:
    """The Latin letter a character is confusable with, else the character.
    Asked one character at a time (the answer depends on nothing else), and
    remembered, as records in Cyrillic repeat the same few dozen letters."""
    from confusable_homoglyphs import confusables

    found = confusables.is_confusable(ch, greedy=True, preferred_aliases=["latin"]) or []
    return next(
        (h["c"] for f in found for h in f["homoglyphs"] if h["c"].isascii() and h["c"].isalpha()),
        ch,
    )


def loaded_words(
    records: list[Record], schemas: SchemaSet, archive_texts: list[str] | None = None
) -> list[Problem]:
    """The neutrality check as the checker runs it."""
    return check_records(records, load_terms(schemas.dir), archive_texts, skipped_fields(schemas))
