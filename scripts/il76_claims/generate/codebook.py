"""docs/codebook.md, written from the schemas and nothing else.

The codebook lists every table, field, type, constraint, key and code. It is
generated from the same ``Layout`` that shapes the CSVs, so it cannot
describe a column the package does not have. A cog block in the file calls
``render``; ``make docs`` rewrites it and the tests fail when it is stale.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from ..model.escape import markdown_cell as _cell
from ..model.policy import FOR
from ..model.project import DATASETTE, JSON, JSONL, JSONLD, SQLITE, XLSX
from ..model.schemas import KINDS, SchemaSet
from ..publish import dispute
from ..publish.tables import FORMER_IDS, Field, Layout, Table
from ..publish.views import build_views
from .templates import cross_field_rules


def _code(text: str) -> str:
    return f"`{text}`"


def markdown_table(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A Markdown table's lines, and the empty line after it."""
    lines = ["| " + " | ".join(cells) + " |" for cells in [columns, *rows]]
    return [lines[0], "|---" * len(columns) + "|", *lines[1:], ""]


def _source_props(schemas: SchemaSet, layout: Layout) -> dict[tuple[str, str], dict]:
    """(table, field) -> the resolved schema property the column comes from,
    for the constraints the Layout does not keep (length, pattern)."""
    out = {}
    for kind in KINDS:
        for p in schemas.walk(schemas.kinds[kind]):
            if p.parent is not None and p.parent.node.get("x-table") == FORMER_IDS:
                out[(FORMER_IDS, "former_id" if p.name == "id" else p.name)] = p.schema
            elif p.parent is None and p.name == "id":
                out[(layout.kind_table[kind], "id")] = out[(FORMER_IDS, "id")] = p.schema
            elif p.parent is not None:
                out[(p.parent.node["x-table"], p.name)] = p.schema
            elif p.items is None:
                out[(layout.kind_table[kind], p.name)] = p.schema
            elif "properties" not in p.items:
                out[(p.node["x-table"], p.node["x-column"])] = p.items
    return out


def _constraints(f: Field, prop: dict) -> list[str]:
    out = []
    if f.unique:
        out.append("unique")
    if f.codelist:
        out.append(f"codes: [{f.codelist}](#codelist-{f.codelist})")
    elif f.enum:
        out.append("one of " + ", ".join(_code(v) for v in f.enum))
    if f.ref_table:
        out.append(f"→ [`{f.ref_table}.id`](#table-{f.ref_table})")
    if f.minimum is not None:
        out.append(f"≥ {f.minimum}")
    if f.maximum is not None:
        out.append(f"≤ {f.maximum}")
    if f.type == "string" and not f.codelist:
        if prop.get("minLength", 0) > 1:
            out.append(f"at least {prop['minLength']} characters")
        if prop.get("maxLength"):
            out.append(f"at most {prop['maxLength']} characters")
        if prop.get("pattern"):
            out.append(prop.get("x-pattern-hint") or f"matches `{prop['pattern']}`")
        if prop.get("x-multiline"):
            out.append("may hold line breaks")
    return out


def _origin(layout: Layout, t: Table) -> str:
    for kind in KINDS:
        if layout.kind_table[kind] == t.name:
            return f"one row per file `records/{kind}/<id>.yaml`"
        for prop, child in layout.children[kind]:
            if child == t.name:
                return f"one row per item of the list `{prop}` in `records/{kind}/<id>.yaml`, in list order"
    if t.name == dispute.NAME:
        return "one row per actor per claim it takes positions on, computed by the build from `claim_positions`"
    if t.name == FORMER_IDS:
        return "one row per item of the list `former_ids` in any `records/<kind>/<id>.yaml`"
    return "written from the codelists under `schemas/codelists/`"


def _table_section(schemas: SchemaSet, layout: Layout, props: dict, t: Table) -> list[str]:
    lines = [f"## Table `{t.name}`", "", f"**{t.title}.** {t.description}", ""]
    lines.append(f"- File: `data/{t.name}.csv`; {_origin(layout, t)}.")
    lines.append("- Primary key: " + ", ".join(_code(c) for c in t.primary_key) + ".")
    fks = "; ".join(f"`{c}` → [`{ref}.id`](#table-{ref})" for c, ref in t.foreign_keys)
    if fks:
        lines.append(f"- Foreign keys: {fks}.")
    kind = next((k for k in KINDS if layout.kind_table[k] == t.name), None)
    rules = cross_field_rules(schemas.kinds[kind]) if kind else []
    if rules:
        lines.append("- Rules across fields: " + "; ".join(rules) + ".")
    rows = []
    for i, f in enumerate(t.fields, start=1):
        cons = "; ".join(_constraints(f, props.get((t.name, f.name), {})))
        about = f"{f.title}: {f.description}" if f.description else f.title
        required = "yes" if f.required else "no"
        rows.append((str(i), _code(f.name), f.type, required, _cell(cons), _cell(about)))
    columns = ("#", "field", "type", "required", "constraints", "title: description")
    return [*lines, "", *markdown_table(columns, rows)]


def _codelist_section(schemas: SchemaSet, name: str, tables: list[Table]) -> list[str]:
    cl = schemas.codelists[name]
    used_by = [f"{t.name}.{f.name}" for t in tables for f in t.fields if f.codelist == name]
    lines = [f"### Codelist `{name}`", "", f"**{cl.title}.** {cl.description}", ""]
    if used_by:
        lines += ["Used by: " + ", ".join(_code(u) for u in used_by) + ".", ""]
    rows = [(_code(code), _cell(desc)) for code, desc in cl.codes.items()]
    return lines + markdown_table(("code", "description"), rows)


