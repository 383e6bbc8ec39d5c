"""Options and output shared by several subcommands."""

from __future__ import annotations

import os
import sys

from ..checker import Project, default_sources_dir
from ..report import FORMATS, render


def add_project_options(p):
    p.add_argument("--root", default=".", metavar="DIR", help="project folder holding records/ and schemas/ (default: .)")
    p.add_argument(
        "--sources",
        metavar="DIR",
        help="folder of archived source texts for quote checks (default: $IL76_SOURCES, else ../shared/sources next to the project)",
    )


def add_format_option(p):
    p.add_argument("--format", choices=FORMATS, default="text", help="problem report format: text, json or github annotations (default: text)")


def project_from(args) -> Project:
    root = os.path.abspath(args.root)
    explicit = bool(args.sources or os.environ.get("IL76_SOURCES"))
    return Project(
        root=root,
        sources_dir=os.path.abspath(args.sources) if args.sources else default_sources_dir(root),
        sources_explicit=explicit,
    )


def require_project(args) -> Project:
    """project_from, for commands that read records: a --root that is not a
    project folder is a mistake in the command, like a mistyped option, so
    say so in one line and exit 2, as argparse does, before anything is
    read or written."""
    root = os.path.abspath(args.root)
    if not os.path.isdir(root):
        _usage_error(f"{args.root}: no such folder; give the project folder (the one holding schemas/ and records/) with --root")
    missing = [name + "/" for name in ("schemas", "records") if not os.path.isdir(os.path.join(root, name))]
    if missing:
        _usage_error(f"{args.root} is not a project folder: no {' or '.join(missing)} there; give the folder holding schemas/ and records/ with --root")
    return project_from(args)


def _usage_error(message: str):
    print(f"il76-claims: {message}", file=sys.stderr)
    raise SystemExit(2)


def schemas_broken(exc) -> int:
    """A broken schemas/ folder is a maintainer's error, not a record's:
    one line on stderr, exit 2."""
    print(f"il76-claims: the schemas are broken: {exc}", file=sys.stderr)
    return 2


def emit_problems(fmt: str, problems, summary: dict, ok_line: str | None):
    out = render(fmt, problems, summary)
    sys.stdout.write(out)
    if fmt != "json":
        for note in summary.get("notices", []):
            print(f"note: {note}", file=sys.stderr)
        if problems:
            print(f"{len(problems)} problem(s) in {summary['files_with_problems']} file(s); nothing was built" if summary.get("build") else f"{len(problems)} problem(s) in {summary['files_with_problems']} file(s)", file=sys.stderr)
        elif ok_line:
            print(ok_line)


def summary_of(result, **extra) -> dict:
    return {
        "files": result.files,
        "records": len(result.records),
        "problems": len(result.problems),
        "files_with_problems": len({p.path for p in result.problems}),
        "notices": list(result.notices),
        **extra,
    }
