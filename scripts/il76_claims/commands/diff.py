"""il76-claims diff"""

from __future__ import annotations

import os
import sys

from .common import add_project_options, project_from

HELP = "compare two builds record by record, with the version bump the changes need"
DESCRIPTION = """Compare two builds of the package table by table, matching records by their
primary key: records added and removed, changed fields as old -> new, and
changes to the tables' schemas and the package's metadata, each with the
version bump it needs (docs/versioning.md). OLD and NEW are each a package
folder (holding datapackage.json and data/) or a git commit, branch or tag,
read as committed there. Without NEW, the working tree's records are built
afresh and compared. Exits 0 when there is no difference, 1 when there is
one, 2 when a build cannot be read."""


def add_arguments(p):
    p.add_argument("old", metavar="OLD", help="package folder or git ref of the older build")
    p.add_argument("new", metavar="NEW", nargs="?", help="package folder or git ref of the newer build (default: a fresh build of the working tree)")
    add_project_options(p)
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")


def _open(spec: str, root: str):
    from ..diff import DiffError, load_commit, load_folder
    from ..gitrepo import is_repo, resolve, short

    if os.path.isdir(spec):
        if not os.path.exists(os.path.join(spec, "datapackage.json")):
            raise DiffError(f"{spec}: a folder without datapackage.json is not a package folder")
        return load_folder(spec, spec)
    commit = resolve(root, spec) if is_repo(root) else None
    if commit is None:
        raise DiffError(f"{spec}: neither a package folder nor a commit in the git repository at {root}")
    return load_commit(root, commit, f"{spec} ({short(commit)})")


def run(args) -> int:
    from ..diff import DiffError, compare, load_fresh_build, render_json, render_text
    from ..gitrepo import GitError
    from ..schemas import SchemaError

    project = project_from(args)
    try:
        old = _open(args.old, project.root)
        new = _open(args.new, project.root) if args.new else load_fresh_build(project)
        d = compare(old, new)
    except (DiffError, GitError, SchemaError) as exc:
        print(f"il76-claims diff: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(render_json(d) if args.format == "json" else render_text(d))
    return 0 if d.empty else 1