# Every file the build writes, and what it holds.
FILES = {
    "datapackage.json": "The Frictionless Data Package descriptor: the package's metadata (with `id`, `homepage`, `created`, `rights`) and, for each table, its CSV file's path, size, SHA-256, dialect and Table Schema.",
    "data/<table>.csv": "One CSV file per [table](#tables).",
    XLSX: "The workbook: an About sheet (version, licence, rights, how to cite, a dictionary of every column), one sheet per table, then one sheet per [view](#views).",
    SQLITE: "SQLite: one table per table, one view per [view](#views), and `_meta_package`, `_meta_tables`, `_meta_columns` describing them.",
    DATASETTE: "Metadata for Datasette: descriptions of every table, view and column, the label column of each table others point to, the `_meta_*` tables hidden, canned queries (`disputed_claims`, `statements_with_speakers`, `figures_by_claimant`). Each table's description names its columns in a folded list, so that the rows show on the first screen.",
    f"{JSONL}/<table>.jsonl": "One JSON object per row of a table, one per line; keys are the columns, in order. Integers are numbers, booleans `true`/`false`, no value `null`, everything else the text of the CSV cell.",
    JSON: "One JSON document: the package's name, title, version, licences, rights, repository and citation; `claims`, each with its `relations` and `positions` lists as in the records, each position carrying next to `actor_id` and `statement_id` the whole `actor` and `statement` rows; and every other table whole (`statements`, with those that hold no position, `statement_sources`, `statement_relays`, `sources`, `actors`, `events`, `casualty_figures`, `claim_actors`, `codelists`...), so that every id resolves and every record is there. Values are typed as in the JSON Lines files.",
    JSONLD: "JSON-LD in the schema.org vocabulary: a `Dataset` (name, description, licence, version, how to cite it as `creditText`, its creators, and a `DataDownload` with its media type for each file a version publishes); each claim a `Claim` (`text` the proposition, `appearance` only the statements whose stance on it is "
    + " or ".join(f"`{s}`" for s in sorted(FOR))
    + ", `author` the actors who take those stances); each position, whatever its stance, a `Position` (`about` the claim, `agent` the actor, `isBasedOn` the statement, `stance` and `basis` the codes): schema.org has no term for a stance, so `Position`, `stance` and `basis` are the project's own, defined in the document's context as the addresses of their headings in this codebook at the version's tag; each statement with a position a `Quotation` (`text` the quote, `author` the speaker, `isPartOf` the source, `description` the summary), or for a paraphrased statement a `CreativeWork` of `genre` \"paraphrase\" with no `text`; each actor a `Person` or `Organization`; each source a `CreativeWork`. Dates appear only when exact to the day. Never a `ClaimReview` or rating.",
    "quote-checks.csv": "The record of the quotes that were checked against their archived texts: one row per verified quote (`record`, `sha256` of the archive's hash, block, kind and quote). Written only by a check that had the archived texts; a build without them keeps it as it is, and a quote is `quote_verified` only while its record still hashes as recorded.",
    "CITATION.cff, .zenodo.json": "Citation metadata for GitHub and Zenodo, written from `dataset.yaml`.",
}


def _views_and_files(tables: list[Table]) -> list[str]:
    lines = [
        "## Views",
        "",
        "Each `<table>_readable` is a SQLite view and a workbook sheet: the table's columns, with after each id the label of the row it points to (a name, a proposition, a title, or the id where the title is empty) and after each code its meaning. The base tables do not change.",
        "",
    ]
    by_name = {t.name: t for t in tables}
    rows = []
    for v in build_views(tables):
        base = {f.name for f in by_name[v.base].fields}
        added = [f"`{f.name}`" for f in v.table.fields if f.name not in base]
        rows.append((f"`{v.table.name}`", ", ".join(added)))
    lines += markdown_table(("view", "columns it adds"), rows)
    files = [(f"`{path}`", desc) for path, desc in FILES.items()]
    return [*lines, "## Files", "", *markdown_table(("file", "what it holds"), files)]


def render(schemas: SchemaSet) -> str:
    layout = Layout(schemas)
    tables = layout.ordered()
    props = _source_props(schemas, layout)
    rows = [
        (
            f"[`{t.name}`](#table-{t.name})",
            _cell(t.title),
            ", ".join(_code(c) for c in t.primary_key),
            _cell(_origin(layout, t)),
        )
        for t in tables
    ]
    lines = [
        "## Tables",
        "",
        *markdown_table(("table", "title", "primary key", "one row per"), rows),
    ]
    for t in tables:
        lines += _table_section(schemas, layout, props, t)
    lines += _views_and_files(tables)
    lines += [
        "## Codelists",
        "",
        "Every code with its meaning; the same list is the table [`codelists`](#table-codelists) (`data/codelists.csv`).",
        "",
    ]
    for name in sorted(schemas.codelists):
        lines += _codelist_section(schemas, name, tables)
    return "\n".join(lines).rstrip("\n") + "\n"


def render_for(root: str) -> str:
    """render for the project at root (what the cog block in docs/codebook.md calls)."""
    return render(SchemaSet(os.path.join(root, "schemas")))
