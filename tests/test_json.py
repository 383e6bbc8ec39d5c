"""The JSON outputs: valid JSON, the same values as the CSV files, and
every id they hold resolves; the JSON-LD one read by a JSON-LD processor."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pyld import jsonld as pyld

from built_package import built, built_tables, read_csv
from conftest import REPO, base_record
from il76_claims.model.project import JSON, JSONL, JSONLD, Project, default_sources_dir
from il76_claims.publish import citation, jsondoc, jsonld
from il76_claims.publish.build import prepare
from il76_claims.publish.tables import Table, cell

CONTEXT_COPY = REPO / "tests" / "fixtures" / "jsonld" / "schemaorg-context.jsonld"


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
    assert doc["@context"][0] == "https://schema.org/"
    graph = doc["@graph"]
    assert {n["@type"] for n in graph} == {
        "Dataset",
        "Claim",
        "Position",
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
    assert sum(n["@type"] == "Position" for n in graph) == len(tables["claim_positions"].rows)


def json_counts(doc: dict, tables: list[Table]) -> dict[str, int]:
    """How many rows of each table the claims document holds: a table listed
    whole at its top, or one list in each item of its parent table."""
    counts = {}
    for t in tables:
        if t.name in doc:
            counts[t.name] = len(doc[t.name])
        elif t.parent:
            counts[t.name] = sum(len(item[t.list_name]) for item in doc[t.parent[1]])
    return counts


@pytest.fixture(scope="module")
def repository() -> tuple[dict, list[Table]]:
    """The repository's own records, checked and made into tables (read only)."""
    project = Project(root=str(REPO), sources_dir=default_sources_dir(str(REPO)))
    result, tables = prepare(project)
    assert result.ok, "the records do not check; run make to see the problems"
    return result.metadata, tables


def test_the_json_document_holds_as_many_rows_of_each_kind_as_the_csv_tables(repository):
    """The repository's own records: every kind, the relay chains, the
    casualty figures and the statements that take no position."""
    meta, tables = repository
    doc = jsondoc.document(meta, tables)
    csv_rows = {p.stem: len(read_csv(p)) - 1 for p in (REPO / "data").glob("*.csv")}
    assert json_counts(doc, tables) == csv_rows, "the counts differ; if data/ is stale, run make"
    with_position = {p["statement_id"] for c in doc["claims"] for p in c["positions"]}
    without = [s["id"] for s in doc["statements"] if s["id"] not in with_position]
    kinds = ("statement_relays", "casualty_figures", "claim_relations")
    assert without and all(csv_rows[k] for k in kinds), "nothing left to miss: the test is void"


def test_json_counts_finds_a_missing_kind_and_a_missing_list_item(root, tables):
    doc = json.loads((root / JSON).read_text(encoding="utf-8"))
    full = json_counts(doc, list(tables.values()))
    del doc["casualty_figures"]
    doc["claims"][0]["positions"].pop()
    short = json_counts(doc, list(tables.values()))
    assert "casualty_figures" not in short
    assert short["claim_positions"] == full["claim_positions"] - 1


# Whether a statement that takes each stance on a claim is an appearance of
# it: only one that holds the claim true (asserts or suggests it) is.
APPEARS = {
    "asserts": True,
    "suggests": True,
    "denies": False,
    "questions": False,
    "does_not_deny": False,
    "does_not_admit": False,
    "lacks_information": False,
    "declines_to_comment": False,
    "calls_for_investigation": False,
}


def test_every_stance_is_decided_for_appearances():
    codes = json.loads((REPO / "schemas" / "codelists" / "stance.json").read_text("utf-8"))
    assert sorted(APPEARS) == sorted(codes["enum"])


