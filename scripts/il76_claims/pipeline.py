"""The per-file stage of the check: read, parse, text checks and schema
check of every record file, each file on its own.

Three things keep it fast on large trees without weakening a check:

* the schema check asks ``fastschema`` first and jsonschema only for a
  record that is not valid (to word the problems);
* above ``PARALLEL_MIN_FILES`` files the work is split into chunks for a
  pool of processes, one per usable core; results come back in file order,
  so the report is the same as from one process;
* a file whose bytes, path, schemas and tooling are unchanged since the last
  run takes its result from the cache (``cache.py``) instead.

Everything that looks across files (ids, references, quotes against the
sources) runs after this stage on the whole tree, every time.
"""

from __future__ import annotations

import functools
import gc
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from . import loader
from .marks import Marks
from .neutrality import has_no_term
from .problems import Problem
from .schemas import KINDS, SchemaSet
from .textcheck import check_text

# Below this many files to parse, starting processes costs more than it
# saves (measured in docs/performance.md).
PARALLEL_MIN_FILES = 1000
# Chunks per process: small enough that both cores stay busy to the end.
CHUNKS_PER_JOB = 4


class FileChecker:
    """What the per-file checks need, built once per process."""

    def __init__(self, schemas: SchemaSet):
        from .fastschema import for_schemas

        self.schemas = schemas
        self.fast = for_schemas(schemas)
        self.multiline = schemas.multiline_fields
        self._full = None
        self._terms = None

    @property
    def terms(self):
        """The loaded-terms list and the fields it applies to (under
        schemas/, so in every cache key)."""
        if self._terms is None:
            from . import neutrality

            self._terms = (neutrality.load_terms(self.schemas.dir), neutrality.skipped_fields(self.schemas))
        return self._terms

    @property
    def full(self):
        """jsonschema, built only when a record needs its error messages."""
        if self._full is None:
            from .schema_check import SchemaChecker

            self._full = SchemaChecker(self.schemas)
        return self._full

    def check(self, record: loader.Record) -> list[Problem]:
        """Schema problems of one record (the interface of SchemaChecker)."""
        if self.fast.is_valid(record.kind, record.data):
            return []
        return self.full.check(record)

    def run(self, f: loader.RecordFile, raw: bytes | None = None) -> tuple[loader.Record, list[Problem], bool]:
        """One file's record, problems and whether no loaded term can be in
        it (see finish); from raw when its bytes were already read (to hash
        them for the cache), so the result always belongs to exactly the
        bytes hashed."""
        if raw is None:
            rec, problems = loader.load_file(f.path, f.abspath, f.kind)
        else:
            rec, problems = loader.load_bytes(f.path, raw, f.kind)
        return self.finish(f, rec, problems)

    def finish(self, f: loader.RecordFile, rec: loader.Record | None, problems: list[Problem]) -> tuple[loader.Record, list[Problem], bool]:
        """The checks on a record as read (None: a stand-in for a file that
        could not be read as one), and True when none of its text matches a
        loaded term: then the neutrality check, which runs on the whole tree
        after this stage, can pass it by. Whether a match is reported
        depends on the archived sources, so only "no match" is decided here."""
        if rec is None:
            rec = loader.unread_record(f)
        problems.extend(check_text(rec, self.multiline[rec.kind]))
        problems.extend(self.check(rec))
        _share_strings(rec)
        terms, skipped = self.terms
        return rec, problems, has_no_term(rec, terms, skipped)


def _share_strings(rec: loader.Record):
    """Make records with the same fields share their keys and JSON paths
    instead of holding a copy each, and store their marks packed: over half
    the memory of a large tree. Values are left alone."""
    intern = sys.intern
    rec.marks = Marks.of(rec.marks)
    rec.key_marks = Marks.of(rec.key_marks)
    data = rec.data
    rec.data = {intern(k): ([{intern(ik): iv for ik, iv in item.items()} if type(item) is dict else item for item in v] if type(v) is list else v) for k, v in data.items()}


@contextmanager
def no_gc():
    """Hold back the cyclic garbage collector. Records hold no reference
    cycles, but building a hundred thousand of them makes it run many full
    passes over everything built so far: half the time of a large check."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def without_gc(fn):
    """Run fn with the cyclic collector held back (see no_gc); for the whole
    check, where the checks across records walk every record again."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with no_gc():
            return fn(*args, **kwargs)

    return wrapper


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def jobs_from_env() -> int:
    """IL76_JOBS=N sets the number of processes (1: no pool)."""
    value = os.environ.get("IL76_JOBS", "")
    if value.isdigit() and int(value) >= 1:
        return int(value)
    return usable_cores()


# -- the process pool ---------------------------------------------------------

_WORKER: FileChecker | None = None


def _start_worker(schemas: SchemaSet):
    global _WORKER
    _WORKER = FileChecker(schemas)


def _run_chunk(chunk: list[tuple[loader.RecordFile, bytes | None]]):
    with no_gc():
        return [_WORKER.run(f, raw) for f, raw in chunk]


