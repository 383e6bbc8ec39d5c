"""Checks on every text value, whatever its field.

These are the ways text can differ from what a reader sees, or be read by a
spreadsheet as something else: characters that are invisible or reorder
text, un-normalized Unicode, stray whitespace, and a leading '='.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from ..model.problems import Problem, problem
from ..model.record import Record, iter_strings

# C0 and C1 controls (tab and line feed have their own rules), DEL.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Invisible or direction-changing characters: format characters, fillers
# that render as nothing, and tag characters (which can carry hidden text).
# ZWNJ (U+200C) and ZWJ (U+200D) are kept out of this list: Persian, Indic
# scripts and emoji sequences need them. An explicit list rather than
# Unicode categories, so the result is the same on every Python version.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\U0001d173-\U0001d17a\U000e0000-\U000e007f]"
)
_SEPARATORS = re.compile("[\u2028\u2029]")
# Code points with no agreed meaning: private use and noncharacters.
_PRIVATE = re.compile(
    "[\ue000-\uf8ff\ufdd0-\ufdef\ufffe\uffff\U000f0000-\U0010ffff"
    + "".join(f"\\U{p:04x}fffe\\U{p:04x}ffff" for p in range(1, 16))
    + "]"
)

# Where the message names a character otherwise than Unicode does, lower-cased.
_NAMES = {
    "\u061c": "Arabic letter mark",
    "\u200b": "zero-width space",
    "\ufeff": "zero-width no-break space (BOM)",
}


def _name(ch: str) -> str:
    if 0xE0000 <= ord(ch) <= 0xE007F:
        return "tag character"
    return _NAMES.get(ch) or unicodedata.name(ch, "invisible character").lower()


def check_text(record: Record, multiline: frozenset[str]) -> list[Problem]:
    out = []
    for pointer, field, text in iter_strings(record.data):
        if pointer not in record.reported:
            line, col = record.mark(pointer)
            out += [
                problem(record.path, line, col, code, f"{field}: {message}", pointer)
                for code, message in _findings(text, field in multiline)
            ]
    return out


def _findings(text: str, multiline: bool) -> list[tuple[str, str]]:
    """(code, message) for each way the text is not what a reader sees."""
    if text.isascii() and text.isprintable() and text == text.strip() and text[:1] != "=":
        return []  # nearly every value, and none of the rules below can apply
    return [*_odd_characters(text), *_odd_form(text, multiline)]


def _odd_characters(text: str) -> Iterator[tuple[str, str]]:
    """Characters a reader does not see, or sees differently."""
    if m := _CONTROL.search(text):
        yield "E004", f"control character U+{ord(m.group()):04X} in the value; delete it"
    if "\t" in text:
        yield "E005", "tab character in the value; use a space"
    if m := _SEPARATORS.search(text):
        why = f"U+{ord(m.group()):04X} line/paragraph separator in the value; use a line break or a space"
        yield "E006", why
    if m := _INVISIBLE.search(text):
        why = f"invisible or direction-changing character U+{ord(m.group()):04X} ({_name(m.group())}) at position {m.start() + 1}; delete it"
        yield "T002", why
    if m := _PRIVATE.search(text):
        what = (
            "private-use character" if unicodedata.category(m.group()) == "Co" else "noncharacter"
        )
        why = f"{what} U+{ord(m.group()):04X} at position {m.start() + 1}, which shows differently or not at all from one computer to another; replace or delete it"
        yield "T007", why


def _odd_form(text: str, multiline: bool) -> Iterator[tuple[str, str]]:
    """A stored form other than what is shown: decomposed accents, line
    breaks and whitespace, a formula."""
    if not unicodedata.is_normalized("NFC", text):
        why = "text is not in Unicode NFC (a letter and its accent are stored as separate characters); normalize it to NFC"
        yield "T001", why
    if not multiline and "\n" in text:
        yield "T004", "line break in a single-line field; put the value on one line"
    elif text != text.strip():
        why = "leading or trailing whitespace or blank lines; remove them (use '|-' for block text)"
        yield "T003", why if multiline else "leading or trailing whitespace; remove it"
    if text.startswith("="):
        why = "value starts with '=', which spreadsheets run as a formula; rephrase it so it does not start with '='"
        yield "T005", why
