"""The il76-claims command: a thin layer over the library functions.

Each command is one function here that parses nothing itself, calls the
library and turns the result into output and an exit code: 0 when all is
well, 1 when the data has problems, 2 when the command cannot run (a bad
option or folder, broken schemas, a bug). Heavy modules are imported inside
the functions, so `check` starts fast. Long options only: their --help is
the same on every supported Python, so the copies in the README can be
checked.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .check.report import FORMATS

if TYPE_CHECKING:
    from .check.run import CheckResult
    from .history.diff import Package
    from .model.problems import Problem
    from .model.project import Project

PROG = "il76-claims"
DESCRIPTION = "Check the YAML records and build the Il-76 statements data package."
# An option: the flags and the settings argparse's add_argument takes.
Option = tuple[tuple[str, ...], dict[str, Any]]
_COMMANDS: list[tuple[str, str, str, tuple[Option, ...], Callable]] = []


class UsageError(Exception):
    """A mistake in the command, or what it names cannot be read: said in
    one line, exit 2."""

    def __init__(self, message: str, command: str = ""):
        super().__init__(message)
        self.prefix = f"{PROG} {command}" if command else PROG


def command(
    name: str, summary: str, description: str, *options: Option
) -> Callable[[Callable], Callable]:
    """Register a command with its options, in the order of its --help."""

    def register(run: Callable) -> Callable:
        _COMMANDS.append((name, summary, description, options, run))
        return run

    return register


# The width stays fixed so that --help reads the same on every terminal.
_formatter = functools.partial(argparse.RawDescriptionHelpFormatter, width=88, max_help_position=32)


def make_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION, formatter_class=_formatter)
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--traceback",
        action="store_true",
        help="on an internal error, print the traceback (also: IL76_TRACEBACK=1)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for name, summary, description, options, run in _COMMANDS:
        # Every command has an example (tests/test_docs.py holds them to it).
        text, _, example = description.partition("\nExample")
        epilog = ("examples" if example.count("\n  il76-claims") > 1 else "example") + example
        p = sub.add_parser(
            name, help=summary, description=text, epilog=epilog, formatter_class=_formatter
        )
        for flags, settings in options:
            p.add_argument(*flags, **settings)
        p.set_defaults(_run=run)
    return parser


# -- options shared by several commands --------------------------------------


def option(name: str, meaning: str, **settings: Any) -> Option:
    """An option or argument: its name, its help, add_argument's other settings."""
    return (name,), {**settings, "help": meaning}


def flag(name: str, meaning: str) -> Option:
    """An option that is on when given."""
    return option(name, meaning, action="store_true")


ROOT = option(
    "--root",
    "project folder holding records/ and schemas/ (default: .)",
    default=".",
    metavar="DIR",
)
SOURCES = option(
    "--sources",
    "folder of archived source texts for quote checks (default: $IL76_SOURCES, else ../shared/sources next to the project)",
    metavar="DIR",
)
FORMAT = option(
    "--format",
    "problem report format: text, json or github annotations (default: text)",
    choices=FORMATS,
    default="text",
)
# The options of every command that checks the records.
CHECKING = (ROOT, SOURCES, FORMAT)


def project(args: argparse.Namespace, *, must_exist: bool = True) -> Project:
    """The project the options name. A --root that is not a project folder
    is a mistake in the command, like a mistyped option."""
    from .model.project import Project, default_sources_dir

    root = os.path.abspath(args.root)
    if must_exist:
        if not os.path.isdir(root):
            raise UsageError(
                f"{args.root}: no such folder; give the project folder (the one holding schemas/ and records/) with --root"
            )
        try:
            os.listdir(root)
        except OSError as exc:
            raise UsageError(f"cannot read the folder {root}: {exc.strerror}") from None
        missing = [
            name + "/"
            for name in ("schemas", "records")
            if not os.path.isdir(os.path.join(root, name))
        ]
        if missing:
            raise UsageError(
                f"{args.root} is not a project folder: no {' or '.join(missing)} there; give the folder holding schemas/ and records/ with --root"
            )
    sources = getattr(args, "sources", None)
    return Project(
        root=root,
        sources_dir=os.path.abspath(sources) if sources else default_sources_dir(root),
        sources_explicit=bool(sources or os.environ.get("IL76_SOURCES")),
    )


