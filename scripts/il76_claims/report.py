"""Problems → text for people, JSON for programs, annotations for GitHub.

Every format keeps one problem per line whatever a message quotes: line
breaks, controls and direction-changing characters that reach a message
(from a field name, say) are written as escapes in text and annotations;
JSON escapes them itself.
"""

from __future__ import annotations

import json

from .problems import CODES, Problem

FORMATS = ("text", "json", "github")


def _safe(s: str) -> str:
    if s.isprintable():
        return s
    return "".join(ch if ch.isprintable() or ch == " " else f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}" for ch in s)


def text(problems: list[Problem]) -> str:
    return "".join(f"{_safe(p.path)}:{p.line}:{p.col}: [{p.code}] {_safe(p.message)}\n" for p in problems)


def as_json(problems: list[Problem], summary: dict) -> str:
    # ensure_ascii=False keeps Cyrillic and Arabic readable; json still
    # escapes control characters, and U+2028/U+2029 are escaped below so the
    # output is also valid JavaScript.
    out = json.dumps({"summary": summary, "problems": [p.as_dict() for p in problems]}, ensure_ascii=False, indent=2)
    return out.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n"


def _gh_escape(s: str, prop: bool = False) -> str:
    # GitHub's workflow-command encoding (actions/toolkit escapeData and
    # escapeProperty): data escapes %, CR and LF; properties also ':' and ','.
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        s = s.replace(":", "%3A").replace(",", "%2C")
    return s


def _gh_title(code: str) -> str:
    c = CODES.get(code)
    return f"{code} {c.title}" if c else code


def github(problems: list[Problem]) -> str:
    return "".join(
        f"::error file={_gh_escape(_safe(p.path), True)},line={p.line},col={p.col},title={_gh_escape(_gh_title(p.code), True)}::{_gh_escape(_safe(p.message))}\n"
        for p in problems
    )


def render(fmt: str, problems: list[Problem], summary: dict) -> str:
    if fmt == "json":
        return as_json(problems, summary)
    if fmt == "github":
        return github(problems)
    return text(problems)
