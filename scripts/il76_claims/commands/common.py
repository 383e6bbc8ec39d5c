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
    return Project(root=root, sources_dir=os.path.abspath(args.sources) if args.sources else default_sources_dir(root))


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
