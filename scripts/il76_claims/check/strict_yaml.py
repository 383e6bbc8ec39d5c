"""Strict YAML: files under records/ become plain Python values with line marks.

Why not ``yaml.safe_load``: it silently turns ``NO`` into ``False``, ``012``
into ``10``, keeps only the last of two duplicate keys, expands aliases
(an alias bomb takes minutes and gigabytes) and turns dates into ``date``
objects. Records are hand-written text, so this module walks the event
stream of PyYAML's C parser itself and accepts only a small, unambiguous
subset of YAML:

* mappings with plain-text keys, lists, and scalars;
* quoted or block scalars are always text;
* a plain (unquoted) scalar is ``null``, ``true``, ``false``, a plain decimal
  integer, or text that no YAML version would read as anything else, written
  on one line;
* no tags, anchors, aliases, merge keys, directives or second documents.

Everything else is reported as a ``Problem`` at its line and column. A bad
node is skipped and its place remembered in ``Record.reported``, so one file
can show all its problems at once without later stages repeating them;
aliases are never expanded, so no input makes the work grow beyond the size
of the file.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Iterable
from sys import intern
from typing import Any, NoReturn

import yaml

from ..model.escape import show
from ..model.fileio import TooLarge, read_regular
from ..model.problems import Problem, file_problem, problem
from ..model.project import DATASET
from ..model.record import Record, child_pointer

# Limits that no real record comes near; they bound the work a hostile file
# can cause before it is refused.
MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 4  # record mapping > list > mapping > value
MAX_SCALAR_CHARS = 20_000
MAX_INT_DIGITS = 18  # beyond this, tools disagree on the value (floats, int64)
MAX_KEY_CHARS = 100
MAX_ITEMS = 1000  # in one list; the schemas allow at most a few hundred
MAX_FIELDS = 100  # in one mapping; a record has about twenty
# Brackets open at once. Checked on the raw text before parsing: the YAML
# parser's work grows with the square of flow nesting (100,000 '[' take
# minutes), and no record nests more than a few levels.
MAX_OPEN_BRACKETS = 50
MAX_PROBLEMS_PER_FILE = 50

_INT_RE = re.compile(r"(?:0|-?[1-9][0-9]*)\Z")
# Plain scalars that YAML 1.1 (PyYAML, many other tools) or YAML 1.2 would
# read as something other than text. Booleans are matched in any letter case:
# a reader cannot be expected to know which spellings a given tool takes.
_BOOL_LIKE = re.compile(r"(?:y|yes|n|no|true|false|on|off)\Z", re.IGNORECASE)
_NULL_LIKE = re.compile(r"(?:~|null)\Z", re.IGNORECASE)
_NUMBER_LIKE = re.compile(
    r"""[-+]?(?:
        0[0-7_]+                       # 1.1 octal, or a leading zero
      | 0o[0-7_]+ | 0x[0-9a-fA-F_]+ | 0b[01_]+
      | [0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?   # 1.1 sexagesimal, 12:30
      | [0-9][0-9_]*                   # +12, 1_000, -0
    )\Z""",
    re.VERBOSE,
)
_FLOAT_LIKE = re.compile(
    r"""[-+]?(?:
        [0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?
      | \.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?
      | [0-9][0-9_]*[eE][-+]?[0-9]+
      | \.(?:inf|Inf|INF|nan|NaN|NAN)
    )\Z""",
    re.VERBOSE,
)
# A YAML 1.1 timestamp with a time part; a bare ISO date is kept as text.
_TIMESTAMP_LIKE = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?\Z"
)
_DATE_LIKE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


# The records of a large tree repeat the same field names, JSON paths and
# positions: each is kept once, not once per record (at 100,000 records
# half the memory of a check; measured in docs/performance.md).
_POSITIONS: dict[tuple[int, int], tuple[int, int]] = {}

# A parser event, left untyped: PyYAML's stubs make every event's marks
# (and an alias's anchor) optional, and the C parser always sets them. They
# are read before an isinstance check brings the stubs' types back.
_Event = Any


def _position(mark: yaml.Mark) -> tuple[int, int]:
    pos = (mark.line + 1, mark.column + 1)
    return _POSITIONS.setdefault(pos, pos)


_FIRST = yaml.Mark("", 0, 0, 0, None, 0)  # the start of the file


class _Abandon(Exception):
    """Stop reading this file; the problem is already recorded."""


# Plain scalars that a YAML reader takes for something other than text, in
# the order they are tried: (pattern, what it is read as, code, message).
_EQUALS = re.compile(r"=\Z")
_AMBIGUOUS = (
    (
        _BOOL_LIKE,
        "a boolean",
        "Y003",
        "unquoted {t} is read as a boolean by YAML 1.1; write '{t}' in quotes if it is text, or true/false",
    ),
    (
        _NULL_LIKE,
        "null",
        "Y003",
        "unquoted {t} is read as null; write null, or '{t}' in quotes if it is text",
    ),
    (
        _EQUALS,
        "a special value",
        "Y003",
        "unquoted = is a special value in YAML 1.1; write '=' in quotes",
    ),
    (
        _TIMESTAMP_LIKE,
        "a date",
        "Y003",
        "unquoted {t} is read as a timestamp by YAML 1.1; write '{t}' in quotes",
    ),
    (
        _FLOAT_LIKE,
        "a number",
        "Y014",
        "unquoted {t} is read as a floating-point number; write a whole number, or '{t}' in quotes if it is text",
    ),
    (
        _NUMBER_LIKE,
        "a number",
        "Y004",
        "unquoted {t} is a number that YAML versions read differently; write a plain decimal integer, or '{t}' in quotes if it is text",
    ),
)
_PLAIN_VALUES = {"null": None, "true": True, "false": False}
_FOLDED = "text over several lines is folded (a line break becomes a space, a blank line a line break); write it on one line, or use '>-' to join lines or '|-' to keep line breaks"


# Only a plain scalar that starts with one of these characters, or is one of
# these words in some letter case, can match a pattern above.
_ODD_START = frozenset("0123456789+-.~=")
_ODD_WORDS = frozenset(["y", "yes", "n", "no", "true", "false", "on", "off", "null"])


def _ambiguous(text: str) -> tuple[str, str, str] | None:
    """(what it is read as, code, message) for a plain scalar that is not
    plainly text."""
    if text[:1] not in _ODD_START and (len(text) > 5 or text.lower() not in _ODD_WORDS):
        return None  # nearly every value: the patterns need not be tried
    for pattern, reading, code, message in _AMBIGUOUS:
        if pattern.match(text):
            return reading, code, message.format(t=text)
    return None


def _plain_kind(text: str) -> str | None:
    """What a non-text reading of a plain key would be, if any; a key may
    not be a number or a bare date either."""
    found = _ambiguous(text)
    if found is None and text[:1] in _ODD_START:
        return "a number" if _INT_RE.match(text) else "a date" if _DATE_LIKE.match(text) else None
    return found[0] if found else None


class _Builder:
    def __init__(self, path: str, text: str, events: Iterable[_Event]) -> None:
        self.path = path
        self.lines = text.split("\n")
        # The next event; bound once, as it is called for every event.
        self.next = iter(events).__next__
        self.problems: list[Problem] = []
        self.marks: dict[str, tuple[int, int]] = {}
        self.key_marks: dict[str, tuple[int, int]] = {}
        self.reported: set[str] = set()

    def add(self, mark: yaml.Mark, code: str, message: str, pointer: str = "") -> None:
        full = len(self.problems) >= MAX_PROBLEMS_PER_FILE
        if full:
            code, pointer = "Y016", ""
            message = f"more than {MAX_PROBLEMS_PER_FILE} problems in this file; the rest of it was not read. Fix these first"
        self.problems.append(
            problem(self.path, mark.line + 1, mark.column + 1, code, message, pointer)
        )
        if full:
            raise _Abandon
        if pointer:
            self.reported.add(pointer)

    def fatal(self, mark: yaml.Mark, code: str, message: str, pointer: str = "") -> NoReturn:
        self.add(mark, code, message, pointer)
        raise _Abandon

    def build(self) -> Any:
        self.next()  # StreamStartEvent
        ev = self.next()
        if isinstance(ev, yaml.StreamEndEvent):
            self.fatal(_FIRST, "Y011", "the file is empty; write the record as key: value lines")
        if getattr(ev, "version", None) or getattr(ev, "tags", None):
            why = "YAML directives (%YAML, %TAG) are not allowed; delete the line"
            self.fatal(ev.start_mark, "Y008", why)
        node = self.next()
        if not isinstance(node, yaml.MappingStartEvent):
            if getattr(node, "value", None) == "" and not (node.style or node.tag or node.anchor):
                why = "the file has no content; write the record as key: value lines"
                self.fatal(_FIRST, "Y011", why)
            why = "a record must be a mapping of field: value lines, not a list or a single value"
            self.fatal(node.start_mark, "Y009", why)
        data = self.value(node, "$", 1)
        if data is None:  # the whole record was refused (too many fields)
            raise _Abandon
        self.next()  # DocumentEndEvent
        nxt = self.next()
        if not isinstance(nxt, yaml.StreamEndEvent):
            why = "a second YAML document ('---'); keep one record per file"
            self.fatal(nxt.start_mark, "Y008", why)
        return data

    def skip(self, ev: _Event) -> None:
        """Consume the rest of a node without building it."""
        if isinstance(ev, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            self.skip_rest()

    def skip_rest(self) -> None:
        """Consume the rest of the list or mapping being read, up to and
        including its end."""
        open_nodes = 1
        while open_nodes:
            e = self.next()
            if isinstance(e, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                open_nodes += 1
            elif isinstance(e, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                open_nodes -= 1

    def _props_ok(self, ev: _Event, pointer: str) -> bool:
        """Report an alias, anchor or tag on a node; False if there was one."""
        mark, anchor, tag = ev.start_mark, ev.anchor, getattr(ev, "tag", None)
        if isinstance(ev, yaml.AliasEvent):
            code = "Y007"
            why = (
                f"alias '*{show(anchor)}': write the value out in full; records do not share values"
            )
        elif anchor is not None:
            code = "Y007"
            why = f"anchor '&{show(anchor)}': remove it; records do not share values"
        elif tag is not None:
            code = "Y006"
            why = f"tag '{show(tag)}' is not allowed; remove it and write plain text, numbers or booleans"
        else:
            return True
        self.add(mark, code, why, pointer)
        return False

    def value(self, ev: _Event, pointer: str, depth: int) -> object:
        self.marks[pointer] = _position(ev.start_mark)
        if not self._props_ok(ev, pointer):
            self.skip(ev)
            return None
        if depth > MAX_DEPTH:
            why = f"nesting deeper than {MAX_DEPTH} levels; records need no more"
            self.add(ev.start_mark, "Y012", why, pointer)
            self.skip(ev)
            return None
        if isinstance(ev, yaml.ScalarEvent):
            return self.scalar(ev, pointer)
        if isinstance(ev, yaml.SequenceStartEvent):
            return self.sequence(pointer, depth)
        return self.mapping(pointer, depth)

    def sequence(self, pointer: str, depth: int) -> list[object] | None:
        """The items of a list whose start event was just read."""
        items: list[object] = []
        while True:
            item = self.next()
            if isinstance(item, yaml.SequenceEndEvent):
                return items
            if len(items) == MAX_ITEMS:
                why = f"a list of more than {MAX_ITEMS} items; the limit is {MAX_ITEMS}"
                self.add(item.start_mark, "Y013", why, pointer)
                self.skip(item)
                self.skip_rest()
                return None
            items.append(self.value(item, intern(child_pointer(pointer, len(items))), depth + 1))

    def mapping(self, pointer: str, depth: int) -> dict | None:
        """The fields of a mapping whose start event was just read."""
        out: dict = {}
        first_seen: dict[str, int] = {}
        while True:
            kev = self.next()
            if isinstance(kev, yaml.MappingEndEvent):
                return out
            if len(first_seen) == MAX_FIELDS:
                why = f"a mapping of more than {MAX_FIELDS} fields; the limit is {MAX_FIELDS}"
                self.add(kev.start_mark, "Y013", why, pointer)
                self.skip(kev)
                self.skip(self.next())
                self.skip_rest()
                return None
            key = self.key(kev, pointer)
            vev = self.next()
            if key is None:
                self.skip(vev)
                continue
            child = intern(child_pointer(pointer, key))
            if key in first_seen:
                why = f"duplicate key '{show(key)}' (first at line {first_seen[key]}); keep one, YAML would silently drop the first"
                self.add(kev.start_mark, "Y002", why, child)
                self.skip(vev)
                continue
            first_seen[key] = kev.start_mark.line + 1
            self.key_marks[child] = _position(kev.start_mark)
            out[intern(key)] = self.value(vev, child, depth + 1)

    def key(self, ev: _Event, pointer: str) -> str | None:
        """The key's text, or None (reported) when it cannot be a field name.

        A refused key drops its field, and the rest of the mapping is still
        checked: a field that is then missing is a real problem too. Only a
        merge key, whose fields are meant to be there, quiets the checks on
        its mapping."""
        if not self._props_ok(ev, ""):
            self.skip(ev)
            return None
        text, plain = getattr(ev, "value", None), not getattr(ev, "style", None)
        if text is None:  # reported before the rest of the node is read, which may fail
            self.add(ev.start_mark, "Y010", "a key must be a field name, not a list or mapping")
            self.skip(ev)
            return None
        if plain and text == "<<":
            self.add(ev.start_mark, "Y007", "merge key '<<': write the fields out in full", pointer)
            return None
        if plain and (reading := _plain_kind(text)):
            why = f"unquoted key {show(text)} is read as {reading}, not text; a key must be a field name"
        elif text == "":
            why = "empty key; write a field name"
        elif len(text) > MAX_KEY_CHARS:
            why = f"key of {len(text)} characters; field names are at most {MAX_KEY_CHARS}"
        else:
            return text
        self.add(ev.start_mark, "Y010", why)
        return None

    def scalar(self, ev: _Event, pointer: str) -> object:
        text, m = ev.value, ev.start_mark
        if len(text) > MAX_SCALAR_CHARS:
            why = f"value of {len(text)} characters; the limit is {MAX_SCALAR_CHARS}"
            self.add(m, "Y013", why, pointer)
            return None
        if ev.style:  # quoted or block: always text (the C parser gives '' for plain)
            if ev.style in ("'", '"') and ev.end_mark.line != m.line:
                self.add(m, "Y015", "quoted " + _FOLDED, pointer)
            return text
        if text == "":
            why = "empty value; write a value, or null where the field allows it"
            self.add(m, "Y011", why, pointer)
            return None
        if text in _PLAIN_VALUES:
            return _PLAIN_VALUES[text]
        if _INT_RE.match(text):
            digits = len(text.lstrip("-"))
            if digits <= MAX_INT_DIGITS:
                return int(text)
            why = f"a number of {digits} digits; the limit is {MAX_INT_DIGITS}"
            self.add(m, "Y013", why, pointer)
            return None
        found = _ambiguous(text)
        if found:
            self.add(m, found[1], found[2], pointer)
        elif ev.end_mark.line != m.line:
            self.add(m, "Y015", "unquoted " + _FOLDED, pointer)
        else:
            self._check_comment_after(ev, pointer)
        return text

    def _check_comment_after(self, ev: _Event, pointer: str) -> None:
        end = ev.end_mark
        # libyaml counts CR, NEL and U+2028 as line breaks too, which split("\n") does not.
        line = self.lines[end.line] if end.line < len(self.lines) else ""
        if "#" not in line:  # nearly every line: no comment to look for
            return
        rest = line[end.column :]
        if re.match(r"[ \t]+#", rest):
            why = f"the text after ' #' ('{show(rest.strip(), 40)}') is a comment and was dropped from the value; quote the whole value if '#' belongs to it, or put the comment on a line of its own"
            self.add(ev.start_mark, "Y005", why, pointer)


# --- bytes and text, before YAML sees them ---------------------------------

# C0 and C1 controls except tab and LF (they have their own rules), DEL, and
# the two noncharacters the YAML reader refuses.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def _looks_utf16(raw: bytes) -> bool:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    # ASCII text in UTF-16 has a zero byte in every other position.
    head = raw[:64]
    if len(head) < 4:
        return False
    evens, odds = head[0::2], head[1::2]
    return evens.count(0) == len(evens) or odds.count(0) == len(odds)


def _control_message(ch: str) -> str:
    if ch in "\ufffe\uffff":
        return f"noncharacter U+{ord(ch):04X}, which YAML does not allow; delete it"
    name = {"\x00": "NUL", "\x85": "NEL, next line", "\x1b": "escape"}.get(ch)
    return f"control character U+{ord(ch):04X}{f' ({name})' if name else ''}; delete it"


def decode(path: str, raw: bytes) -> tuple[str | None, list[Problem]]:
    """Bytes -> text, refusing anything that is not plain UTF-8 with LF."""
    if raw.startswith(b"\xef\xbb\xbf"):
        why = "the file starts with a byte-order mark; save it as UTF-8 without BOM"
        return None, [file_problem(path, "E001", why)]
    if _looks_utf16(raw):
        return None, [file_problem(path, "E002", "the file looks like UTF-16; save it as UTF-8")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8")  # the bytes up to the first bad one are UTF-8
        line, col = _line_col(before, len(before))
        why = f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; save the file as UTF-8"
        return None, [problem(path, line, col, "E002", why)]
    problems = _hidden_characters(path, text)
    return (None, problems) if problems else (text, [])


def _hidden_characters(path: str, text: str) -> list[Problem]:
    """E003 to E006 for line ends and characters YAML reads otherwise than
    an editor shows them; once per code and line."""
    problems: list[Problem] = []
    seen_lines: set[tuple[str, int]] = set()

    def once(code: str, index: int, message: str) -> None:
        line, col = _line_col(text, index)
        if (code, line) not in seen_lines and len(problems) < MAX_PROBLEMS_PER_FILE:
            seen_lines.add((code, line))
            problems.append(problem(path, line, col, code, message))

    cr = text.find("\r")
    if cr >= 0:
        # One report is enough: an editor converts all line ends at once.
        crs = text.count("\r")
        why = f"carriage return (CR or CRLF line ends, {crs} in the file); save the file with LF line ends only"
        once("E003", cr, why)
    for m in _CONTROL.finditer(text):
        once("E004", m.start(), _control_message(m.group()))
    for m in re.finditer("\t", text):
        once("E005", m.start(), "tab character; indent and separate with spaces")
    for m in re.finditer("[\u2028\u2029]", text):
        why = f"U+{ord(m.group()):04X} line/paragraph separator; use a normal line break or a space"
        once("E006", m.start(), why)
    return sorted(problems)


def _syntax_message(exc: yaml.MarkedYAMLError, lines: list[str]) -> str:
    context = exc.context or ""
    c, p = exc.context_mark, exc.problem_mark
    if context and c is not None and p is not None and (c.line, c.column) != (p.line, p.column):
        context += f" (line {c.line + 1}, column {c.column + 1})"
    msg = " ".join(filter(None, [context, exc.problem]))
    if "cannot start any token" in msg:
        line = lines[p.line] if p is not None and p.line < len(lines) else ""
        ch = line[p.column] if p is not None and p.column < len(line) else ""
        if ch:
            msg = msg.replace("found character", f"found character '{ch}'")
        msg += "; put the value in quotes"
    return f"YAML syntax error: {show(msg, 200)}"


def _too_many_brackets(path: str, text: str) -> Problem | None:
    depth = 0
    for m in re.finditer(r"[\[\]{}]", text):
        if m.group() in "[{":
            depth += 1
            if depth > MAX_OPEN_BRACKETS:
                why = f"more than {MAX_OPEN_BRACKETS} brackets '[' or '{{' open at once; records need a few levels at most"
                return problem(path, *_line_col(text, m.start()), "Y012", why)
        elif depth:
            depth -= 1
    return None


def parse(path: str, text: str) -> tuple[dict | None, Record | None, list[Problem]]:
    deep = _too_many_brackets(path, text)
    if deep is not None:
        return None, None, [deep]
    builder = _Builder(path, text, yaml.parse(text, Loader=yaml.CSafeLoader))
    try:
        data = builder.build()
    except _Abandon:
        return None, None, builder.problems
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark or _FIRST
        why = _syntax_message(exc, builder.lines)
        builder.problems.append(problem(path, mark.line + 1, mark.column + 1, "Y001", why))
        return None, None, builder.problems
    except yaml.YAMLError as exc:
        why = f"YAML syntax error: {show(str(exc), 200)}"
        builder.problems.append(file_problem(path, "Y001", why))
        return None, None, builder.problems
    rec = Record("", path, data, builder.marks, builder.key_marks, builder.reported)
    return data, rec, builder.problems


def read_bytes(path: str, abspath: str) -> tuple[bytes | None, list[Problem]]:
    """A regular file's bytes, up to the size limit; never through a link,
    never blocking on a FIFO or device."""
    try:
        return read_regular(abspath, MAX_FILE_BYTES), []
    except TooLarge as exc:
        size = f"larger than {MAX_FILE_BYTES}" if exc.size is None else f"of {exc.size}"
        why = f"file {size} bytes; the limit is {MAX_FILE_BYTES} bytes, records are small"
        return None, [file_problem(path, "F006", why)]
    except OSError as exc:
        if exc.errno == errno.ELOOP or os.path.islink(abspath):
            why = "symbolic link; replace it with a regular file (links are never followed)"
            return None, [file_problem(path, "F004", why)]
        if exc.errno == errno.EINVAL:
            why = "not a regular file (a folder, pipe, socket or device); records are plain files"
            return None, [file_problem(path, "F007", why)]
        return None, [file_problem(path, "F007", f"cannot read the file: {exc.strerror}")]


def read_text(
    path: str, abspath: str, kind: str
) -> tuple[str | None, Record | None, list[Problem]]:
    """One file -> its text and its Record (each None if it could not be
    read as one), and its problems. ``path`` is how reports name the file."""
    raw, problems = read_bytes(path, abspath)
    text, problems = (None, problems) if raw is None else decode(path, raw)
    if text is None:
        return None, None, problems
    _, rec, problems = parse(path, text)
    if rec is not None:
        rec.kind = kind
    return text, rec, problems


def load_file(path: str, abspath: str, kind: str) -> tuple[Record | None, list[Problem]]:
    """One file -> its Record (None if it could not be read as one) and its
    problems."""
    _, rec, problems = read_text(path, abspath, kind)
    return rec, problems


def load_dataset(root: str) -> tuple[str | None, Record | None, list[Problem]]:
    """dataset.yaml of the project at root, as read_text reads a record: the
    one reader of the file."""
    return read_text(DATASET, os.path.join(root, DATASET), "dataset")
