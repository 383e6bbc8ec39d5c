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
from conftest import FIXTURE_SOURCES, REPO, make_project
from il76_claims import cli
from il76_claims.publish import xlsx as xlsx_export
from il76_claims.publish.build import build
from il76_claims.publish.release import (
    ASSETS,
    FIXED_TIME,
    LINK,
    ReleaseError,
    archive,
    assets,
    release,
    relink,
)

STEM = "il76-belgorod-statements-0.1.0"
ZIP = f"dist/{STEM}.zip"
CITATION = 'cff-version: "1.2.0"\nmessage: "Cite it."\ntitle: "Fixture"\nversion: "0.1.0"\nauthors:\n  - name: "Fixture contributors"\n'
CHANGELOG = "# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2024-02-01\n\n- First; see [the policy](docs/editorial-policy.md) and [versions](docs/versioning.md).\n"
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
        (root / "LICENSE").write_bytes(b"CC BY 4.0 and MIT\n")
        (root / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
        _built["root"] = root
    shutil.copytree(_built["root"], path)
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(capsys, root: Path, *argv) -> tuple[int, str, str]:
    code = cli.main(["release", "--root", str(root), *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def root(tmp_path, tmp_path_factory):
    return release_project(tmp_path / "p", tmp_path_factory)


def test_two_releases_are_byte_identical(root, tmp_path, capsys):
    code, out, err = run(capsys, root)
    first = sha(root / ZIP)
    size = (root / ZIP).stat().st_size
    assert (code, err) == (0, "")
    assert out == f"wrote: {ZIP} (44 files, {size} bytes)\nsha256: {first}\n"
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
    assert (code, out.splitlines()[0]) == (0, f"unchanged: {ZIP} (44 files, {size} bytes)")


TABLES = (
    "actors", "casualty_figure_derivations", "casualty_figures", "claim_actors", "claim_positions", "claim_relations", "claims", "codelists",
    "events", "sources", "statement_relays", "statement_sources", "statements",
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
            *(f"jsonl/{t}.jsonl" for t in TABLES), "metadata.json",
        ])  # fmt: skip
        for i in infos:
            assert i.date_time == FIXED_TIME
            assert (i.create_system, i.external_attr >> 16) == (3, 0o100644)
            assert i.extra == b"" and not i.is_dir()
            assert i.compress_type == zipfile.ZIP_DEFLATED
        assert zf.comment == b""
        assert zf.read("data/actors.csv") == (root / "data/actors.csv").read_bytes()
        assert (
            zf.read("il76-belgorod-statements.xlsx")
            == (root / "dist/il76-belgorod-statements.xlsx").read_bytes()
        )
        assert zf.read("README.md") == (root / "docs/release-readme.md").read_bytes()


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
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "error: CITATION.cff:4: version is 0.2.0 but dataset.yaml says 0.1.0; run make, which writes CITATION.cff from dataset.yaml",
        "error: data/events.csv: differs from what datapackage.json describes (size or SHA-256): run make (il76-claims build)",
        "error: dist/il76-belgorod-statements.xlsx is missing: run make (il76-claims build writes it)",
        "error: dist/il76-belgorod-statements.sqlite is missing: run make (il76-claims build writes it)",
        "error: LICENSE is missing",
        "5 problem(s); no archive was written",
    ]
    assert not (root / ZIP).exists()


def test_stale_descriptor_and_missing_changelog_section(root):
    ds = (
        (root / "dataset.yaml")
        .read_text(encoding="utf-8")
        .replace("version: 0.1.0", "version: 0.2.0")
    )
    (root / "dataset.yaml").write_text(ds, encoding="utf-8")
    with pytest.raises(ReleaseError) as exc:
        release(str(root))
    assert exc.value.problems == [
        "CITATION.cff:7: version is 0.1.0 but dataset.yaml says 0.2.0; run make, which writes CITATION.cff from dataset.yaml",
        "CHANGELOG.md:1: no '## [0.2.0]' section for the version in dataset.yaml; add one (e.g. '## [0.2.0] - YYYY-MM-DD') saying what changed",
        "datapackage.json has version 0.1.0 but dataset.yaml has 0.2.0: run make (il76-claims build)",
    ]


def test_no_build_yet(tmp_path):
    project = make_project(tmp_path / "p")
    with pytest.raises(ReleaseError) as exc:
        release(project.root)
    assert exc.value.problems == ["datapackage.json is missing: run make (il76-claims build) first"]


def test_a_different_archive_of_the_same_version_is_not_replaced(root, capsys):
    release(str(root))
    (root / "docs/release-readme.md").write_bytes(b"# Fixture, edited\n")
    before = (root / ZIP).read_bytes()
    code, _, err = run(capsys, root)
    assert code == 1
    assert err.splitlines()[0] == (
        f"error: {ZIP} already exists with different content. A released version never changes: bump the version (docs/versioning.md), or pass --force to replace an archive that was never published"
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
    with zipfile.ZipFile(io.BytesIO(archive(files))) as zf:
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


def test_the_site_is_packed_when_it_is_built(root):
    for rel in ("dist/site/index.html", "dist/site/b/page.html", "dist/site/a.css"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel, encoding="utf-8")
    release(str(root))
    with zipfile.ZipFile(root / ZIP) as zf:
        site = [n for n in zf.namelist() if n.startswith("site/")]
        assert site == ["site/a.css", "site/b/page.html", "site/index.html"]
        assert zf.read("site/b/page.html") == b"dist/site/b/page.html"


def test_a_site_file_that_cannot_be_read_is_reported(root):
    (root / "dist/site").mkdir(parents=True, exist_ok=True)
    (root / "dist/site/index.html").symlink_to("nowhere.html")
    with pytest.raises(ReleaseError) as exc:
        release(str(root))
    assert exc.value.problems == [
        "dist/site/index.html cannot be read (a broken link?): run make (il76-claims site writes it)"
    ]
    assert not (root / ZIP).exists()


def test_the_release_date_must_be_the_changelogs(root):
    (root / "CHANGELOG.md").write_text(
        CHANGELOG.replace("2024-02-01", "2024-03-01"), encoding="utf-8"
    )
    with pytest.raises(ReleaseError) as exc:
        release(str(root))
    assert exc.value.problems == [
        "dataset.yaml:10: released is 2024-02-01 but CHANGELOG.md dates 0.1.0 2024-03-01; make them the same"
    ]


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
    code, _, err = run(capsys, root, "--tag", "v0.2.0", "--assets", str(out))
    assert (code, err.splitlines()[0]) == (
        1,
        "error: the tag v0.2.0 is not v0.1.0, the version in datapackage.json: tag the commit v0.1.0, or set the version in dataset.yaml and run make",
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
    assert proc.returncode == 1 and "the tag v9.9.9 is not v0.1.0" in proc.stderr


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
    assert exc.value.problems == [problem]


def test_a_table_path_outside_the_package_is_not_packed(root):
    desc = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    desc["resources"][0]["path"] = "../elsewhere/sources.csv"
    (root / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")
    with pytest.raises(ReleaseError) as exc:
        release(str(root))
    assert exc.value.problems == [
        "../elsewhere/sources.csv: listed in datapackage.json but missing: run make (il76-claims build)"
    ]


def test_release_notes_need_the_versions_changelog_section(root, tmp_path):
    (root / "CHANGELOG.md").write_text("# Changelog\n\n## [Unreleased]\n", encoding="utf-8")
    with pytest.raises(ReleaseError) as exc:
        assets(str(root), "v0.1.0", str(tmp_path / "out"))
    assert exc.value.problems == ["CHANGELOG.md has no '## [0.1.0]' section for the release notes"]
    assert not (tmp_path / "out").exists()
