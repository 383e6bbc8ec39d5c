"""il76-claims release: a reproducible zip with every file and SHA256SUMS."""

from __future__ import annotations

import hashlib
import io
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import frictionless
import openpyxl
import pytest

from built_package import META, read_csv
from conftest import FIXTURE_SOURCES, REPO, make_project, run_cli
from il76_claims.check import report
from il76_claims.check.report import text as report_text
from il76_claims.publish import xlsx as xlsx_export
from il76_claims.publish.build import build
from il76_claims.publish.release import (
    ASSETS,
    CODE,
    DATA,
    LINK,
    PARTS,
    ReleaseError,
    archive,
    assets,
    contents_table,
    in_part,
    release,
    relink,
    unlisted,
    without_comments,
)
from il76_claims.publish.site import build_site

STEM = "il76-belgorod-statements-0.1.0"
ZIP = f"dist/{STEM}.zip"
CITATION = 'cff-version: "1.2.0"\nmessage: "Cite it."\ntitle: "Fixture"\nversion: "0.1.0"\nauthors:\n  - name: "Fixture contributors"\n'
CHANGELOG = "# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2024-02-01\n\n- First; see [the policy](docs/editorial-policy.md) and [versions](docs/versioning.md).\n"
RELEASED = (2024, 2, 1, 0, 0, 0)  # the fixture's dataset.yaml and CHANGELOG.md
DOCS = (
    "release-readme.md",
    "codebook.md",
    "datasheet.md",
    "editorial-policy.md",
    "audit-3.0.md",
    "block-coverage.md",
    "error-codes.md",
)
_built: dict[str, Path] = {}


def lines(problems) -> list[str]:
    """Problems as the text report prints them."""
    return report_text(problems).splitlines()


def release_project(path: Path, tmp_path_factory) -> Path:
    """A copy of a built fixture project with every file a release needs
    (built once: the build is the slow part)."""
    if "root" not in _built:
        project = make_project(tmp_path_factory.mktemp("release") / "p")
        assert build(project).ok
        root = Path(project.root)
        (root / "docs").mkdir()
        for name in DOCS:
            shutil.copy(REPO / "docs" / name, root / "docs" / name)
        shutil.copy(REPO / "LICENSE", root / "LICENSE")
        (root / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
        assert build_site(project, with_text=False).check.ok
        _built["root"] = root
    shutil.copytree(_built["root"], path)
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def texts(problems) -> list[str]:
    return report.text(problems).splitlines()


def run(capsys, root: Path, *argv) -> tuple[int, str, str]:
    return run_cli(capsys, "release", "--root", root, *argv)


@pytest.fixture
def root(tmp_path, tmp_path_factory):
    return release_project(tmp_path / "p", tmp_path_factory)


def test_two_releases_are_byte_identical(root, tmp_path, capsys):
    code, out, err = run(capsys, root)
    first = sha(root / ZIP)
    size = (root / ZIP).stat().st_size
    assert (code, err) == (0, "")
    assert out == f"wrote: {ZIP} (62 files, {size} bytes)\nsha256: {first}\n"
    # Again after every input's time and mode changed, in another folder.
    other = tmp_path / "elsewhere" / "q"
    shutil.copytree(root, other)
    (other / ZIP).unlink()
    for dirpath, _, names in os.walk(other):
        for n in names:
            p = os.path.join(dirpath, n)
            os.utime(p, (1_700_000_000, 1_700_000_000))
            os.chmod(p, 0o600)
    assert run(capsys, other)[0] == 0
    assert sha(other / ZIP) == first
    # Unchanged inputs, existing archive: left as it is.
    code, out, _ = run(capsys, root)
    assert (code, out.splitlines()[0]) == (0, f"unchanged: {ZIP} (62 files, {size} bytes)")


def site_files(root: Path) -> list[str]:
    site = root / "dist" / "site"
    return sorted(p.relative_to(site.parent).as_posix() for p in site.rglob("*") if p.is_file())


TABLES = (
    "actors", "casualty_figure_derivations", "casualty_figures", "claim_actors", "claim_positions", "claim_relations", "claims", "codelists",
    "events", "former_ids", "sources", "statement_relays", "statement_sources", "statements",
)  # fmt: skip


def test_archive_layout(root):
    """Everything at the archive's root, where frictionless looks for the
    descriptor; the tables, the build's copies, the docs."""
    release(str(root))
    with zipfile.ZipFile(root / ZIP) as zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names)
        assert names == sorted([
            ".zenodo.json", "CHANGELOG.md", "CITATION.cff", "LICENSE", "README.md", "SHA256SUMS",
            *(f"data/{t}.csv" for t in TABLES), "datapackage.json",
            "docs/audit-3.0.md", "docs/block-coverage.md", "docs/codebook.md", "docs/datasheet.md", "docs/editorial-policy.md", "docs/error-codes.md",
            "il76-belgorod-statements.json", "il76-belgorod-statements.jsonld", "il76-belgorod-statements.sqlite", "il76-belgorod-statements.xlsx",
            *(f"jsonl/{t}.jsonl" for t in TABLES), "metadata.json", *site_files(root),
        ])  # fmt: skip
        for i in infos:
            assert i.date_time == RELEASED  # dataset.yaml's released, not the build's clock
            assert (i.create_system, i.external_attr >> 16) == (3, 0o100644)
            assert i.extra == b"" and not i.is_dir()
            assert i.compress_type == zipfile.ZIP_DEFLATED
        assert zf.comment == b""
        assert zf.read("data/actors.csv") == (root / "data/actors.csv").read_bytes()
        assert (
            zf.read("il76-belgorod-statements.xlsx")
            == (root / "dist/il76-belgorod-statements.xlsx").read_bytes()
        )
        readme = (root / "docs/release-readme.md").read_text(encoding="utf-8")
        assert zf.read("README.md").decode("utf-8") == without_comments(readme)


