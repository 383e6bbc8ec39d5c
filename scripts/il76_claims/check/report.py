"""Problems → text for people, JSON for programs, annotations for GitHub.

Every format keeps one problem per line whatever a message quotes: line
breaks, controls and direction-changing characters that reach a message
(from a field name, say) are written as escapes in text and annotations;
JSON escapes them itself.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..model.escape import escape, github_data, github_property
from ..model.problems import CODES, Problem

FORMATS = ("text", "json", "github")


def text(problems: Sequence[Problem], level: str = "") -> str:
    return "".join(
        f"{escape(p.path)}:{p.line}:{p.col}: {level}[{p.code}] {escape(p.message)}\n"
        for p in problems
    )


def as_json(problems: list[Problem], summary: dict) -> str:
    # ensure_ascii=False keeps Cyrillic and Arabic readable; json still
    # escapes control characters, and U+2028/U+2029 are escaped below so the
    # output is also valid JavaScript.
    out = json.dumps(
        {"summary": summary, "problems": [p.as_dict() for p in problems]},
        ensure_ascii=False,
        indent=2,
    )
    return out.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n"


def github(problems: Sequence[Problem], level: str = "error") -> str:
    # Every code is registered: model.problems.problem refuses any other.
    return "".join(
        f"::{level} file={github_property(escape(p.path))},line={p.line},col={p.col},title={github_property(f'{p.code} {CODES[p.code].title}')}::{github_data(escape(p.message))}\n"
        for p in problems
    )


def render(
    fmt: str, problems: list[Problem], summary: dict, warnings: Sequence[Problem] = ()
) -> str:
    """The problems, then the warnings (which stop nothing; JSON carries
    them in its summary)."""
    if fmt == "json":
        return as_json(problems, summary)
    if fmt == "github":
        return github(problems) + github(warnings, "warning")
    return text(problems) + text(warnings, "warning ")
