"""il76-claims release"""

from __future__ import annotations

import sys

HELP = "pack the built package into dist/<name>-<version>.zip"
DESCRIPTION = """Write dist/<name>-<version>.zip: datapackage.json, data/, the workbook and
SQLite file from dist/, README.md, LICENSE, CHANGELOG.md, CITATION.cff and
SHA256SUMS, all under one <name>-<version>/ folder. The archive is
reproducible (fixed order, timestamps and permissions): the same files give
the same bytes. Run make (il76-claims build) first; the release checks that
the tables match datapackage.json, that the version is the same everywhere
and that CHANGELOG.md has a section for it, and reports every problem at
once. An existing archive with different content is never replaced unless
--force is given."""


def add_arguments(p):
    p.add_argument("--root", default=".", metavar="DIR", help="project folder (default: .)")
    p.add_argument("--force", action="store_true", help="replace an existing archive of the same version that differs")


def run(args) -> int:
    import os

    from ..release import ReleaseError, release

    try:
        r = release(os.path.abspath(args.root), force=args.force)
    except ReleaseError as exc:
        for p in exc.problems:
            print(f"error: {p}", file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); no archive was written", file=sys.stderr)
        return 1
    state = "unchanged" if r.unchanged else "wrote"
    print(f"{state}: {r.path} ({r.files} files, {r.size} bytes)")
    print(f"sha256: {r.sha256}")
    return 0
