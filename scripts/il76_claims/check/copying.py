"""The project's own words against the archived texts: no summary, note,
proposition, description or inference may repeat a long run of a source's
words outside quotation marks. Quotes belong in quote fields, and a
mention in a note belongs inside quotation marks; anything else is the
project's paraphrase.

Words are runs of letters and digits, compared in lower case, so that
punctuation and line breaks do not hide a copied sentence. Names, roles and
titles may be copied and are not compared. Only texts whose archive was
verified are compared (see quotes.check_quotes).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model.problems import Problem, add_at
from ..model.record import Record, iter_strings

# A run this long is a copied sentence rather than a shared phrase ("the
# prisoners of war on board the Il-76" is nine words).
RUN = 12
OWN_WORDS = frozenset({"summary", "notes", "proposition", "description", "inference"})
_WORD = re.compile(r"\w+")
_QUOTED = re.compile(r"“[^”]*”|«[^»]*»|\"[^\"]*\"")


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _runs(words: list[str]) -> Iterator[tuple[str, ...]]:
    """Every run of RUN words, in order."""
    return (tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1))


def copied_runs(records: list[Record], archives: list[str]) -> list[Problem]:
    runs = {run for text in archives for run in _runs(_words(text))}
    out: list[Problem] = []
    if not runs:
        return out
    for rec in records:
        for pointer, field, text in iter_strings(rec.data):
            if field not in OWN_WORDS:
                continue
            words = _words(_QUOTED.sub(" | ", text))
            copied = next((run for run in _runs(words) if run in runs), None)
            if copied:
                what = f"“{' '.join(copied)}…”"
                why = f"{field} repeats {RUN} or more words of an archived source ({what}); say it in the project's own words, or quote the words inside quotation marks"
                add_at(out, rec, pointer, "Q006", why)
    return out
