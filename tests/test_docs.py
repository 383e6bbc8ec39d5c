"""Generated text in README.md and docs/ is fresh (cog blocks), every command's
help is copied into the README and shows an example, and the escaping the
generators share keeps Markdown tables intact."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from conftest import REPO
from il76_claims import cli
from il76_claims.model.escape import markdown_cell
from il76_claims.model.project import default_sources_dir

COGGED = sorted(
    p
    for p in [REPO / "README.md", REPO / "CONTRIBUTING.md", *(REPO / "docs").glob("*.md")]
    if "[[[cog" in p.read_text(encoding="utf-8")
)
# Block coverage shows the archived text's first words, so it is only
# checked where the archive is.
NEEDS_ARCHIVE = {"block-coverage.md"}


def _cog_check(paths) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "--diff", "-U", *map(str, paths)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("path", COGGED, ids=lambda p: p.name)
def test_generated_text_is_fresh(path):
    if path.name in NEEDS_ARCHIVE and not os.path.isdir(default_sources_dir(str(REPO))):
        pytest.skip("the archived sources are not here")
    proc = _cog_check([path])
    assert proc.returncode == 0, (
        f"{path.name} is stale: run `make docs`\n{proc.stdout}{proc.stderr}"
    )


def test_the_freshness_check_fails_on_stale_text(tmp_path):
    stale = tmp_path / "stale.md"
    text = (REPO / "README.md").read_text(encoding="utf-8")
    stale.write_text(
        text.replace("check every record and report all problems", "STALE"), encoding="utf-8"
    )
    proc = _cog_check([stale])
    assert proc.returncode == 5 and "STALE" in proc.stdout + proc.stderr


def test_generated_docs_exist():
    assert {p.name for p in COGGED} >= {
        "README.md",
        "codebook.md",
        "error-codes.md",
        "block-coverage.md",
        "editorial-policy.md",
    }


def test_every_command_has_its_help_in_the_readme_and_an_example():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name, *_ in cli._COMMANDS:
        assert f'cog.out(help_block("{name}"))' in readme, name
        proc = subprocess.run(
            [sys.executable, "-m", "il76_claims", name, "--help"], capture_output=True, text=True
        )
        assert re.search(r"\nexamples?:\n  il76-claims ", proc.stdout), name


@pytest.mark.parametrize(
    "text, literal, cell",
    [
        ("a|b", False, "a\\|b"),
        ("two\nlines", False, "two lines"),
        ("named <id>.yaml & co", False, "named &lt;id&gt;.yaml &amp; co"),
        ("`records/<kind>/` stays code", False, "`records/<kind>/` stays code"),
        ("back\\slash", False, "back\\\\slash"),
        ("*not* _emphasis_ [link]", True, "\\*not\\* \\_emphasis\\_ \\[link\\]"),
        ("*kept* in a cell of links", False, "*kept* in a cell of links"),
    ],
)
def test_markdown_cells_keep_the_table_and_the_text(text, literal, cell):
    assert markdown_cell(text, literal) == cell
