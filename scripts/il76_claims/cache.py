"""Results of the per-file checks from earlier runs, so that a file nobody
changed is not parsed and checked again.

An entry is found by a hash of everything its result depends on: the
file's path and bytes, every file under schemas/, the tooling's own source
and version, and the versions of Python and the libraries that parse and
validate. Change any of them and the entry is simply not found. Only the
per-file work is skipped: the checks across records always run on the
whole tree.

The cache is one file under .cache/ in the project (git-ignored), written
to a temporary name and renamed into place, so a reader never sees half of
it. A cache that cannot be read, is cut short or does not match its
checksum is ignored, and rebuilt on the next save.

IL76_CACHE=off turns it off.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import sys
import tempfile
from dataclasses import fields

from . import __version__, loader
from .marks import Marks
from .problems import Problem

CACHE_DIR = os.path.join(".cache", "il76-claims")
CACHE_FILE = "per-file-checks.bin"
MAGIC = b"il76-claims per-file cache 1\n"
_DIGEST = 32

_RECORD_FIELDS = tuple(f.name for f in fields(loader.Record))
_PROBLEM_FIELDS = tuple(f.name for f in fields(Problem))
_MARK_FIELDS = ("marks", "key_marks")


def enabled_by_env() -> bool:
    return os.environ.get("IL76_CACHE", "").strip().lower() not in ("off", "0", "no", "false")


def _tree_digest(h, top: str, label: str):
    """Every file under top, by relative path and content, into h
    (compiled Python left out: it follows the source, and is written
    while the tool runs)."""
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith((".pyc", ".pyo")):
                continue
            full = os.path.join(dirpath, name)
            h.update(f"{label}/{os.path.relpath(full, top)}\0".encode("utf-8", "surrogateescape"))
            try:
                with open(full, "rb") as fh:
                    h.update(fh.read())
            except OSError:
                h.update(b"\0unreadable\0")
            h.update(b"\0")


def _library_versions() -> str:
    from importlib import metadata

    import yaml

    versions = [f"python {sys.version}", f"yaml {yaml.__version__} libyaml {getattr(yaml, '__with_libyaml__', None)}"]
    for dist in ("jsonschema", "referencing", "rfc3986-validator"):
        try:
            versions.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{dist} absent")
    return "\n".join(versions)


TOOL_DIR = os.path.dirname(os.path.abspath(__file__))


@functools.lru_cache(maxsize=4)
def _tool_digest(tool_dir: str) -> bytes:
    # Once per process: the running code does not change under it.
    h = hashlib.blake2b(digest_size=_DIGEST)
    _tree_digest(h, tool_dir, "tool")
    return h.digest()


def fingerprint(schemas_dir: str, tool_dir: str = TOOL_DIR) -> bytes:
    """What every entry's result depends on besides the file itself."""
    h = hashlib.blake2b(digest_size=_DIGEST)
    h.update(f"il76-claims {__version__}\n{_library_versions()}\n".encode())
    h.update(_tool_digest(tool_dir))
    _tree_digest(h, schemas_dir, "schemas")
    return h.digest()


class Cache:
    def __init__(self, path: str, salt: bytes, entries: dict):
        self.path = path
        self.salt = salt
        self.entries = entries
        self.used = 0

    @classmethod
    def open(cls, root: str, schemas_dir: str) -> Cache:
        path = os.path.join(root, CACHE_DIR, CACHE_FILE)
        salt = fingerprint(schemas_dir)
        return cls(path, salt, _read(path, salt))

    def key(self, f: loader.RecordFile, raw: bytes) -> bytes:
        h = hashlib.blake2b(self.salt, digest_size=_DIGEST)
        h.update(f"{f.kind}\0{f.path}\0".encode("utf-8", "surrogateescape"))
        h.update(raw)
        return h.digest()

    def get(self, key: bytes | None):
        """(Record, problems) stored under key, or None."""
        entry = self.entries.get(key) if key is not None else None
        if entry is None:
            return None
        try:
            values, probs = entry
            fields_ = dict(zip(_RECORD_FIELDS, values))
            for name in _MARK_FIELDS:
                index, pos = fields_[name]
                if type(index) is not dict or type(pos) is not bytes or len(pos) != 8 * len(index):
                    return None
                fields_[name] = Marks(index, pos)
            rec = loader.Record(**fields_)
            problems = [Problem(*p) for p in probs]
        except (TypeError, ValueError, KeyError):  # an entry of another shape: not a hit
            return None
        self.used += 1
        return rec, problems

    def save(self, keys: list, results: list):
        """Keep exactly the entries of this run; write only if that changes
        the file."""
        new = {}
        for key, (rec, problems) in zip(keys, results):
            if key is None:
                continue
            old = self.entries.get(key)
            new[key] = old if old is not None else encode(rec, problems)
        if new.keys() == self.entries.keys():
            return
        try:
            body = marshal.dumps(new)
        except ValueError:  # a value marshal cannot store: keep no cache
            return
        _write(self.path, self.salt, body)
        self.entries = new


def encode(rec: loader.Record, problems: list[Problem]):
    values = tuple(Marks.of(getattr(rec, name)).parts() if name in _MARK_FIELDS else getattr(rec, name) for name in _RECORD_FIELDS)
    return (values, [tuple(getattr(p, name) for name in _PROBLEM_FIELDS) for p in problems])


def _read(path: str, salt: bytes) -> dict:
    try:
        with open(path, "rb") as fh:
            blob = fh.read()
    except OSError:
        return {}
    head = len(MAGIC) + 2 * _DIGEST
    if len(blob) < head or not blob.startswith(MAGIC):
        return {}
    if blob[len(MAGIC) : len(MAGIC) + _DIGEST] != salt:
        return {}  # other schemas or tooling: nothing in it can be a hit
    body = blob[head:]
    if hashlib.blake2b(body, digest_size=_DIGEST).digest() != blob[len(MAGIC) + _DIGEST : head]:
        return {}
    try:
        entries = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return {}
    return entries if isinstance(entries, dict) else {}


def _write(path: str, salt: bytes, body: bytes):
    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    except OSError:
        return  # a read-only project: check without a cache
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(MAGIC + salt + hashlib.blake2b(body, digest_size=_DIGEST).digest() + body)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
