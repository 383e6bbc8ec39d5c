"""Former ids: the ids a record had in earlier releases (its ``former_ids``
list), so that an old id still leads to the record.

An old id leads to exactly one record: it is never the id of a current
record of the same kind (X022) and only one record lists it (X023). So
following former ids can never go round in a circle: a would-be loop
needs an id that is both former and current. Each former id names the
release that renamed it (X024), and a reference to a former id is reported
with the id to use instead (X025, from check_references).
"""

from __future__ import annotations

from pathlib import Path

from ..model.problems import Problem, add_at
from ..model.record import ID_RE, Record
from .metadata import CHANGELOG, changelog_sections, parse_version
from .references import RecordIndex

FIELD = "former_ids"


def listed(index: RecordIndex) -> dict[tuple[str, str], list[tuple[Record, int, object]]]:
    """(kind, former id) -> [(record, position in its list, version)], the
    records in path order."""
    out: dict[tuple[str, str], list[tuple[Record, int, object]]] = {}
    records = (rec for group in index.groups.values() for rec in group)
    for rec in sorted(records, key=lambda r: r.path):
        items = rec.data.get(FIELD)
        for i, item in enumerate(items if isinstance(items, list) else []):
            old = item.get("id") if isinstance(item, dict) else None
            # A malformed id is the schema check's to report (S005).
            if isinstance(old, str) and ID_RE.match(old):
                out.setdefault((rec.kind, old), []).append((rec, i, item.get("version")))
    return out


def renamed(index: RecordIndex) -> dict[tuple[str, str], tuple[Record, object]]:
    """(kind, former id) -> (the record that has it now, the version that
    renamed it); an id listed twice leads to the first record listing it."""
    return {key: (lists[0][0], lists[0][2]) for key, lists in listed(index).items()}


def check_former_ids(index: RecordIndex, version: str | None, root: str) -> list[Problem]:
    """X022, X023 and X024 for every former id; version is dataset.yaml's
    (None when it cannot be read). The releases are the versions
    CHANGELOG.md has a section for; when it cannot be read, a copy of the
    records without it cannot tell, and version-check, which requires it,
    says what is wrong."""
    try:
        text = Path(root, CHANGELOG).read_text(encoding="utf-8")
        versions: set[str] | None = {v for v in changelog_sections(text) if parse_version(v)}
    except (OSError, UnicodeDecodeError):
        versions = None
    out: list[Problem] = []
    for (kind, old), lists in listed(index).items():
        now = index.find(kind, old)
        for n, (rec, i, renamed_in) in enumerate(lists):
            at = f"$.{FIELD}[{i}]"
            if now is rec:
                why = f"former id '{old}' is this record's own id; list only ids it no longer has"
                add_at(out, rec, f"{at}.id", "X022", why)
            elif now is not None:
                why = (
                    f"former id '{old}' is the id of {now.path}; a former id is never a current id: "
                    "remove it here, or give that record another id"
                )
                add_at(out, rec, f"{at}.id", "X022", why)
            elif n and lists[0][0] is rec:
                why = f"former id '{old}' is listed twice; remove one"
                add_at(out, rec, f"{at}.id", "X023", why)
            elif n:
                why = (
                    f"former id '{old}' is already listed by {lists[0][0].path}; an old id leads to "
                    "one record: keep it on the record it was renamed to and remove it here"
                )
                add_at(out, rec, f"{at}.id", "X023", why)
            unreleased = _version_problem(renamed_in, version, versions)
            if unreleased:
                add_at(out, rec, f"{at}.version", "X024", f"former id '{old}': {unreleased}")
    return out


def _version_problem(
    renamed_in: object, version: str | None, versions: set[str] | None
) -> str | None:
    """Why a former id's version is not the release that renamed it."""
    renamed_v = parse_version(renamed_in)
    if renamed_v is None:
        return None  # the schema check reports a malformed version (S005)
    current = parse_version(version)
    if current is not None and renamed_v > current:
        return (
            f"version {renamed_in} is later than dataset.yaml's version {version}; give the release "
            f"that first had the new id: if that is the next release, set version: {renamed_in} "
            "in dataset.yaml and give it a section in CHANGELOG.md (docs/versioning.md)"
        )
    if versions is not None and renamed_in not in versions:
        return (
            f"version {renamed_in} was never released: CHANGELOG.md has no '## [{renamed_in}]' "
            "section; give the release that first had the new id"
        )
    return None
