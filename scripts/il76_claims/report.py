"""Problems → text for people, JSON for programs, annotations for GitHub."""

from __future__ import annotations

import json

from .problems import Problem

FORMATS = ("text", "json", "github")


def text(problems: list[Problem]) -> str:
    return "".join(f"{p.path}:{p.line}:{p.col}: [{p.code}] {p.message}\n" for p in problems)


def as_json(problems: list[Problem], summary: dict) -> str:
    return json.dumps({"summary": summary, "problems": [p.as_dict() for p in problems]}, ensure_ascii=False, indent=2) + "\n"


def _gh_escape(s: str, prop: bool = False) -> str:
    # GitHub's workflow-command encoding: data escapes %, CR, LF; properties
    # also escape ':' and ','.
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        s = s.replace(":", "%3A").replace(",", "%2C")
    return s


def github(problems: list[Problem]) -> str:
    return "".join(
        f"::error file={_gh_escape(p.path, True)},line={p.line},col={p.col},title={_gh_escape(p.code, True)}::{_gh_escape(p.message)}\n"
        for p in problems
    )


def render(fmt: str, problems: list[Problem], summary: dict) -> str:
    if fmt == "json":
        return as_json(problems, summary)
    if fmt == "github":
        return github(problems)
    return text(problems)
