"""The canonical form of a record, and ``il76-claims fmt`` that writes it.

Every record (and dataset.yaml) has exactly one canonical text, so that a
diff between two versions shows what changed, not how it was typed. The
rules are written down in CONTRIBUTING.md ("The canonical form of a
record"); in short: keys in the schema's order, block lists, a string plain
when the strict loader reads it back unchanged and quoted otherwise, long
text folded and multi-line text literal, comments on lines of their own,
blank lines only before commented top-level keys, LF, one final newline.

The structure (order, indentation, lists, comments, blank lines) is written
here; every scalar is written by PyYAML's emitter, so quoting, escaping and
folding are PyYAML's. Nothing is trusted: the new text is read back with
the strict loader and must give exactly the same values with no problem,
and keep every comment, or the file is refused (R002) and left as it was.
"""

from __future__ import annotations

import bisect
import functools
import json
import math
import operator
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml

from ..model.escape import show
from ..model.fileio import Changed, atomic_write, sync_folders
from ..model.problems import Problem, problem
from ..model.project import DATASET
from ..model.record import Record, child_pointer
from ..model.schemas import KINDS, Property, SchemaSet
from . import files, strict_yaml
from .files import RecordFile
from .text import check_text

if TYPE_CHECKING:
    from .schema import SchemaChecker

# One width for everything: a value goes on its key's line when the whole
# line fits in WIDTH columns; longer text is folded by PyYAML at WIDTH.
WIDTH = 88


class _Refused(Exception):
    """The file cannot be formatted without losing something; the problem says what."""

    def __init__(self, path: str, line: int, col: int, why: str, pointer: str = ""):
        super().__init__(why)
        self.problem = problem(path, line, col, "R002", f"cannot be formatted: {why}", pointer)


# --- the schema's order ---------------------------------------------------------


class Shape(NamedTuple):
    """What the schema says about a value's layout: the fields of a mapping
    in the schema's order, and the shape of a list's items."""

    fields: dict[str, Shape] | None
    items: Shape | None


def shapes(schemas: SchemaSet) -> dict[str, Shape]:
    """kind ("dataset" for dataset.yaml) -> the shape of its records."""
    return {
        kind: _shape(schemas, doc)
        for kind, doc in {**schemas.kinds, "dataset": schemas.dataset}.items()
    }


def _shape(schemas: SchemaSet, doc: dict) -> Shape:
    # The walk gives a list before its items' fields, so each field is
    # filed in the mapping its holder's Shape already points to.
    fields_in: dict[Property | None, dict[str, Shape]] = {None: {}}
    for p in schemas.walk(doc):
        fields = fields_in.setdefault(p, {}) if "properties" in (p.items or p.schema) else None
        shape = Shape(None, Shape(fields, None)) if p.items is not None else Shape(fields, None)
        fields_in[p.parent][p.name] = shape
    return Shape(fields_in[None], None)


# --- comments -------------------------------------------------------------------
#
# PyYAML's parser drops comments, and no PyYAML API keeps them, so they are
# put back by hand: the scanner (PyYAML's own, so a '#' inside a quoted or
# block value is never taken for a comment) is asked where each comment is,
# each comment line is attached to the key or list item that follows it,
# and the writer puts it back above that key or item.


