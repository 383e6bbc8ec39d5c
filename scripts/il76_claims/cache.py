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

The cache is SHARDS files under .cache/ in the project (git-ignored), a
file's entry in the shard its path names, so that an edit rewrites one
shard; each is written to a temporary name and renamed into place, so a
reader never sees half of one. A shard whose brief part cannot be read, is
cut short or does not match its checksum is ignored (its files are checked
again) and rebuilt; its whole part is checked when first read, with the same
outcome. An entry of another shape is not a hit. The fingerprint of schemas/
is the one the run's SchemaSet took before it read them (a SchemaSet whose
folder has changed since runs without the cache); if schemas/ or the tool's
source differ from it at the end of the run, nothing is saved.

Brief and whole entries. A shard holds, per file, a brief entry (content
key, kept signature, problems, and the record's brief data: only the
fields the checks across records read, see brief.py) and, in a second
part read only when first needed, the whole record with its line and
column marks. A warm `check` reads the brief parts only: unpacking whole
records is most of the cost of a warm run on a large tree, and the checks
across records need a whole record only to place a problem in it. A
build, which needs every record, asks for whole records.

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
* the signature is only trusted in a shard whose fingerprint (schemas,
  tooling) is this run's: a schema or tooling change still misses every
  entry.

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
import zlib
from dataclasses import fields

from . import __version__, loader, signatures
from .marks import Marks
from .problems import Problem
from .schemas import digest_tree, folder_digest

CACHE_DIR = os.path.join(".cache", "il76-claims")
# Entries are spread over SHARDS files by their path, so that a run after a
# few edits rewrites a few small files instead of one large one.
SHARDS = 64
SHARD_FILE = "per-file-checks-{:02x}.bin"
# The one file of earlier versions, removed when the shards are written.
OLD_FILES = ("per-file-checks.bin",)
# The shard count is in it: which shard holds a file depends on it.
MAGIC = f"il76-claims per-file cache 3, {SHARDS} shards\n".encode()
# A signature is kept only for a file untouched this long before the run
# started (see the module's notes).
RACY_SECONDS = 3
_DIGEST = 32
# A stat signature, packed into one small bytes object (signatures.py).
_SIG = signatures.SIG

_RECORD_FIELDS = tuple(f.name for f in fields(loader.Record))
_PROBLEM_FIELDS = tuple(f.name for f in fields(Problem))
assert _PROBLEM_FIELDS == ("path", "line", "col", "code", "message", "pointer"), _PROBLEM_FIELDS  # see _problem_shape
# encode stores these fields of a record, and Cache.get and Cache.whole
# put them back: a new field must be added to all three.
assert _RECORD_FIELDS == ("kind", "path", "data", "marks", "key_marks", "reported", "unread"), _RECORD_FIELDS


def enabled_by_env() -> bool:
    return os.environ.get("IL76_CACHE", "").strip().lower() not in ("off", "0", "no", "false")


@functools.lru_cache(maxsize=1)
def _library_versions() -> str:
    from importlib import metadata

    import yaml

    versions = [f"python {sys.version}", f"yaml {yaml.__version__} libyaml {getattr(yaml, '__with_libyaml__', None)}"]
    # rfc3987, when installed, is what jsonschema checks "uri" with instead.
    for dist in ("jsonschema", "referencing", "rfc3986-validator", "rfc3987"):
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
    ["__init__.py", "brief.py", "cache.py", "checker.py", "crossref.py", "fastschema.py", "loader.py", "marks.py", "neutrality.py", "pipeline.py", "problems.py", "quotes.py", "schema_check.py", "schemas.py", "signatures.py", "textcheck.py"]
)


def _tool_digest_now(tool_dir: str) -> bytes:
    h = hashlib.blake2b(digest_size=_DIGEST)
    digest_tree(h, tool_dir, "tool", CHECK_MODULES)
    return h.digest()


# Once per process, when the cache is first used (the modules of a check
# are imported by then); save compares it with the source on disk again.
_tool_digest = functools.lru_cache(maxsize=4)(_tool_digest_now)


