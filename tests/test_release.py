"""il76-claims release: a reproducible zip with every file and SHA256SUMS."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import make_project
from il76_claims import cli
from il76_claims.history.release import FIXED_TIME, ReleaseError, release
from il76_claims.publish.build import build_package

STEM = "il76-belgorod-statements-0.1.0"
ZIP = f"dist/{STEM}.zip"
CITATION = 'cff-version: "1.2.0"\nmessage: "Cite it."\ntitle: "Fixture"\nversion: "0.1.0"\nauthors:\n  - name: "Fixture contributors"\n'


def release_project(path: Path) -> Path:
    """A built fixture project with every file a release needs (the workbook
    and SQLite file are stand-ins: their content does not matter here)."""
    project = make_project(path)
    build_package(project, str(path))
    files = {
        "dist/il76-belgorod-statements.xlsx": b"PK\x03\x04 workbook",
        "dist/il76-belgorod-statements.sqlite": b"SQLite format 3\x00 database",
        "README.md": b"# Fixture\n",
        "LICENSE": b"CC BY 4.0 and MIT\n",
        "CHANGELOG.md": b"# Changelog\n\n## [0.1.0] - 2024-02-01\n\n- First.\n",
        "CITATION.cff": CITATION.encode(),
    }
    for rel, data in files.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_bytes(data)
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(capsys, root: Path, *argv) -> tuple[int, str, str]:
    code = cli.main(["release", "--root", str(root), *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def root(tmp_path):
    return release_project(tmp_path / "p")


def test_two_releases_are_byte_identical(root, tmp_path, capsys):
    code, out, err = run(capsys, root)
    first = sha(root / ZIP)
    size = (root / ZIP).stat().st_size
    assert (code, err) == (0, "")
    assert out == f"wrote: {ZIP} (19 files, {size} bytes)\nsha256: {first}\n"
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
    assert (code, out.splitlines()[0]) == (0, f"unchanged: {ZIP} (19 files, {size} bytes)")


def test_archive_layout(root):
    release(str(root))
    with zipfile.ZipFile(root / ZIP) as zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names)
        assert [n[len(STEM) + 1 :] for n in names] == [
            "CHANGELOG.md", "CITATION.cff", "LICENSE", "README.md", "SHA256SUMS",
            "data/actors.csv", "data/casualty_figure_derivations.csv", "data/casualty_figures.csv",
            "data/claim_positions.csv", "data/claim_relations.csv", "data/claims.csv", "data/codelists.csv", "data/events.csv",
            "data/sources.csv", "data/statement_relays.csv", "data/statements.csv", "datapackage.json",
            "il76-belgorod-statements.sqlite", "il76-belgorod-statements.xlsx",
        ]  # fmt: skip
        for i in infos:
            assert i.date_time == FIXED_TIME
            assert (i.create_system, i.external_attr >> 16) == (3, 0o100644)
            assert i.extra == b"" and not i.is_dir()
            assert i.compress_type == zipfile.ZIP_DEFLATED
        assert zf.comment == b""
        assert zf.read(f"{STEM}/data/actors.csv") == (root / "data/actors.csv").read_bytes()
        assert zf.read(f"{STEM}/il76-belgorod-statements.xlsx") == (root / "dist/il76-belgorod-statements.xlsx").read_bytes()


def test_sha256sums_cover_every_other_file_and_verify(root, tmp_path):
    release(str(root))
    out = tmp_path / "unpacked"
    with zipfile.ZipFile(root / ZIP) as zf:
        zf.extractall(out)
        members = sorted(n[len(STEM) + 1 :] for n in zf.namelist())
    folder = out / STEM
    lines = (folder / "SHA256SUMS").read_text(encoding="ascii").splitlines()
    listed = [ln.split("  ", 1)[1] for ln in lines]
    assert listed == [m for m in members if m != "SHA256SUMS"]
    for ln in lines:
        digest, name = ln.split("  ", 1)
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    if shutil.which("sha256sum"):
        proc = subprocess.run(["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
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
        "error: CITATION.cff:4: version is 0.2.0 but dataset.yaml says 0.1.0; make them the same",
        "error: data/events.csv: differs from what datapackage.json describes (size or SHA-256): run make (il76-claims build)",
        "error: dist/il76-belgorod-statements.xlsx is missing: run make (il76-claims build writes it)",
        "error: dist/il76-belgorod-statements.sqlite is missing: run make (il76-claims build writes it)",
        "error: LICENSE is missing",
        "5 problem(s); no archive was written",
    ]
    assert not (root / ZIP).exists()


def test_stale_descriptor_and_missing_changelog_section(root):
    ds = (root / "dataset.yaml").read_text(encoding="utf-8").replace("version: 0.1.0", "version: 0.2.0")
    (root / "dataset.yaml").write_text(ds, encoding="utf-8")
    with pytest.raises(ReleaseError) as exc:
        release(str(root))
    assert exc.value.problems == [
        "CITATION.cff:4: version is 0.1.0 but dataset.yaml says 0.2.0; make them the same",
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
    (root / "README.md").write_bytes(b"# Fixture, edited\n")
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
