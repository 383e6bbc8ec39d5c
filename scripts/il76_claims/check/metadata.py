"""Whether the files that state the version agree: dataset.yaml's version,
CITATION.cff's, and a CHANGELOG.md section for it."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..model.problems import Problem, file_problem, problem
from ..model.project import DATASET
from .strict_yaml import load_dataset, load_file

CHANGELOG = "CHANGELOG.md"
CITATION = "CITATION.cff"
VERSION_RE = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\Z")


def parse_version(v: object) -> tuple[int, int, int] | None:
    m = VERSION_RE.match(v) if isinstance(v, str) else None
    return (int(m[1]), int(m[2]), int(m[3])) if m else None


def changelog_sections(text: str) -> list[str]:
    """Versions that have a '## [x.y.z]' heading (Keep a Changelog)."""
    return re.findall(r"^## \[([^\]\n]+)\](?:[ \t].*)?$", text, re.M)


def yaml_value(root: str, rel: str, key: str) -> tuple[str | None, int, str | None]:
    """(value, line, problem) for a top-level key of a YAML file, read with
    the strict loader."""
    path = os.path.join(root, rel)
    if not os.path.exists(path):
        return None, 1, f"{rel} is missing"
    rec, problems = load_dataset(root)[1:] if rel == DATASET else load_file(rel, path, "")
    if rec is None or problems:
        where = f" (line {problems[0].line}: {problems[0].message})" if problems else ""
        line = problems[0].line if problems else 1
        return None, line, f"{rel} cannot be read{where}; run il76-claims check"
    value, line = rec.data.get(key), rec.mark(f"$.{key}")[0]
    if not isinstance(value, str):
        return None, line, f"{rel} has no text field '{key}'"
    return value, line, None


def metadata_problems(root: str) -> tuple[str | None, list[Problem]]:
    """dataset.yaml's version, and what disagrees with it: CITATION.cff's
    version, a missing CHANGELOG.md section, another release date."""
    version, vline, err = yaml_value(root, DATASET, "version")
    if err:
        return None, [problem(DATASET, vline, 1, "V001", err)]
    if version is None or parse_version(version) is None:
        why = f"version {version!r} is not MAJOR.MINOR.PATCH (e.g. 1.2.0)"
        return None, [problem(DATASET, vline, 1, "V002", why)]
    cversion, cline, err = yaml_value(root, CITATION, "version")
    out = [problem(CITATION, cline, 1, "V001", err)] if err else []
    if err is None and cversion != version:
        why = f"version is {cversion} but dataset.yaml says {version}; run make, which writes CITATION.cff from dataset.yaml"
        out = [problem(CITATION, cline, 1, "V003", why)]
    try:
        text = Path(root, CHANGELOG).read_text(encoding="utf-8")
    except FileNotFoundError:
        why = f"{CHANGELOG} is missing; add it with a '## [{version}] - YYYY-MM-DD' section"
        return version, [*out, file_problem(CHANGELOG, "V001", why)]
    except (OSError, UnicodeDecodeError) as exc:
        why = f"{CHANGELOG} cannot be read: {exc}"
        return version, [*out, file_problem(CHANGELOG, "V001", why)]
    found = section(text, version)
    if found is None:
        why = f"no '## [{version}]' section for the version in dataset.yaml; add one (e.g. '## [{version}] - YYYY-MM-DD') saying what changed"
        return version, [*out, file_problem(CHANGELOG, "V004", why)]
    released, rline, _ = yaml_value(root, DATASET, "released")
    if released is not None and found[0] is not None and found[0] != released:
        why = f"released is {released} but CHANGELOG.md dates {version} {found[0]}; make them the same"
        out.append(problem(DATASET, rline, 1, "V005", why))
    return version, out


def section(text: str, version: str) -> tuple[str | None, str] | None:
    """(date, text) of the '## [version] - date' section, the text without
    its heading; None when there is no such section."""
    m = re.search(
        rf"^## \[{re.escape(version)}\](?:[ \t]+-[ \t]+(\S+))?[^\n]*(?:\n|\Z)(.*?)(?=^## \[|\Z)",
        text,
        re.M | re.S,
    )
    return (m[1], m[2].strip("\n") + "\n") if m else None
