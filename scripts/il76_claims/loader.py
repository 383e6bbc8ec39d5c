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
  integer, or text that no YAML version would read as anything else;
* no tags, anchors, aliases, merge keys, directives or second documents.

Everything else is reported as a ``Problem`` at its line and column.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

import yaml

from .problems import Problem, problem

# Limits that no real record comes near; they bound the work a hostile file
# can cause before it is refused.
MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 4  # record mapping > list > mapping > list
MAX_SCALAR_CHARS = 20_000

ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")

_INT_RE = re.compile(r"-?(?:0|[1-9][0-9]*)\Z")
# Plain scalars that YAML 1.1 (PyYAML, many other tools) or YAML 1.2 would
# read as something other than text.
_BOOL_LIKE = re.compile(r"(?:y|Y|yes|Yes|YES|n|N|no|No|NO|True|TRUE|False|FALSE|on|On|ON|off|Off|OFF)\Z")
_NULL_LIKE = re.compile(r"(?:~|Null|NULL)\Z")
_NUMBER_LIKE = re.compile(
    r"""[-+]?(?:
        0[0-7_]+                       # 1.1 octal, or a leading zero
      | 0o[0-7_]+ | 0x[0-9a-fA-F_]+ | 0b[01_]+
      | [0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?   # 1.1 sexagesimal, 12:30
      | [0-9][0-9_]*                   # +12, 1_000
    )\Z""",
    re.VERBOSE,
)
_FLOAT_LIKE = re.compile(
    r"""[-+]?(?:
        (?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?
      | [0-9][0-9_]*[eE][-+]?[0-9]+
      | \.(?:inf|Inf|INF|nan|NaN|NAN)
    )\Z""",
    re.VERBOSE,
)


@dataclass
class Record:
    kind: str
    path: str  # posix path relative to the project root
    data: dict
    # JSON path ("$.positions[0].stance") -> (line, col) of the value / key.
    marks: dict[str, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[str, tuple[int, int]] = field(default_factory=dict)
    # Values already reported by the loader, so later stages stay quiet on them.
    reported: set[str] = field(default_factory=set)

    @property
    def id(self):
        return self.data.get("id")

    def mark(self, pointer: str) -> tuple[int, int]:
        """The best position for a JSON path: the value, else its key, else
        the nearest enclosing node that has a mark."""
        p = pointer
        while True:
            if p in self.marks:
                return self.marks[p]
            if p in self.key_marks:
                return self.key_marks[p]
            if p == "$" or not p:
                return (1, 1)
            p = _parent(p)


def _parent(pointer: str) -> str:
    cut = max(pointer.rfind("."), pointer.rfind("["))
    return pointer[:cut] if cut > 0 else "$"


def child_pointer(parent: str, key) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}"


@dataclass
class LoadResult:
    records: list[Record]
    problems: list[Problem]
    files: int


class _Mark:
    line = 0
    column = 0


_FIRST = _Mark()


class _Abandon(Exception):
    """Stop reading this file; the problem is already recorded."""


