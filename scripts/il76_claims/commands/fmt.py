"""il76-claims fmt"""

from __future__ import annotations

import os
import sys

HELP = "write each record in its canonical form, or check that it is"
DESCRIPTION = """Rewrite the named records (records/<kind>/<id>.yaml files, folders under
records/, dataset.yaml), or all of them, in their canonical form: keys in the
schema's order, one quoting rule, long text folded, block lists, comments kept
on their own lines (CONTRIBUTING.md, "The canonical form of a record"). Values
never change: the new text is read back and must give the same values and
comments, and each file is replaced in one step. A file with problems of its
own (see il76-claims check) or that cannot be formatted without loss is
reported and left as it was. With --check nothing is written and only the
form is judged (il76-claims check judges the rest): each file not in
canonical form is listed as path:line: [R001] message at its first line
that differs. Exits 0 when every file is (now) canonical, 1 when a file was
listed or left as it was.

examples:
  il76-claims fmt records/actor/tass.yaml
  il76-claims fmt --check"""


def add_arguments(p):
    p.add_argument("paths", metavar="PATH", nargs="*", help="record files or folders (default: every record and dataset.yaml)")
    p.add_argument("--check", action="store_true", help="write nothing; list the files not in canonical form and exit 1 if any")
    p.add_argument("--root", default=".", metavar="DIR", help="project folder holding records/ and schemas/ (default: .)")


def run(args) -> int:
    from .. import fmt
    from ..schemas import SchemaError

    root = os.path.abspath(args.root)
    if not all(os.path.isdir(os.path.join(root, name)) for name in ("schemas", "records")):
        print(f"il76-claims: {args.root} is not a project folder: give the folder holding schemas/ and records/ with --root", file=sys.stderr)
        return 2
    try:
        result = fmt.run(root, args.paths, check=args.check)
    except fmt.UsageError as exc:
        print(f"il76-claims fmt: {exc}", file=sys.stderr)
        return 2
    except SchemaError as exc:
        print(f"il76-claims: the schemas are broken: {exc}", file=sys.stderr)
        return 2
    for p in result.problems:
        print(fmt.report_line(p))
    left = len({p.path for p in result.problems})
    if args.check:
        # A file with problems of its own cannot be judged until they are fixed.
        other = left - len(result.changed)
        summary = f"{len(result.changed)} of {result.files} file(s) not in canonical form (il76-claims fmt rewrites them)" if result.changed else ""
        summary += (", " if summary else "") + f"{other} file(s) with problems to fix first" if other else ""
        print(summary or f"{result.files} file(s) in canonical form", file=sys.stderr)
    else:
        for path in result.changed:
            print(f"formatted {path}", file=sys.stderr)
        print(f"{len(result.changed)} file(s) formatted, {result.files - len(result.changed) - left} already canonical" + (f", {left} left as they were" if left else ""), file=sys.stderr)
    return 1 if result.problems else 0