def test_the_packed_markdown_carries_no_maintainer_markup(root):
    """README.md (docs/release-readme.md) and the docs are packed without
    the maintainer's comment and cog's markers, with the text cog wrote."""
    release(str(root))
    with zipfile.ZipFile(root / ZIP) as zf:
        packed = {n: zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".md")}
    source = (root / "docs/release-readme.md").read_text(encoding="utf-8")
    assert source.startswith("<!--") and "[[[cog" in source
    for name, text in packed.items():
        assert not re.search(r"<!--|-->|\[\[\[cog|\]\]\]|\[\[\[end", text), name
    readme = packed["README.md"]
    assert readme.startswith("# Il-76 crash in Belgorod region")
    generated = re.search(r"\]\]\] -->\n(Version .*\n)<!-- \[\[\[end", source)[1]
    assert generated in readme and "\n\n" + generated + "\n## " in readme
    assert "Open `site/index.html` in a web browser" in readme
    assert "it works from the files themselves (`file://`)" in readme
    assert "unzip it into a\nnew, empty folder of its own" in readme


def test_only_comment_blocks_are_left_out():
    text = (
        "<!-- a note\nover lines -->\n# Title\n\nText <!-- inline --> stays.\n\n"
        "- item\n\n  <!-- [[[cog\n  cog.out('x')\n  ]]] -->\n  x\n  <!-- [[[end]]] -->\n\n"
        "```html\n<!-- in code -->\n```\n\n<!-- a --> <!-- b -->\n<!-- c --> and text\n"
    )
    assert without_comments(text) == (
        "# Title\n\nText <!-- inline --> stays.\n\n- item\n\n  x\n\n"
        "```html\n<!-- in code -->\n```\n\n<!-- c --> and text\n"
    )


def test_every_file_is_in_one_part_and_every_part_has_a_file(root):
    """PARTS, which the README's table, the LICENSE and docs/versioning.md
    are made from, is what the archive holds."""
    release(str(root))
    with zipfile.ZipFile(root / ZIP) as zf:
        names = zf.namelist()
        readme = zf.read("README.md").decode("utf-8")
    paths = [p for part in PARTS for p in part.paths]
    assert {n: sum(in_part(p, n) for p in paths) for n in names} == dict.fromkeys(names, 1)
    assert all(any(in_part(p, n) for n in names) for p in paths)
    assert unlisted(names) == []
    assert "## What is in this archive\n\n" + contents_table() + "\n" in readme
    versioning = (REPO / "docs" / "versioning.md").read_text(encoding="utf-8")
    assert contents_table(in_archive=False) in versioning


