"""il76-claims check"""

from __future__ import annotations

from .common import add_format_option, add_project_options, emit_problems, require_project, schemas_broken, summary_of

HELP = "check every record and report all problems"
DESCRIPTION = """Check every record under records/ against the schemas, each other and the
archived sources. Prints one line per problem, sorted, as
path:line:col: [code] message, and exits 1 if there are any, 0 if none."""


def add_arguments(p):
    add_project_options(p)
    add_format_option(p)


def run(args) -> int:
    from ..checker import check
    from ..schemas import SchemaError

    try:
        result = check(require_project(args))
    except SchemaError as exc:
        return schemas_broken(exc)
    summary = summary_of(result)
    emit_problems(args.format, result.problems, summary, f"ok: {result.files} files, {len(result.records)} records, no problems")
    return 0 if result.ok else 1
