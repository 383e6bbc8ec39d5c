"""il76-claims build"""

from __future__ import annotations

from .common import add_format_option, add_project_options, emit_problems, require_project, schemas_broken, summary_of

HELP = "check, then write data/*.csv and datapackage.json"
DESCRIPTION = """Check the records; if there is no problem, write the tables under data/ and
datapackage.json. Everything is written to a staging folder first and swapped
in at the end, so a failed or interrupted build leaves the previous package
as it was. Two builds of the same records give identical bytes."""


def add_arguments(p):
    add_project_options(p)
    add_format_option(p)


def run(args) -> int:
    from ..build import build
    from ..schemas import SchemaError

    try:
        result = build(require_project(args))
    except SchemaError as exc:
        return schemas_broken(exc)
    rows = sum(len(t.rows) for t in result.tables)
    summary = summary_of(result.check, build=True)
    emit_problems(args.format, result.check.problems, summary, f"built: {len(result.written)} files, {len(result.tables)} tables, {rows} rows")
    return 0 if result.ok else 1