def fingerprint(schemas_dir: str, tool_dir: str = TOOL_DIR, *, schemas_digest: bytes | None = None, tool_digest: bytes | None = None) -> bytes:
    """What every entry's result depends on besides the file itself: the
    tool and library versions, the tool's source (tool_digest, default:
    this process's) and schemas/ (schemas_digest, default: as on disk now;
    a SchemaSet has the digest of what it read)."""
    h = hashlib.blake2b(digest_size=_DIGEST)
    h.update(f"il76-claims {__version__}\n{_library_versions()}\n".encode())
    h.update(tool_digest if tool_digest is not None else _tool_digest(tool_dir))
    h.update(schemas_digest if schemas_digest is not None else folder_digest(schemas_dir))
    return h.digest()


def shard_of(path: str) -> int:
    """The shard a file's entry is kept in, by its path: an edit rewrites
    one shard."""
    return zlib.crc32(path.encode("utf-8", "surrogatepass")) % SHARDS


class Shard:
    """One shard file: the brief entries (by file path), read when the cache
    is opened, and the whole entries (by content key), read and unpacked
    only when first needed: a check needs them only to place a problem in
    an unchanged record or to read one that may hold a loaded term; a build
    needs them all.

    A brief entry is (content key, stat signature or None, kind, brief data,
    reported pointers or None, unread, problems or None, no loaded term);
    a whole entry is (data, marks, key marks)."""

    def __init__(self, entries: dict | None = None, whole_at: tuple[str, int] | None = None, whole_digest: bytes | None = None):
        self.entries = entries if entries is not None else {}
        # Where the whole part is (file, offset) and its checksum, from the
        # header read with the brief part. No file is held open: a run can
        # need all the shards, more than a low limit on open files allows.
        # If another run has replaced the file since, the checksum tells,
        # and the whole part counts as lost.
        self._at = whole_at
        self._digest = whole_digest
        self._whole: dict | None = None if whole_at is not None else {}
        # True once the whole entries were found damaged: the shard is then
        # written again at the end of the run.
        self.lost = False

    @property
    def whole(self) -> dict:
        """content key -> whole entry; empty when that part of the file is
        damaged (its entries then miss, and their files are checked again)."""
        if self._whole is None:
            if self._at is None:  # let go of with the cache: the run is over
                return {}
            self._whole = {}
            path, at = self._at
            try:
                with open(path, "rb") as fh:
                    fh.seek(at)
                    body = fh.read()
            except OSError:
                body = None
            if body is not None and hashlib.sha256(body).digest() == self._digest:
                try:
                    whole = marshal.loads(body)
                except (EOFError, ValueError, TypeError):
                    whole = None
                if isinstance(whole, dict):
                    self._whole = whole
                    return whole
            self.lost = True
        return self._whole

    def close(self):
        """The run is over: what was not read of the whole part is not read
        from this file any more (it may be another run's by then)."""
        if self._whole is None:
            self._at = None


_NOTHING: frozenset = frozenset()


class BriefRecord(loader.Record):
    """A record the cache answered for, holding only the fields the checks
    across records read (``brief.py``). Its line and column marks, and the
    rest of its data, are read from the whole entry when first asked for."""

    def __init__(self, kind: str, path: str, data: dict, reported, unread: bool, cache: Cache, key: bytes, f: loader.RecordFile):
        self.kind, self.path, self.data, self.reported, self.unread = kind, path, data, reported, unread
        self._cache, self._key, self._file, self._whole = cache, key, f, None

    def whole(self) -> loader.Record:
        """The whole record this one stands for."""
        if self._whole is None:
            rec = self._cache.whole(self._key, self.kind, self.path)
            if rec is None:
                # The whole entry was lost (a damaged shard): the file, read
                # again, gives it.
                rec, _ = loader.load_file(self._file.path, self._file.abspath, self._file.kind)
                rec = rec if rec is not None else loader.unread_record(self._file)
            rec.reported, rec.unread = self.reported, self.unread
            self._whole = rec
        return self._whole

    @property
    def marks(self):
        return self.whole().marks

    @property
    def key_marks(self):
        return self.whole().key_marks


