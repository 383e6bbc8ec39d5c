"""Quotes against the archived text of their source.

A source record names its archived text (``archive_file``, a file in the
sources folder) and that file's SHA-256. Every ``quote`` of a statement or
casualty figure must occur, character for character, in the block it cites.

What "verbatim" means here, exactly:

* The archive is read as UTF-8. Its blocks are the runs of non-blank lines;
  a blank line is empty or holds only spaces, tabs or a carriage return.
  Blocks are numbered from 1 in file order; the lines of a block are joined
  with a line feed, as in the file.
* A quote must be a substring of its block. No normalization at all: case,
  spaces, Unicode form, typographic quotes (“ ”) and apostrophes (’) all
  count, so "don't" and "don’t" are different texts, as they are in the
  source.
* A statement with ``kind: direct_speech`` must quote words that the source
  prints inside quotation marks: every character of the quote lies inside a
  “…”, «…» or "…" pair of the block. Single quotation marks are not
  counted, because ’ is also the apostrophe.

The archive's bytes must have the SHA-256 the source record gives; if they
do not, the quotes citing it are not checked (they would be checked against
a text nobody has reviewed). When the sources folder is absent, the check is
skipped as a whole and a notice says so.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from ..model.escape import show
from ..model.fileio import TooLarge, read_regular, safe_relative_path
from ..model.problems import Problem, add_at
from ..model.record import Record, is_integer

QUOTED_KINDS = ("statement", "casualty_figure")
# Archived texts are articles; this bounds the work a wrong file can cause.
MAX_ARCHIVE_BYTES = 16 * 1024 * 1024

_BLANK = re.compile(r"[ \t\r]*\Z")
_OPEN = frozenset("“«")
_CLOSE = frozenset("”»")


def split_blocks(text: str) -> list[str]:
    """The blocks of an archived text: runs of non-blank lines."""
    runs = itertools.groupby(text.split("\n"), key=lambda line: _BLANK.match(line) is None)
    return ["\n".join(lines) for in_block, lines in runs if in_block]


@dataclass
class Archive:
    file_name: str
    text: str
    blocks: list[str]


def _clean(rec: Record, flagged: frozenset, *pointers: str) -> bool:
    """Whether none of these fields already has a problem reported."""
    return not any(p in rec.reported or (rec.path, p) in flagged for p in pointers)


class _Unusable(Exception):
    """Why an archived text cannot be used: the pointer and message of Q002."""


def read_archive(
    rec: Record, sources_dir: str, out: list[Problem], flagged: frozenset = frozenset()
) -> Archive | None:
    """The verified archive of one source record, or None (with a problem
    when the record names an archive that cannot be used). Fields that
    already have a problem (``flagged``: (path, pointer) pairs) are not
    judged again."""
    name = rec.data.get("archive_file")
    if not isinstance(name, str) or not _clean(rec, flagged, "$.archive_file", "$.archive_sha256"):
        return None
    try:
        text = _archive_text(sources_dir, name, rec.data.get("archive_sha256"))
    except _Unusable as exc:
        pointer, message = exc.args
        add_at(out, rec, pointer, "Q002", message)
        return None
    blocks = split_blocks(text)
    count = rec.data.get("block_count")
    if is_integer(count) and count != len(blocks) and _clean(rec, flagged, "$.block_count"):
        message = f"block_count is {count}, but the archived text {name!r} has {len(blocks)} blocks (runs of lines between blank lines); set block_count: {len(blocks)}"
        add_at(out, rec, "$.block_count", "Q003", message)
    return Archive(name, text, blocks)


def _archive_text(sources_dir: str, name: str, expected: object) -> str:
    """The text of an archive whose bytes have the expected SHA-256."""
    if "/" in name or not safe_relative_path(name):
        why = f"archive_file {show(name)!r} must be the name of a file in the sources folder, not a path"
        raise _Unusable("$.archive_file", why)
    try:
        raw = read_regular(os.path.join(sources_dir, name), MAX_ARCHIVE_BYTES)
    except TooLarge:
        why = f"is larger than {MAX_ARCHIVE_BYTES} bytes; archive the article's text only"
    except FileNotFoundError:
        why = "is not in the sources folder; restore it there, or fix archive_file"
    except OSError as exc:
        why = f"cannot be read: {exc.strerror}"
    else:
        digest = hashlib.sha256(raw).hexdigest()
        if isinstance(expected, str) and digest != expected:
            why = f"has SHA-256 {digest}, not the {expected} recorded here; restore the archived file, or correct archive_sha256 after reviewing the new text (quotes citing this source were not checked)"
            raise _Unusable("$.archive_sha256", f"archived text {name!r} {why}")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            why = f"is not valid UTF-8 (line {line}); archive texts as UTF-8"
    raise _Unusable("$.archive_file", f"archived text {name!r} {why}")


def check_quotes(
    records: list[Record], sources_dir: str | None, flagged: Iterable[tuple[str, str]]
) -> tuple[list[Problem], list[str], dict[str, Archive]]:
    """Check every quote against its source's archive: (problems, notices,
    source id -> its archived text for each source whose archive was
    verified). ``flagged`` holds the (path, pointer) pairs that earlier
    checks reported, so a bad value (a block that is no number, or beyond
    the source's block_count) is reported once, by the check that
    understands it."""
    flagged = frozenset(flagged)
    sources = {r.id: r for r in records if r.kind == "source" and isinstance(r.id, str)}
    # A contributor's translation is not the source's wording: nothing to compare.
    quoted = [
        r
        for r in records
        if r.kind in QUOTED_KINDS
        and isinstance(r.data.get("quote"), str)
        and r.data.get("quote_translation") != "by_contributor"
    ]
    if not sources_dir or not os.path.isdir(sources_dir):
        where = (
            f"the sources folder {sources_dir} does not exist"
            if sources_dir
            else "no sources folder was given"
        )
        notice = f"quotes were not checked against the archived sources: {where} ({len(quoted)} quotes unchecked); pass --sources DIR or set IL76_SOURCES to check them"
        return [], [notice], {}
    problems: list[Problem] = []
    found = {
        sid: read_archive(rec, sources_dir, problems, flagged)
        for sid, rec in sorted(sources.items())
    }
    archives = {sid: archive for sid, archive in found.items() if archive is not None}
    for rec in quoted:
        # A missing or mistyped reference is reported by the cross-record check.
        if _clean(rec, flagged, "$.quote", "$.block", "$.source_id", "$.kind") and (
            archive := archives.get(rec.data["source_id"])
        ):
            _check_one(rec, archive, problems)
    return problems, [], archives


def _check_one(rec: Record, archive: Archive, out: list[Problem]) -> None:
    # A block that passed the checks flagged is a whole number: the schema
    # refuses any other type, and X015 a null one where the text is held.
    quote, block, name = rec.data["quote"], rec.data["block"], archive.file_name
    if block > len(archive.blocks):
        elsewhere = _blocks_holding(archive, quote)
        hint = f"; the quote is in block {elsewhere[0]}" if elsewhere else ""
        beyond = f"block {block} is beyond the {len(archive.blocks)} blocks of the archived text {name!r}{hint}"
        add_at(out, rec, "$.block", "Q003", beyond)
        return
    text = archive.blocks[block - 1]
    if quote not in text:
        add_at(out, rec, "$.quote", "Q001", _misquoted(archive, block, quote))
    elif (
        rec.kind == "statement"
        and rec.data.get("kind") == "direct_speech"
        and not any(
            inside_quotation(text, m.start(), m.start() + len(quote))
            for m in re.finditer(f"(?={re.escape(quote)})", text)  # overlapping ones too
        )
    ):
        message = f"kind is direct_speech, but the quote is not inside quotation marks in block {block} of {name!r}; quote only the words printed between the marks, or set kind: indirect_speech"
        add_at(out, rec, "$.quote", "Q004", message)


def _blocks_holding(archive: Archive, quote: str) -> list[int]:
    # Only a misplaced quote is looked for in the other blocks.
    return [i for i, b in enumerate(archive.blocks, start=1) if quote in b]


def _misquoted(archive: Archive, block: int, quote: str) -> str:
    """Q001's message: the block that does hold the quote, or where the
    quote departs from the block it cites."""
    name, elsewhere = archive.file_name, _blocks_holding(archive, quote)
    if elsewhere:
        where = ", ".join(map(str, elsewhere))
        return f"quote is not in block {block} of {name!r} but is in block {where}; set block: {elsewhere[0]}"
    return f"quote is not in block {block} of {name!r}: {closest(quote, archive.blocks[block - 1])}"


def inside_quotation(text: str, start: int, end: int) -> bool:
    """Whether every character of text[start:end] lies inside quotation marks."""
    depth = 0  # open “ or « not yet closed
    straight = False  # inside a "..." pair
    for i, ch in enumerate(text[:end]):
        if i >= start and not (depth > 0 or straight):
            return False
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch == '"':
            straight = not straight
    return start < end


_CONTROL_NAMES = {"\n": "LINE FEED", "\r": "CARRIAGE RETURN", "\t": "CHARACTER TABULATION"}


def _char(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, None) or _CONTROL_NAMES.get(ch, 'control character')}"


_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


def closest(quote: str, text: str) -> str:
    """Where a quote departs from the passage of the block most like it,
    for a message: the first differing words, with the characters named
    when one character differs (a straight apostrophe for a typographic one)."""
    m = difflib.SequenceMatcher(None, text, quote, autojunk=False).find_longest_match(
        0, len(text), 0, len(quote)
    )
    if m.size < 4:
        return "no passage of the block resembles it; check the block number and copy the text from the source"
    # Align the quote on its longest common stretch, and compare it with
    # passages starting where it would start or a little before (for words
    # the quote adds or leaves out near its start), and ending where it would
    # end or a little after (likewise near its end), never cutting a word.
    aligned = m.a - m.b
    found = []
    for start in (max(0, aligned), max(0, aligned - 20)):
        while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
            start -= 1
        for end in (aligned + len(quote), aligned + len(quote) + 20):
            while 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
                end += 1
            found.append(_first_difference(text[start : max(start, end)], quote))
    # Each passage is part of the block, which does not hold the quote, so
    # each differs from it. The alignment that agrees with the quote
    # longest, then the smallest difference.
    return min((d for d in found if d), key=lambda d: (-d[0], d[1]))[2]


def _first_difference(passage: str, quote: str) -> tuple[int, int, str] | None:
    """(where in the quote, how many characters, message) of the first
    difference between a passage and the quote, if any."""
    src_tokens, quote_tokens = _TOKEN.findall(passage), _TOKEN.findall(quote)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
        None, src_tokens, quote_tokens, autojunk=False
    ).get_opcodes():
        # The passage may start before the quote and end after it.
        if tag == "equal" or (tag == "delete" and j1 in (0, len(quote_tokens))):
            continue
        src, quo = "".join(src_tokens[i1:i2]), "".join(quote_tokens[j1:j2])
        before = "".join(quote_tokens[:j1])
        after = f" after “…{show(before[-30:], 40)}”" if before else " at its start"
        if tag == "delete":
            what = f"the quote leaves out “{show(src, 40)}”"
        elif tag == "insert":
            what = f"the quote adds “{show(quo, 40)}”"
        else:
            what = f"the source has “{show(src, 40)}” where the quote has “{show(quo, 40)}”"
        detail = (
            f" ({_char(quo)} in the quote, {_char(src)} in the source)"
            if len(src) == len(quo) == 1
            else ""
        )
        return len(before), len(src) + len(quo), f"{what}{after}{detail}"
    return None
