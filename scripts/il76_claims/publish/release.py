"""The release archive: one zip per version, the same bytes every time.

``dist/<name>-<version>.zip`` holds what PARTS lists, at the archive's
root (so that ``frictionless validate x.zip`` and ``Package("x.zip")``
find the descriptor): the package, the build's other files from dist/, the
site from dist/site/ (built without the archived texts, which are
third-party text), README.md (docs/release-readme.md, written for people
who download), the docs a reader needs, a LICENSE written for the archive
and SHA256SUMS (``sha256sum -c`` format, covering every other file).
PARTS is the one list: the README's table, the LICENSE, docs/versioning.md
and the README's download row are made from it, and a release stops when
a file it would pack is in no part, or a part has no file.

The LICENSE says which files are under the data's licence (datapackage.json's)
and which under the MIT licence, whose text it copies from the repository's
LICENSE; that file must name the same data licence.

Its Markdown carries no maintainer markup: an HTML comment that stands as
a block of its own (a note to maintainers, cog's markers around generated
text) is left out, the generated text kept.

The archive stands alone: a relative link in its Markdown that points to
no file in it (CONTRIBUTING.md, schemas/...) is rewritten to that file in
the repository at the version's tag, v<version>.

Reproducible: entries in sorted order, every one dated the release day
(dataset.yaml's released, which CHANGELOG.md's section must give too), mode
0644, no directory entries (whose times would leak the build machine's
clock), no extra fields, no comment. Deflate output also depends on the
zlib library, so the same bytes need the same zlib (the archive's SHA-256
is printed so two machines can compare).

Before packing, everything is checked and every problem is reported at
once: the tables must be the ones datapackage.json describes (size and
SHA-256), the version must be the same in dataset.yaml, datapackage.json
and CITATION.cff, CHANGELOG.md must have a section for it dated as
dataset.yaml's released (a day a zip entry can hold), every file must be
there, and the site must show no archived text.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import json
import os
import posixpath
import re
import shutil
import textwrap
import zipfile
from dataclasses import dataclass

from ..check.metadata import CHANGELOG, DATASET, metadata_problems, section, yaml_value
from ..model.fileio import atomic_write, safe_relative_path
from ..model.problems import Problem, file_problem, problem
from ..model.project import DATASETTE, JSON, JSONL, JSONLD, SQLITE, XLSX
from .citation import licences

DESCRIPTOR = "datapackage.json"
SUMS = "SHA256SUMS"  # written last: the checksums of every other file
DATA, CODE = "data", "code"  # under the data's licence (datapackage.json's), or MIT


@dataclass(frozen=True)
class Part:
    """Files of the archive and what they hold (PARTS: see the module's docstring)."""

    paths: tuple[str, ...]  # paths in the archive; * stands for any name within a folder
    what: str  # what they hold, for a reader
    short: str  # the same in a few words
    licence: str | None  # DATA, CODE, or None for the licence text itself


def _at_root(rel: str) -> str:
    return rel.removeprefix("dist/")


PARTS = (
    Part(
        ("site/*.html",),
        "the dataset as web pages, a page per claim, actor and source: open `site/index.html` in a browser",
        "the site",
        DATA,
    ),
    Part(("site/site.css", "site/site.js"), "the site's stylesheet and script", "the site", CODE),
    Part(
        (_at_root(XLSX),),
        "the workbook: an About sheet (version, licence, how to cite, every field), a sheet per table, then a `_readable` sheet per table with the names and code meanings next to the ids and codes",
        "the workbook",
        DATA,
    ),
    Part(
        (_at_root(SQLITE),),
        "the same tables in SQLite, with keys, indexes, `_readable` views and descriptions in `_meta_package`, `_meta_tables` and `_meta_columns`",
        "the SQLite database",
        DATA,
    ),
    Part(
        (_at_root(DATASETTE),),
        "titles, descriptions, labels and canned queries for Datasette",
        "Datasette metadata",
        DATA,
    ),
    Part(
        ("datapackage.json", "data/*.csv"),
        "the tables as CSV (UTF-8, comma, LF), described by a [Frictionless Data Package](https://datapackage.org/)",
        "the CSV tables with `datapackage.json`",
        DATA,
    ),
    Part(
        (f"{_at_root(JSONL)}/*.jsonl",),
        "each table as JSON Lines, one row per line",
        "JSON Lines",
        DATA,
    ),
    Part(
        (_at_root(JSON),),
        "one JSON document: the claims, each position with its actor and statement, and the actors, sources and events",
        "the JSON document",
        DATA,
    ),
    Part(
        (_at_root(JSONLD),),
        "the claims in the schema.org vocabulary (`Dataset`, `Claim`, `Quotation`, `Person`, `Organization`), with every position and its stance as a `Position`",
        "JSON-LD",
        DATA,
    ),
    Part(("README.md",), "what the archive holds and how to open each file", "a README", CODE),
    Part(("docs/codebook.md",), "every table, field, code and file", "the docs", CODE),
    Part(
        ("docs/datasheet.md", "docs/editorial-policy.md"),
        "how the data was made, its limits, how it is coded",
        "the docs",
        CODE,
    ),
    Part(
        ("docs/audit-3.0.md",),
        "the blind review of every record of version 3.0, and what was done with each finding",
        "the docs",
        CODE,
    ),
    Part(
        ("docs/block-coverage.md", "docs/error-codes.md"),
        "which part of each source every record cites; the checker's messages",
        "the docs",
        CODE,
    ),
    Part(
        ("CHANGELOG.md", "CITATION.cff", ".zenodo.json"),
        "what changed in each version; how to cite it",
        "the changelog and citation files",
        CODE,
    ),
    Part(("LICENSE",), "which file is under which licence, and the licences", "the licence", None),
    Part((SUMS,), "a checksum of every other file: `sha256sum -c SHA256SUMS`", "checksums", CODE),
)
README = "docs/release-readme.md"  # packed as README.md
LICENSE = "LICENSE"  # the repository's: the archive's LICENSE copies its MIT licence
MIT = "MIT License"  # the first line of the MIT licence's text
ROOT_FILES = ("CHANGELOG.md", "CITATION.cff", ".zenodo.json")
PATHS = tuple(p for part in PARTS for p in part.paths)
DOCS = tuple(p for p in PATHS if p.startswith("docs/"))
DIST_FILES = (XLSX, SQLITE, JSON, JSONLD, DATASETTE)
# The files a GitHub release carries besides the archive (see scripts/release.sh).
ASSETS = (XLSX, SQLITE, JSON, JSONLD)
BUILD_HINT = ": run make (il76-claims build writes it)"
SITE_INDEX = "site/index.html"  # the page the README sends readers to
# The element a source page shows an archived text in (site_assets/templates/source.html).
ARCHIVED_TEXT = re.compile(rb"<blockquote[^>]*class=\"[^\"]*\bsource-text\b")
ZIP_YEARS = range(1980, 2108)  # the years a zip entry's date can hold
FILE_MODE = 0o100644  # regular file, rw-r--r--
# One or more HTML comments and nothing else: a block that is only markup.
COMMENTS = re.compile(r"(\s*<!--.*?-->)+\s*", re.S)
# Markdown links: inline ](target) and reference definitions [x]: target.
LINK = re.compile(r"(\]\(|^\[[^\]\n]+\]:[ \t]*)([^)\s]+)", re.M)


def archive_name(name: str, version: str) -> str:
    return f"{name}-{version}.zip"


def published(meta: dict, tables: list[str]) -> list[tuple[str, str | None]]:
    """(file, address) of each file a version publishes under an address of
    its own: the archive and ASSETS on the GitHub release of tag
    v<version>, then datapackage.json and the tables as committed at that
    tag. The address is None when dataset.yaml names no repository."""
    version, repo = meta["version"], str(meta.get("repository") or "").rstrip("/")
    released = [archive_name(meta["name"], version), *(posixpath.basename(a) for a in ASSETS)]
    committed = ["datapackage.json", *(f"data/{t}.csv" for t in tables)]
    return [
        (f, f"{repo}/{where}/v{version}/{f}" if repo else None)
        for files, where in ((released, "releases/download"), (committed, "raw"))
        for f in files
    ]


class ReleaseError(Exception):
    """Every problem that stops the release, at once."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(p.message for p in problems))
        self.problems = problems


def _unbuilt(message: str) -> ReleaseError:
    return ReleaseError([file_problem(DESCRIPTOR, "A001", message)])


@dataclass
class Release:
    """What the release wrote, named as the JSON summary names it."""

    archive: str  # relative to the project root
    sha256: str
    files: int
    bytes: int
    unchanged: bool  # the same archive was already there


def _read(root: str, rel: str) -> bytes | None:
    try:
        with open(os.path.join(root, *rel.split("/")), "rb") as fh:
            return fh.read()
    except (FileNotFoundError, IsADirectoryError):
        return None


def _descriptor(root: str) -> tuple[dict, bytes]:
    raw = _read(root, DESCRIPTOR)
    if raw is None:
        raise _unbuilt("datapackage.json is missing: run make (il76-claims build) first")
    try:
        desc = json.loads(raw.decode("utf-8"))
    except ValueError as exc:  # UnicodeDecodeError too
        raise _unbuilt(
            f"datapackage.json cannot be read ({exc}): run make (il76-claims build)"
        ) from None
    missing = [
        k for k in ("name", "version", "resources") if not isinstance(desc, dict) or k not in desc
    ]
    if missing:
        raise _unbuilt(
            f"datapackage.json cannot be read (no {', '.join(missing)}): run make (il76-claims build)"
        )
    return desc, raw


def _tables(root: str, desc: dict, problems: list[Problem]) -> list[tuple[str, bytes]]:
    files = []
    for res in desc["resources"]:
        path = res.get("path")
        data = _read(root, path) if safe_relative_path(path) else None
        if data is None:
            why = "listed in datapackage.json but missing: run make (il76-claims build)"
            problems.append(file_problem(str(path), "A002", why))
            continue
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        if (res.get("bytes"), res.get("hash")) != (len(data), digest):
            why = "differs from what datapackage.json describes (size or SHA-256): run make (il76-claims build)"
            problems.append(file_problem(path, "A002", why))
        files.append((path, data))
    return files


def _site(root: str, problems: list[Problem]) -> list[tuple[str, bytes]]:
    """dist/site/'s files as site/...; the README sends readers to its
    index, so it must be there, and built without the archived texts."""
    out = []
    dist = os.path.join(root, "dist")
    for dirpath, _, names in os.walk(os.path.join(dist, "site")):
        for n in names:
            rel = os.path.relpath(os.path.join(dirpath, n), dist).replace(os.sep, "/")
            data = _read(dist, rel)
            if data is None:
                why = f"dist/{rel} cannot be read (a broken link?): run make (il76-claims site writes it)"
                problems.append(file_problem(f"dist/{rel}", "A003", why))
                continue
            if rel.endswith(".html") and ARCHIVED_TEXT.search(data):
                why = "shows a source's archived text, third-party text the data's licence does not cover: run il76-claims site --no-archived-text (make release does)"
                problems.append(file_problem(f"dist/{rel}", "A004", why))
            out.append((rel, data))
    if not any(rel == SITE_INDEX for rel, _ in out):
        why = f"dist/{SITE_INDEX} is missing: run il76-claims site --no-archived-text (make release does)"
        problems.append(file_problem(f"dist/{SITE_INDEX}", "A003", why))
    return out


def _present(
    root: str, wanted: list[tuple[str, str]], problems: list[Problem], code: str, hint: str = ""
) -> list[tuple[str, bytes]]:
    files = []
    for rel, name in wanted:
        data = _read(root, rel)
        if data is None:
            problems.append(file_problem(rel, code, f"{rel} is missing{hint}"))
        else:
            files.append((name, data))
    return files


def _licence(root: str, desc: dict, problems: list[Problem]) -> list[tuple[str, bytes]]:
    """The archive's LICENSE, made from datapackage.json's licences and the
    repository's LICENSE, which must name the same data licence and hold the
    MIT licence's text: the two cannot disagree."""
    raw = _read(root, LICENSE)
    if raw is None:
        problems.append(file_problem(LICENSE, "A005", f"{LICENSE} is missing"))
        return []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        why = f"{LICENSE} cannot be read as UTF-8 ({exc}): save it as UTF-8"
        problems.append(file_problem(LICENSE, "A006", why))
        return []
    words = " ".join(text.split())  # the licence's name may be wrapped over lines
    before = len(problems)
    for lic in desc.get("licenses") or [{}]:
        if not isinstance(lic, dict) or not {"name", "title", "path"} <= lic.keys():
            why = "datapackage.json gives no licence (name, title, path) for the data: set licenses in dataset.yaml and run make (il76-claims build)"
            problems.append(file_problem(DESCRIPTOR, "A006", why))
        elif lic["title"] not in words or lic["path"] not in words:
            why = f"does not name the data's licence as datapackage.json does, {lic['title']} ({lic['path']}): make the two the same (dataset.yaml's licenses, then make)"
            problems.append(file_problem(LICENSE, "A006", why))
    if MIT not in text:
        why = f"no '{MIT}' text, which the archive's LICENSE gives for its code and documentation: put the MIT licence back"
        problems.append(file_problem(LICENSE, "A006", why))
    if len(problems) > before:
        return []
    return [("LICENSE", licence_text(desc, text[text.index(MIT) :]).encode("utf-8"))]


def _wrap(text: str, first: str = "   ") -> str:
    return textwrap.fill(
        text,
        width=79,
        initial_indent=first,
        subsequent_indent="   ",
        break_on_hyphens=False,
        break_long_words=False,
    )


def licence_text(desc: dict, mit: str) -> str:
    """Which files of the archive are under the data's licence and which
    under the MIT licence (PARTS), the rights in the quotes
    (datapackage.json's), then the MIT licence's text."""

    def listed(licence: str) -> str:
        return _wrap(", ".join(p for part in PARTS if part.licence == licence for p in part.paths))

    rights = " ".join(["Cite it as CITATION.cff describes.", desc.get("rights") or ""])
    code = "The code and the documentation are licensed under the MIT licence below:"
    paragraphs = [
        f"{desc['name']} {desc['version']}",
        "This archive holds two kinds of work under two licences.",
        _wrap(f"The data is licensed under {licences(desc)}:", "1. "),
        listed(DATA),
        _wrap(rights.strip()),
        _wrap(code, "2. "),
        listed(CODE),
        mit.strip("\n"),
    ]
    return "\n\n".join(paragraphs) + "\n"


def in_part(pattern: str, name: str) -> bool:
    """Whether name (a path in the archive) is pattern, in which * stands
    for any name within a folder."""
    return re.fullmatch(re.escape(pattern).replace(r"\*", "[^/]*"), name) is not None


def unlisted(names: list[str]) -> list[Problem]:
    """What keeps the archive's README and LICENSE from describing it
    whole: a file that no part names, a part's path that no file is (each
    at its path in the archive)."""
    unnamed = "no part of PARTS (publish/release.py) names it, so neither would the archive's README and LICENSE: add it there"
    fileless = "named by PARTS (publish/release.py), and so by the archive's README and LICENSE, but no file of the archive is it: remove it there, or run make"
    out = [
        file_problem(n, "A009", unnamed)
        for n in sorted(names)
        if not any(in_part(p, n) for p in PATHS)
    ]
    return out + [
        file_problem(p, "A009", fileless) for p in PATHS if not any(in_part(p, n) for n in names)
    ]


def contents_table(in_archive: bool = True) -> str:
    """PARTS as a Markdown table: the archive's README's, each file a link
    to it; or, for the repository's docs, paths only."""
    rows = ["| file | what it is |", "|---|---|"]
    for part in PARTS:
        paths = ", ".join(
            f"[{p}]({p})" if in_archive and "*" not in p else f"`{p}`" for p in part.paths
        )
        rows.append(f"| {paths} | {part.what} |")
    return "\n".join(rows) + "\n"


def contents_summary() -> str:
    """PARTS in a few words: the README's download row for the archive."""
    shorts = list(dict.fromkeys(part.short for part in PARTS))
    return ", ".join(shorts[:-1]) + " and " + shorts[-1]


# A zip entry's date and time: year, month, day, hour, minute, second.
ZipDate = tuple[int, int, int, int, int, int]


def release_day(root: str, problems: list[Problem]) -> ZipDate:
    """dataset.yaml's released as a zip entry's date and time (midnight):
    the date of the version, the same on every machine that packs it."""
    released, line, _ = yaml_value(root, DATASET, "released")
    with contextlib.suppress(ValueError):
        day = datetime.date.fromisoformat(released or "")
        if day.year in ZIP_YEARS and released == day.isoformat():
            return (day.year, day.month, day.day, 0, 0, 0)
    what = (
        "missing or not text"
        if released is None
        else f"{released!r}, not a day YYYY-MM-DD from 1980 on (a zip file dates nothing earlier)"
    )
    why = f"released is {what}: set it to the day of the release, as CHANGELOG.md dates the version; the archive dates every file with it"
    problems.append(problem(DATASET, line, 1, "A008", why))
    return (ZIP_YEARS[0], 1, 1, 0, 0, 0)


def without_comments(text: str) -> str:
    """text without the lines of its HTML comment blocks (a maintainer's
    note, cog's markers); every other line as it is. A comment in a code
    block, or next to text on its line, is content and stays."""
    from markdown_it import MarkdownIt  # imported here: only a release needs it

    drop: set[int] = set()
    for token in MarkdownIt("commonmark").parse(text):
        # A block token always has its lines (map); the stubs allow None.
        if token.type == "html_block" and token.map and COMMENTS.fullmatch(token.content):
            drop.update(range(*token.map))
    return "\n".join(line for i, line in enumerate(text.split("\n")) if i not in drop)


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


def _markdown(path: str, data: bytes, names: set[str], base: str | None) -> bytes:
    return relink(path, without_comments(data.decode("utf-8")), names, base).encode("utf-8")


def archive(files: list[tuple[str, bytes]], day: ZipDate) -> bytes:
    # Two spaces: sha256sum's text-mode format, which `sha256sum -c` reads.
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {path}\n" for path, data in sorted(files))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for path, data in sorted([*files, (SUMS, sums.encode("ascii"))]):
            info = zipfile.ZipInfo(path, date_time=day)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the mode below is read as one
            info.external_attr = FILE_MODE << 16
            zf.writestr(info, data, compresslevel=9)
    return buf.getvalue()


def release(root: str, force: bool = False) -> Release:
    """Check everything, then write dist/<name>-<version>.zip; raises
    ReleaseError listing every problem."""
    desc, raw = _descriptor(root)
    version = desc["version"]
    yaml_version, problems = metadata_problems(root)
    day = release_day(root, problems) if yaml_version is not None else None
    if yaml_version is not None and yaml_version != version:
        why = f"datapackage.json has version {version} but dataset.yaml has {yaml_version}: run make (il76-claims build)"
        problems.append(file_problem(DESCRIPTOR, "A007", why))
    outputs = [*DIST_FILES, *(f"{JSONL}/{res['name']}.jsonl" for res in desc["resources"])]
    documents = [(README, "README.md"), *((r, r) for r in (*ROOT_FILES, *DOCS))]
    files = [
        (DESCRIPTOR, raw),
        *_tables(root, desc, problems),
        *_present(root, [(r, _at_root(r)) for r in outputs], problems, "A003", BUILD_HINT),
        *_site(root, problems),
        *_present(root, documents, problems, "A005"),
        *_licence(root, desc, problems),
    ]
    names = {n for n, _ in files} | {SUMS}
    if not problems:
        problems += unlisted(sorted(names))
    if problems or day is None:  # no day: dataset.yaml's version is reported
        raise ReleaseError(problems)
    base = f"{desc['homepage']}/blob/v{version}" if desc.get("homepage") else None
    files = [(n, _markdown(n, d, names, base) if n.endswith(".md") else d) for n, d in files]
    data = archive(files, day)
    rel = f"dist/{archive_name(desc['name'], version)}"
    old = _read(root, rel)
    if old not in (None, data) and not force:
        why = f"{rel} already exists with different content. A released version never changes: bump the version (docs/versioning.md), or pass --force to replace an archive that was never published"
        raise ReleaseError([file_problem(rel, "A010", why)])
    if old != data:
        atomic_write(os.path.join(root, *rel.split("/")), data)
    return Release(rel, hashlib.sha256(data).hexdigest(), len(files) + 1, len(data), old == data)


def assets(root: str, tag: str, out: str) -> list[str]:
    """For a GitHub release of tag: the archive and ASSETS copied into
    out/assets/, the CHANGELOG section into out/notes.md. The tag must be
    v<version>. Returns the assets' paths."""
    desc, _ = _descriptor(root)
    if tag != f"v{desc['version']}":
        why = f"the tag {tag} is not v{desc['version']}, the version in datapackage.json: tag the commit v{desc['version']}, or set the version in dataset.yaml and run make"
        raise ReleaseError([file_problem(DESCRIPTOR, "A011", why)])
    found = section((_read(root, CHANGELOG) or b"").decode("utf-8"), desc["version"])
    if found is None:
        why = f"CHANGELOG.md has no '## [{desc['version']}]' section for the release notes"
        raise ReleaseError([file_problem(CHANGELOG, "V004", why)])
    folder = os.path.join(out, "assets")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    copies = [
        shutil.copyfile(os.path.join(root, rel), os.path.join(folder, os.path.basename(rel)))
        for rel in (f"dist/{archive_name(desc['name'], desc['version'])}", *ASSETS)
    ]
    atomic_write(os.path.join(out, "notes.md"), found[1])
    return copies