class Cache:
    def __init__(self, folder: str, salt: bytes, shards: list[Shard] | None = None, spec=None, whole_records: bool = True, started_ns: int | None = None):
        self.folder = folder
        self.salt = salt
        self.shards = shards or [Shard() for _ in range(SHARDS)]
        self.entries: dict = {}  # file path -> brief entry
        for shard in self.shards:
            self.entries.update(shard.entries)
        # What a brief entry keeps (brief.Spec); and whether lookups give
        # whole records (for the build) or brief ones (for a check).
        self.spec = spec
        self.whole_records = whole_records
        self._good_indexes: dict[int, dict] = {}
        self.schemas_dir: str | None = None
        # Taken before any file of this run is looked at (see the notes).
        self.started_ns = time.time_ns() if started_ns is None else started_ns

    @classmethod
    def open(cls, root: str, schemas, *, whole_records: bool = True, started_ns: int | None = None) -> Cache:
        """started_ns: when the run started, before it looked at any file
        (default: now)."""
        from .brief import spec_for

        folder = os.path.join(root, CACHE_DIR)
        salt = fingerprint(schemas.dir, schemas_digest=schemas.digest)
        shards = [_read(os.path.join(folder, SHARD_FILE.format(i)), salt) for i in range(SHARDS)]
        cache = cls(folder, salt, shards, spec_for(schemas), whole_records, started_ns)
        cache.schemas_dir = schemas.dir
        return cache

    def close(self):
        """The run is over: a brief record asked for its positions after
        this reads its file again."""
        for shard in self.shards:
            shard.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc):
        self.close()

    @staticmethod
    def signature(f: loader.RecordFile) -> bytes | None:
        """The file's stat signature, packed, or None if it cannot be had."""
        return signatures.of(f.abspath)

    def stored_signature(self, path: str) -> tuple | None:
        """The signature kept for a file, unpacked, or None."""
        entry = self.entries.get(path)
        return None if entry is None or entry[1] is None else _SIG.unpack(entry[1])

    def _keeps(self, sig: bytes | None) -> bool:
        """A regular file last written well before this run started."""
        if sig is None:
            return False
        mode, _size, mtime, ctime, _ino, _dev = _SIG.unpack(sig)
        return stat.S_ISREG(mode) and max(mtime, ctime) < self.started_ns - int(RACY_SECONDS * 1_000_000_000)

    def key(self, f: loader.RecordFile, raw: bytes) -> bytes:
        h = hashlib.blake2b(self.salt, digest_size=_DIGEST)
        h.update(f"{f.kind}\0{f.path}\0".encode("utf-8", "surrogateescape"))
        h.update(raw)
        return h.digest()

    def lookup(self, files: list[loader.RecordFile], results: list, sigs: list[bytes | None]) -> tuple[list[int], list]:
        """Fill results[i] with (record, problems, no loaded term) for every
        file whose stat signature (sigs[i], taken after started_ns) is the
        one kept for it; return the index of every other file, and their
        signatures."""
        entries = self.entries
        whole_records = self.whole_records
        others: list[int] = []
        other_sigs: list = []
        for i, (f, sig) in enumerate(zip(files, sigs)):
            entry = entries.get(f.path)
            if sig is not None and type(entry) is tuple and len(entry) == 8 and entry[1] == sig and entry[2] == f.kind:
                hit = self._hit(f, entry, whole_records)
                if hit is not None:
                    results[i] = hit
                    continue
            others.append(i)
            other_sigs.append(sig)
        return others, other_sigs

    def get(self, f: loader.RecordFile, key: bytes):
        """(record, problems, no loaded term) for f's bytes, whose content
        key is key, or None."""
        entry = _entry(self.entries.get(f.path))
        if entry is None or entry[0] != key or entry[2] != f.kind:
            return None
        return self._hit(f, entry, self.whole_records)

    def _hit(self, f: loader.RecordFile, entry, whole_records: bool):
        try:
            key, _sig, kind, data, reported, unread, probs, no_term = entry
        except (TypeError, ValueError):  # an entry of another shape: not a hit
            return None
        if type(key) is not bytes or type(data) is not dict or type(no_term) is not bool or type(unread) is not bool:
            return None
        if reported is not None and not (type(reported) is set and all(type(p) is str for p in reported)):
            return None
        if probs is not None and not (type(probs) is list and all(map(_problem_shape, probs))):
            return None
        problems = [Problem(*p) for p in probs] if probs else []
        if whole_records:
            rec = self.whole(key, kind, f.path)
            if rec is None:
                return None
            rec.reported, rec.unread = (set(reported) if reported else set()), unread
            return rec, problems, no_term
        return BriefRecord(kind, f.path, data, reported or _NOTHING, unread, self, key, f), problems, no_term

    def whole(self, key: bytes, kind: str, path: str) -> loader.Record | None:
        """The whole record stored under key (without its reported set and
        unread flag, which the brief entry holds), or None."""
        entry = self.shards[shard_of(path)].whole.get(key)
        if entry is None:
            return None
        try:
            data, (index, pos), (kindex, kpos) = entry
            if type(data) is not dict or type(index) is not dict or type(pos) is not bytes or len(pos) != 8 * len(index):
                return None
            if type(kindex) is not dict or type(kpos) is not bytes or len(kpos) != 8 * len(kindex):
                return None
        except (TypeError, ValueError):
            return None
        if not (self._index_ok(index) and self._index_ok(kindex)):
            return None
        return loader.Record(kind, path, data, Marks(index, pos), Marks(kindex, kpos))

    def _index_ok(self, index: dict) -> bool:
        """A marks table as Marks makes them: paths numbered 0, 1, 2...
        Records of the same shape share one table, so each is checked once."""
        if id(index) in self._good_indexes:
            return True
        if not (all(type(p) is str for p in index) and all(type(n) is int for n in index.values()) and sorted(index.values()) == list(range(len(index)))):
            return False
        self._good_indexes[id(index)] = index  # held, so that its id is not reused
        return True

    def save(self, files: list, results: list, others: list[int], sigs: list, keys: list, parsed: set[int]):
        """Keep exactly the entries of this run; write only the shards that
        this changes. Files found by their signature (all but others) change
        nothing: their entries stay as stored. others[j] is the index in
        files of a file found another way (or not found), sigs[j] its
        signature and keys[j] its content key (None: it could not be read,
        and is not kept); parsed holds the index of every file checked this
        run, whose result replaces whatever was stored for it."""
        if self.schemas_dir is not None and fingerprint(self.schemas_dir, tool_digest=_tool_digest_now(TOOL_DIR)) != self.salt:
            # schemas/ or the tool's source changed while this run checked
            # with what it had read before: its results are kept by nobody.
            return
        changed: dict[int, dict] = {}  # shard -> {path: new entry or None}
        old = self.entries
        for n, sig, key in zip(others, sigs, keys):
            f = files[n]
            i = shard_of(f.path)
            before = _entry(old.get(f.path))
            if key is None:
                if f.path in old:
                    changed.setdefault(i, {})[f.path] = None
                continue
            kept = sig if self._keeps(sig) else None
            rec, probs, no_term = results[n]
            if n not in parsed:
                # Found by its content key: the stored entry, its signature
                # brought up to date.
                if before[1] == kept:
                    continue
                entry, whole = (key, kept) + tuple(before[2:]), None
            else:
                entry, whole = encode(self.spec, key, kept, rec, probs, no_term)
            changed.setdefault(i, {})[f.path] = (entry, whole)
        # Files gone since the last run: their entries go too.
        seen = len(files) - len(others) + sum(1 for n in others if files[n].path in old)
        if seen != len(old):
            present = {f.path for f in files}
            for i, shard in enumerate(self.shards):
                for path in shard.entries.keys() - present:
                    changed.setdefault(i, {})[path] = None
        for i, shard in enumerate(self.shards):
            if shard.lost:
                changed.setdefault(i, {})
        for i, change in sorted(changed.items()):
            shard = self.shards[i]
            old_whole = shard.whole
            entries = dict(shard.entries)
            whole = {}
            for path, new in change.items():
                if new is None:
                    entries.pop(path, None)
                else:
                    entries[path] = new[0]
                    if new[1] is not None:
                        whole[new[0][0]] = new[1]
            for path, entry in list(entries.items()):
                w = None if _entry(entry) is None else whole.get(entry[0]) or old_whole.get(entry[0])
                if w is None:
                    del entries[path]  # its whole entry was lost: checked again next time
                else:
                    whole[entry[0]] = w
            try:
                brief_body = marshal.dumps(entries)
                whole_body = marshal.dumps(whole)
            except ValueError:  # a value marshal cannot store: keep no cache
                return
            _write(os.path.join(self.folder, SHARD_FILE.format(i)), self.salt, brief_body, whole_body)
            self.shards[i] = Shard(entries)
            self.shards[i]._whole = whole
            old.update(entries)
            for path, new in change.items():
                if new is None:
                    old.pop(path, None)
        for name in OLD_FILES:
            try:
                os.unlink(os.path.join(self.folder, name))
            except OSError:
                pass


