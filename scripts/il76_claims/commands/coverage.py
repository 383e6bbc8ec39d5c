"""il76-claims coverage"""

from __future__ import annotations

from .common import add_project_options, project_from

HELP = "write docs/block-coverage.md: which records cite each block of each source"
DESCRIPTION = """List, for every block of every archived source, the records that cite it, or
the reason none does (kept in docs/uncited-blocks.yaml), and write the list to
docs/block-coverage.md. Problems (a block neither cited nor explained, a reason
for a block that is cited) are printed as path:line:col: message; the exit
code is 1 if there are any. With --check, nothing is written and the exit code
is also 1 when docs/block-coverage.md is not up to date."""


def add_arguments(p):
    add_project_options(p)
    p.add_argument("--check", action="store_true", help="write nothing; fail if docs/block-coverage.md is stale or a block is not covered")


def run(args) -> int:
    import os
    import sys

    from ..coverage import DOC_FILE, coverage, render

    project = project_from(args)
    if not os.path.isdir(project.records_dir):
        print(f"il76-claims: {project.root} is not a project folder: it has no records/", file=sys.stderr)
        return 2
    if not project.sources_dir or not os.path.isdir(project.sources_dir):
        print(f"note: the sources folder {project.sources_dir} does not exist; the blocks' first words are left out", file=sys.stderr)
    cov = coverage(project.root, project.sources_dir)
    text = render(cov)
    path = os.path.join(project.root, DOC_FILE)
    for line in cov.problems:
        print(line)
    if args.check:
        try:
            with open(path, encoding="utf-8") as fh:
                current = fh.read()
        except OSError:
            current = None
        if current != text:
            print(f"{DOC_FILE} is not up to date; run il76-claims coverage", file=sys.stderr)
            return 1
    else:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
        print(f"wrote {DOC_FILE}")
    if cov.problems:
        print(f"{len(cov.problems)} coverage problem(s)", file=sys.stderr)
        return 1
    return 0
