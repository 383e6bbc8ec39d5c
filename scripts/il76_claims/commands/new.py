"""il76-claims new"""

from __future__ import annotations

import os
import sys

HELP = "start a new record from its kind's commented template"
DESCRIPTION = """Write records/<kind>/<id>.yaml from schemas/templates/<kind>.yaml: every
field of the kind, each with a comment saying what it means and which codes
are allowed, and null where a value is to be written. The id is --id, or is
made from --name (ASCII, lower case, words joined by hyphens; -2, -3...
added when taken); for kinds with a name field, --name also fills it in. An
existing file is never overwritten. --update-templates regenerates the
templates from the schemas instead."""


def add_arguments(p):
    p.add_argument("kind", metavar="KIND", nargs="?", help="source, actor, event, statement, casualty_figure or claim")
    # Not an argparse mutually exclusive group: its usage line wraps
    # differently across Python versions, and the README copies --help.
    p.add_argument("--id", metavar="ID", help="the new record's id")
    p.add_argument("--name", metavar="NAME", help="a name to make the id from (and to fill in the name field)")
    p.add_argument("--root", default=".", metavar="DIR", help="project folder holding records/ and schemas/ (default: .)")
    p.add_argument("--update-templates", action="store_true", help="regenerate schemas/templates/*.yaml from the schemas and exit")


def run(args) -> int:
    from ..scaffold import ScaffoldError, scaffold, write_templates
    from ..schemas import SchemaError

    root = os.path.abspath(args.root)
    try:
        if args.update_templates:
            changed = write_templates(root)
            print(f"updated: {', '.join(changed)}" if changed else "templates are up to date")
            return 0
        if args.id is not None and args.name is not None:
            print("il76-claims new: give --id or --name, not both", file=sys.stderr)
            return 2
        if not args.kind:
            print("il76-claims new: give the KIND of record to start (or --update-templates)", file=sys.stderr)
            return 2
        rel = scaffold(root, args.kind, rid=args.id, name=args.name)
    except (ScaffoldError, SchemaError) as exc:
        print(f"il76-claims new: {exc}", file=sys.stderr)
        return 1
    print(f"wrote: {rel}")
    print("next: replace each null that must have a value (the comments say which), then run il76-claims check")
    return 0