def _problem_shape(p) -> bool:
    """A stored problem: the fields of a Problem, each of its type."""
    return type(p) is tuple and len(p) == 6 and type(p[0]) is str and type(p[1]) is int and type(p[2]) is int and type(p[3]) is str and type(p[4]) is str and type(p[5]) is str


def _entry(entry):
    """A brief entry, or None for one of another shape."""
    if type(entry) is not tuple or len(entry) != 8 or type(entry[0]) is not bytes or not (entry[1] is None or type(entry[1]) is bytes):
        return None
    return entry


def encode(spec, key: bytes, sig: bytes | None, rec: loader.Record, problems: list[Problem], no_term: bool):
    """(brief entry, whole entry) of one file's result."""
    from .brief import brief_data

    probs = [tuple(getattr(p, name) for name in _PROBLEM_FIELDS) for p in problems] or None
    brief = (key, sig, rec.kind, brief_data(spec, rec.kind, rec.data), set(rec.reported) or None, rec.unread, probs, no_term)
    return brief, (rec.data, Marks.of(rec.marks).parts(), Marks.of(rec.key_marks).parts())


def _read(path: str, salt: bytes) -> Shard:
    """The shard in a file; empty when it cannot be used. Only the brief
    part is read now; the whole part when first needed."""
    head = len(MAGIC) + 3 * _DIGEST + 8
    try:
        with open(path, "rb") as fh:
            top = fh.read(head)
            at = len(MAGIC)
            if len(top) < head or not top.startswith(MAGIC) or top[at : at + _DIGEST] != salt:
                return Shard()  # (another fingerprint: nothing in it can be a hit)
            brief_len = int.from_bytes(top[head - 8 :], "little")
            # The length is not yet known to be right: it must fit in the file.
            if head + brief_len > os.fstat(fh.fileno()).st_size:
                return Shard()
            brief_body = fh.read(brief_len)
    except OSError:
        return Shard()
    brief_digest, whole_digest = top[at + _DIGEST : at + 2 * _DIGEST], top[at + 2 * _DIGEST : at + 3 * _DIGEST]
    if len(brief_body) != brief_len or hashlib.sha256(brief_body).digest() != brief_digest:
        return Shard()
    try:
        entries = marshal.loads(brief_body)
    except (EOFError, ValueError, TypeError):
        return Shard()
    if not isinstance(entries, dict):
        return Shard()
    # Each entry's shape is checked when it is used (_entry, Cache._hit):
    # checking 100,000 of them here would cost more than the rest of the
    # lookup.
    return Shard(entries, (path, head + brief_len), whole_digest)


def _write(path: str, salt: bytes, brief_body: bytes, whole_body: bytes):
    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    except OSError:
        return  # a read-only project: check without a cache
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(MAGIC + salt + hashlib.sha256(brief_body).digest() + hashlib.sha256(whole_body).digest() + len(brief_body).to_bytes(8, "little") + brief_body + whole_body)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
