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
from contextlib import contextmanager
from dataclasses import dataclass

from . import package
from .checker import CheckResult, Project, check
from .schemas import SchemaSet
from .tables import Table, build_tables
from .export import csv as csv_export
from .export import sqlite as sqlite_export
from .export import xlsx as xlsx_export

# The spreadsheet and SQLite copies go to dist/ (git-ignored): they are
# release files, not part of the committed package.
XLSX = "dist/il76-belgorod-statements.xlsx"
SQLITE = "dist/il76-belgorod-statements.sqlite"
# Outputs the build owns, in the order they are swapped in; the descriptor
# goes last so it never describes tables that are not there yet. Files under
# dist/ are swapped one by one, so other files there are left alone.
OUTPUTS = ("data", XLSX, SQLITE, "datapackage.json")
STAGING = ".build"


@dataclass
class BuildResult:
    check: CheckResult
    written: list[str]
    tables: list[Table]

    @property
    def ok(self) -> bool:
        return self.check.ok


def prepare(project: Project) -> tuple[CheckResult, dict | None, list[Table]]:
    schemas = SchemaSet(project.schemas_dir)
    result = check(project, schemas)
    if not result.ok:
        return result, None, []
    return result, result.metadata, build_tables(result.records, schemas)


def write_outputs(out_dir: str, meta: dict, tables: list[Table], records) -> list[str]:
    written = csv_export.write(tables, out_dir)
    written.append(xlsx_export.write(meta, tables, out_dir, XLSX))
    written.append(sqlite_export.write(meta, tables, out_dir, SQLITE))
    desc = package.descriptor(meta, tables, records, out_dir)
    written.append(package.write(desc, out_dir))
    return written


@contextmanager
def _hold_interrupts():
    received = []
    old = signal.getsignal(signal.SIGINT)
    try:
        signal.signal(signal.SIGINT, lambda *a: received.append(a))
    except ValueError:  # not the main thread: nothing to hold
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
        if received:
            raise KeyboardInterrupt


def _swap_in(staging: str, root: str, names: tuple[str, ...]):
    trash = tempfile.mkdtemp(prefix="old-", dir=os.path.join(root, STAGING))
    with _hold_interrupts():
        for name in names:
            src, dst = os.path.join(staging, name), os.path.join(root, name)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            if os.path.isdir(src):
                if os.path.lexists(dst):
                    os.rename(dst, os.path.join(trash, name))
                os.rename(src, dst)
            else:
                os.replace(src, dst)
    shutil.rmtree(trash, ignore_errors=True)


def build(project: Project, write=write_outputs) -> BuildResult:
    result, meta, tables = prepare(project)
    if not result.ok:
        return BuildResult(result, [], [])
    os.makedirs(os.path.join(project.root, STAGING), exist_ok=True)
    staging = tempfile.mkdtemp(prefix="staging-", dir=os.path.join(project.root, STAGING))
    try:
        written = write(staging, meta, tables, result.records)
        _swap_in(staging, project.root, OUTPUTS)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BuildResult(result, written, tables)
