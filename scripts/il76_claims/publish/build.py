"""Check, then write every output into a staging folder, then swap it in.

Nothing under data/ or datapackage.json is touched until every output has
been written completely. The swap itself is a handful of renames with
Ctrl-C held back, so an interrupted or failed build leaves the previous
package as it was.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ..check import quote_checks
from ..check.run import CheckResult, check
from ..model.fileio import write_json
from ..model.project import DATASETTE, JSON, JSONL, JSONLD, SQLITE, XLSX, Project
from ..model.record import Record
from . import cff, csv, datasette, jsondoc, jsonl, jsonld, package, sqlite, xlsx, zenodo
from .tables import Table, build_tables
from .views import build_views

# Outputs the build owns, in the order they are swapped in; the descriptor
# goes last so it never describes tables that are not there yet. Files under
# dist/ are swapped one by one, so other files there are left alone.
OUTPUTS = (
    "data",
    quote_checks.PATH,
    XLSX,
    SQLITE,
    DATASETTE,
    JSON,
    JSONLD,
    JSONL,
    "CITATION.cff",
    ".zenodo.json",
    "datapackage.json",
)
STAGING = ".build"


@dataclass
class BuildResult:
    check: CheckResult
    written: list[str]
    tables: list[Table]

    @property
    def ok(self) -> bool:
        return self.check.ok


def prepare(project: Project) -> tuple[CheckResult, list[Table]]:
    """The check, and the tables when it found no problem."""
    result = check(project)
    return result, (
        build_tables(result.records, result.schemas, result.verified) if result.ok else []
    )


def write_outputs(
    out_dir: str, meta: dict, tables: list[Table], records: list[Record]
) -> list[str]:
    """Every output into out_dir."""
    views = build_views(tables)
    return [
        *csv.write(tables, out_dir),
        xlsx.write(meta, tables, out_dir, XLSX, [v.table for v in views]),
        sqlite.write(meta, tables, out_dir, SQLITE, views),
        write_json(out_dir, DATASETTE, datasette.metadata(meta, tables, views)),
        write_json(out_dir, JSON, jsondoc.document(meta, tables)),
        jsonl.write(tables, out_dir, JSONL),
        write_json(out_dir, JSONLD, jsonld.document(meta, tables)),
        *committed_metadata(meta, tables, records, out_dir),
    ]


def committed_metadata(
    meta: dict, tables: list[Table], records: list[Record], out_dir: str
) -> list[str]:
    """The committed files besides data/: the citation files and the
    descriptor (last: it describes the tables as written)."""
    return [
        cff.write(meta, out_dir),
        write_json(out_dir, ".zenodo.json", zenodo.document(meta)),
        package.write(package.descriptor(meta, tables, records, out_dir), out_dir),
    ]


def build_package(project: Project, out_dir: str) -> CheckResult:
    """The committed outputs (data/*.csv, datapackage.json, CITATION.cff,
    .zenodo.json) into out_dir, when the check finds no problem: the part of
    a build that comparisons and freshness checks read (the other outputs
    are made from the same tables)."""
    result, tables = prepare(project)
    if result.ok and result.metadata is not None:
        csv.write(tables, out_dir)
        write_quote_checks(result, project.root, out_dir)
        committed_metadata(result.metadata, tables, result.records, out_dir)
    return result


def write_quote_checks(result: CheckResult, root: str, out_dir: str) -> str:
    """quote-checks.csv: written anew by a check that had the archived texts;
    otherwise the committed file, kept as it is (only such a check may
    change it)."""
    checked = result.verified if result.archive_checked else quote_checks.read(root)
    with open(os.path.join(out_dir, quote_checks.PATH), "w", encoding="utf-8", newline="") as fh:
        fh.write(quote_checks.render(checked))
    return quote_checks.PATH


@contextmanager
def _hold_interrupts() -> Iterator[None]:
    received: list[tuple] = []
    try:
        old = signal.signal(signal.SIGINT, lambda *a: received.append(a))
    except ValueError:  # not the main thread: nothing to hold
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
        if received:
            raise KeyboardInterrupt


def swap_in(staging: str, root: str, names: tuple[str, ...]) -> None:
    """Move each staged output into place. If any move fails, the ones
    already made are undone, so the outputs are all new or all old."""
    trash = tempfile.mkdtemp(prefix="old-", dir=os.path.join(root, STAGING))
    done: list[tuple[str, bool]] = []  # (name, an old one was kept in trash)
    with _hold_interrupts():
        try:
            for name in names:
                src, dst, old = (os.path.join(d, name) for d in (staging, root, trash))
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                os.makedirs(os.path.dirname(old), exist_ok=True)
                had_old = os.path.lexists(dst)
                # A folder is moved aside first; a file is replaced in one
                # step, a hard link (or else a copy) keeping the old one for undoing.
                if had_old and os.path.isdir(src):
                    os.rename(dst, old)
                elif had_old:
                    try:
                        os.link(dst, old)
                    except OSError:
                        shutil.copy2(dst, old)
                done.append((name, had_old))
                os.replace(src, dst)
        except BaseException:
            if _undo(staging, root, trash, done):
                shutil.rmtree(trash, ignore_errors=True)
            raise
    shutil.rmtree(trash, ignore_errors=True)


def _undo(staging: str, root: str, trash: str, done: list[tuple[str, bool]]) -> bool:
    """Put the old outputs back; True if all are back. Best effort, output
    by output: one that cannot be restored must not stop the others, and
    stays in the trash folder to be recovered by hand."""
    restored = True
    for name, had_old in reversed(done):
        src, dst, old = (os.path.join(d, name) for d in (staging, root, trash))
        try:
            if not os.path.lexists(src) and os.path.lexists(dst):  # the new one is in place
                if os.path.isdir(dst) and not os.path.islink(dst):
                    shutil.rmtree(dst)
                else:
                    os.unlink(dst)
            if had_old:
                os.replace(old, dst)
        except OSError:
            restored = False
    return restored


def staged(root: str, prefix: str) -> tempfile.TemporaryDirectory[str]:
    """A new folder under STAGING for outputs to be written in, removed when done."""
    os.makedirs(os.path.join(root, STAGING), exist_ok=True)
    return tempfile.TemporaryDirectory(
        prefix=prefix, dir=os.path.join(root, STAGING), ignore_cleanup_errors=True
    )


def build(
    project: Project,
    write: Callable[[str, dict, list[Table], list[Record]], list[str]] = write_outputs,
) -> BuildResult:
    result, tables = prepare(project)
    if not result.ok or result.metadata is None:
        return BuildResult(result, [], [])
    with staged(project.root, "staging-") as staging:
        written = write(staging, result.metadata, tables, result.records)
        written.append(write_quote_checks(result, project.root, staging))
        swap_in(staging, project.root, OUTPUTS)
    return BuildResult(result, written, tables)
