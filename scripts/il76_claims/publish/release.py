"""The release archive: one zip per version, the same bytes every time.

``dist/<name>-<version>.zip`` holds, at the archive's root (so that
``frictionless validate x.zip`` and ``Package("x.zip")`` find the
descriptor): datapackage.json and the CSV tables it lists; the workbook,
the SQLite file, the JSON files, the JSON Lines under jsonl/ and Datasette's
metadata.json that the build writes to dist/; the site under site/ when
dist/site/ is there; README.md (docs/release-readme.md, written for people
who download), LICENSE, CHANGELOG.md, CITATION.cff, .zenodo.json; the docs
a reader needs under docs/; and SHA256SUMS (``sha256sum -c`` format,
covering every other file).

The archive stands alone: a relative link in its Markdown that points to
no file in it (CONTRIBUTING.md, schemas/...) is rewritten to that file in
the repository at the version's tag, v<version>.

Reproducible: entries in sorted order, one fixed timestamp, mode 0644, no
directory entries (whose times would leak the build machine's clock), no
extra fields, no comment. Deflate output also depends on the zlib library,
so the same bytes need the same zlib (the archive's SHA-256 is printed so
two machines can compare).

Before packing, everything is checked and every problem is reported at
once: the tables must be the ones datapackage.json describes (size and
SHA-256), the version must be the same in dataset.yaml, datapackage.json
and CITATION.cff, CHANGELOG.md must have a section for it dated as
dataset.yaml's released, and every file must be there.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import posixpath
import re
import shutil
import zipfile
from dataclasses import dataclass

from ..check.metadata import metadata_findings, section
from ..model.fileio import atomic_write
from ..model.project import DATASETTE, JSON, JSONL, JSONLD, SQLITE, XLSX

README = "docs/release-readme.md"  # packed as README.md
ROOT_FILES = ("LICENSE", "CHANGELOG.md", "CITATION.cff", ".zenodo.json")
DOCS = (
    "docs/codebook.md",
    "docs/datasheet.md",
    "docs/editorial-policy.md",
    "docs/audit-3.0.md",
    "docs/block-coverage.md",
    "docs/error-codes.md",
)
DIST_FILES = (XLSX, SQLITE, JSON, JSONLD, DATASETTE)
# The files a GitHub release carries besides the archive (see scripts/release.sh).
ASSETS = (XLSX, SQLITE, JSON, JSONLD)
SITE = "dist/site"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
FILE_MODE = 0o100644  # regular file, rw-r--r--
# Markdown links: inline ](target) and reference definitions [x]: target.
LINK = re.compile(r"(\]\(|^\[[^\]\n]+\]:[ \t]*)([^)\s]+)", re.M)


class ReleaseError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Release:
    path: str  # relative to the project root
    sha256: str
    files: int
    size: int
    unchanged: bool  # the same archive was already there


def _read(root: str, rel: str) -> bytes | None:
    try:
        with open(os.path.join(root, *rel.split("/")), "rb") as fh:
            return fh.read()
    except (FileNotFoundError, IsADirectoryError):
        return None


def _descriptor(root: str) -> tuple[dict, bytes]:
    """datapackage.json, read and as bytes."""
    raw = _read(root, "datapackage.json")
    if raw is None:
        raise ReleaseError(["datapackage.json is missing: run make (il76-claims build) first"])
    try:
        desc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ReleaseError(
            [f"datapackage.json cannot be read ({exc}): run make (il76-claims build)"]
        ) from None
    missing = [
        k for k in ("name", "version", "resources") if not isinstance(desc, dict) or k not in desc
    ]
    if missing:
        raise ReleaseError(
            [
                f"datapackage.json cannot be read (no {', '.join(missing)}): run make (il76-claims build)"
            ]
        )
    return desc, raw


def _tables(root: str, desc: dict, problems: list[str]) -> list[tuple[str, bytes]]:
    files = []
    for res in desc["resources"]:
        path = res.get("path")
        data = (
            _read(root, path)
            if isinstance(path, str) and ".." not in path.split("/") and not os.path.isabs(path)
            else None
        )
        if data is None:
            problems.append(
                f"{path}: listed in datapackage.json but missing: run make (il76-claims build)"
            )
            continue
        if (
            res.get("bytes") != len(data)
            or res.get("hash") != "sha256:" + hashlib.sha256(data).hexdigest()
        ):
            problems.append(
                f"{path}: differs from what datapackage.json describes (size or SHA-256): run make (il76-claims build)"
            )
        files.append((path, data))
    return files


def _site(root: str, problems: list[str]) -> list[tuple[str, bytes]]:
    out = []
    for dirpath, _, names in os.walk(os.path.join(root, SITE)):
        for n in names:
            rel = os.path.relpath(os.path.join(dirpath, n), os.path.join(root, "dist")).replace(
                os.sep, "/"
            )
            data = _read(root, f"dist/{rel}")
            if data is None:
                problems.append(
                    f"dist/{rel} cannot be read (a broken link?): run make (il76-claims site writes it)"
                )
            else:
                out.append((rel, data))
    return out


def _outputs(root: str, desc: dict, problems: list[str]) -> list[tuple[str, bytes]]:
    """The build's files under dist/, at the archive's root."""
    wanted = [*DIST_FILES, *(f"{JSONL}/{res['name']}.jsonl" for res in desc["resources"])]
    files = []
    for rel in wanted:
        data = _read(root, rel)
        if data is None:
            problems.append(f"{rel} is missing: run make (il76-claims build writes it)")
        else:
            files.append((rel.removeprefix("dist/"), data))
    return files + _site(root, problems)


def _documents(root: str, problems: list[str]) -> list[tuple[str, bytes]]:
    files = []
    for rel, name in [(README, "README.md"), *((r, r) for r in (*ROOT_FILES, *DOCS))]:
        data = _read(root, rel)
        if data is None:
            problems.append(f"{rel} is missing")
        else:
            files.append((name, data))
    return files


def relink(path: str, text: str, names: set[str], base: str | None) -> str:
    """text with each relative link that points to no file of the archive
    pointed to the repository at the release's tag (base), instead."""

    def fix(m: re.Match) -> str:
        target = m[2]
        if base is None or re.match(r"[a-z][a-z0-9+.-]*:|#|/", target):
            return m[0]
        file, _, anchor = target.partition("#")
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), file))
        if resolved in names or resolved.startswith("../"):
            return m[0]
        return m[1] + f"{base}/{resolved}" + (f"#{anchor}" if anchor else "")

    return LINK.sub(fix, text)


