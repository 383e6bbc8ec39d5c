"""Reading a file without trusting it, and replacing a file in one step.

The records, the archived sources and the outputs are plain files. A record
folder can hold anything (a link, a pipe that would block a read forever,
a file of gigabytes): ``read_regular`` reads only a regular file, never
through a link, and never more than it was asked for. ``atomic_write``
replaces a file so that a reader, or an interrupted run, sees the old bytes
or the new ones, never a mix.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import tempfile
from typing import TypeGuard

_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_BINARY", 0)
)


def safe_relative_path(path: object) -> TypeGuard[str]:
    """Whether path is text naming a file inside the folder it is read
    from, on any system: '/'-separated, relative, no '', '.' or '..' part,
    no backslash, NUL or URL."""
    if not isinstance(path, str) or any(c in path for c in "\\\0") or "://" in path:
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))


class TooLarge(Exception):
    def __init__(self, size: int | None):
        super().__init__(size)
        self.size = size  # None: the file grew beyond the limit while read


def read_regular(path: str, limit: int) -> bytes:
    """The bytes of a regular file of at most limit bytes. Raises TooLarge
    for a larger one, and OSError: ELOOP for a symbolic link, EINVAL for
    anything that is not a regular file (a pipe would block the read)."""
    fd = os.open(path, _FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        if st.st_size > limit:
            raise TooLarge(st.st_size)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)  # the file may grow while it is read
    finally:
        os.close(fd)
    if len(data) > limit:
        raise TooLarge(None)
    return data


class Changed(Exception):
    """The file no longer holds the bytes it was expected to hold."""


def atomic_write(path: str, data: bytes | str, old: bytes | None = None) -> None:
    """Replace path with data (text is written as UTF-8, LF kept as is), in
    one step: a reader, or a run interrupted at any point, sees the old
    bytes or the new ones, and no temporary file stays. An existing file
    keeps its mode. With ``old``, the file is left alone (Changed) unless it
    still holds those bytes, so an edit saved meanwhile is not overwritten.
    The rename is on disk once its folder is synced (sync_folders)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    mode = stat.S_IMODE(os.lstat(path).st_mode) if os.path.lexists(path) else 0o644
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)  # mkstemp makes it private
        if old is not None and not _holds(path, old):
            raise Changed(path)
        os.replace(tmp, path)
    except BaseException:  # Ctrl-C too: never leave the temporary file
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _holds(path: str, data: bytes) -> bool:
    try:
        return read_regular(path, len(data)) == data
    except TooLarge:
        return False


def sync_folders(paths: list[str]) -> None:
    """Put the renames of these files on disk: once per folder, as an fsync
    takes milliseconds (POSIX only; elsewhere the system does it)."""
    for folder in sorted({os.path.dirname(os.path.abspath(p)) for p in paths}):
        with contextlib.suppress(OSError, AttributeError):
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def write_if_changed(path: str, text: str) -> bool:
    """atomic_write, only when the file does not already hold text; True
    when it was written."""
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            if fh.read() == text:
                return False
    except (FileNotFoundError, UnicodeDecodeError):
        pass
    atomic_write(path, text)
    return True


def write_json(out_dir: str, rel: str, doc: object) -> str:
    """doc as UTF-8 JSON at out_dir/rel, indented, with one line break at the
    end (the form of every JSON file the build writes); returns rel."""
    path = os.path.join(out_dir, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    return rel
