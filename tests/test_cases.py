"""Example folders under tests/cases, each run as one test.

A case is a folder ``tests/cases/<group>/<name>/`` holding:

* ``files/`` — files laid over the base project (tests/fixtures/base), by
  their path in the project (``files/records/actor/x.yaml``);
* ``delete`` (optional) — paths of base files to remove, one per line;
* ``expected.txt`` — the checker's exact report, one problem per line
  (empty for a case that must pass).

This is how every check proves it can fail: the folder name says what is
wrong, and ``expected.txt`` holds the exact code, file, line and message.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO, case_files, check_lines, make_project

CASES = REPO / "tests" / "cases"


def _discover():
    out = []
    for expected in sorted(CASES.glob("*/*/expected.txt")):
        case = expected.parent
        out.append(pytest.param(case, id=f"{case.parent.name}/{case.name}"))
    return out


@pytest.mark.parametrize("case", _discover())
def test_case(case: Path, tmp_path):
    files = case_files(case)
    project = make_project(tmp_path / "project", files)
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert check_lines(project) == expected


def test_cases_exist():
    # Guards against a path mistake that would silently run no case at all.
    assert len(_discover()) >= 10