def test_a_file_in_no_part_and_a_part_with_no_file_are_reported():
    problems = texts(unlisted(["datapackage.json", "data/a.csv", "site/a.html", "notes.txt"]))
    assert problems[0] == (
        "notes.txt:1:1: [A009] no part of PARTS (publish/release.py) names it, so neither would the archive's README and LICENSE: add it there"
    )
    assert problems[1] == (
        "site/site.css:1:1: [A009] named by PARTS (publish/release.py), and so by the archive's README and LICENSE, but no file of the archive is it: remove it there, or run make"
    )
    # Then every other path of PARTS: all but the three the names above are.
    assert len(problems) == 1 + sum(len(part.paths) for part in PARTS) - 3
    assert in_part("data/*.csv", "data/a.csv") and not in_part("data/*.csv", "data/x/a.csv")
    assert not in_part("site/*.html", "site.html") and in_part(".zenodo.json", ".zenodo.json")


# A path a text names: a folder (x/) or a file with an extension, not an address.
PATH = re.compile(
    r"(?<![\w/.:<-])(?:[\w.*<>-]+/)+(?:[\w.*<>-]+\.\w+)?(?![\w/])"
    r"|(?<![\w/.:<-])\.?[\w*<>-]+\.(?:md|csv|json|jsonl|jsonld|xlsx|sqlite|cff|html|css|js)\b"
)


def named_paths(text: str) -> list[str]:
    return sorted(set(PATH.findall(re.sub(r"\w+://\S+", "", text))))


def in_archive(path: str, names: list[str]) -> bool:
    """path (a file, a pattern with * or <placeholder>, or a folder x/)
    is a file, or a folder, of the archive."""
    pattern = re.sub(r"<[^>/]+>", "*", path)
    if pattern.endswith("/"):
        return any(n.startswith(pattern) for n in names)
    return any(in_part(pattern, n) for n in names)


def test_named_paths_finds_files_and_folders_not_addresses():
    text = "See data/*.csv, `jsonl/<table>.jsonl`, site/, CITATION.cff and .zenodo.json; e.g. 3.0.0 at https://x.org/a/b.md."
    assert named_paths(text) == [
        ".zenodo.json", "CITATION.cff", "data/*.csv", "jsonl/<table>.jsonl", "site/",
    ]  # fmt: skip
    assert in_archive("jsonl/<table>.jsonl", ["jsonl/a.jsonl"]) and in_archive("site/", ["site/a"])
    assert not in_archive("records/", ["site/a"]) and not in_archive("x.md", ["y.md"])


def test_the_licence_names_what_the_archive_holds_and_no_more(root):
    """The archive's LICENSE names only files and folders in it, every file
    but itself under one licence: the data's (datapackage.json's) or MIT,
    whose text is the repository's LICENSE's, word for word."""
    release(str(root))
    with zipfile.ZipFile(root / ZIP) as zf:
        names = zf.namelist()
        licence = zf.read("LICENSE").decode("utf-8")
        desc = json.loads(zf.read("datapackage.json"))
    named = named_paths(licence)
    assert "data/*.csv" in named and "site/*.html" in named
    assert [p for p in named if not in_archive(p, names)] == []
    assert "records/" not in licence and "scripts/" not in licence
    # Each licence's files: the paragraph after its numbered heading.
    paragraphs = licence.split("\n\n")
    under = {
        licence_of: " ".join(paragraphs[at + 1].split()).split(", ")
        for at, licence_of in ((2, DATA), (5, CODE))
    }
    assert paragraphs[2].startswith("1. ") and paragraphs[5].startswith("2. ")
    for n in names:
        expected = [pt.licence for pt in PARTS if any(in_part(p, n) for p in pt.paths)]
        assert [k for k, ps in under.items() if any(in_part(p, n) for p in ps)] == (
            [] if n == "LICENSE" else expected
        ), n
    data = "\n\n".join(paragraphs[:5])
    repo = (root / "LICENSE").read_text(encoding="utf-8")
    assert licence.endswith(repo[repo.index("MIT License") :])
    lic = desc["licenses"][0]
    assert f"{lic['title']} ({lic['name']}), {lic['path']}" in " ".join(data.split())
    assert " ".join(desc["rights"].split()) in " ".join(data.split())