def _chunks(items: list, n: int) -> list[list]:
    size = max(1, -(-len(items) // n))
    return [items[i : i + size] for i in range(0, len(items), size)]


def _context():
    import multiprocessing

    # fork starts a worker in milliseconds with everything imported; where
    # it is not safe (macOS) or not there, spawn.
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def run_files(work: list[tuple[loader.RecordFile, bytes | None]], checker: FileChecker, jobs: int) -> list[tuple[loader.Record, list[Problem], bool]]:
    """Results for (file, its bytes or None to read them) pairs, in the
    same order, from one process or several."""
    if jobs <= 1 or len(work) < PARALLEL_MIN_FILES:
        with no_gc():
            return [checker.run(f, raw) for f, raw in work]
    from concurrent.futures import ProcessPoolExecutor

    out: list[tuple[loader.Record, list[Problem], bool]] = []
    with ProcessPoolExecutor(max_workers=jobs, mp_context=_context(), initializer=_start_worker, initargs=(checker.schemas,)) as pool:
        for part in pool.map(_run_chunk, _chunks(work, jobs * CHUNKS_PER_JOB)):
            out.extend(part)
    return out


# -- the stage as the checker calls it ----------------------------------------


@dataclass
class Stage:
    records: list[loader.Record]
    problems: list[Problem]
    files: int
    # The records in which a loaded term may be (see FileChecker.finish):
    # the only ones the neutrality check needs to read.
    term_candidates: list[loader.Record] = field(default_factory=list)
    # The cache brief records read their positions from, until close().
    cache: object = None
    # How the files were checked, for the benchmark and --verbose output.
    cached: int = 0
    parsed: int = 0
    # Files taken from the cache by their stat signature, without reading.
    stat_hits: int = 0

    def close(self):
        """Done with the records' positions (see Cache.close)."""
        if self.cache is not None:
            self.cache.close()


def load_and_check(root: str, schemas: SchemaSet, checker: FileChecker, *, jobs: int | None = None, use_cache: bool | None = None, whole_records: bool = True) -> Stage:
    """discover, then every file's own checks; records come in discover's
    order, with a stand-in for each file that could not be read.

    whole_records=False lets the cache answer with brief records
    (``cache.BriefRecord``): enough for the checks across records, not for
    building tables."""
    use_cache = use_cache if use_cache is not None else cache_enabled()
    # A SchemaSet read before schemas/ changed checks by what it read, which
    # no fingerprint of the folder now describes: no cache for that run.
    if use_cache and schemas.changed_on_disk():
        use_cache = False
    # Before any file is looked at: see Cache.started_ns.
    started_ns = time.time_ns()
    files, problems = loader.discover(root, KINDS)
    jobs = jobs_from_env() if jobs is None else jobs
    cache = None
    if use_cache:
        from . import signatures
        from .cache import Cache

        paths = [f.abspath for f in files]
        # On a large tree the signatures are taken in a second process
        # while this one loads the cache.
        pending = signatures.in_background(paths) if jobs > 1 and len(files) >= PARALLEL_MIN_FILES else signatures.Here(paths)
        try:
            cache = Cache.open(root, schemas, whole_records=whole_records, started_ns=started_ns)
        except BaseException:
            pending.cancel()
            raise
    results: list = [None] * len(files)
    work: list = []
    todo: list[int] = []
    by_key = 0  # files found by their content key, read but not parsed
    with no_gc():
        if cache is None:
            others, sigs = list(range(len(files))), [None] * len(files)
        else:
            # Every file whose stat signature is unchanged, in one pass.
            others, sigs = cache.lookup(files, results, pending.wait())
        keys: list = [None] * len(others)
        for j, i in enumerate(others):
            f = files[i]
            if cache is None:
                work.append((f, None))
                todo.append(i)
                continue
            raw, read_problems = loader.read_bytes(f.path, f.abspath)
            if raw is None:  # unreadable: reported, never cached
                results[i] = checker.finish(f, None, read_problems)
                continue
            keys[j] = key = cache.key(f, raw)
            hit = cache.get(f, key)
            if hit is None:
                work.append((f, raw))
                todo.append(i)
            else:
                results[i] = hit
                by_key += 1
    for i, result in zip(todo, run_files(work, checker, jobs)):
        results[i] = result
    if cache is not None:
        cache.save(files, results, others, sigs, keys, set(todo))
    records = []
    candidates = []
    for rec, probs, no_term in results:
        records.append(rec)
        if probs:
            problems.extend(probs)
        if not no_term:
            candidates.append(rec)
    if not whole_records and candidates:
        # The neutrality check reads every text field.
        candidates = [_whole(rec) for rec in candidates]
    stat_hits = len(files) - len(others)
    if cache is not None and whole_records:
        cache.close()  # whole records need nothing more from it
    return Stage(records, problems, len(files), candidates, cache=cache if not whole_records else None, cached=stat_hits + by_key if cache else 0, parsed=len(todo), stat_hits=stat_hits)


def _whole(rec: loader.Record) -> loader.Record:
    """rec itself, or for a brief record the whole record it stands for."""
    from .cache import BriefRecord

    return rec.whole() if isinstance(rec, BriefRecord) else rec


def cache_enabled() -> bool:
    from .cache import enabled_by_env

    return enabled_by_env()