class _CommentScanner(yaml.reader.Reader, yaml.scanner.Scanner):
    """PyYAML's pure-Python scanner, noting the comments it skips."""

    def __init__(self, text: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        self.comments: list[tuple[int, int, str]] = []  # (line, column, text), from 0

    def scan_to_next_token(self) -> None:
        start = self.get_mark()
        super().scan_to_next_token()
        self._note(start)

    def scan_block_scalar_ignored_line(self, start_mark: yaml.Mark) -> None:
        start = self.get_mark()
        super().scan_block_scalar_ignored_line(start_mark)
        self._note(start)

    def _note(self, start: yaml.Mark) -> None:
        # What was skipped holds only spaces, line breaks and comments, so
        # the first '#' on each of its lines starts a comment.
        skipped = self.buffer[start.pointer : self.pointer]
        if "#" not in skipped:
            return
        for i, piece in enumerate(skipped.split("\n")):
            at = piece.find("#")
            if at >= 0:
                self.comments.append(
                    (start.line + i, (start.column if i == 0 else 0) + at, piece[at:])
                )


def find_comments(text: str) -> list[tuple[int, int, str]]:
    """Every comment in a YAML text as (line, column, text), counted from 0."""
    if "#" not in text:
        return []
    scanner = _CommentScanner(text)
    while scanner.check_token():
        scanner.get_token()
    return scanner.comments


def _comments_of(path: str, text: str) -> list[tuple[int, int, str]]:
    try:
        return find_comments(text)
    except yaml.YAMLError as exc:
        # libyaml read the file; if PyYAML's own scanner differs on it, the
        # comments cannot be placed with certainty.
        # A reader error, unlike a scanner error, has no mark and no problem.
        mark = getattr(exc, "problem_mark", None)
        why = f"PyYAML's scanner, which finds the comments, cannot read this line ({show(str(getattr(exc, 'problem', None) or exc), 60)})"
        raise _Refused(path, mark.line + 1 if mark else 1, 1, why) from None


def _anchors(rec: Record) -> tuple[list[tuple[int, int, int, str]], list[tuple[int, int, str]]]:
    """The keys and list items a comment can be attached to, in document
    order, as (line from 1, column, depth, pointer): a list item starts
    where its first key does, and sorted first it takes the comments above
    both. And the (key line, value line, pointer) of each key whose scalar
    value starts on a later line than its key."""
    anchors, gaps = [], []

    def walk(value: dict | list, pointer: str, depth: int) -> None:
        children = value.items() if isinstance(value, dict) else enumerate(value)
        for key, child in children:
            p = child_pointer(pointer, key)
            line, col = rec.key_marks.get(p) or rec.marks[p]
            anchors.append((line, col, depth, p))
            if isinstance(child, (dict, list)):
                walk(child, p, depth + 1)
            elif rec.marks[p][0] > line:
                gaps.append((line, rec.marks[p][0], p))

    walk(rec.data, "$", 0)
    anchors.sort()
    return anchors, gaps


def attach_comments(path: str, text: str, rec: Record) -> dict[str, list[str | None]]:
    """pointer -> the comment lines to write above that key or item ("" for
    the end of the file), None standing for a blank line between two
    paragraphs of a comment. Refuses a comment it cannot keep in place."""
    found = _comments_of(path, text)
    if not found:
        return {}
    lines = text.split("\n")
    anchors, gaps = _anchors(rec)
    blocks: dict[str, list[str | None]] = {}
    last: dict[str, int] = {}
    for line0, col0, body in found:
        line = line0 + 1
        if lines[line0][:col0].strip():
            why = f"the comment '{show(body, 40)}' shares its line with a key or value, and fmt keeps comments on lines of their own; move it to the line above"
            raise _Refused(path, line, col0 + 1, why)
        for kline, vline, p in gaps:
            if kline < line < vline:
                why = f"the comment '{show(body, 40)}' sits between the key on line {kline} and its value on line {vline}; move it above the key"
                raise _Refused(path, line, col0 + 1, why, p)
        i = bisect.bisect_right(anchors, line, key=operator.itemgetter(0))
        anchor = anchors[i][3] if i < len(anchors) else ""
        block = blocks.setdefault(anchor, [])
        if block and any(not ln.strip() for ln in lines[last[anchor] : line0]):
            block.append(None)
        block.append(body)
        last[anchor] = line
    return blocks


# --- scalars ----------------------------------------------------------------------


NO_WIDTH = 2**30  # libyaml's width is a C int: no line is this long
# What libyaml's emitter writes otherwise than PyYAML's (see _emit).
_NOT_LIKE_LIBYAML = re.compile("[\U00010000-\U0010ffff\x85\u2028\u2029]|  ")


def value_events(value: str, style: str | None) -> list[yaml.Event]:
    """The events of a one-key document `k: value`, the value in style."""
    return [
        yaml.StreamStartEvent(),
        yaml.DocumentStartEvent(explicit=False),
        yaml.MappingStartEvent(None, None, True, flow_style=False),
        yaml.ScalarEvent(None, None, (True, True), "k"),
        yaml.ScalarEvent(None, None, (True, True), value, style=style),
        yaml.MappingEndEvent(),
        yaml.DocumentEndEvent(explicit=False),
        yaml.StreamEndEvent(),
    ]


@functools.lru_cache(maxsize=8192)
def _emit(value: str, style: str | None, width: float = math.inf) -> tuple[str, ...]:
    """The value as PyYAML writes it after 'k: ' in a block mapping: the
    first line without 'k: ', then the block's lines (indented by 2).

    PyYAML's pure-Python emitter where libyaml's differs: libyaml writes
    emoji and other characters beyond U+FFFF as escapes, folds text at a
    double space, leaving a space at the end of a line that an editor would
    strip (and so change the value), and writes NEL and the Unicode line
    separators as escapes, and folds quoted text otherwise. Elsewhere (one
    line, or a folded block) the two write the same text (tests/test_fmt.py
    compares them), and libyaml's is many times faster: the canonical form
    is what `check` computes for every record. Ids and codes recur, hence
    the cache."""
    events = value_events(value, style)
    text = None
    if not _NOT_LIKE_LIBYAML.search(value):
        c_width = NO_WIDTH if width == math.inf else int(width)
        text = yaml.emit(events, Dumper=yaml.CSafeDumper, allow_unicode=True, width=c_width)
        if width != math.inf and not text.startswith("k: >"):
            text = None  # a folded block was refused: the quoted forms fold otherwise
    if text is None:
        text = yaml.emit(events, Dumper=yaml.SafeDumper, allow_unicode=True, width=width)
    out = text.split("\n")
    # A '...' document end marker (after '|+') belongs to a whole document,
    # not to a value inside a record.
    while out and out[-1] in ("", "..."):
        out.pop()
    out[0] = out[0][2:].lstrip(" ")
    return tuple(out)


def _form(first_line: str) -> str:
    return {"|": "block", ">": "block", "'": "single", '"': "double"}.get(first_line[:1], "plain")


def _writable(path: str, lines: tuple[str, ...]) -> bool:
    # Characters a record file may not hold as they are (controls, line
    # separators) must be escaped, which only double quotes can do.
    return strict_yaml.decode(path, "\n".join(lines).encode("utf-8"))[0] is not None


def _one_line(path: str, value: str, refused: set[str]) -> tuple[str, ...]:
    """The value on one line: plain if PyYAML allows it, else quoted as
    PyYAML chooses (single quotes unless only double quotes can hold it);
    skipping the forms that did not read back. Double quotes, which can
    escape anything on one line, are never refused."""
    for style in (None, "'"):
        lines = _emit(value, style)
        if _form(lines[0]) not in refused and len(lines) == 1 and _writable(path, lines):
            return lines
    return _emit(value, '"')


def string_lines(path: str, value: str, indent: int, prefix: int, refused: set[str]) -> list[str]:
    """A string's text after 'key: ' (or '- '): one line, or a block
    header and its lines indented under ``indent``. ``prefix`` is the
    column the value starts at; ``refused`` the forms that did not read
    back exactly for this value."""
    if "\n" in value:
        lines = _emit(value, "|")
        if "block" not in refused and _form(lines[0]) == "block" and _writable(path, lines):
            return _indented(lines, indent)
        # PyYAML writes text with line breaks on one line only in double quotes.
        return list(_emit(value, '"'))
    # No one-line form is shorter than the value: skip writing one that
    # cannot fit (PyYAML's emitter is the slow part of fmt).
    one = None if prefix + len(value) > WIDTH else _one_line(path, value, refused)
    if "block" not in refused and (one is None or prefix + len(one[0]) > WIDTH):
        lines = _emit(value, ">", WIDTH - indent)
        # Only worth a block when PyYAML can break the text over lines.
        if _form(lines[0]) == "block" and len(lines) > 2 and _writable(path, lines):
            return _indented(lines, indent)
    return list(one or _one_line(path, value, refused))


def _indented(lines: tuple[str, ...], indent: int) -> list[str]:
    pad = " " * indent
    return [lines[0]] + [pad + ln if ln else ln for ln in lines[1:]]


# --- the structure ----------------------------------------------------------------


@dataclass
class _Render:
    path: str
    text: str  # as the file holds it
    rec: Record
    comments: dict[str, list[str | None]]
    # pointer -> forms of its string that did not read back exactly.
    refused: dict[str, set[str]] = field(default_factory=dict)
    # pointer -> the form its string was written in, this time.
    forms: dict[str, str] = field(default_factory=dict)

    def comment_lines(self, pointer: str, indent: int) -> list[str]:
        pad = " " * indent
        return ["" if c is None else pad + c for c in self.comments.get(pointer, ())]

    def block(
        self, value: dict | list, shape: Shape | None, pointer: str, indent: int
    ) -> list[str]:
        """A mapping's entries in the schema's order, or a list's items
        (``shape`` then theirs), at ``indent``."""
        pad = " " * indent
        if isinstance(value, list):
            entries = [
                (pad + "-", item, shape, child_pointer(pointer, i)) for i, item in enumerate(value)
            ]
        else:
            known = (shape.fields if shape else None) or {}
            for key in value:
                if key not in known:
                    why = f"field '{show(key)}' is not in the schema, so it has no place in the schema's order; correct or remove it (il76-claims check explains), then run il76-claims fmt {self.path}"
                    line = self.rec.key_marks[child_pointer(pointer, key)][0]
                    raise _Refused(self.path, line, 1, why, pointer)
            entries = [
                (f"{pad}{key}:", value[key], inner, child_pointer(pointer, key))
                for key, inner in known.items()
                if key in value
            ]
        out: list[str] = []
        for head, child, inner, p in entries:
            above = self.comment_lines(p, indent)
            # The one blank-line rule: a blank line sets off each commented
            # top-level key from what comes before it, and nothing else does.
            if above and indent == 0 and out:
                out.append("")
            out += above + self.node(head, child, inner, p, indent)
        return out

    def node(
        self, head: str, value: Any, shape: Shape | None, pointer: str, indent: int
    ) -> list[str]:
        """``head`` (a key and ':', or a list's '-', at ``indent``) and the value after it."""
        if isinstance(value, str):
            refused = self.refused.get(pointer, set())
            lines = string_lines(self.path, value, indent, len(head) + 1, refused)
            self.forms[pointer] = _form(lines[0])
            return [f"{head} {lines[0]}", *lines[1:]]
        if not isinstance(value, (dict, list)) or not value:
            return [f"{head} {json.dumps(value)}"]  # null, true, false, a number, {} or []
        items = shape.items if isinstance(value, list) and shape else shape
        inner = self.block(value, items, pointer, indent + 2)
        if head.strip() != "-":
            return [head, *inner]
        # A list item that is a mapping or list starts on the dash's line;
        # the comments above its first entry cannot sit between the dash
        # and the entry: they go above the dash.
        first = next(
            n for n, ln in enumerate(inner) if ln.strip() and not ln.lstrip().startswith("#")
        )
        above = [" " * indent + ln.lstrip() if ln else ln for ln in inner[:first]]
        return [*above, f"{head} {inner[first][indent + 2 :]}", *inner[first + 1 :]]

    def proved(self, shape: Shape | None) -> str:
        """The rendered text, once the loader reads back every value exactly
        from it: a string whose form does not read back is written again in
        another (quoted instead of plain or a block, double quotes instead of
        single), until every value reads back or a double-quoted one does not."""
        while True:
            self.forms = {}
            lines = self.block(self.rec.data, shape, "$", 0)
            tail = self.comment_lines("", 0)
            text = "\n".join([*lines, "", *tail] if tail else lines) + "\n"
            if text == self.text:
                return text  # the file as it is, which the loader read without a problem
            bad = _misread(self.path, text, self.rec.data)
            if bad == set():
                _same_comments(self.path, self.comments, text)
                return text
            fixable = {p for p in (bad or ()) if self.forms.get(p, "double") != "double"}
            if not fixable:
                where = sorted(bad or {"$"})[0]
                why = f"the formatted text would not read back as the same values (at {where}); the file was left as it was"
                raise _Refused(self.path, self.rec.mark(where)[0], 1, why, where)
            for p in fixable:
                self.refused.setdefault(p, set()).add(self.forms[p])


# --- the proof ------------------------------------------------------------------------


def _differences(old: Any, new: Any, pointer: str = "$") -> set[str]:
    """The pointers where two values differ, in type or value (True is not
    1, '1' is not 1)."""
    if type(old) is not type(new) or not isinstance(old, (dict, list)):
        return set() if type(old) is type(new) and old == new else {pointer}
    keys = old.keys() if isinstance(old, dict) else range(len(old))
    if keys != (new.keys() if isinstance(new, dict) else range(len(new))):
        return {pointer}
    return set().union(*(_differences(old[k], new[k], child_pointer(pointer, k)) for k in keys))


def _misread(path: str, text: str, data: dict) -> set[str] | None:
    """The pointers whose values the strict loader does not read back from
    ``text`` exactly, or with a problem; None when the text cannot be read
    at all (which no scalar's form explains)."""
    if strict_yaml.decode(path, text.encode("utf-8"))[0] is None:
        return None
    new, rec, problems = strict_yaml.parse(path, text)
    bad = {p.pointer for p in problems if p.pointer}
    if rec is None:
        return bad or None
    if any(not p.pointer for p in problems):
        return None
    return bad | _differences(data, new)


def _same_comments(path: str, comments: dict[str, list[str | None]], text: str) -> None:
    kept = Counter(body for _, _, body in _comments_of(path, text))
    had = Counter(c for block in comments.values() for c in block if c is not None)
    if kept != had:
        lost = sorted((had - kept).elements()) or sorted((kept - had).elements())
        why = f"the comment '{show(lost[0], 40)}' would not be kept as it is; the file was left as it was"
        raise _Refused(path, 1, 1, why)


def canonical_text(
    path: str, text: str, kind: str, shape_of: dict[str, Shape]
) -> tuple[str | None, list[Problem]]:
    """The canonical form of a record's text, or None and the problems that
    stop it: the loader's (the text cannot be read exactly) or R002."""
    _, rec, problems = strict_yaml.parse(path, text)
    if problems or rec is None:
        return None, problems
    new = _canonical(path, text, rec, shape_of[kind])
    return (None, [new]) if isinstance(new, Problem) else (new, [])


def form_problems(path: str, text: str, rec: Record, shape: Shape) -> list[Problem]:
    """R001 (or R002) when a record's text, read without a problem, is not in
    canonical form: what `check` reports, so that one command says whether
    a record is acceptable."""
    new = _canonical(path, text, rec, shape)
    if new == text:
        return []
    return [new if isinstance(new, Problem) else _first_difference(path, text, new)]


def _canonical(path: str, text: str, rec: Record, shape: Shape | None) -> str | Problem:
    """The canonical form, or the R002 problem that stops it."""
    try:
        return _Render(path, text, rec, attach_comments(path, text, rec)).proved(shape)
    except _Refused as exc:
        return exc.problem


def _first_difference(path: str, old: str, new: str) -> Problem:
    """R001 at the first line where the file differs from its canonical form."""
    # Lines with their line breaks: LF only, as the loader refuses any other.
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    i = next((n for n, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    if i == len(a):
        more = show(b[i].rstrip("\n"), 50)
        what = f"the file ends before its canonical form does, which goes on with '{more}'"
    elif i == len(b):
        what = "the canonical form ends before this line"
    elif a[i].rstrip("\n") == b[i].rstrip("\n"):
        what = "no line break at the end of the file"
    else:
        what = _line_difference(a[i].rstrip("\n"), b[i].rstrip("\n"))
    line = i + 1 if i < len(a) else max(i, 1)
    return problem(
        path, line, 1, "R001", f"not in canonical form: {what}; run il76-claims fmt {path}"
    )


_KEY = re.compile(r"\s*(?:- )?([A-Za-z0-9_]+):(?: |$)")


def _line_difference(old: str, new: str) -> str:
    ko, kn = _KEY.match(old), _KEY.match(new)
    if ko and kn and ko.group(1) != kn.group(1):
        return f"'{ko.group(1)}' is out of the schema's order, where '{kn.group(1)}' comes here"
    if not new.strip():
        return "the canonical form has a blank line here"
    if not old.strip():
        return "blank line where the canonical form has none"
    return f"the line is '{show(old, 50)}', the canonical form has '{show(new, 50)}'"


# --- files ------------------------------------------------------------------------


class UsageError(Exception):
    """A PATH that is not a record: a mistake in the command, not in a record."""


def targets(root: str, paths: list[str] | None = None) -> list[RecordFile]:
    """The files to format (kind "dataset" for dataset.yaml): those named
    (records, kind folders, records/, the project folder, dataset.yaml), or
    every record and dataset.yaml."""
    root = os.path.abspath(root)
    everything, _ = files.discover(root, KINDS)  # check reports stray files; fmt leaves them
    if os.path.isfile(os.path.join(root, DATASET)):
        everything.append(RecordFile("dataset", DATASET, os.path.join(root, DATASET)))
    if not paths:
        return everything
    out: dict[str, RecordFile] = {}
    for given in paths:
        for t in _named(root, given, everything):
            out.setdefault(t.abspath, t)
    return list(out.values())


def _named(root: str, given: str, everything: list[RecordFile]) -> list[RecordFile]:
    full = os.path.abspath(given)
    rel = os.path.relpath(full, root).replace(os.sep, "/")
    match rel.split("/"):
        case ["."]:
            return everything
        case ["records", *kind] if len(kind) <= 1 and os.path.isdir(full):
            return [t for t in everything if t.abspath.startswith(full + os.sep)]
        case ["records", kind, name] if kind in KINDS and name.endswith(".yaml"):
            pass
        case [name] if name == DATASET:
            kind = "dataset"
        case _:
            raise UsageError(
                f"{given}: not a record; give records/<kind>/<id>.yaml files, folders under records/, or {DATASET}"
            )
    if not os.path.lexists(full):
        raise UsageError(f"{given}: no such file")
    return [RecordFile(kind, rel, full)]


# --- one file -----------------------------------------------------------------------


@dataclass
class _OwnChecks:
    """The checks `check` makes on a file on its own (text, schema), made
    only for a file that is to be rewritten: jsonschema is slow to load,
    and a canonical tree never needs it."""

    schemas: SchemaSet

    @functools.cached_property
    def _schema(self) -> SchemaChecker:
        from .schema import SchemaChecker

        return SchemaChecker(self.schemas)

    def problems(self, rec: Record) -> list[Problem]:
        multiline = self.schemas.multiline_fields[rec.kind]
        return sorted(check_text(rec, multiline) + self._schema.check(rec))


def format_file(
    t: RecordFile, shape_of: dict[str, Shape], checks: _OwnChecks | None
) -> tuple[bool, list[Problem]]:
    """Format one file: (whether it is not in canonical form, the problems
    to report). With checks None (--check) nothing is written and a file
    not in canonical form is an R001 problem; otherwise it is rewritten,
    unless it has problems of its own, which are reported instead."""
    text, rec, problems = strict_yaml.read_text(t.path, t.abspath, t.kind)
    if problems or rec is None or text is None:
        return False, problems
    new = _canonical(t.path, text, rec, shape_of[t.kind])
    if new == text:
        return False, []
    if isinstance(new, Problem):
        return False, (checks.problems(rec) if checks else []) or [new]
    if checks is None:
        return True, [_first_difference(t.path, text, new)]
    own = checks.problems(rec)
    if own:
        return False, own
    try:
        # The bytes read, as the loader takes only UTF-8 that reads back to them.
        atomic_write(t.abspath, new, old=text.encode("utf-8"))
    except Changed:
        why = "the file changed while fmt was formatting it, and was left as it is now; run il76-claims fmt again"
        return False, [_Refused(t.path, 1, 1, why).problem]
    return True, []


@dataclass
class Result:
    files: int
    changed: list[str]  # rewritten; with --check, those not in canonical form
    problems: list[Problem]


def run(root: str, paths: list[str] | None = None, *, check: bool = False) -> Result:
    """Format the named files (default: every record and dataset.yaml)."""
    root = os.path.abspath(root)
    schemas = SchemaSet(os.path.join(root, "schemas"))
    shape_of = shapes(schemas)
    checks = None if check else _OwnChecks(schemas)
    files = targets(root, paths)
    changed, problems = [], []
    try:
        for t in files:
            differs, found = format_file(t, shape_of, checks)
            if differs:
                changed.append(t)
            problems += found
    finally:
        if not check:
            sync_folders([t.abspath for t in changed])
    return Result(len(files), [t.path for t in changed], sorted(problems))


def summary(result: Result, check: bool) -> str:
    """The line on stderr after the problems."""
    left = len({p.path for p in result.problems})
    changed = len(result.changed)
    if check:
        # A file with problems of its own cannot be judged until they are fixed.
        not_canonical = f"{changed} of {result.files} file(s) not in canonical form (il76-claims fmt rewrites them)"
        to_fix = f"{left - changed} file(s) with problems to fix first"
        parts = [part for n, part in ((changed, not_canonical), (left - changed, to_fix)) if n]
        return ", ".join(parts) or f"{result.files} file(s) in canonical form"
    done = f"{changed} file(s) formatted, {result.files - changed - left} already canonical"
    formatted = [f"formatted {path}" for path in result.changed]
    return "\n".join([*formatted, done + (f", {left} left as they were" if left else "")])
