"""frictionless for R reads every table of the package (skipped where R
or its frictionless package is not installed: it comes from CRAN)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from built_package import read_csv
from conftest import REPO

SCRIPT = """
suppressPackageStartupMessages(library(frictionless))
p <- read_package("datapackage.json")
for (n in resources(p)) {
  df <- read_resource(p, n)
  cat(n, nrow(df), ncol(df), "\\n")
}
"""


def _r_frictionless() -> str | None:
    """Why the test cannot run here, or None."""
    if not shutil.which("Rscript"):
        return "R (Rscript) is not installed"
    proc = subprocess.run(
        ["Rscript", "-e", "library(frictionless)"], capture_output=True, text=True
    )
    return (
        None
        if proc.returncode == 0
        else "the R package frictionless is not installed (install.packages('frictionless'))"
    )


REASON = _r_frictionless()


@pytest.mark.skipif(REASON is not None, reason=str(REASON))
def test_frictionless_r_reads_every_table():
    proc = subprocess.run(
        ["Rscript", "-e", SCRIPT], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    got = [line.split() for line in proc.stdout.splitlines() if line.strip()]
    names = [
        r["name"]
        for r in json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    ]
    expected = []
    for n in names:
        rows = read_csv(REPO / "data" / f"{n}.csv")
        expected.append([n, str(len(rows) - 1), str(len(rows[0]))])
    assert got == expected