def fresh_package(proj: Project) -> Package:
    """The project's records built afresh into a temporary folder, read as
    a package: what users would get, whether or not it was built."""
    import tempfile

    from .history.diff import DiffError, load_folder
    from .publish.build import build_package

    with tempfile.TemporaryDirectory(prefix="il76-diff-") as tmp:
        result = build_package(proj, tmp)
        if not result.ok:
            raise DiffError(
                f"working tree: the records have {len(result.problems)} problem(s), so there is no build to compare; run il76-claims check"
            )
        return load_folder(tmp, "working tree")


def report(
    fmt: str,
    problems: list[Problem],
    ok_line: str = "",
    fail_line: str = "",
    *,
    notices: Sequence[str] = (),
    warnings: Sequence[Problem] = (),
    build: bool = False,
    **counts: object,
) -> int:
    """Print problems in fmt (text, json or github) on stdout; but for JSON,
    which carries them in its summary, the notices on stderr, then ok_line
    on stdout or fail_line, filled in from the summary, on stderr. The
    exit code: 1 if any problem. The JSON summary every command writes
    holds its own counts first, then the problems' and the notices."""
    from .check.report import render

    summary: dict[str, object] = {
        **counts,
        "problems": len(problems),
        "files_with_problems": len({p.path for p in problems}),
        "notices": list(notices),
    }
    if build:
        summary["build"] = True
    if warnings:
        summary["warnings"] = [w.as_dict() for w in warnings]
    sys.stdout.write(render(fmt, problems, summary, warnings))
    if fmt != "json":
        for note in notices:
            print(f"note: {note}", file=sys.stderr)
        if problems and fail_line:
            print(fail_line.format(**summary), file=sys.stderr)
        elif not problems and ok_line:
            print(ok_line)
    return 1 if problems else 0


def report_check(fmt: str, result: CheckResult, ok_line: str, build: bool = False) -> int:
    """report for a check result, with the counts of what was checked."""
    failed = "{problems} problem(s) in {files_with_problems} file(s)"
    return report(
        fmt,
        result.problems,
        ok_line,
        failed + ("; nothing was built" if build else ""),
        notices=result.notices,
        warnings=result.warnings,
        build=build,
        files=result.files,
        records=len(result.records),
    )


# -- commands (in the order of --help) ----------------------------------------


@command(
    "check",
    "check every record and report all problems",
    """Check every record under records/ against the schemas, each other and the
archived sources, and its canonical form (R001, which il76-claims fmt
fixes): everything a pull request is refused for. Prints one line per
problem, sorted, as path:line:col: [code] message, and exits 1 if there
are any, 0 if none.
Example:
  il76-claims check --format github""",
    *CHECKING,
)
def check_command(args: argparse.Namespace) -> int:
    from .check.run import check

    result = check(project(args))
    return report_check(
        args.format, result, f"ok: {result.files} files, {len(result.records)} records, no problems"
    )


@command(
    "build",
    "check, then write data/*.csv, datapackage.json and the files under dist/",
    """Check the records; if there is no problem, write the tables under data/,
datapackage.json, and the workbook and SQLite file under dist/. Everything
is written to a staging folder first and swapped in at the end, so a failed
or interrupted build leaves the previous outputs as they were. Two builds of
the same records give identical bytes.
Example:
  il76-claims build --root . --sources ../shared/sources""",
    *CHECKING,
)
def build_command(args: argparse.Namespace) -> int:
    from .publish.build import build

    result = build(project(args))
    rows = sum(len(t.rows) for t in result.tables)
    return report_check(
        args.format,
        result.check,
        f"built: {len(result.written)} files, {len(result.tables)} tables, {rows} rows",
        build=True,
    )