class _Builder:
    def __init__(self, path: str, text: str, events):
        self.path = path
        self.lines = text.split("\n")
        self.events = events
        self.problems: list[Problem] = []
        self.marks: dict[str, tuple[int, int]] = {}
        self.key_marks: dict[str, tuple[int, int]] = {}
        self.reported: set[str] = set()

    def add(self, mark, code, message, pointer=""):
        self.problems.append(problem(self.path, mark.line + 1, mark.column + 1, code, message, pointer))
        if pointer:
            self.reported.add(pointer)

    def fatal(self, mark, code, message, pointer=""):
        self.add(mark, code, message, pointer)
        raise _Abandon

    def next(self):
        return next(self.events)

    def build(self):
        ev = self.next()
        assert isinstance(ev, yaml.StreamStartEvent)
        ev = self.next()
        if isinstance(ev, yaml.StreamEndEvent):
            self.fatal(_FIRST, "Y011", "the file is empty; write the record as key: value lines")
        self._check_document_start(ev)
        node = self.next()
        if not isinstance(node, yaml.MappingStartEvent):
            if isinstance(node, yaml.ScalarEvent) and node.value == "" and not node.style:
                self.fatal(node.start_mark, "Y011", "the file has no content; write the record as key: value lines")
            self._check_node_props(node, "$")
            self.fatal(node.start_mark, "Y009", "a record must be a mapping of field: value lines, not a list or a single value")
        data = self.value(node, "$", 1)
        end = self.next()  # DocumentEndEvent
        nxt = self.next()
        if isinstance(nxt, yaml.DocumentStartEvent):
            self.fatal(nxt.start_mark, "Y008", "a second YAML document ('---'); keep one record per file")
        return data

    def _check_document_start(self, ev):
        if getattr(ev, "version", None) or getattr(ev, "tags", None):
            self.fatal(ev.start_mark, "Y008", "YAML directives (%YAML, %TAG) are not allowed; delete the line")

    def _check_node_props(self, ev, pointer):
        if isinstance(ev, yaml.AliasEvent):
            self.fatal(ev.start_mark, "Y007", f"alias '*{ev.anchor}': write the value out in full", pointer)
        if ev.anchor is not None:
            self.fatal(ev.start_mark, "Y007", f"anchor '&{ev.anchor}': remove it; records do not share values", pointer)
        tag = getattr(ev, "tag", None)
        if tag is not None:
            self.fatal(ev.start_mark, "Y006", f"tag '{tag}' is not allowed; remove it and write plain text, numbers or booleans", pointer)

    def value(self, ev, pointer, depth):
        self._check_node_props(ev, pointer)
        if depth > MAX_DEPTH:
            self.fatal(ev.start_mark, "Y012", f"nesting deeper than {MAX_DEPTH} levels; records need no more", pointer)
        self.marks[pointer] = (ev.start_mark.line + 1, ev.start_mark.column + 1)
        if isinstance(ev, yaml.ScalarEvent):
            return self.scalar(ev, pointer)
        if isinstance(ev, yaml.SequenceStartEvent):
            items = []
            while True:
                item = self.next()
                if isinstance(item, yaml.SequenceEndEvent):
                    return items
                items.append(self.value(item, child_pointer(pointer, len(items)), depth + 1))
        if isinstance(ev, yaml.MappingStartEvent):
            out: dict = {}
            first_seen: dict[str, int] = {}
            while True:
                kev = self.next()
                if isinstance(kev, yaml.MappingEndEvent):
                    return out
                key = self.key(kev, pointer)
                child = child_pointer(pointer, key)
                vev = self.next()
                if key in first_seen:
                    self.add(kev.start_mark, "Y002", f"duplicate key '{key}' (first at line {first_seen[key]}); keep one, YAML would silently drop the first", child)
                    self.value(vev, child + "#duplicate", depth + 1)
                    continue
                first_seen[key] = kev.start_mark.line + 1
                self.key_marks[child] = (kev.start_mark.line + 1, kev.start_mark.column + 1)
                out[key] = self.value(vev, child, depth + 1)
        raise AssertionError(f"unexpected event {ev!r}")  # pragma: no cover

    def key(self, ev, pointer):
        self._check_node_props(ev, pointer)
        if not isinstance(ev, yaml.ScalarEvent):
            self.fatal(ev.start_mark, "Y010", "a key must be a field name, not a list or mapping", pointer)
        if not ev.style and ev.value == "<<":
            self.fatal(ev.start_mark, "Y007", "merge key '<<': write the fields out in full", pointer)
        if ev.value == "":
            self.fatal(ev.start_mark, "Y010", "empty key; write a field name", pointer)
        return ev.value

    def scalar(self, ev, pointer):
        text = ev.value
        if len(text) > MAX_SCALAR_CHARS:
            self.fatal(ev.start_mark, "Y013", f"value of {len(text)} characters; the limit is {MAX_SCALAR_CHARS}", pointer)
        if ev.style:  # quoted or block: always text (the C parser gives '' for plain)
            return text
        m = ev.start_mark
        if text == "":
            self.add(m, "Y011", "empty value; write a value, or null where the field allows it", pointer)
            return None
        if text == "null":
            return None
        if text == "true":
            return True
        if text == "false":
            return False
        if _INT_RE.match(text):
            return int(text)
        if _BOOL_LIKE.match(text):
            self.add(m, "Y003", f"unquoted {text} is read as a boolean by YAML 1.1; write '{text}' in quotes if it is text, or true/false", pointer)
            return text
        if _NULL_LIKE.match(text):
            self.add(m, "Y003", f"unquoted {text} is read as null; write null, or '{text}' in quotes if it is text", pointer)
            return text
        if text == "=":
            self.add(m, "Y003", "unquoted = is a special value in YAML 1.1; quote it", pointer)
            return text
        if _FLOAT_LIKE.match(text):
            self.add(m, "Y014", f"unquoted {text} is read as a floating-point number; write a whole number, or '{text}' in quotes if it is text", pointer)
            return text
        if _NUMBER_LIKE.match(text):
            self.add(m, "Y004", f"unquoted {text} is a number that YAML versions read differently; write a plain decimal integer, or '{text}' in quotes if it is text", pointer)
            return text
        self._check_comment_after(ev, pointer)
        return text

    def _check_comment_after(self, ev, pointer):
        end = ev.end_mark
        rest = self.lines[end.line][end.column:] if end.line < len(self.lines) else ""
        if re.match(r"[ \t]+#", rest):
            comment = rest.strip()
            self.add(ev.start_mark, "Y005", f"the text after ' #' ({comment[:40]!r}) is a comment and was dropped from the value; quote the whole value if '#' belongs to it, or put the comment on a line of its own", pointer)


