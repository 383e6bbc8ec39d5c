"""Whether the files that state the version agree: dataset.yaml's version,
CITATION.cff's, and a CHANGELOG.md section for it."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from .strict_yaml import load_file

CHANGELOG = "CHANGELOG.md"
CITATION = "CITATION.cff"
DATASET = "dataset.yaml"
VERSION_RE = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\Z")


def parse_version(v: object) -> tuple[int, int, int] | None:
    m = VERSION_RE.match(v) if isinstance(v, str) else None
    return (int(m[1]), int(m[2]), int(m[3])) if m else None


def changelog_sections(text: str) -> list[str]:
    """Versions that have a '## [x.y.z]' heading (Keep a Changelog)."""
    return re.findall(r"^## \[([^\]\n]+)\](?:[ \t].*)?$", text, re.M)


@dataclass(frozen=True)
class Finding:
    """A reason the check fails, at a file and line when there is one."""

    path: str
    line: int
    message: str


def yaml_value(root: str, rel: str, key: str) -> tuple[str | None, int, str | None]:
    """(value, line, problem) for a top-level key of a YAML file, read with
    the strict loader."""
    path = os.path.join(root, rel)
    if not os.path.exists(path):
        return None, 1, f"{rel} is missing"
    rec, problems = load_file(rel, path, "")
    if rec is None or problems:
        first = problems[0] if problems else None
        where = f" (line {first.line}: {first.message})" if first else ""
        return (
            None,
            first.line if first else 1,
            f"{rel} cannot be read{where}; run il76-claims check",
        )
    value = rec.data.get(key)
    line = rec.mark(f"$.{key}")[0]
    if not isinstance(value, str):
        return None, line, f"{rel} has no text field '{key}'"
    return value, line, None


def metadata_findings(root: str) -> tuple[str | None, list[Finding]]:
    """dataset.yaml's version, and what disagrees with it: CITATION.cff's
    version, a missing CHANGELOG.md section."""
    version, vline, err = yaml_value(root, DATASET, "version")
    if err:
        return None, [Finding(DATASET, vline, err)]
    if version is None or parse_version(version) is None:
        return None, [
            Finding(DATASET, vline, f"version {version!r} is not MAJOR.MINOR.PATCH (e.g. 1.2.0)")
        ]
    out = []
    cversion, cline, err = yaml_value(root, CITATION, "version")
    if err:
        out.append(Finding(CITATION, cline, err))
    elif cversion != version:
        out.append(
            Finding(
                CITATION,
                cline,
                f"version is {cversion} but dataset.yaml says {version}; run make, which writes CITATION.cff from dataset.yaml",
            )
        )
    try:
        with open(os.path.join(root, CHANGELOG), encoding="utf-8") as fh:
            text = fh.read()
    except FileNotFoundError:
        out.append(
            Finding(
                CHANGELOG,
                1,
                f"{CHANGELOG} is missing; add it with a '## [{version}] - YYYY-MM-DD' section",
            )
        )
    except (OSError, UnicodeDecodeError) as exc:
        out.append(Finding(CHANGELOG, 1, f"{CHANGELOG} cannot be read: {exc}"))
    else:
        found = section(text, version)
        released, rline, _ = yaml_value(root, DATASET, "released")
        if found is None:
            out.append(
                Finding(
                    CHANGELOG,
                    1,
                    f"no '## [{version}]' section for the version in dataset.yaml; add one (e.g. '## [{version}] - YYYY-MM-DD') saying what changed",
                )
            )
        elif released is not None and found[0] is not None and found[0] != released:
            out.append(
                Finding(
                    DATASET,
                    rline,
                    f"released is {released} but CHANGELOG.md dates {version} {found[0]}; make them the same",
                )
            )
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