@command(
    "new",
    "start a new record from its kind's commented template",
    """Write records/<kind>/<id>.yaml from schemas/templates/<kind>.yaml: every
field of the kind, each with a comment saying what it means and which codes
are allowed, and null where a value is to be written. The id is --id, or is
made from --name (ASCII, lower case, words joined by hyphens; -2, -3...
added when taken); for kinds with a name field, --name also fills it in. An
existing file is never overwritten. --update-templates regenerates the
templates from the schemas instead.
A source needs --text-held: yes when the project archives its text (its
statements then quote it), no when it keeps only the page's address (its
statements are then summaries in the project's own words, with no quote).
Example:
  il76-claims new actor --name "Maria Zakharova"
  il76-claims new source --id tass-2024-01-25-wood --text-held no""",
    option(
        "kind",
        "source, actor, event, statement, casualty_figure or claim",
        metavar="KIND",
        nargs="?",
    ),
    # Not an argparse mutually exclusive group: its usage line wraps
    # differently across Python versions, and the README copies --help.
    option("--id", "the new record's id", metavar="ID"),
    option("--name", "a name to make the id from (and to fill in the name field)", metavar="NAME"),
    option(
        "--text-held",
        "for a source (required): yes if the project archives its text, no if it keeps only the address (docs/editorial-policy.md, section 9)",
        choices=("yes", "no"),
    ),
    ROOT,
    flag("--update-templates", "regenerate schemas/templates/*.yaml from the schemas and exit"),
)
def new_command(args: argparse.Namespace) -> int:
    from .generate.templates import BadRequest, ScaffoldError, scaffold, write_templates

    root = os.path.abspath(args.root)
    if args.update_templates:
        changed = write_templates(root)
        print(f"updated: {', '.join(changed)}" if changed else "templates are up to date")
        return 0
    if args.id is not None and args.name is not None:
        raise UsageError("give --id or --name, not both", "new")
    if not args.kind:
        raise UsageError("give the KIND of record to start (or --update-templates)", "new")
    if (args.kind == "source") != (args.text_held is not None):
        why = "a source needs --text-held yes (its text is archived) or --text-held no (only its address is kept)"
        raise UsageError(
            why if args.kind == "source" else "--text-held is for a source only", "new"
        )
    try:
        rel = scaffold(root, args.kind, rid=args.id, name=args.name, text_held=args.text_held)
    except BadRequest as exc:
        raise UsageError(str(exc), "new") from None
    except ScaffoldError as exc:
        print(f"{PROG} new: {exc}", file=sys.stderr)
        return 1
    print(f"wrote: {rel}")
    print(
        "next: replace each null that must have a value (the comments say which), then run il76-claims check"
    )
    return 0


@command(
    "fmt",
    "write each record in its canonical form, or check that it is",
    """Rewrite the named records (records/<kind>/<id>.yaml files, folders under
records/, dataset.yaml), or all of them, in their canonical form: keys in the
schema's order, one quoting rule, long text folded, block lists, comments kept
on their own lines (CONTRIBUTING.md, "The canonical form of a record"). Values
never change: the new text is read back and must give the same values and
comments, and each file is replaced in one step. A file with problems of its
own (see il76-claims check) or that cannot be formatted without loss is
reported and left as it was. With --check nothing is written and only the
form is judged (il76-claims check judges the rest): each file not in
canonical form is listed as path:line:col: [R001] message at its first
line that differs. Exits 0 when every file is (now) canonical, 1 when a file was
listed or left as it was.
Example:
  il76-claims fmt records/actor/tass.yaml
  il76-claims fmt --check""",
    option(
        "paths",
        "record files or folders (default: every record and dataset.yaml)",
        metavar="PATH",
        nargs="*",
    ),
    flag("--check", "write nothing; list the files not in canonical form and exit 1 if any"),
    ROOT,
    FORMAT,
)
def fmt_command(args: argparse.Namespace) -> int:
    from .check import canonical

    proj = project(args)
    try:
        result = canonical.run(proj.root, args.paths, check=args.check)
    except canonical.UsageError as exc:
        raise UsageError(str(exc), "fmt") from None
    code = report(args.format, result.problems, files=result.files, changed=result.changed)
    if args.format != "json":
        print(canonical.summary(result, args.check), file=sys.stderr)
    return code


def _open_build(spec: str, root: str) -> Package:
    from .history.diff import DiffError, load_commit, load_folder
    from .history.git import is_repo, resolve, short

    if os.path.isdir(spec):
        if not os.path.exists(os.path.join(spec, "datapackage.json")):
            raise DiffError(f"{spec}: a folder without datapackage.json is not a package folder")
        return load_folder(spec, spec)
    commit = resolve(root, spec) if is_repo(root) else None
    if commit is None:
        raise DiffError(
            f"{spec}: neither a package folder nor a commit in the git repository at {root}"
        )
    return load_commit(root, commit, f"{spec} ({short(commit)})")


