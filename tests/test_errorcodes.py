"""Every registered code is documented and live: used by the code and
exercised by a test (docs/error-codes.md is checked for freshness with the
other generated docs, in test_docs.py)."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import REPO
from il76_claims.generate import errorcodes as errordocs
from il76_claims.model.problems import CODES, Code

CODE_RE = re.compile(r"\b[A-Z][0-9]{3}\b")
PACKAGE = REPO / "scripts" / "il76_claims"


def test_every_code_is_well_formed_and_documented():
    for code, c in CODES.items():
        assert re.fullmatch(r"[A-Z][0-9]{3}", code) and c.code == code
        assert c.title and c.example and c.fix, code
        assert c.fix.endswith("."), code
    doc = errordocs.render()
    for code in CODES:
        assert f'<a id="{code.lower()}"></a>{code} |' in doc


def test_doc_escapes_what_markdown_would_swallow():
    doc = errordocs.render()
    assert "records/&lt;kind&gt;/" in doc  # not an HTML tag that vanishes
    assert "'\\|-'" in doc  # a '|' inside a table cell


def _emitted_codes() -> set[str]:
    out = set()
    for path in PACKAGE.rglob("*.py"):
        if path.name == "problems.py":
            continue
        out |= set(re.findall(r"""["']([A-Z][0-9]{3})["']""", path.read_text(encoding="utf-8")))
    return out


def _tested_codes() -> set[str]:
    out = set()
    for expected in (REPO / "tests" / "cases").glob("*/*/expected.txt"):
        out |= set(re.findall(r"\[([A-Z][0-9]{3})\]", expected.read_text(encoding="utf-8")))
    for path in (REPO / "tests").glob("test_*.py"):
        if path.name != Path(__file__).name:
            out |= set(CODE_RE.findall(path.read_text(encoding="utf-8")))
    return out


def test_every_code_the_package_emits_is_registered():
    assert _emitted_codes() - set(CODES) == set()


# Codes known to be registered but unused, each with the open question. The
# check is exact, so an entry must go as soon as its code is used or retired.
KNOWN_UNUSED = {}


def test_no_registered_code_is_dead():
    emitted, tested = _emitted_codes(), _tested_codes()
    assert sorted(set(CODES) - emitted) == sorted(KNOWN_UNUSED), (
        "registered but never reported by the package"
    )
    assert sorted(set(CODES) - tested - set(KNOWN_UNUSED)) == [], (
        "reported but exercised by no case folder or test"
    )


def test_an_example_holding_code_is_kept_as_markdown_with_its_bars_escaped():
    assert errordocs._example("write `x` | y") == "write `x` \\| y"


def test_codes_of_a_stage_without_a_group_are_listed_under_other(monkeypatch):
    stray = Code("Z001", "a code of a new stage", "an example", "a fix")
    monkeypatch.setattr(errordocs, "CODES", {**CODES, "Z001": stray})
    assert errordocs._groups()[-1] == ("", "Other", "Codes of other stages.", [stray])