@pytest.mark.parametrize(
    "edit, problem",
    [
        (
            ("Attribution 4.0 International", "Attribution-ShareAlike 4.0 International"),
            "LICENSE:1:1: [A006] does not name the data's licence as datapackage.json does, Creative Commons Attribution 4.0 International (https://creativecommons.org/licenses/by/4.0/): make the two the same (dataset.yaml's licenses, then make)",
        ),
        (
            ("MIT License", "MIT"),
            "LICENSE:1:1: [A006] no 'MIT License' text, which the archive's LICENSE gives for its code and documentation: put the MIT licence back",
        ),
    ],
)
def test_the_repositorys_licence_must_agree(root, edit, problem):
    text = (root / "LICENSE").read_text(encoding="utf-8")
    assert edit[0] in text
    (root / "LICENSE").write_text(text.replace(edit[0], edit[1]), encoding="utf-8")
    with pytest.raises(ReleaseError) as exc:
        release(str(root))
    assert texts(exc.value.problems) == [problem]


def test_a_licence_the_archive_cannot_state_is_reported(root):
    desc = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    del desc["licenses"]
    (root / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")
    (root / "LICENSE").write_bytes(b"\xff MIT License\n")
    with pytest.raises(ReleaseError) as exc:
        release(str(root))
    assert texts(exc.value.problems) == [
        "LICENSE:1:1: [A006] LICENSE cannot be read as UTF-8 ('utf-8' codec can't decode byte 0xff in position 0: invalid start byte): save it as UTF-8"
    ]
    shutil.copy(REPO / "LICENSE", root / "LICENSE")
    with pytest.raises(ReleaseError) as exc:
        release(str(root))
    assert texts(exc.value.problems) == [
        "datapackage.json:1:1: [A006] datapackage.json gives no licence (name, title, path) for the data: set licenses in dataset.yaml and run make (il76-claims build)"
    ]


def test_the_readme_names_only_files_of_the_archive(root):
    release(str(root))
    with zipfile.ZipFile(root / ZIP) as zf:
        names = zf.namelist()
        readme = zf.read("README.md").decode("utf-8")
    named = named_paths(readme)
    assert {"site/index.html", "datapackage.json", "data/statements.csv"} <= set(named)
    assert [p for p in named if not in_archive(p, names)] == []


def test_every_built_file_the_docs_name_is_in_the_archive():
    """The README, the codebook and the datasheet say what the build writes
    to dist/, and that releases carry it: each such file is in a part."""
    paths = [p for part in PARTS for p in part.paths]
    checked = 0
    for doc in ("README.md", "docs/codebook.md", "docs/datasheet.md", "docs/versioning.md"):
        text = (REPO / doc).read_text(encoding="utf-8")
        for rel in re.findall(r"`dist/([^`]+)`", text):
            if rel.endswith(".zip") or rel.startswith("release/"):
                continue  # the archive itself, and what scripts/release.sh gathers
            pattern = re.sub(r"<[^>/]+>", "*", rel)
            assert (
                pattern in paths
                or any(in_part(p, pattern) for p in paths)
                or (rel.endswith("/") and any(p.startswith(rel) for p in paths))
            ), (doc, rel)
            checked += 1
    assert checked >= 10


def test_sha256sums_cover_every_other_file_and_verify(root, tmp_path):
    release(str(root))
    out = tmp_path / "unpacked"
    with zipfile.ZipFile(root / ZIP) as zf:
        zf.extractall(out)
        members = sorted(n for n in zf.namelist())
    folder = out
    lines = (folder / "SHA256SUMS").read_text(encoding="ascii").splitlines()
    listed = [ln.split("  ", 1)[1] for ln in lines]
    assert listed == [m for m in members if m != "SHA256SUMS"]
    for ln in lines:
        digest, name = ln.split("  ", 1)
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    if shutil.which("sha256sum"):
        proc = subprocess.run(
            ["sha256sum", "--check", "--strict", "SHA256SUMS"],
            cwd=folder,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
    # And a changed file is caught.
    (folder / "data/actors.csv").write_bytes(b"changed\n")
    digest = next(ln.split("  ")[0] for ln in lines if ln.endswith("  data/actors.csv"))
    assert hashlib.sha256((folder / "data/actors.csv").read_bytes()).hexdigest() != digest


def test_every_problem_is_reported_and_nothing_is_written(root, capsys):
    (root / "dist/il76-belgorod-statements.xlsx").unlink()
    (root / "dist/il76-belgorod-statements.sqlite").unlink()
    (root / "LICENSE").unlink()
    with open(root / "data/events.csv", "a", encoding="utf-8") as fh:
        fh.write("x,aircraft_crash,X,2024-01-01,,day,,,X,\n")
    (root / "CITATION.cff").write_text(CITATION.replace('"0.1.0"', '"0.2.0"'), encoding="utf-8")
    code, out, err = run(capsys, root)
    assert (code, err) == (1, "5 problem(s); no archive was written\n")
    assert out.splitlines() == [
        "CITATION.cff:4:1: [V003] version is 0.2.0 but dataset.yaml says 0.1.0; run make, which writes CITATION.cff from dataset.yaml",
        "data/events.csv:1:1: [A002] differs from what datapackage.json describes (size or SHA-256): run make (il76-claims build)",
        "dist/il76-belgorod-statements.xlsx:1:1: [A003] dist/il76-belgorod-statements.xlsx is missing: run make (il76-claims build writes it)",
        "dist/il76-belgorod-statements.sqlite:1:1: [A003] dist/il76-belgorod-statements.sqlite is missing: run make (il76-claims build writes it)",
        "LICENSE:1:1: [A005] LICENSE is missing",
    ]
    assert not (root / ZIP).exists()


def test_json_report(root, capsys):
    (root / "LICENSE").unlink()
    code, out, err = run(capsys, root, "--format", "json")
    assert (code, err) == (1, "")
    assert json.loads(out) == {
        "summary": {"problems": 1, "files_with_problems": 1, "notices": []},
        "problems": [
            {
                "path": "LICENSE",
                "line": 1,
                "col": 1,
                "code": "A005",
                "message": "LICENSE is missing",
                "pointer": "",
            }
        ],
    }
    assert not (root / ZIP).exists()
    shutil.copy(REPO / "LICENSE", root / "LICENSE")
    code, out, err = run(capsys, root, "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "summary": {
            "archive": ZIP,
            "sha256": sha(root / ZIP),
            "files": 62,
            "bytes": (root / ZIP).stat().st_size,
            "unchanged": False,
            "assets": [],
            "problems": 0,
            "files_with_problems": 0,
            "notices": [],
        },
        "problems": [],
    }


def test_github_annotations(root, capsys):
    (root / "CHANGELOG.md").write_text(
        CHANGELOG.replace("2024-02-01", "2024-03-01"), encoding="utf-8"
    )
    (root / "LICENSE").unlink()
    code, out, err = run(capsys, root, "--format", "github")
    assert (code, err) == (1, "2 problem(s); no archive was written\n")
    assert out.splitlines() == [
        "::error file=dataset.yaml,line=14,col=1,title=V005 CHANGELOG.md dates the version otherwise than dataset.yaml::"
        "released is 2024-02-01 but CHANGELOG.md dates 0.1.0 2024-03-01; make them the same",
        "::error file=LICENSE,line=1,col=1,title=A005 Document missing::LICENSE is missing",
    ]


def test_stale_descriptor_and_missing_changelog_section(root):
    ds = (
        (root / "dataset.yaml")
        .read_text(encoding="utf-8")
        .replace("version: 0.1.0", "version: 0.2.0")
    )
    (root / "dataset.yaml").write_text(ds, encoding="utf-8")
    with pytest.raises(ReleaseError) as exc:
        release(str(root))
    assert texts(exc.value.problems) == [
        "CITATION.cff:7:1: [V003] version is 0.1.0 but dataset.yaml says 0.2.0; run make, which writes CITATION.cff from dataset.yaml",
        "CHANGELOG.md:1:1: [V004] no '## [0.2.0]' section for the version in dataset.yaml; add one (e.g. '## [0.2.0] - YYYY-MM-DD') saying what changed",
        "datapackage.json:1:1: [A007] datapackage.json has version 0.1.0 but dataset.yaml has 0.2.0: run make (il76-claims build)",
    ]


def test_no_build_yet(tmp_path):
    project = make_project(tmp_path / "p")
    with pytest.raises(ReleaseError) as exc:
        release(project.root)
    assert texts(exc.value.problems) == [
        "datapackage.json:1:1: [A001] datapackage.json is missing: run make (il76-claims build) first"
    ]


def test_a_different_archive_of_the_same_version_is_not_replaced(root, capsys):
    release(str(root))
    (root / "docs/release-readme.md").write_bytes(b"# Fixture, edited\n")
    before = (root / ZIP).read_bytes()
    code, out, err = run(capsys, root)
    assert (code, err) == (1, "1 problem(s); no archive was written\n")
    assert out == (
        f"{ZIP}:1:1: [A010] {ZIP} already exists with different content. A released version never changes: bump the version (docs/versioning.md), or pass --force to replace an archive that was never published\n"
    )
    assert (root / ZIP).read_bytes() == before
    code, out, _ = run(capsys, root, "--force")
    assert code == 0 and out.startswith(f"wrote: {ZIP}")
    assert (root / ZIP).read_bytes() != before


def test_frictionless_reads_and_validates_every_table_of_the_zip(root):
    release(str(root))
    report = frictionless.validate(str(root / ZIP))
    assert report.valid and report.stats["tasks"] == len(TABLES)
    package = frictionless.Package(str(root / ZIP))
    assert sorted(r.name for r in package.resources) == sorted(TABLES)
    assert {r.name: len(r.read_rows()) for r in package.resources} == {
        t: len(read_csv(root / "data" / f"{t}.csv")) - 1 for t in TABLES
    }
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "frictionless"), "validate", str(root / ZIP)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0 and proc.stdout.count("VALID") == len(TABLES), proc.stdout


