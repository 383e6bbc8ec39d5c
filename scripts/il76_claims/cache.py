"""Results of the per-file checks from earlier runs, so that a file nobody
changed is not parsed and checked again.

An entry is found by a hash of everything its result depends on: the
file's path and bytes, every file under schemas/ (the loaded-terms list
too), the source of the modules a check runs and the tool's version, and
the versions of Python and the libraries that parse and validate. Change
any of them and the entry is simply not found. Only the per-file work is
skipped: the checks across records always run on the whole tree. Of the
neutrality check, an entry keeps only "no loaded term in this record's
text": whether a term that is there is reported depends on the archived
sources, so such records are checked again at every run.

The cache is SHARDS files under .cache/ in the project (git-ignored), an
entry in the shard its key names; each is written to a temporary name and
renamed into place, so a reader never sees half of one. A shard that cannot
be read, is cut short or does not match its checksum is ignored (its files
are checked again), and rebuilt on the next save.

Finding an unchanged file without reading it. Reading and hashing every
file is most of a warm run on a large tree, so the cache also keeps, per
file, its stat signature (type, size, modification and change times in
nanoseconds, inode, device) and the content key its bytes had. When the
signature is the same, the file is taken to hold the same bytes, as git
does for its index. Three things make that safe:

* the change time (ctime) is in the signature: writing a file, or setting
  its modification time back with touch or os.utime, sets it to the
  present, and no program can set it to another value (only changing the
  system clock can);
* git's "racy" rule: a signature is kept only if the file's modification
  and change times are more than RACY_SECONDS older than the moment this
  run started, before it looked at any file. A write after that moment
  gives the file times at or after it, so a file written while (or just
  before) it was read can never keep the signature that was stored for
  other bytes; the margin covers file systems that keep times in whole
  seconds (two on FAT) and the kernel's coarse clock;
* the signature only leads to a key, and the key is still the hash of the
  bytes, the path, the schemas and the tooling: a schema or tooling change
  still misses every entry.

What stat cannot see: a write that keeps the size and the inode done while
the system clock was set back, or on a file system that keeps no change
time or takes the time from another machine's clock (some network and
FUSE file systems). For those, and for continuous integration, where
nothing is gained, IL76_CACHE=off reads and checks every file.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import stat
import sys
import tempfile
import time
from dataclasses import fields

from . import __version__, loader
from .marks import Marks
from .problems import Problem

CACHE_DIR = os.path.join(".cache", "il76-claims")
# Entries are spread over SHARDS files by their key, so that a run after a
# few edits rewrites a few small files instead of one large one.
SHARDS = 16
SHARD_FILE = "per-file-checks-{:02x}.bin"
# The one file of earlier versions, removed when the shards are written.
OLD_FILES = ("per-file-checks.bin",)
MAGIC = b"il76-claims per-file cache 2\n"
# A signature is kept only for a file untouched this long before the run
# started (see the module's notes).
RACY_SECONDS = 3
_DIGEST = 32

_RECORD_FIELDS = tuple(f.name for f in fields(loader.Record))
_PROBLEM_FIELDS = tuple(f.name for f in fields(Problem))
_MARK_FIELDS = ("marks", "key_marks")
# Cache.get unpacks an entry in this order.
assert _RECORD_FIELDS == ("kind", "path", "data", "marks", "key_marks", "reported", "unread"), _RECORD_FIELDS


def enabled_by_env() -> bool:
    return os.environ.get("IL76_CACHE", "").strip().lower() not in ("off", "0", "no", "false")


def _tree_digest(h, top: str, label: str, only: frozenset[str] | None = None):
    """Every file under top (or only the named files at its top), by
    relative path and content, into h (compiled Python left out: it
    follows the source, and is written while the tool runs)."""
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and only is None)
        for name in sorted(filenames):
            if name.endswith((".pyc", ".pyo")) or (only is not None and name not in only):
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
# The modules a check runs (tests/test_cache.py proves that it imports no
# other module of the package). Only they can change a file's result, so an
# edit to an exporter or a command does not empty the cache.
CHECK_MODULES = frozenset(
    ["__init__.py", "cache.py", "checker.py", "crossref.py", "fastschema.py", "loader.py", "marks.py", "neutrality.py", "pipeline.py", "problems.py", "quotes.py", "schema_check.py", "schemas.py", "textcheck.py"]
)


@functools.lru_cache(maxsize=4)
def _tool_digest(tool_dir: str) -> bytes:
    # Once per process: the running code does not change under it.
    h = hashlib.blake2b(digest_size=_DIGEST)
    _tree_digest(h, tool_dir, "tool", CHECK_MODULES)
    return h.digest()


def fingerprint(schemas_dir: str, tool_dir: str = TOOL_DIR) -> bytes:
    """What every entry's result depends on besides the file itself."""
    h = hashlib.blake2b(digest_size=_DIGEST)
    h.update(f"il76-claims {__version__}\n{_library_versions()}\n".encode())
    h.update(_tool_digest(tool_dir))
    _tree_digest(h, schemas_dir, "schemas")
    return h.digest()


