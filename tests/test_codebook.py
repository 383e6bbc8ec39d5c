"""docs/codebook.md is generated from the schemas and kept fresh."""

from __future__ import annotations

import json
import shutil

from conftest import REPO

from il76_claims import codebook
from il76_claims.schemas import SchemaSet
from il76_claims.tables import Layout


def _render() -> str:
    return codebook.render(SchemaSet(str(REPO / "schemas")))


def test_committed_codebook_is_fresh():
    committed = (REPO / codebook.PATH).read_text(encoding="utf-8")
    assert committed == _render(), "docs/codebook.md is stale: run `make docs`"


def test_every_table_field_and_code_is_described():
    schemas = SchemaSet(str(REPO / "schemas"))
    text = codebook.render(schemas)
    for t in Layout(schemas).ordered():
        assert f"## Table `{t.name}`" in text
        section = text.split(f"## Table `{t.name}`", 1)[1].split("\n## ", 1)[0]
        for i, f in enumerate(t.fields, start=1):
            assert f"| {i} | `{f.name}` | {f.type} | {'yes' if f.required else 'no'} |" in section, (t.name, f.name)
        for col, ref in t.foreign_keys:
            assert f"`{col}` → [`{ref}.id`](#table-{ref})" in section
    for name, cl in schemas.codelists.items():
        section = text.split(f"### Codelist `{name}`", 1)[1].split("\n### ", 1)[0]
        for code in cl.codes:
            assert f"| `{code}` |" in section, (name, code)


def test_cross_field_rules_are_listed():
    assert "- Rules across fields: either count, or both count_low and count_high, is given;" in _render()


def test_check_reports_a_stale_codebook(tmp_path, capsys):
    shutil.copytree(REPO / "schemas", tmp_path / "schemas")
    assert codebook.main(["--root", str(tmp_path), "--check"]) == 1  # missing
    assert codebook.main(["--root", str(tmp_path)]) == 0
    assert codebook.main(["--root", str(tmp_path), "--check"]) == 0
    # A description changed in a schema makes the committed file stale.
    path = tmp_path / "schemas" / "codelists" / "stance.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["x-codes"]["denies"] = "Says the proposition is false | new wording."
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert codebook.main(["--root", str(tmp_path), "--check"]) == 1
    assert "docs/codebook.md is stale: run `make docs`" in capsys.readouterr().err
    assert codebook.write(str(tmp_path)) is True
    assert "| `denies` | Says the proposition is false \\| new wording. |" in (tmp_path / codebook.PATH).read_text(encoding="utf-8")


def test_cells_are_escaped():
    assert codebook._cell("a | b\nc \\ d") == "a \\| b c \\\\ d"
