"""il76-claims version-check"""

from __future__ import annotations

import sys

from .common import add_project_options, project_from

HELP = "fail when the data changed but the version or changelog was not updated"
DESCRIPTION = """Compare the package committed at a base commit with a fresh build of the
working tree, and fail when the changes need a bigger version bump than
dataset.yaml makes (docs/versioning.md), when CITATION.cff has another
version, or when CHANGELOG.md has no '## [<version>]' section. The base is
--base REF if given; in a GitHub pull request, the merge base with the
target branch; on a GitHub push, the commit before the push; elsewhere, the
merge base with origin/main (or main). With no base to compare with (first
commit, shallow clone) the comparison is skipped with a note. Exits 0 when
all is in order, 1 when something needs fixing, 2 when the check cannot
run."""


def add_arguments(p):
    p.add_argument("--base", metavar="REF", help="commit, branch or tag to compare with (default: see above)")
    add_project_options(p)
    p.add_argument("--format", choices=("text", "github"), default="text", help="text, or github to add workflow annotations (default: text)")


def run(args) -> int:
    from ..diff import DiffError
    from ..gitrepo import GitError
    from ..schemas import SchemaError
    from ..versioning import VersionCheckError, check

    try:
        outcome = check(project_from(args), args.base)
    except (VersionCheckError, DiffError, GitError, SchemaError) as exc:
        print(f"il76-claims version-check: {exc}", file=sys.stderr)
        return 2
    for line in outcome.info:
        print(line)
    for note in outcome.notes:
        print(f"note: {note}", file=sys.stderr)
    for f in outcome.findings:
        print(f"{f.path}:{f.line}: error: {f.message}")
        if args.format == "github":
            print(f"::error file={_gh(f.path, True)},line={f.line},title=Version check::{_gh(f.message)}")
    if outcome.ok:
        print("ok: the version, CITATION.cff and CHANGELOG.md agree with the changes")
        return 0
    return 1


def _gh(s: str, prop: bool = False) -> str:
    # GitHub's workflow-command encoding: data escapes %, CR and LF;
    # properties also ':' and ','.
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return s.replace(":", "%3A").replace(",", "%2C") if prop else s