@pytest.mark.parametrize("stance", sorted(APPEARS))
def test_only_a_statement_for_a_claim_is_its_appearance_and_each_stance_is_a_position(
    project_with, stance
):
    basis = "hedged" if stance == "suggests" else "explicit"  # the check's rule X020
    claim = base_record("records/claim/fixture-claim.yaml").replace(
        "stance: lacks_information\n    basis: explicit", f"stance: {stance}\n    basis: {basis}"
    )
    result, tables = prepare(project_with({"records/claim/fixture-claim.yaml": claim}))
    assert result.ok, [str(p) for p in result.problems]
    base = result.metadata["repository"]
    nodes = {n["@id"]: n for n in jsonld.document(result.metadata, tables)["@graph"]}
    shown = ["fixture-narration", *(["fixture-statement"] if APPEARS[stance] else [])]
    takers = ["fixture-outlet", *(["fixture-person"] if APPEARS[stance] else [])]
    claim_node = nodes[f"{base}#claims/fixture-claim"]
    assert claim_node["appearance"] == [{"@id": f"{base}#statements/{s}"} for s in shown]
    assert claim_node["author"] == [{"@id": f"{base}#actors/{a}"} for a in sorted(takers)]
    assert nodes[f"{base}#claim_positions/fixture-claim/2"] == {
        "@id": f"{base}#claim_positions/fixture-claim/2",
        "@type": "Position",
        "about": {"@id": f"{base}#claims/fixture-claim"},
        "agent": {"@id": f"{base}#actors/fixture-person"},
        "stance": stance,
        "basis": basis,
        "isBasedOn": {"@id": f"{base}#statements/fixture-statement"},
    }
    assert nodes[f"{base}#statements/fixture-statement"]["@type"] == "Quotation"


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_json_ld_describes_the_dataset_and_each_file_it_publishes(root, tables):
    meta = citation.read_metadata(str(root))
    graph = json.loads((root / JSONLD).read_text(encoding="utf-8"))["@graph"]
    [dataset] = [n for n in graph if n["@type"] == "Dataset"]
    repo, name = "https://github.com/example-owner/example-dataset", "il76-belgorod-statements"
    released, committed = f"{repo}/releases/download/v0.1.0", f"{repo}/raw/v0.1.0"
    assert {k: v for k, v in dataset.items() if k != "distribution"} == {
        "@id": repo,
        "@type": "Dataset",
        "identifier": name,
        "name": meta["title"],
        "description": meta["description"],
        "version": "0.1.0",
        "datePublished": "2024-02-01",
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "creditText": citation.citation(meta),
        "copyrightNotice": "The quotes are third-party text, not covered by the licence.",
        "creator": [{"@type": "Organization", "name": "il76-belgorod-statements contributors"}],
        "keywords": meta["keywords"],
        "url": repo,
    }
    files = {d.pop("name"): d for d in dataset["distribution"]}
    assert all(d.pop("@type") == "DataDownload" for d in files.values())
    assert files == {
        f"{name}-0.1.0.zip": {
            "encodingFormat": "application/zip",
            "contentUrl": f"{released}/{name}-0.1.0.zip",
        },
        f"{name}.xlsx": {"encodingFormat": XLSX_TYPE, "contentUrl": f"{released}/{name}.xlsx"},
        f"{name}.sqlite": {
            "encodingFormat": "application/vnd.sqlite3",
            "contentUrl": f"{released}/{name}.sqlite",
        },
        f"{name}.json": {
            "encodingFormat": "application/json",
            "contentUrl": f"{released}/{name}.json",
        },
        f"{name}.jsonld": {
            "encodingFormat": "application/ld+json",
            "contentUrl": f"{released}/{name}.jsonld",
        },
        "datapackage.json": {
            "encodingFormat": "application/json",
            "contentUrl": f"{committed}/datapackage.json",
        },
        **{
            f"data/{t}.csv": {
                "encodingFormat": "text/csv",
                "contentUrl": f"{committed}/data/{t}.csv",
            }
            for t in tables
        },
    }
    built_files = {p.relative_to(root).as_posix() for p in (root / "data").glob("*.csv")}
    assert built_files == {f for f in files if f.startswith("data/")}


def test_without_a_repository_the_files_are_named_with_no_address(tmp_path_factory):
    meta = {**citation.read_metadata(str(built(tmp_path_factory))), "repository": None}
    doc = jsonld.document(meta, built_tables(tmp_path_factory))
    dataset = doc["@graph"][0]
    assert dataset["@id"] == "urn:il76-belgorod-statements" and "url" not in dataset
    assert all("contentUrl" not in d and d["encodingFormat"] for d in dataset["distribution"])
    assert doc["@context"][1]["stance"] == "urn:il76-belgorod-statements:codebook#codelist-stance"


