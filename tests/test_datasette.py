"""dist/metadata.json: Datasette serves the SQLite file with it, every link
to a row is labelled by a value (never "None"), the _meta_* tables are
hidden, and every canned query runs."""

from __future__ import annotations

import json
import re
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from conftest import base_record, make_project
from il76_claims.model.project import DATASETTE, SQLITE
from il76_claims.publish.build import build

DB = Path(SQLITE).stem
# A source without a title: the case that labelled every link "None".
# A source with no title (its label falls back on its publisher and date),
# and the fixture claim disputed: the person questions what the outlet asserts.
UNTITLED = {
    "records/source/fixture-source.yaml": base_record("records/source/fixture-source.yaml").replace(
        "title: A fixture article", "title: null"
    ),
    "records/claim/fixture-claim.yaml": base_record("records/claim/fixture-claim.yaml").replace(
        "stance: lacks_information", "stance: questions"
    ),
}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("datasette") / "p", UNTITLED)
    assert build(project).ok
    return Path(project.root)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(root):
    port = _free_port()
    argv = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        "--immutable",
        str(root / SQLITE),
        "-m",
        str(root / DATASETTE),
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
    ]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):  # up to 30 s to start, on a busy machine
            try:
                httpx.get(f"{url}/-/versions.json", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None:
                    pytest.fail(f"datasette stopped: {proc.stdout.read().decode()}")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _get(url: str) -> httpx.Response:
    r = httpx.get(url, timeout=30)
    assert r.status_code == 200, (url, r.status_code, r.text[:500])
    return r


def test_a_table_page_labels_every_link(server):
    html = _get(f"{server}/{DB}/statements").text
    assert "fixture-source" in html and ">None<" not in html and "None</a>" not in html
    data = _get(f"{server}/{DB}/statements.json?_labels=on&_shape=array").json()
    labels = [row["source_id"]["label"] for row in data]
    assert labels and None not in labels and "None" not in labels


def test_a_row_page_labels_every_link(server):
    html = _get(f"{server}/{DB}/claim_positions").text
    assert "Fixture" in html and ">None<" not in html
    row = _get(f"{server}/{DB}/statements/fixture-statement").text
    assert "fixture-statement" in row and ">None<" not in row


def test_the_meta_tables_are_hidden_and_the_package_is_described(server, root):
    tables = {t["name"]: t for t in _get(f"{server}/{DB}.json").json()["tables"]}
    assert {n for n, t in tables.items() if t["hidden"]} == {
        "_meta_package",
        "_meta_tables",
        "_meta_columns",
    }
    home = _get(f"{server}/").text
    meta = json.loads((root / DATASETTE).read_text(encoding="utf-8"))
    assert meta["title"] in home and "CC-BY-4.0" in home


def test_every_canned_query_runs(server, root):
    meta = json.loads((root / DATASETTE).read_text(encoding="utf-8"))
    queries = meta["databases"][DB]["queries"]
    assert set(queries) == {"disputed_claims", "statements_with_speakers", "figures_by_claimant"}
    for name in queries:
        rows = _get(f"{server}/{DB}/{name}.json?_shape=array").json()
        assert rows, name
    # Each disputed claim has parties on both sides, named, each once.
    for row in _get(f"{server}/{DB}/disputed_claims.json?_shape=array").json():
        assert row["for"] and row["against"], row["proposition"]
        assert (
            len(row["for"].split("; ")) == row["actors_for"]
            and len(row["against"].split("; ")) == row["actors_against"]
        )


def test_a_table_page_shows_rows_before_a_folded_column_glossary(server):
    html = _get(f"{server}/{DB}/statements").text
    assert html.index("<details>") < html.index("What each column holds") < html.index("</details>")
    # Datasette lists a "columns" entry as a glossary above the rows; there is none.
    assert '<dl class="column-descriptions">' not in html


def test_every_table_and_column_is_described_and_labelled(root):
    meta = json.loads((root / DATASETTE).read_text(encoding="utf-8"))["databases"][DB]["tables"]
    con = sqlite3.connect(root / SQLITE)
    for (name,) in con.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE '\\_meta%' ESCAPE '\\'"
    ):
        cols = [r[1] for r in con.execute(f'PRAGMA table_info("{name}")')]
        described = re.findall(
            r"<dt><code>([^<]+)</code></dt><dd>([^<]*)</dd>", meta[name]["description_html"]
        )
        assert [c for c, _ in described] == cols and all(d for _, d in described), name
        label = meta[name].get("label_column")
        if label:
            assert con.execute(
                f'SELECT count(*) FROM "{name}" WHERE "{label}" IS NULL OR "{label}" = \'\''
            ).fetchone() == (0,), name
    labels = [meta[t]["label_column"] for t in ("sources", "statements", "claims", "actors")]
    assert labels == ["label", "label", "proposition", "name"]