def broken_links(zf: zipfile.ZipFile) -> list[str]:
    """Relative links in the archive's Markdown, and paths named in the
    workbook's About sheet, that point to no file of the archive."""
    names = set(zf.namelist())
    out = []
    for n in sorted(names):
        if n.endswith(".md"):
            for m in LINK.finditer(zf.read(n).decode("utf-8")):
                target = m[2].partition("#")[0]
                if (
                    target
                    and not re.match(r"[a-z][a-z0-9+.-]*:|/", target)
                    and posixpath.normpath(posixpath.join(posixpath.dirname(n), target))
                    not in names
                ):
                    out.append(f"{n}: {m[2]}")
    about = openpyxl.load_workbook(
        io.BytesIO(zf.read(next(n for n in names if n.endswith(".xlsx")))), read_only=True
    )["About"]
    for row in about.iter_rows(values_only=True, max_col=2):
        for path in re.findall(r"\b[\w./-]+\.(?:md|json|csv|cff)\b", str(row[1] or "")):
            if path not in names and not path.startswith(("data/<", "records/")):
                out.append(f"About sheet: {path}")
    return sorted(set(out))


def test_every_link_in_the_zip_resolves_inside_it(root):
    release(str(root))
    with zipfile.ZipFile(root / ZIP) as zf:
        assert broken_links(zf) == []
        policy = zf.read("docs/editorial-policy.md").decode("utf-8")
        changelog = zf.read("CHANGELOG.md").decode("utf-8")
    # Links to files outside the archive go to the repository at the tag.
    assert (
        "](https://github.com/example-owner/example-dataset/blob/v0.1.0/CONTRIBUTING.md" in policy
    )
    assert (
        "[versions](https://github.com/example-owner/example-dataset/blob/v0.1.0/docs/versioning.md)"
        in changelog
    )
    assert "[the policy](docs/editorial-policy.md)" in changelog