@command(
    "diff",
    "compare two builds record by record, with the version bump the changes need",
    """Compare two builds of the package table by table, matching records by their
primary key: records added and removed, ids renamed (recorded in former_ids,
or found by their content), changed fields as old -> new, and
changes to the tables' schemas and the package's metadata, each with the
version bump it needs (docs/versioning.md). OLD and NEW are each a package
folder (holding datapackage.json and data/) or a git commit, branch or tag,
read as committed there. Without NEW, the working tree's records are built
afresh and compared. Exits 0 when there is no difference, 1 when there is
one, 2 when a build cannot be read.
Example:
  il76-claims diff v1.0.0 --format json""",
    option("old", "package folder or git ref of the older build", metavar="OLD"),
    option(
        "new",
        "package folder or git ref of the newer build (default: a fresh build of the working tree)",
        metavar="NEW",
        nargs="?",
    ),
    ROOT,
    SOURCES,
    option(
        "--format",
        "output format (default: text); diff prints differences, not problems, so it has no github form",
        choices=("text", "json"),
        default="text",
    ),
)
def diff_command(args: argparse.Namespace) -> int:
    from .history.diff import DiffError, compare, render_json, render_text
    from .history.git import GitError

    proj = project(args, must_exist=False)
    try:
        old = _open_build(args.old, proj.root)
        new = _open_build(args.new, proj.root) if args.new else fresh_package(proj)
    except (DiffError, GitError) as exc:
        raise UsageError(str(exc), "diff") from None
    d = compare(old, new)
    sys.stdout.write(render_json(d) if args.format == "json" else render_text(d))
    return 0 if d.empty else 1


@command(
    "version-check",
    "fail when the data changed but the version or changelog was not updated",
    """Compare the package committed at a base commit with a fresh build of the
working tree, and fail when the changes need a bigger version bump than
dataset.yaml makes (docs/versioning.md), when CITATION.cff has another
version, or when CHANGELOG.md has no '## [<version>]' section. The base is
--base REF if given; in a GitHub pull request, the merge base with the
target branch; on a GitHub push, the commit before the push; elsewhere, the
merge base with origin/main (or main). With no base to compare with (first
commit, shallow clone) the comparison is skipped with a note. Exits 0 when
all is in order, 1 when something needs fixing, 2 when the check cannot
run.
Example:
  il76-claims version-check --base origin/main""",
    option("--base", "commit, branch or tag to compare with (default: see above)", metavar="REF"),
    *CHECKING,
)
def version_check_command(args: argparse.Namespace) -> int:
    from .history.git import GitError
    from .history.versioning import VersionCheckError, check_version

    try:
        proj = project(args, must_exist=False)
        outcome = check_version(proj, lambda: fresh_package(proj), args.base)
    except (VersionCheckError, GitError) as exc:  # check_version handles a DiffError itself
        raise UsageError(str(exc), "version-check") from None
    if args.format != "json":
        for line in outcome.info:
            print(line)
    ok = "ok: the version, CITATION.cff and CHANGELOG.md agree with the changes"
    return report(args.format, outcome.problems, ok, notices=outcome.notes, info=outcome.info)