class Cache:
    def __init__(self, folder: str, salt: bytes, shards: list[tuple[dict, dict]] | None = None):
        self.folder = folder
        self.salt = salt
        self.shards = shards or [({}, {}) for _ in range(SHARDS)]
        self.entries: dict = {}  # content key -> result
        self.stats: dict = {}  # file path -> (kind, stat signature, content key)
        for entries, stats in self.shards:
            self.entries.update(entries)
            self.stats.update(stats)
        self.used = 0
        # Taken before any file of this run is looked at (see the notes).
        self.started_ns = time.time_ns()

    @classmethod
    def open(cls, root: str, schemas_dir: str) -> Cache:
        folder = os.path.join(root, CACHE_DIR)
        salt = fingerprint(schemas_dir)
        return cls(folder, salt, [_read(os.path.join(folder, SHARD_FILE.format(i)), salt) for i in range(SHARDS)])

    @staticmethod
    def signature(f: loader.RecordFile):
        """The file's stat signature, or None if it cannot be had."""
        try:
            st = os.lstat(f.abspath)
        except OSError:
            return None
        return (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)

    def trusted_key(self, f: loader.RecordFile, sig) -> bytes | None:
        """The content key stored for a file whose signature has not changed."""
        known = self.stats.get(f.path)
        if sig is None or known is None or known[0] != f.kind or known[1] != sig:
            return None
        return known[2]

    def _keeps(self, sig) -> bool:
        """A regular file last written well before this run started."""
        if sig is None or not stat.S_ISREG(sig[0]):
            return False
        return max(sig[2], sig[3]) < self.started_ns - int(RACY_SECONDS * 1_000_000_000)

    def key(self, f: loader.RecordFile, raw: bytes) -> bytes:
        h = hashlib.blake2b(self.salt, digest_size=_DIGEST)
        h.update(f"{f.kind}\0{f.path}\0".encode("utf-8", "surrogateescape"))
        h.update(raw)
        return h.digest()

    def get(self, key: bytes | None):
        """(Record, problems, no loaded term) stored under key, or None."""
        entry = self.entries.get(key) if key is not None else None
        if entry is None:
            return None
        try:
            # Unpacked by name (the order is _RECORD_FIELDS'): every record
            # of a warm run comes through here.
            (kind, path, data, (index, pos), (kindex, kpos), reported, unread), probs, no_term = entry
            if type(index) is not dict or type(pos) is not bytes or len(pos) != 8 * len(index):
                return None
            if type(kindex) is not dict or type(kpos) is not bytes or len(kpos) != 8 * len(kindex):
                return None
            rec = loader.Record(kind, path, data, Marks(index, pos), Marks(kindex, kpos), reported, unread)
            problems = [Problem(*p) for p in probs]
        except (TypeError, ValueError, KeyError):  # an entry of another shape: not a hit
            return None
        if type(no_term) is not bool:
            return None
        self.used += 1
        return rec, problems, no_term

    def save(self, files: list, sigs: list, keys: list, results: list):
        """Keep exactly the entries of this run; write only the shards
        that this changes."""
        old_shards = self.shards
        cutoff = self.started_ns - int(RACY_SECONDS * 1_000_000_000)
        S_ISREG = stat.S_ISREG
        # First only find the shards that change (an entry or a signature
        # gained, lost or other than stored): after one edit, one or two of
        # sixteen. Keys and paths are unique, so counting is enough to see
        # what was lost: an entry, or a signature no longer kept.
        members: list[list[int]] = [[] for _ in range(SHARDS)]
        kept = [0] * SHARDS
        dirty = [False] * SHARDS
        for n, (f, sig, key) in enumerate(zip(files, sigs, keys)):
            if key is None:
                continue
            i = key[0] % SHARDS
            members[i].append(n)
            if dirty[i]:
                continue
            old_entries, old_stats = old_shards[i]
            if key not in old_entries:
                dirty[i] = True
            # _keeps, inline: a regular file last written well before the run.
            elif sig is not None and S_ISREG(sig[0]) and max(sig[2], sig[3]) < cutoff:
                kept[i] += 1
                if old_stats.get(f.path) != (f.kind, sig, key):
                    dirty[i] = True
        shards = list(old_shards)
        known = self.entries
        keeps = self._keeps
        for i in range(SHARDS):
            old_entries, old_stats = old_shards[i]
            if not dirty[i] and len(members[i]) == len(old_entries) and kept[i] == len(old_stats):
                continue
            entries, stats = shards[i] = ({}, {})
            for n in members[i]:
                f, sig, key = files[n], sigs[n], keys[n]
                old = known.get(key)
                entries[key] = old if old is not None else encode(*results[n])
                if keeps(sig):
                    stats[f.path] = (f.kind, sig, key)
            if entries.keys() == old_entries.keys() and stats == old_stats:
                continue
            try:
                body = marshal.dumps((entries, stats))
            except ValueError:  # a value marshal cannot store: keep no cache
                return
            _write(os.path.join(self.folder, SHARD_FILE.format(i)), self.salt, body)
        for name in OLD_FILES:
            try:
                os.unlink(os.path.join(self.folder, name))
            except OSError:
                pass
        self.shards = shards


