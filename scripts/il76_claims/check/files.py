"""Which files are records: ``records/<kind>/<id>.yaml``, and nothing else.

Everything else found under records/ is reported: files outside a kind
folder, unknown kind folders, other extensions, names that are not ids or
that Windows cannot create, names that collide on case-insensitive file
systems, links (never followed), pipes and devices (never opened).
"""

from __future__ import annotations

import difflib
import os
import unicodedata
from typing import NamedTuple

from ..model.problems import Problem, file_problem
from ..model.record import ID_RE, Record


class UnreadableFolder(Exception):
    """records/ or a kind folder cannot be listed: the check cannot run at
    all, which is not a problem of the data (exit 2, not 1)."""


class RecordFile(NamedTuple):
    kind: str
    path: str  # relative, posix, as reports name it
    abspath: str


# Names Windows refuses for a file, whatever the extension.
_WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"]
    + [f"com{i}" for i in range(1, 10)]
    + [f"lpt{i}" for i in range(1, 10)]
)


def display_name(name: str) -> str:
    """A file name as reports show it: bytes that are not UTF-8 as \\xNN,
    and characters that would break a report line as escapes."""
    if name.isascii() and name.isprintable():  # nearly every name
        return name
    out = []
    for ch in name:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for an undecodable byte
            out.append(f"\\x{code - 0xDC00:02x}")
        elif 0xD800 <= code <= 0xDFFF or not (ch.isprintable() or ch == " "):
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def _first_odd_char(stem: str) -> str:
    """Name the first character that cannot be in an id, so that a
    look-alike (Cyrillic 'о' for Latin 'o') is visible in the message."""
    for i, ch in enumerate(stem, start=1):
        if not ("a" <= ch <= "z" or "0" <= ch <= "9" or ch == "-"):
            if 0xDC80 <= ord(ch) <= 0xDCFF:
                what = f"byte 0x{ord(ch) - 0xDC00:02x}, not UTF-8"
            else:
                what = f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')}"
            return f": character {i} is {what}"
    return ""


def _collision_key(name: str) -> str:
    # macOS compares names case-insensitively after Unicode normalization,
    # Windows case-insensitively.
    return unicodedata.normalize("NFC", name).casefold()


def _rel(*parts: str) -> str:
    return "/".join(("records", *tuple(display_name(p) for p in parts)))


def discover(root: str, kinds: tuple[str, ...]) -> tuple[list[RecordFile], list[Problem]]:
    """List records/<kind>/<id>.yaml files, reporting everything else found.
    Entries are looked at with lstat only: a symbolic link is reported,
    never followed."""
    records_dir = os.path.join(root, "records")
    if os.path.islink(records_dir):
        why = "symbolic link; records/ must be a regular folder (links are never followed)"
        return [], [file_problem("records", "F004", why)]
    try:
        top = sorted(os.scandir(records_dir), key=lambda e: e.name)
    except OSError as exc:
        raise UnreadableFolder(
            f"cannot read the records folder {records_dir}: {exc.strerror}"
        ) from None
    files: list[RecordFile] = []
    problems: list[Problem] = []
    for entry in top:
        found = _not_a_kind_folder(entry, kinds)
        if found:
            problems.append(file_problem(_rel(entry.name), *found))
        else:
            _kind_folder(entry, files, problems)
    return files, problems


def _not_a_kind_folder(entry: os.DirEntry, kinds: tuple[str, ...]) -> tuple[str, str] | None:
    """(code, message) for an entry of records/ that is not a kind folder."""
    if entry.is_symlink():
        return "F004", (
            "symbolic link; replace it with a regular folder or file (links are never followed)"
        )
    if not entry.is_dir(follow_symlinks=False):
        return "F001", (
            f"file outside a kind folder; move it to records/<kind>/ (kinds: {', '.join(kinds)})"
        )
    if entry.name not in kinds:
        guess = difflib.get_close_matches(entry.name.lower(), kinds, n=1)
        hint = f"did you mean '{guess[0]}'? " if guess else ""
        return "F002", (
            f"unknown kind folder '{display_name(entry.name)}'; {hint}use one of: {', '.join(kinds)}"
        )
    return None


def _kind_folder(folder: os.DirEntry, files: list[RecordFile], problems: list[Problem]) -> None:
    """The record files of one kind folder; of names that collide when
    letter case is ignored, the one that is a valid id is read and the
    others are reported."""
    try:
        inner = sorted(os.scandir(folder.path), key=lambda e: e.name)
    except OSError as exc:
        raise UnreadableFolder(f"cannot read the folder {folder.path}: {exc.strerror}") from None
    candidates = [f for f in inner if _is_candidate(folder.name, f, problems)]
    groups: dict[str, list] = {}
    for f in candidates:
        groups.setdefault(_collision_key(f.name), []).append(f)
    for f in candidates:
        group = groups[_collision_key(f.name)]
        keep = next((g for g in group if ID_RE.match(g.name[: -len(".yaml")])), group[0])
        if f is not keep:
            why = f"differs only by letter case from {_rel(folder.name, keep.name)}; the two collide on macOS and Windows"
            problems.append(file_problem(_rel(folder.name, f.name), "F005", why))
        else:
            files.append(RecordFile(folder.name, _rel(folder.name, f.name), f.path))


def _is_candidate(kind: str, f: os.DirEntry, problems: list[Problem]) -> bool:
    """Whether f is read as a record; problems with its name are reported
    here (a .yaml file whose name is not an id is still read)."""
    refused = _not_a_record_file(kind, f)
    found = refused or _odd_name(f.name.removesuffix(".yaml"))
    if found:
        problems.append(file_problem(_rel(kind, f.name), *found))
    return refused is None


def _not_a_record_file(kind: str, f: os.DirEntry) -> tuple[str, str] | None:
    """(code, message) for an entry of a kind folder that is not read."""
    if f.is_symlink():
        return "F004", "symbolic link; replace it with a regular file (links are never followed)"
    if f.is_dir(follow_symlinks=False):
        return "F001", f"folder inside records/{kind}/; records sit directly in their kind folder"
    if not f.is_file(follow_symlinks=False):
        return "F007", "not a regular file (a pipe, socket or device); records are plain files"
    stem, dot, ext = f.name.rpartition(".")
    if not dot or ext != "yaml":
        hint = (
            f"rename it to {display_name(stem)}.yaml"
            if ext.lower() in ("yml", "yaml")
            else "records are .yaml files"
        )
        return "F003", f"not a .yaml file; {hint}"
    return None


def _odd_name(stem: str) -> tuple[str, str] | None:
    """(code, message) for a record's file name that is no usable id."""
    if not ID_RE.match(stem):
        return "F008", (
            f"file name is not a valid id{_first_odd_char(stem)}; use lower-case ASCII letters, digits and single hyphens"
        )
    if stem in _WINDOWS_RESERVED:
        return "F010", (
            f"'{stem}' is a reserved device name on Windows, where the file cannot be created; choose another id"
        )
    return None


def unread_record(f: RecordFile) -> Record:
    """The stand-in for a file that could not be read as a record: no data,
    everything in it already reported."""
    return Record(kind=f.kind, path=f.path, data={}, reported={"$"})
