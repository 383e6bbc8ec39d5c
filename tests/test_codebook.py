"""docs/codebook.md describes every table, field, key, rule and code (its
freshness is checked with the other generated docs, in test_docs.py)."""

from __future__ import annotations

from conftest import REPO
from il76_claims.generate import codebook
from il76_claims.model.schemas import SchemaSet
from il76_claims.publish.tables import Field, Layout


def _render() -> str:
    return codebook.render(SchemaSet(str(REPO / "schemas")))


def test_every_table_field_and_code_is_described():
    schemas = SchemaSet(str(REPO / "schemas"))
    text = codebook.render(schemas)
    for t in Layout(schemas).ordered():
        assert f"## Table `{t.name}`" in text
        section = text.split(f"## Table `{t.name}`", 1)[1].split("\n## ", 1)[0]
        for i, f in enumerate(t.fields, start=1):
            assert (
                f"| {i} | `{f.name}` | {f.type} | {'yes' if f.required else 'no'} |" in section
            ), (t.name, f.name)
        for col, ref in t.foreign_keys:
            assert f"`{col}` → [`{ref}.id`](#table-{ref})" in section
    for name, cl in schemas.codelists.items():
        section = text.split(f"### Codelist `{name}`", 1)[1].split("\n### ", 1)[0]
        for code in cl.codes:
            assert f"| `{code}` |" in section, (name, code)


def test_cross_field_rules_are_listed():
    assert (
        "- Rules across fields: either count, or both count_low and count_high, is given;"
        in _render()
    )


def test_every_file_the_build_writes_and_every_view_is_described(tmp_path):
    """Each file of a build, and each readable view, has a row in the codebook."""
    from conftest import make_project
    from il76_claims.publish.build import OUTPUTS, build

    project = make_project(tmp_path / "p")
    result = build(project)
    text = _render()
    files = {
        row.split("`")[1]
        for row in text.split("## Files", 1)[1].split("## Codelists")[0].splitlines()
        if row.startswith("| `")
    }
    for out in OUTPUTS:
        out = (
            "data/<table>.csv"
            if out == "data"
            else f"{out}/<table>.jsonl"
            if out.endswith("jsonl")
            else out
        )
        assert out in files or any(out in f for f in files), out
    from il76_claims.publish.views import build_views

    for v in build_views(result.tables):
        assert f"| `{v.table.name}` |" in text


def test_a_text_of_more_than_one_character_states_its_minimum_length():
    field = Field("title", "string", "Title", "The title.", True)
    assert codebook._constraints(field, {"minLength": 3, "maxLength": 200}) == [
        "at least 3 characters",
        "at most 200 characters",
    ]


def test_a_codelist_that_no_column_uses_lists_its_codes_only():
    schemas = SchemaSet(str(REPO / "schemas"))
    lines = codebook._codelist_section(schemas, "stance", [])
    assert lines[3:5] == ["", "| code | description |"]