def test_a_broken_link_is_found(tmp_path):
    files = [
        (
            "README.md",
            b"[a](docs/missing.md) [b](docs/here.md#x) [c](https://example.org) [d](#top)\n",
        ),
        ("docs/here.md", b"[up](../README.md)\n[ref]: nowhere.md\n"),
    ]
    wb = tmp_path / "w.xlsx"
    xlsx_export.write({**META}, [], str(tmp_path), "w.xlsx")
    files.append(("w.xlsx", wb.read_bytes()))
    with zipfile.ZipFile(io.BytesIO(archive(files, RELEASED))) as zf:
        assert broken_links(zf) == [
            "About sheet: datapackage.json",
            "About sheet: docs/codebook.md",
            "About sheet: docs/datasheet.md",
            "README.md: docs/missing.md",
            "docs/here.md: nowhere.md",
        ]


def test_relink_points_outside_links_to_the_tag():
    text = "[a](../CONTRIBUTING.md#x) [b](codebook.md) [c](https://x.org/y) [d](#here)\n[e]: ../schemas/x.json\n"
    out = relink(
        "docs/p.md", text, {"docs/p.md", "docs/codebook.md"}, "https://github.com/o/r/blob/v1.0.0"
    )
    assert (
        out
        == "[a](https://github.com/o/r/blob/v1.0.0/CONTRIBUTING.md#x) [b](codebook.md) [c](https://x.org/y) [d](#here)\n[e]: https://github.com/o/r/blob/v1.0.0/schemas/x.json\n"
    )