def collect(root: str) -> tuple[str, list[tuple[str, bytes]]]:
    """(archive stem, [(path in the archive, bytes)]) after checking
    everything; raises ReleaseError listing every problem."""
    desc, raw = _descriptor(root)
    name, version = desc["name"], desc["version"]
    problems: list[str] = []
    yaml_version, findings = metadata_findings(root)
    problems += [f"{f.path}:{f.line}: {f.message}" for f in findings]
    if yaml_version is not None and yaml_version != version:
        problems.append(
            f"datapackage.json has version {version} but dataset.yaml has {yaml_version}: run make (il76-claims build)"
        )
    files = [
        ("datapackage.json", raw),
        *_tables(root, desc, problems),
        *_outputs(root, desc, problems),
        *_documents(root, problems),
    ]
    if problems:
        raise ReleaseError(problems)
    names = {n for n, _ in files}
    base = f"{desc['homepage']}/blob/v{version}" if desc.get("homepage") else None
    files = [
        (n, relink(n, d.decode("utf-8"), names, base).encode("utf-8") if n.endswith(".md") else d)
        for n, d in files
    ]
    return f"{name}-{version}", files


def sha256sums(files: list[tuple[str, bytes]]) -> bytes:
    # Two spaces: sha256sum's text-mode format, which `sha256sum -c` reads.
    return "".join(
        f"{hashlib.sha256(data).hexdigest()}  {path}\n" for path, data in sorted(files)
    ).encode("ascii")


def archive(files: list[tuple[str, bytes]]) -> bytes:
    entries = sorted([*files, ("SHA256SUMS", sha256sums(files))])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for path, data in entries:
            info = zipfile.ZipInfo(path, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the mode below is read as one
            info.external_attr = FILE_MODE << 16
            zf.writestr(info, data, compresslevel=9)
    return buf.getvalue()


def release(root: str, force: bool = False) -> Release:
    stem, files = collect(root)
    data = archive(files)
    rel = f"dist/{stem}.zip"
    digest = hashlib.sha256(data).hexdigest()
    old = _read(root, rel)
    if old == data:
        return Release(rel, digest, len(files) + 1, len(data), True)
    if old is not None and not force:
        raise ReleaseError(
            [
                f"{rel} already exists with different content. A released version never changes: bump the version (docs/versioning.md), or pass --force to replace an archive that was never published"
            ]
        )
    atomic_write(os.path.join(root, *rel.split("/")), data)
    return Release(rel, digest, len(files) + 1, len(data), False)


def assets(root: str, tag: str, out: str) -> list[str]:
    """For a GitHub release of tag: the archive and ASSETS copied into
    out/assets/, the CHANGELOG section into out/notes.md. The tag must be
    v<version>. Returns the assets' paths."""
    desc, _ = _descriptor(root)
    if tag != f"v{desc['version']}":
        raise ReleaseError(
            [
                f"the tag {tag} is not v{desc['version']}, the version in datapackage.json: tag the commit v{desc['version']}, or set the version in dataset.yaml and run make"
            ]
        )
    found = section((_read(root, "CHANGELOG.md") or b"").decode("utf-8"), desc["version"])
    if found is None:
        raise ReleaseError(
            [f"CHANGELOG.md has no '## [{desc['version']}]' section for the release notes"]
        )
    shutil.rmtree(os.path.join(out, "assets"), ignore_errors=True)
    os.makedirs(os.path.join(out, "assets"))
    files = [f"dist/{desc['name']}-{desc['version']}.zip", *ASSETS]
    for rel in files:
        shutil.copyfile(os.path.join(root, rel), os.path.join(out, "assets", os.path.basename(rel)))
    atomic_write(os.path.join(out, "notes.md"), found[1])
    return [os.path.join(out, "assets", os.path.basename(rel)) for rel in files]
