"""The JSON outputs: valid JSON, the same values as the CSV files, and
every id they hold resolves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from built_package import built, built_tables, read_csv
from il76_claims.model.project import JSON, JSONL, JSONLD
from il76_claims.publish.tables import Table, cell


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return built(tmp_path_factory)


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> dict[str, Table]:
    return {t.name: t for t in built_tables(tmp_path_factory)}


def _as_row(obj: dict, header: list[str]) -> list[str]:
    assert list(obj) == header
    return [cell(obj[k]) for k in header]


def test_json_lines_give_the_csv_rows(root, tables):
    for name in tables:
        csv_rows = read_csv(root / "data" / f"{name}.csv")
        lines = (root / JSONL / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        assert [_as_row(json.loads(line), csv_rows[0]) for line in lines] == csv_rows[1:], name


def unresolved(doc: dict, tables: dict[str, Table]) -> list[str]:
    """Every id in the claims document that points to no row it holds."""
    ids = {name: {o["id"] for o in doc.get(name, []) if "id" in o} for name in tables}
    ids["claims"] = {c["id"] for c in doc["claims"]}
    refs = {f.name: f.ref_table for t in tables.values() for f in t.fields if f.ref_table}
    out = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in refs and v is not None and v not in ids[refs[k]]:
                    out.append(f"{k}={v}")
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(doc)
    return out


def test_the_claims_document_holds_the_csv_values_and_every_id_resolves(root, tables):
    doc = json.loads((root / JSON).read_text(encoding="utf-8"))
    header = lambda n: read_csv(root / "data" / f"{n}.csv")[0]  # noqa: E731
    claims = [
        {k: v for k, v in c.items() if k not in ("positions", "relations")} for c in doc["claims"]
    ]
    assert [_as_row(c, header("claims")) for c in claims] == read_csv(root / "data" / "claims.csv")[
        1:
    ]
    positions, statements = [], read_csv(root / "data" / "statements.csv")
    for c in doc["claims"]:
        for i, p in enumerate(c["positions"], start=1):
            plain = {"claim_id": c["id"], "position": i} | {
                k: v for k, v in p.items() if k not in ("actor", "statement")
            }
            positions.append(_as_row(plain, header("claim_positions")))
            assert _as_row(p["statement"], statements[0]) in statements[1:]
            assert (p["actor"]["id"], p["statement"]["id"]) == (p["actor_id"], p["statement_id"])
    assert positions == read_csv(root / "data" / "claim_positions.csv")[1:]
    # Every other table is there whole: statements with no position, figures, relays, links.
    for name in set(tables) - {"claims", "claim_positions", "claim_relations"}:
        assert [_as_row(o, header(name)) for o in doc[name]] == read_csv(
            root / "data" / f"{name}.csv"
        )[1:], name
    assert unresolved(doc, tables) == []


def test_a_broken_reference_is_found(root, tables):
    doc = json.loads((root / JSON).read_text(encoding="utf-8"))
    doc["claims"][0]["positions"][0]["actor_id"] = "no-such-actor"
    assert unresolved(doc, tables) == ["actor_id=no-such-actor"]


def _ids(node) -> list[str]:
    """Every {"@id": ...} reference below node (not the node's own id)."""
    if isinstance(node, dict):
        return [v["@id"] for v in node.values() if isinstance(v, dict) and "@id" in v] + [
            i for v in node.values() for i in _ids(v)
        ]
    return [i for v in node for i in _ids(v)] if isinstance(node, list) else []


def test_json_ld_uses_schema_org_claims_and_quotations_and_every_node_resolves(root, tables):
    doc = json.loads((root / JSONLD).read_text(encoding="utf-8"))
    assert doc["@context"] == "https://schema.org/"
    graph = doc["@graph"]
    assert {n["@type"] for n in graph} == {
        "Claim",
        "Quotation",
        "Person",
        "Organization",
        "CreativeWork",
    }
    text = json.dumps(doc)
    assert "ClaimReview" not in text and "reviewRating" not in text
    nodes = {n["@id"] for n in graph}
    assert len(nodes) == len(graph) and set(_ids(graph)) <= nodes
    claims = {n["identifier"]: n for n in graph if n["@type"] == "Claim"}
    assert {r[0]: r[1] for r in tables["claims"].rows} == {k: n["text"] for k, n in claims.items()}
    quotes = {
        r[0]: r[[f.name for f in tables["statements"].fields].index("quote")]
        for r in tables["statements"].rows
    }
    assert all(quotes[n["identifier"]] == n["text"] for n in graph if n["@type"] == "Quotation")