def test_the_site_is_packed_whole(root):
    site, built = root / "dist" / "site", site_files(root)
    release(str(root))
    with zipfile.ZipFile(root / ZIP) as zf:
        assert [n for n in zf.namelist() if n.startswith("site/")] == built
        assert "site/index.html" in built and "site/site.css" in built
        assert zf.read("site/index.html") == (site / "index.html").read_bytes()


def test_a_release_needs_the_site_without_archived_texts(root, tmp_path):
    """The README sends readers to site/index.html; a site built with the
    archived texts (il76-claims site without --no-archived-text) holds
    third-party text that the archive's licence does not cover."""
    shutil.rmtree(root / "dist" / "site")
    with pytest.raises(ReleaseError) as exc:
        release(str(root))
    assert texts(exc.value.problems) == [
        "dist/site/index.html:1:1: [A003] dist/site/index.html is missing: run il76-claims site --no-archived-text (make release does)"
    ]
    project = make_project(tmp_path / "q")
    shutil.copytree(root, project.root, dirs_exist_ok=True)
    assert build_site(project, with_text=True).check.ok
    with pytest.raises(ReleaseError) as exc:
        release(project.root)
    assert texts(exc.value.problems) == [
        "dist/site/source-fixture-source.html:1:1: [A004] shows a source's archived text, third-party text the data's licence does not cover: run il76-claims site --no-archived-text (make release does)"
    ]
    assert not (Path(project.root) / ZIP).exists()


def test_a_site_file_that_cannot_be_read_is_reported(root):
    (root / "dist/site/page.html").symlink_to("nowhere.html")
    with pytest.raises(ReleaseError) as exc:
        release(str(root))
    assert lines(exc.value.problems) == [
        "dist/site/page.html:1:1: [A003] dist/site/page.html cannot be read (a broken link?): run make (il76-claims site writes it)"
    ]
    assert not (root / ZIP).exists()


def test_the_release_date_must_be_the_changelogs(root):
    (root / "CHANGELOG.md").write_text(
        CHANGELOG.replace("2024-02-01", "2024-03-01"), encoding="utf-8"
    )
    with pytest.raises(ReleaseError) as exc:
        release(str(root))
    assert texts(exc.value.problems) == [
        "dataset.yaml:14:1: [V005] released is 2024-02-01 but CHANGELOG.md dates 0.1.0 2024-03-01; make them the same"
    ]


def test_every_file_is_dated_the_release_day(root):
    """A new release date (in dataset.yaml and the changelog) dates every
    entry with it; the archive's bytes change with it and nothing else."""
    for rel, old, new in [
        ("dataset.yaml", "released: 2024-02-01", "released: 2025-03-04"),
        ("CHANGELOG.md", "2024-02-01", "2025-03-04"),
    ]:
        (root / rel).write_text((root / rel).read_text("utf-8").replace(old, new), "utf-8")
    release(str(root))
    with zipfile.ZipFile(root / ZIP) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2025, 3, 4, 0, 0, 0)}


WHAT = ": set it to the day of the release, as CHANGELOG.md dates the version; the archive dates every file with it"
NOT_A_DAY = "not a day YYYY-MM-DD from 1980 on (a zip file dates nothing earlier)"