@command(
    "release",
    "pack the built package, its copies and docs into dist/<name>-<version>.zip",
    """Write dist/<name>-<version>.zip, with at its root datapackage.json, data/,
the workbook, SQLite file, JSON files and Datasette metadata from dist/,
the site from dist/site/ (built with --no-archived-text), a README for
people who download, the licence, changelog, citation files, the docs a
reader needs, and SHA256SUMS. The archive is reproducible (fixed order and permissions, every
file dated dataset.yaml's released): the same files give the same bytes. Run make (il76-claims
build) first; the release checks that the tables match datapackage.json,
that the version is the same everywhere and that CHANGELOG.md has a section
for it dated as dataset.yaml's released, and reports every problem at once.
An existing archive with different content is never replaced unless --force
is given. With --tag and --assets, it also gathers what a GitHub release
carries (scripts/release.sh, which the release workflow runs).
Example:
  il76-claims build && il76-claims site --no-archived-text && il76-claims release""",
    ROOT,
    flag("--force", "replace an existing archive of the same version that differs"),
    option("--tag", "with --assets: the release's tag, which must be v<version>", metavar="TAG"),
    option(
        "--assets",
        "also copy the files a GitHub release carries into DIR/assets/ and its notes (the CHANGELOG section) into DIR/notes.md",
        metavar="DIR",
    ),
    FORMAT,
)
def release_command(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from .publish.release import ReleaseError, assets, release

    if bool(args.tag) != bool(args.assets):
        raise UsageError("give --tag and --assets together", "release")
    try:
        r = release(os.path.abspath(args.root), force=args.force)
        gathered = assets(os.path.abspath(args.root), args.tag, args.assets) if args.assets else []
    except ReleaseError as exc:
        failed = "{problems} problem(s); no archive was written"
        return report(args.format, exc.problems, fail_line=failed)
    done = [
        f"{'unchanged' if r.unchanged else 'wrote'}: {r.archive} ({r.files} files, {r.bytes} bytes)",
        f"sha256: {r.sha256}",
        *(f"asset: {path}" for path in gathered),
    ]
    return report(args.format, [], "\n".join(done), **asdict(r), assets=gathered)


@command(
    "coverage",
    "list the blocks of each archived source that no record cites and no reason explains",
    """Look, for every block of every archived source, for the records that cite
it, or the reason none does (kept in docs/uncited-blocks.yaml). Prints each
problem (a block neither cited nor explained, a reason for a block that is
cited) as path:line:col: [code] message, and exits 1 if there is any. The full
list is docs/block-coverage.md, which make docs writes.
Example:
  il76-claims coverage --sources ../shared/sources""",
    *CHECKING,
)
def coverage_command(args: argparse.Namespace) -> int:
    from .check.coverage import coverage

    proj = project(args)
    absent = f"the sources folder {proj.sources_dir} does not exist; blocks are counted from the sources' block_count"
    notices = [] if os.path.isdir(proj.sources_dir or "") else [absent]
    cov = coverage(proj.root, proj.sources_dir)
    ok = "ok: every block is cited by a record or explained"
    failed = "{problems} coverage problem(s)"
    return report(args.format, cov.problems, ok, failed, notices=notices, sources=len(cov.sources))


@command(
    "site",
    "check, then write the static site to dist/site/",
    """Check the records; if there is no problem, write a static site of the
package to dist/site/: a home page with what is disputed and by whom, the
claims with every party's side, a page per claim, actor and source (a held
source block by block, with each quote marked when the archived text is
there), the statements with a timeline, the casualty figures, and the
changes of each version. The archived texts are third-party text
that the dataset's licence does not cover: a site that is published (the
release archive, GitHub Pages) is built with --no-archived-text. It is built from the same tables as the package, needs no
server or network (open dist/site/index.html), is written to a staging
folder and swapped in whole, and two builds give identical bytes.
Example:
  il76-claims site --sources ../shared/sources
  il76-claims site --no-archived-text""",
    *CHECKING,
    flag("--no-archived-text", "leave the sources' archived texts out, as a published site must"),
)
def site_command(args: argparse.Namespace) -> int:
    from .publish.site import SITE_DIR, build_site

    result = build_site(project(args), with_text=not args.no_archived_text)
    largest = max(result.pages, key=lambda p: (p[1], p[0]), default=("", 0))
    return report_check(
        args.format,
        result.check,
        f"site: {len(result.pages)} pages in {SITE_DIR}/ (largest: {largest[0]}, {largest[1]:,} bytes)",
        build=True,
    )


# -- running ------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    from .check.files import UnreadableFolder
    from .model.schemas import SchemaError

    # Messages quote record text (Cyrillic, Arabic...). On a terminal whose
    # encoding cannot show it, escape the character rather than crash.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]  # a stream without it raises AttributeError, suppressed
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return args._run(args)
    except UsageError as exc:
        print(f"{exc.prefix}: {exc}", file=sys.stderr)
        return 2
    except SchemaError as exc:  # a maintainer's error in schemas/, not a record's
        print(f"{PROG}: the schemas are broken: {exc}", file=sys.stderr)
        return 2
    except UnreadableFolder as exc:  # nothing can be checked: no data problem to report
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; outputs were left as they were", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # the promise is: never a traceback, unless asked for
        show_traceback = args.traceback or os.environ.get("IL76_TRACEBACK") == "1"
        if show_traceback:
            import traceback

            traceback.print_exception(exc, file=sys.stderr)
        print(f"{PROG}: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        hint = "" if show_traceback else " (run it again with --traceback to see where)"
        print(
            f"{PROG}: this is a bug in the tooling, not in the records; please report it with the command you ran{hint}",
            file=sys.stderr,
        )
        return 2