# --- bytes and text, before YAML sees them ---------------------------------

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]")


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def decode(path: str, raw: bytes) -> tuple[str | None, list[Problem]]:
    """Bytes -> text, refusing anything that is not plain UTF-8 with LF."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, [problem(path, 1, 1, "E001", "the file starts with a byte-order mark; save it as UTF-8 without BOM")]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(raw) >= 2 and (raw[0] == 0 or raw[1] == 0)):
        return None, [problem(path, 1, 1, "E002", "the file looks like UTF-16; save it as UTF-8")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = len(raw[raw.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8", "replace")) + 1
        return None, [problem(path, line, col, "E002", f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; save the file as UTF-8")]
    problems = []
    seen_lines: set[tuple[str, int]] = set()

    def once(code, index, message):
        line, col = _line_col(text, index)
        if (code, line) not in seen_lines:
            seen_lines.add((code, line))
            problems.append(problem(path, line, col, code, message))

    for m in re.finditer("\r", text):
        once("E003", m.start(), "carriage return (CR or CRLF line end); use LF line ends only")
    for m in _CONTROL.finditer(text):
        once("E004", m.start(), f"control character U+{ord(m.group()):04X}; delete it")
    for m in re.finditer("\t", text):
        once("E005", m.start(), "tab character; indent and separate with spaces")
    for m in re.finditer("[\u2028\u2029]", text):
        once("E006", m.start(), f"U+{ord(m.group()):04X} line/paragraph separator; use a normal line break or a space")
    return (None if problems else text), problems


def parse(path: str, text: str) -> tuple[dict | None, Record | None, list[Problem]]:
    builder = _Builder(path, text, yaml.parse(text, Loader=yaml.CSafeLoader))
    try:
        data = builder.build()
    except _Abandon:
        return None, None, builder.problems
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        msg = " ".join(filter(None, [exc.context, exc.problem]))
        builder.problems.append(problem(path, line, col, "Y001", f"YAML syntax error: {msg}"))
        return None, None, builder.problems
    except yaml.YAMLError as exc:
        builder.problems.append(problem(path, 1, 1, "Y001", f"YAML syntax error: {exc}"))
        return None, None, builder.problems
    rec = Record(kind="", path=path, data=data, marks=builder.marks, key_marks=builder.key_marks, reported=builder.reported)
    return data, rec, builder.problems


def load_file(path: str, abspath: str, kind: str) -> tuple[Record | None, list[Problem]]:
    try:
        with open(abspath, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, [problem(path, 1, 1, "F007", f"cannot read the file: {exc.strerror}")]
    if len(raw) > MAX_FILE_BYTES:
        return None, [problem(path, 1, 1, "F006", f"file is larger than {MAX_FILE_BYTES} bytes; records are small")]
    text, problems = decode(path, raw)
    if text is None:
        return None, problems
    _, rec, problems = parse(path, text)
    if rec is not None:
        rec.kind = kind
    return rec, problems


# --- which files are records ------------------------------------------------


@dataclass(frozen=True)
class RecordFile:
    kind: str
    path: str  # relative, posix
    abspath: str


def discover(root: str, kinds: tuple[str, ...]) -> tuple[list[RecordFile], list[Problem]]:
    """List records/<kind>/<id>.yaml files, reporting everything else found.

    Uses lstat-only scanning: a symbolic link is reported, never followed.
    """
    problems: list[Problem] = []
    files: list[RecordFile] = []
    records_dir = os.path.join(root, "records")

    def rel(*parts):
        return "/".join(("records",) + parts)

    try:
        top = sorted(os.scandir(records_dir), key=lambda e: e.name)
    except OSError as exc:
        return [], [problem("records", 1, 1, "F007", f"cannot read the records folder: {exc.strerror}")]
    for entry in top:
        if entry.is_symlink():
            problems.append(problem(rel(entry.name), 1, 1, "F004", "symbolic link; replace it with a regular folder or file (links are never followed)"))
            continue
        if not entry.is_dir(follow_symlinks=False):
            problems.append(problem(rel(entry.name), 1, 1, "F001", f"file outside a kind folder; move it to records/<kind>/ (kinds: {', '.join(kinds)})"))
            continue
        if entry.name not in kinds:
            problems.append(problem(rel(entry.name), 1, 1, "F002", f"unknown kind folder '{entry.name}'; use one of: {', '.join(kinds)}"))
            continue
        lowered: dict[str, str] = {}
        try:
            inner = sorted(os.scandir(entry.path), key=lambda e: e.name)
        except OSError as exc:
            problems.append(problem(rel(entry.name), 1, 1, "F007", f"cannot read the folder: {exc.strerror}"))
            continue
        for f in inner:
            path = rel(entry.name, f.name)
            if f.is_symlink():
                problems.append(problem(path, 1, 1, "F004", "symbolic link; replace it with a regular file (links are never followed)"))
                continue
            if f.is_dir(follow_symlinks=False):
                problems.append(problem(path, 1, 1, "F001", f"folder inside records/{entry.name}/; records sit directly in their kind folder"))
                continue
            stem, dot, ext = f.name.rpartition(".")
            if not dot or ext != "yaml":
                hint = f"rename it to {stem}.yaml" if ext in ("yml", "YAML", "YML") else "records are .yaml files"
                problems.append(problem(path, 1, 1, "F003", f"not a .yaml file; {hint}"))
                continue
            if not ID_RE.match(stem):
                problems.append(problem(path, 1, 1, "F008", "file name is not a valid id; use lower-case ASCII letters, digits and single hyphens"))
            other = lowered.get(f.name.lower())
            if other is not None:
                problems.append(problem(path, 1, 1, "F005", f"differs only by letter case from {rel(entry.name, other)}; the two collide on macOS and Windows"))
                continue
            lowered[f.name.lower()] = f.name
            files.append(RecordFile(entry.name, path, f.path))
    return files, problems


def load_tree(root: str, kinds: tuple[str, ...]) -> LoadResult:
    files, problems = discover(root, kinds)
    records = []
    for f in files:
        rec, probs = load_file(f.path, f.abspath, f.kind)
        problems.extend(probs)
        if rec is not None:
            records.append(rec)
    return LoadResult(records, problems, len(files))