def encode(rec: loader.Record, problems: list[Problem], no_term: bool):
    values = tuple(Marks.of(getattr(rec, name)).parts() if name in _MARK_FIELDS else getattr(rec, name) for name in _RECORD_FIELDS)
    return (values, [tuple(getattr(p, name) for name in _PROBLEM_FIELDS) for p in problems], no_term)


def _read(path: str, salt: bytes) -> tuple[dict, dict]:
    """(entries, stat signatures), both empty for a cache that cannot be used."""
    try:
        with open(path, "rb") as fh:
            blob = fh.read()
    except OSError:
        return {}, {}
    head = len(MAGIC) + 2 * _DIGEST
    if len(blob) < head or not blob.startswith(MAGIC):
        return {}, {}
    if blob[len(MAGIC) : len(MAGIC) + _DIGEST] != salt:
        return {}, {}  # other schemas or tooling: nothing in it can be a hit
    body = blob[head:]
    if hashlib.blake2b(body, digest_size=_DIGEST).digest() != blob[len(MAGIC) + _DIGEST : head]:
        return {}, {}
    try:
        entries, stats = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return {}, {}
    if not isinstance(entries, dict) or not isinstance(stats, dict):
        return {}, {}
    for known in stats.values():
        if type(known) is not tuple or len(known) != 3 or type(known[2]) is not bytes:
            return {}, {}
    return entries, stats


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