@pytest.mark.parametrize(
    "line, given",
    [
        ("released: 1979-12-31", f"'1979-12-31', {NOT_A_DAY}"),
        ("released: 2024-2-1", f"'2024-2-1', {NOT_A_DAY}"),
        ("released: '20240201'", f"'20240201', {NOT_A_DAY}"),
        ("released: 20240201", "missing or not text"),
        (None, "missing or not text"),
    ],
)
def test_a_release_day_a_zip_cannot_hold_is_reported(root, line, given):
    ds = (root / "dataset.yaml").read_text(encoding="utf-8")
    lines = ds.splitlines()
    at = next(i for i, x in enumerate(lines) if x.startswith("released:"))
    lines[at : at + 1] = [line] if line else []
    (root / "dataset.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ReleaseError) as exc:
        release(str(root))
    # The changelog's date may disagree too; that is reported on its own.
    # A missing key is reported where the mapping starts (the fixture's line 5).
    assert [p for p in texts(exc.value.problems) if p.endswith(WHAT)] == [
        f"dataset.yaml:{at + 1 if line else 5}:1: [A008] released is {given}{WHAT}"
    ]
    assert not (root / ZIP).exists()


def test_assets_and_notes_for_a_github_release(root, tmp_path, capsys):
    out = tmp_path / "out"
    code, stdout, err = run(capsys, root, "--tag", "v0.1.0", "--assets", str(out))
    assert (code, err) == (0, "")
    assert sorted(p.name for p in (out / "assets").iterdir()) == sorted(
        [f"{STEM}.zip", *(Path(a).name for a in ASSETS)]
    )
    assert (out / "notes.md").read_text(
        encoding="utf-8"
    ) == "- First; see [the policy](docs/editorial-policy.md) and [versions](docs/versioning.md).\n"
    assert stdout.splitlines()[2:] == [
        f"asset: {out}/assets/{n}" for n in [f"{STEM}.zip", *(Path(a).name for a in ASSETS)]
    ]
    code, stdout, _ = run(capsys, root, "--tag", "v0.2.0", "--assets", str(out))
    assert (code, stdout.splitlines()[0]) == (
        1,
        "datapackage.json:1:1: [A011] the tag v0.2.0 is not v0.1.0, the version in datapackage.json: tag the commit v0.1.0, or set the version in dataset.yaml and run make",
    )
    code, _, err = run(capsys, root, "--tag", "v0.1.0")
    assert (code, err) == (2, "il76-claims release: give --tag and --assets together\n")


def test_the_release_script_builds_packs_and_gathers(root, tmp_path):
    """scripts/release.sh, the steps of the release workflow that need no
    GitHub, run on the fixture project."""
    (root / "scripts").mkdir()
    shutil.copy(REPO / "scripts" / "release.sh", root / "scripts" / "release.sh")
    env = {
        **os.environ,
        "IL76_BIN": str(Path(sys.executable).parent),
        "IL76_SOURCES": str(FIXTURE_SOURCES),
    }
    proc = subprocess.run(
        ["bash", "scripts/release.sh", "v0.1.0"],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (root / "dist/release/notes.md").is_file() and (
        root / "dist/release/assets" / f"{STEM}.zip"
    ).is_file()
    with zipfile.ZipFile(root / "dist/release/assets" / f"{STEM}.zip") as zf:
        assert "site/index.html" in zf.namelist()  # the site is built and packed too
    proc = subprocess.run(
        ["bash", "scripts/release.sh", "v9.9.9"],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 1 and "[A011] the tag v9.9.9 is not v0.1.0" in proc.stdout
    assert proc.returncode == 1 and "the tag v9.9.9 is not v0.1.0" in proc.stdout


@pytest.mark.parametrize(
    "descriptor, problem",
    [
        (
            "{",
            "datapackage.json cannot be read (Expecting property name enclosed in double quotes: line 1 column 2 (char 1)): run make (il76-claims build)",
        ),
        (
            '{"name": "x"}',
            "datapackage.json cannot be read (no version, resources): run make (il76-claims build)",
        ),
    ],
)
def test_a_descriptor_that_cannot_be_read(root, descriptor, problem):
    (root / "datapackage.json").write_text(descriptor, encoding="utf-8")
    with pytest.raises(ReleaseError) as exc:
        release(str(root))
    assert lines(exc.value.problems) == [f"datapackage.json:1:1: [A001] {problem}"]


def test_a_table_path_outside_the_package_is_not_packed(root):
    desc = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    desc["resources"][0]["path"] = "../elsewhere/sources.csv"
    (root / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")
    with pytest.raises(ReleaseError) as exc:
        release(str(root))
    assert lines(exc.value.problems) == [
        "../elsewhere/sources.csv:1:1: [A002] listed in datapackage.json but missing: run make (il76-claims build)"
    ]


def test_release_notes_need_the_versions_changelog_section(root, tmp_path):
    (root / "CHANGELOG.md").write_text("# Changelog\n\n## [Unreleased]\n", encoding="utf-8")
    with pytest.raises(ReleaseError) as exc:
        assets(str(root), "v0.1.0", str(tmp_path / "out"))
    assert lines(exc.value.problems) == [
        "CHANGELOG.md:1:1: [V004] CHANGELOG.md has no '## [0.1.0]' section for the release notes"
    ]
    assert not (tmp_path / "out").exists()
