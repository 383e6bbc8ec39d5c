"""The release archive: one zip per version, the same bytes every time.

``dist/<name>-<version>.zip`` holds, under a single ``<name>-<version>/``
folder: datapackage.json, the CSV tables it lists, the workbook and the
SQLite file the build writes to dist/, README.md, LICENSE, CHANGELOG.md,
CITATION.cff and SHA256SUMS (``sha256sum -c`` format, covering every other
file).

Reproducible: entries in sorted order, one fixed timestamp, mode 0644, no
directory entries (whose times would leak the build machine's clock), no
extra fields, no comment. Deflate output also depends on the zlib library,
so the same bytes need the same zlib (the archive's SHA-256 is printed so
two machines can compare).

Before packing, everything is checked and every problem is reported at
once: the tables must be the ones datapackage.json describes (size and
SHA-256), the version must be the same in dataset.yaml, datapackage.json
and CITATION.cff, CHANGELOG.md must have a section for it, and every file
must be there.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass

from ..fileio import atomic_write
from ..model.project import SQLITE, XLSX
from .changelog import metadata_findings

DOCS = ("README.md", "LICENSE", "CHANGELOG.md", "CITATION.cff")
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
FILE_MODE = 0o100644  # regular file, rw-r--r--


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
    except FileNotFoundError:
        return None


def collect(root: str) -> tuple[str, list[tuple[str, bytes]]]:
    """(archive stem, [(path in the archive, bytes)]) after checking
    everything; raises ReleaseError listing every problem."""
    problems: list[str] = []
    raw = _read(root, "datapackage.json")
    if raw is None:
        raise ReleaseError(["datapackage.json is missing: run make (il76-claims build) first"])
    try:
        desc = json.loads(raw.decode("utf-8"))
        name, version = desc["name"], desc["version"]
        resources = desc["resources"]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise ReleaseError([f"datapackage.json cannot be read ({exc}): run make (il76-claims build)"]) from None
    yaml_version, findings = metadata_findings(root)
    problems += [f"{f.path}:{f.line}: {f.message}" for f in findings]
    if yaml_version is not None and yaml_version != version:
        problems.append(f"datapackage.json has version {version} but dataset.yaml has {yaml_version}: run make (il76-claims build)")
    files: list[tuple[str, bytes]] = [("datapackage.json", raw)]
    for res in resources:
        path = res.get("path")
        data = _read(root, path) if isinstance(path, str) and ".." not in path.split("/") and not os.path.isabs(path) else None
        if data is None:
            problems.append(f"{path}: listed in datapackage.json but missing: run make (il76-claims build)")
            continue
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        if res.get("bytes") != len(data) or res.get("hash") != digest:
            problems.append(f"{path}: differs from what datapackage.json describes (size or SHA-256): run make (il76-claims build)")
        files.append((path, data))
    for rel in (XLSX, SQLITE):
        data = _read(root, rel)
        if data is None:
            problems.append(f"{rel} is missing: run make (il76-claims build writes it)")
        else:
            files.append((rel.rsplit("/", 1)[-1], data))
    for rel in DOCS:
        data = _read(root, rel)
        if data is None:
            problems.append(f"{rel} is missing")
        else:
            files.append((rel, data))
    if problems:
        raise ReleaseError(problems)
    return f"{name}-{version}", files


def sha256sums(files: list[tuple[str, bytes]]) -> bytes:
    # Two spaces: sha256sum's text-mode format, which `sha256sum -c` reads.
    return "".join(f"{hashlib.sha256(data).hexdigest()}  {path}\n" for path, data in sorted(files)).encode("ascii")


def archive(stem: str, files: list[tuple[str, bytes]]) -> bytes:
    entries = sorted([*files, ("SHA256SUMS", sha256sums(files))])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for path, data in entries:
            info = zipfile.ZipInfo(f"{stem}/{path}", date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the mode below is read as one
            info.external_attr = FILE_MODE << 16
            zf.writestr(info, data, compresslevel=9)
    return buf.getvalue()


def release(root: str, force: bool = False) -> Release:
    stem, files = collect(root)
    data = archive(stem, files)
    rel = f"dist/{stem}.zip"
    path = os.path.join(root, "dist", f"{stem}.zip")
    digest = hashlib.sha256(data).hexdigest()
    old = _read(root, rel)
    if old == data:
        return Release(rel, digest, len(files) + 1, len(data), True)
    if old is not None and not force:
        raise ReleaseError(
            [f"{rel} already exists with different content. A released version never changes: bump the version (docs/versioning.md), or pass --force to replace an archive that was never published"]
        )
    atomic_write(path, data)
    return Release(rel, digest, len(files) + 1, len(data), False)