def offline_loader(url: str, options: dict | None = None) -> dict:
    """schema.org's context from the saved copy; any other address is refused,
    so that expanding never reaches the network."""
    if url not in ("https://schema.org/", "https://schema.org"):
        raise OSError(f"{url}: not fetched, the test runs offline")
    document = json.loads(CONTEXT_COPY.read_text(encoding="utf-8"))
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": document,
    }


OFFLINE = {"documentLoader": offline_loader}


def _terms(graph) -> tuple[set[str], set[str]]:
    """The keys (other than keywords) and the types used in graph."""
    keys: set[str] = set()
    types: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            keys.update(k for k in node if not k.startswith("@"))
            types.update([node["@type"]] if "@type" in node else [])
            node = list(node.values())
        for value in node if isinstance(node, list) else []:
            walk(value)

    walk(graph)
    return keys, types


def _triples(node) -> int:
    """How many RDF triples node says: one per type and per value, and
    those of every node nested in it."""
    if isinstance(node, list):
        return sum(_triples(v) for v in node)
    if not isinstance(node, dict):
        return 0
    values = [v for k, v in node.items() if k != "@id"]
    return sum(len(v) if isinstance(v, list) else 1 for v in values) + _triples(values)


def _expanded_key(context, key: str) -> list[str]:
    """The IRIs key expands to on its own under context (none if dropped)."""
    return [k for n in pyld.expand({"@context": context, key: "v"}, OFFLINE) for k in n]


def test_the_saved_context_maps_each_term_to_schema_orgs_term_of_its_name():
    saved = json.loads(CONTEXT_COPY.read_text(encoding="utf-8"))["@context"]
    assert saved.pop("@vocab") == saved.pop("schema") == "http://schema.org/"
    assert all(entry["@id"] == f"schema:{term}" for term, entry in saved.items())


@pytest.mark.parametrize("package", ["fixture", "repository"])
def test_json_ld_expands_offline_with_every_term_defined_and_none_dropped(
    package, root, repository
):
    if package == "fixture":
        doc = json.loads((root / JSONLD).read_text(encoding="utf-8"))
    else:
        doc = json.loads(json.dumps(jsonld.document(*repository)))
    saved = json.loads(CONTEXT_COPY.read_text(encoding="utf-8"))["@context"]
    keys, types = _terms(doc["@graph"])
    undefined = (keys | types) - set(saved) - set(doc["@context"][1])
    assert not undefined, f"add these terms to {CONTEXT_COPY.name} from schema.org's context"
    for key in sorted(keys):
        [iri] = _expanded_key(doc["@context"], key)
        assert re.match(r"https?://[^/]+/", iri), (key, iri)
    expanded = pyld.expand(doc, OFFLINE)
    assert len(expanded) == len(doc["@graph"])
    assert {t for n in expanded for t in n["@type"]} == {
        *(f"http://schema.org/{t}" for t in ("Dataset", "Claim", "Quotation", "CreativeWork")),
        *(f"http://schema.org/{t}" for t in ("Person", "Organization")),
        doc["@context"][1]["Position"],
    }
    nquads = pyld.to_rdf(doc, {**OFFLINE, "format": "application/n-quads"})
    assert len(nquads.splitlines()) == _triples(doc["@graph"])


def test_the_offline_loader_refuses_any_other_context():
    with pytest.raises(pyld.JsonLdError):
        pyld.expand({"@context": "https://example.org/context.jsonld", "name": "x"}, OFFLINE)


def test_the_projects_own_terms_are_headings_of_the_codebook():
    """Each term's address ends in the anchor of the codebook heading that
    defines it (GitHub's anchor: lower case, spaces as hyphens, no
    punctuation)."""
    headings = re.findall(r"^#+ (.+)$", (REPO / "docs" / "codebook.md").read_text("utf-8"), re.M)
    anchors = {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}
    assert set(jsonld.TERMS.values()) <= anchors
    assert "table-claim_positions" in anchors and "codelist-stance" in anchors
