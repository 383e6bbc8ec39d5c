"""The version check (il76-claims version-check) in throwaway git
repositories, the version rules, and CITATION.cff against dataset.yaml."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURE_SOURCES, REPO, base_record, make_project, renamed
from il76_claims import cli
from il76_claims.check import report
from il76_claims.check import strict_yaml as loader
from il76_claims.check.metadata import changelog_sections, section
from il76_claims.cli import fresh_package
from il76_claims.history.git import GitError, is_repo, resolve
from il76_claims.history.versioning import VersionCheckError, check_version, next_version
from il76_claims.model.project import Project
from il76_claims.publish.build import build_package

NEW_ACTOR = """id: fixture-newcomer
actor_type: person
name: Sam Newcomer
role: null
affiliation_id: null
country: FR
"""

CITATION = """cff-version: "1.2.0"
message: "Cite it."
title: "Fixture"
version: "{version}"
authors:
  - name: "Fixture contributors"
"""


@pytest.fixture(autouse=True)
def _own_git_environment(monkeypatch):
    # Git variables of a calling hook (GIT_DIR, GIT_INDEX_FILE...) would
    # point the throwaway repositories' commands at another repository.
    for k in [k for k in os.environ if k.startswith("GIT_")]:
        monkeypatch.delenv(k)


def git(cwd, *args) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_AUTHOR_NAME="T",
        GIT_AUTHOR_EMAIL="t@example.org",
        GIT_COMMITTER_NAME="T",
        GIT_COMMITTER_EMAIL="t@example.org",
    )
    proc = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


class Repo:
    """A project in a git repository: records, their build, CITATION.cff and
    CHANGELOG.md. ``Repo.first(path)`` lays it out and commits it at 0.1.0."""

    def __init__(self, path: Path):
        self.path = path
        self.project = Project(root=str(path), sources_dir=str(FIXTURE_SOURCES))

    @classmethod
    def first(cls, path: Path) -> Repo:
        repo = cls(path)
        make_project(path)
        repo.set_version("0.1.0")
        repo.rebuild()
        git(path, "init", "-q")
        repo.commit("0.1.0")
        return repo

    def write(self, rel: str, text: str | None):
        p = self.path / rel
        if text is None:
            p.unlink()
        else:
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, encoding="utf-8")

    def set_version(
        self, version: str, citation: str | None = None, changelog: tuple[str, ...] | None = None
    ):
        ds = (self.path / "dataset.yaml").read_text(encoding="utf-8")
        self.write("dataset.yaml", re.sub(r"(?m)^version: .*$", f"version: {version}", ds))
        self.write("CITATION.cff", CITATION.format(version=citation or version))
        sections = changelog if changelog is not None else (version,)
        self.write(
            "CHANGELOG.md",
            "# Changelog\n\n## [Unreleased]\n"
            + "".join(f"\n## [{v}] - 2024-02-01\n\n- Changes.\n" for v in sections),
        )

    def rebuild(self):
        shutil.rmtree(self.path / "data", ignore_errors=True)
        build_package(self.project, str(self.path))

    def commit(self, message: str) -> str:
        git(self.path, "add", "-A", ".")
        git(self.path, "commit", "-q", "-m", message)
        return git(self.path, "rev-parse", "HEAD")

    def check(self, base=None, env=None):
        return check_version(
            self.project, lambda: fresh_package(self.project), base, env={} if env is None else env
        )


@pytest.fixture(scope="module")
def first_commit(tmp_path_factory) -> Path:
    """The repository at 0.1.0, built and committed once; each test has a copy."""
    return Repo.first(tmp_path_factory.mktemp("first") / "repo").path


@pytest.fixture
def repo(first_commit, tmp_path):
    return Repo(Path(shutil.copytree(first_commit, tmp_path / "repo", symlinks=True)))


def messages(outcome) -> list[str]:
    return report.text(outcome.problems).splitlines()


# --- the rules -----------------------------------------------------------------


@pytest.mark.parametrize(
    "base, new, level, ok",
    [
        ((0, 1, 0), (0, 1, 0), "none", True),
        ((0, 1, 0), (0, 1, 1), "none", True),
        ((0, 1, 0), (0, 1, 0), "patch", False),
        ((0, 1, 0), (0, 1, 1), "patch", True),
        ((0, 1, 0), (0, 2, 0), "patch", True),
        ((0, 1, 0), (0, 1, 1), "minor", False),
        ((0, 1, 0), (0, 2, 0), "minor", True),
        ((0, 1, 3), (0, 2, 0), "minor", True),
        ((0, 1, 0), (1, 0, 0), "minor", True),
        ((0, 1, 0), (0, 2, 0), "major", False),
        ((0, 1, 0), (1, 0, 0), "major", True),
        ((1, 4, 2), (2, 0, 0), "major", True),
    ],
)
def test_which_versions_satisfy_a_bump(base, new, level, ok):
    assert (new >= next_version(base, level)) is ok


def test_next_version():
    assert [next_version((1, 4, 2), lv) for lv in ("none", "patch", "minor", "major")] == [
        (1, 4, 2),
        (1, 4, 3),
        (1, 5, 0),
        (2, 0, 0),
    ]


def test_changelog_sections():
    text = "# Changelog\n## [Unreleased]\n## [1.2.0] - 2024-02-01\n### [0.9.0]\n## [1.1.0]\n##[1.0.0]\n"
    assert changelog_sections(text) == ["Unreleased", "1.2.0", "1.1.0"]


def test_the_section_of_a_heading_on_the_last_line_is_empty():
    text = "# Changelog\n## [1.2.0] - 2024-02-01\n- A change.\n## [1.1.0] - 2024-01-01"
    assert section(text, "1.2.0") == ("2024-02-01", "- A change.\n")
    assert section(text, "1.1.0") == ("2024-01-01", "\n")


# --- the check in a repository ---------------------------------------------------


def test_no_change_passes(repo):
    out = repo.check()
    assert out.ok and out.notes == []
    assert out.info[1:] == [
        "new: working tree, version 0.1.0",
        "no changes to the data or its description since the base",
    ]


def test_records_added_without_a_bump_fail(repo, monkeypatch, capsys):
    repo.write("records/actor/fixture-newcomer.yaml", NEW_ACTOR)
    base = git(repo.path, "rev-parse", "HEAD")
    for k in [k for k in os.environ if k.startswith("GITHUB_")]:
        monkeypatch.delenv(k)
    code = cli.main(
        ["version-check", "--root", str(repo.path), "--sources", repo.project.sources_dir]
    )
    out, err = capsys.readouterr()
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        f"base: {base[:12]} (merge base of HEAD and main), version 0.1.0",
        "new: working tree, version 0.1.0",
        "changes since the base need a MINOR version bump:",
        "  actors: 1 record(s) added",
        "dataset.yaml:13:1: [V007] version is 0.1.0 but the changes since 0.1.0 need a MINOR bump, to 0.2.0 or higher: "
        "set version: 0.2.0 and released: YYYY-MM-DD in dataset.yaml, add a '## [0.2.0] - YYYY-MM-DD' section with the same date to CHANGELOG.md "
        f"saying what changed, then run make, which writes CITATION.cff and datapackage.json (il76-claims diff {base[:12]} lists every change; docs/versioning.md explains the rules)",
    ]


def version_check(repo, *options) -> list[str]:
    return [
        "version-check",
        "--root",
        str(repo.path),
        "--base",
        "HEAD",
        "--sources",
        repo.project.sources_dir,
        *options,
    ]


def test_github_annotations(repo, capsys):
    repo.write("records/actor/fixture-newcomer.yaml", NEW_ACTOR)
    base = git(repo.path, "rev-parse", "HEAD")[:12]
    code = cli.main(version_check(repo, "--format", "github"))
    out, err = capsys.readouterr()
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        f"base: {base} (HEAD), version 0.1.0",
        "new: working tree, version 0.1.0",
        "changes since the base need a MINOR version bump:",
        "  actors: 1 record(s) added",
        "::error file=dataset.yaml,line=13,col=1,title=V007 Version bump smaller than the changes need::"
        "version is 0.1.0 but the changes since 0.1.0 need a MINOR bump, to 0.2.0 or higher: "
        "set version: 0.2.0 and released: YYYY-MM-DD in dataset.yaml, add a '## [0.2.0] - YYYY-MM-DD' section with the same date to CHANGELOG.md "
        f"saying what changed, then run make, which writes CITATION.cff and datapackage.json (il76-claims diff {base} lists every change; docs/versioning.md explains the rules)",
    ]


def test_github_annotations_escape_the_message(repo, capsys):
    # A line break would end the annotation, and '%' starts GitHub's escapes.
    repo.write("CITATION.cff", CITATION.format(version="0.1.0%,:\\n"))
    assert cli.main(version_check(repo, "--format", "github")) == 1
    assert capsys.readouterr().out.splitlines()[-1] == (
        "::error file=CITATION.cff,line=4,col=1,title=V003 CITATION.cff gives another version::"
        "version is 0.1.0%25,:\\u000a but dataset.yaml says 0.1.0; run make, which writes CITATION.cff from dataset.yaml"
    )


def test_json_report(repo, capsys):
    repo.set_version("0.2.0", citation="0.1.0", changelog=("0.2.0", "0.1.0"))
    code = cli.main(version_check(repo, "--format", "json"))
    out, err = capsys.readouterr()
    assert (code, err) == (1, "")
    assert json.loads(out) == {
        "summary": {
            "info": [
                f"base: {git(repo.path, 'rev-parse', 'HEAD')[:12]} (HEAD), version 0.1.0",
                "new: working tree, version 0.2.0",
                "no changes to the data or its description since the base",
            ],
            "problems": 1,
            "files_with_problems": 1,
            "notices": [],
        },
        "problems": [
            {
                "path": "CITATION.cff",
                "line": 4,
                "col": 1,
                "code": "V003",
                "message": "version is 0.1.0 but dataset.yaml says 0.2.0; run make, which writes CITATION.cff from dataset.yaml",
                "pointer": "",
            }
        ],
    }


def test_records_added_with_a_minor_bump_pass(repo):
    repo.write("records/actor/fixture-newcomer.yaml", NEW_ACTOR)
    repo.set_version("0.2.0", changelog=("0.2.0", "0.1.0"))
    out = repo.check()
    assert messages(out) == []
    assert out.info[1:] == [
        "new: working tree, version 0.2.0",
        "changes since the base need a MINOR version bump:",
        "  actors: 1 record(s) added",
    ]


def test_a_patch_bump_is_not_enough_for_added_records(repo):
    repo.write("records/actor/fixture-newcomer.yaml", NEW_ACTOR)
    repo.set_version("0.1.1")
    assert [m.split(": set version")[0] for m in messages(repo.check())] == [
        "dataset.yaml:13:1: [V007] version is 0.1.1 but the changes since 0.1.0 need a MINOR bump, to 0.2.0 or higher"
    ]


def test_a_correction_needs_a_patch_bump(repo):
    person = base_record("records/actor/fixture-person.yaml").replace(
        "role: Spokesperson", "role: Press secretary"
    )
    repo.write("records/actor/fixture-person.yaml", person)
    out = repo.check()
    assert [m.split(": set version")[0] for m in messages(out)] == [
        "dataset.yaml:13:1: [V007] version is 0.1.0 but the changes since 0.1.0 need a PATCH bump, to 0.1.1 or higher"
    ]
    assert out.info[2:] == [
        "changes since the base need a PATCH version bump:",
        "  actors: 1 record(s) changed",
    ]
    repo.set_version("0.1.1")
    assert repo.check().ok


def test_removing_a_record_needs_a_major_bump(repo):
    repo.write("records/casualty_figure/fixture-range.yaml", None)
    repo.set_version("0.2.0")
    out = repo.check()
    assert [m.split(": set version")[0] for m in messages(out)] == [
        "dataset.yaml:13:1: [V007] version is 0.2.0 but the changes since 0.1.0 need a MAJOR bump, to 1.0.0 or higher"
    ]
    assert out.info[2:] == [
        "changes since the base need a MAJOR version bump:",
        "  casualty_figures: 1 record(s) removed that other tables can reference",
    ]
    repo.set_version("1.0.0")
    assert repo.check().ok


def test_a_rename_needs_a_minor_bump_with_its_former_id_and_a_major_one_without(repo):
    files = renamed("fixture-person", "fixture-speaker", "0.1.0")
    for rel in (r for r in files if r.startswith("records/")):
        repo.write(rel, files[rel])
    repo.set_version("0.2.0", changelog=("0.2.0", "0.1.0"))
    out = repo.check()
    # 0.1.0 is a released version, so the checker accepts it; only the
    # comparison with the base shows that 0.1.0 still had the old id.
    assert messages(out) == [
        "records/actor/fixture-speaker.yaml:10:14: [V008] former id 'fixture-person': former_ids says it was renamed in 0.1.0, but 0.1.0 still had the old id; give the version that releases the rename"
    ]
    assert out.info[2:] == [
        "changes since the base need a MINOR version bump:",
        "  actors: 1 id(s) renamed, the former id recorded",
        "  former_ids: 1 record(s) added",
    ]
    record = files["records/actor/fixture-speaker.yaml"]
    repo.write("records/actor/fixture-speaker.yaml", record.replace("0.1.0", "0.2.0"))
    assert repo.check().ok
    repo.write("records/actor/fixture-speaker.yaml", record[: record.index("former_ids:")])
    assert [m.split(": set version")[0] for m in messages(repo.check())] == [
        "dataset.yaml:13:1: [V007] version is 0.2.0 but the changes since 0.1.0 need a MAJOR bump, to 1.0.0 or higher"
    ]


def test_a_tooling_change_to_the_outputs_counts(repo):
    # The base is the package as committed, so a schema change shows even
    # when no record changed.
    schema = json.loads((repo.path / "schemas/actor.schema.json").read_text(encoding="utf-8"))
    schema["properties"]["name"]["description"] = "Another description."
    repo.write("schemas/actor.schema.json", json.dumps(schema, indent=2))
    out = repo.check()
    assert out.info[2:] == [
        "changes since the base need a PATCH version bump:",
        "  actors.name: description changed",
    ]


def test_every_disagreement_is_reported_at_once(repo):
    repo.write("records/actor/fixture-newcomer.yaml", NEW_ACTOR)
    repo.set_version("0.2.0", citation="0.1.0", changelog=("0.1.0",))
    assert messages(repo.check()) == [
        "CITATION.cff:4:1: [V003] version is 0.1.0 but dataset.yaml says 0.2.0; run make, which writes CITATION.cff from dataset.yaml",
        "CHANGELOG.md:1:1: [V004] no '## [0.2.0]' section for the version in dataset.yaml; add one (e.g. '## [0.2.0] - YYYY-MM-DD') saying what changed",
    ]


def test_the_release_date_and_the_changelog_date_must_agree(repo):
    repo.write("records/actor/fixture-newcomer.yaml", NEW_ACTOR)
    repo.set_version("0.2.0")
    ds = (repo.path / "dataset.yaml").read_text(encoding="utf-8")
    repo.write("dataset.yaml", re.sub(r"(?m)^released: .*$", "released: 2024-02-02", ds))
    line = ds.splitlines().index(next(x for x in ds.splitlines() if x.startswith("released:"))) + 1
    assert messages(repo.check()) == [
        f"dataset.yaml:{line}:1: [V005] released is 2024-02-02 but CHANGELOG.md dates 0.2.0 2024-02-01; make them the same"
    ]


def test_missing_citation_and_changelog(repo):
    repo.write("CITATION.cff", None)
    repo.write("CHANGELOG.md", None)
    assert messages(repo.check()) == [
        "CITATION.cff:1:1: [V001] CITATION.cff is missing",
        "CHANGELOG.md:1:1: [V001] CHANGELOG.md is missing; add it with a '## [0.1.0] - YYYY-MM-DD' section",
    ]


def test_a_version_that_is_not_semantic_stops_the_check(repo):
    repo.set_version("'1.2'")
    assert messages(repo.check()) == [
        "dataset.yaml:13:1: [V002] version '1.2' is not MAJOR.MINOR.PATCH (e.g. 1.2.0)"
    ]


def test_versions_only_go_up(repo):
    repo.set_version("1.0.0")
    repo.rebuild()
    repo.commit("1.0.0")
    repo.set_version("0.9.0")
    assert messages(repo.check(base="HEAD")) == [
        "dataset.yaml:13:1: [V006] version 0.9.0 is lower than the base's 1.0.0; versions only go up"
    ]


def test_records_with_problems_fail(repo):
    repo.write(
        "records/actor/fixture-newcomer.yaml", NEW_ACTOR.replace("country: FR", "country: XX")
    )
    assert messages(repo.check()) == [
        "dataset.yaml:1:1: [V009] working tree: the records have 1 problem(s), so there is no build to compare; run il76-claims check"
    ]


# --- choosing the base -------------------------------------------------------------


def test_pull_request_compares_with_the_merge_base(repo):
    base = git(repo.path, "rev-parse", "HEAD")
    git(repo.path, "checkout", "-q", "-b", "feature")
    repo.write("records/actor/fixture-newcomer.yaml", NEW_ACTOR)
    repo.rebuild()
    repo.commit("add an actor")
    # main moves on meanwhile; the PR is judged only on its own changes.
    git(repo.path, "checkout", "-q", "main")
    repo.write("README.md", "readme\n")
    repo.commit("docs")
    git(repo.path, "checkout", "-q", "feature")
    out = repo.check(env={"GITHUB_BASE_REF": "main"})
    assert (
        out.info[0]
        == f"base: {base[:12]} (merge base of HEAD and main, the pull request's target), version 0.1.0"
    )
    assert out.info[2:] == [
        "changes since the base need a MINOR version bump:",
        "  actors: 1 record(s) added",
    ]
    assert len(out.problems) == 1


def test_push_compares_with_the_commit_before_it(repo, tmp_path):
    first = git(repo.path, "rev-parse", "HEAD")
    repo.write("records/actor/fixture-newcomer.yaml", NEW_ACTOR)
    repo.set_version("0.2.0", changelog=("0.2.0", "0.1.0"))
    repo.rebuild()
    repo.commit("0.2.0")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"before": first}), encoding="utf-8")
    out = repo.check(env={"GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(event)})
    assert out.ok
    assert out.info[0] == f"base: {first[:12]} (the commit before this push), version 0.1.0"
    # A new branch's first push has no 'before': the previous commit is used.
    event.write_text(json.dumps({"before": "0" * 40}), encoding="utf-8")
    out = repo.check(env={"GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(event)})
    assert out.info[0] == f"base: {first[:12]} (HEAD^, the previous commit (push)), version 0.1.0"


def test_first_commit_skips_with_a_note(repo):
    out = repo.check(env={"GITHUB_EVENT_NAME": "push"})
    assert out.ok and out.info == []
    assert out.notes == [
        "version check against a base skipped: HEAD is the first commit: there is no earlier version to compare with"
    ]


def test_shallow_clone_skips_with_a_note(repo, tmp_path):
    repo.write("README.md", "readme\n")
    repo.commit("second")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone))
    project = make_project(tmp_path / "unused")
    project.root = str(clone)
    out = check_version(
        project, lambda: fresh_package(project), None, env={"GITHUB_EVENT_NAME": "push"}
    )
    assert out.notes == [
        "version check against a base skipped: this is a shallow clone and the previous commit is not in it; fetch the history (actions/checkout with fetch-depth: 0) or pass --base REF"
    ]
    out = check_version(
        project, lambda: fresh_package(project), None, env={"GITHUB_BASE_REF": "release"}
    )
    assert out.notes == [
        "version check against a base skipped: the pull request's target branch 'release' is not in this clone; fetch it (actions/checkout with fetch-depth: 0) or pass --base REF"
    ]
    assert out.ok


def test_no_repository_or_no_main_branch(tmp_path, repo):
    plain = make_project(tmp_path / "plain")
    (tmp_path / "plain/CITATION.cff").write_text(CITATION.format(version="0.1.0"), encoding="utf-8")
    (tmp_path / "plain/CHANGELOG.md").write_text("## [0.1.0]\n", encoding="utf-8")
    out = check_version(plain, None, env={})
    assert out.ok and out.notes == [
        f"version check against a base skipped: {plain.root} is not in a git repository"
    ]
    git(repo.path, "branch", "-q", "-m", "main", "trunk")
    assert repo.check().notes == [
        "version check against a base skipped: no main or origin/main branch to compare with; pass --base REF"
    ]


def test_a_base_without_a_package_skips(repo):
    git(repo.path, "rm", "-q", "-r", "data", "datapackage.json")
    git(repo.path, "commit", "-q", "-m", "unpublish")
    repo.rebuild()
    out = repo.check(base="HEAD")
    head = git(repo.path, "rev-parse", "HEAD")
    assert out.notes == [
        f"version check against a base skipped: {head[:12]} (HEAD) has no datapackage.json, so no earlier version was published there"
    ]


def test_an_unknown_base_is_an_error(repo, capsys):
    code = cli.main(["version-check", "--root", str(repo.path), "--base", "no-such-branch"])
    assert (code, capsys.readouterr().err) == (
        2,
        "il76-claims version-check: --base no-such-branch: not a commit in this repository (in a shallow clone, fetch more history first)\n",
    )


def test_the_command_notes_a_skipped_comparison_and_passes(repo, monkeypatch, capsys):
    for k in [k for k in os.environ if k.startswith("GITHUB_")]:
        monkeypatch.delenv(k)
    monkeypatch.setenv("GITHUB_EVENT_NAME", "push")
    code = cli.main(
        ["version-check", "--root", str(repo.path), "--sources", repo.project.sources_dir]
    )
    assert (code, *capsys.readouterr()) == (
        0,
        "ok: the version, CITATION.cff and CHANGELOG.md agree with the changes\n",
        "note: version check against a base skipped: HEAD is the first commit: there is no earlier version to compare with\n",
    )


def test_a_version_that_is_not_major_minor_patch_is_not_compared(repo):
    repo.set_version("v1.0.0")
    out = repo.check()
    assert (out.info, messages(out)) == (
        [],
        ["dataset.yaml:13:1: [V002] version 'v1.0.0' is not MAJOR.MINOR.PATCH (e.g. 1.2.0)"],
    )


def test_a_base_whose_package_cannot_be_read_is_an_error(repo):
    repo.write("datapackage.json", "{")
    head = repo.commit("a broken descriptor")
    with pytest.raises(VersionCheckError) as exc:
        repo.check(base="HEAD")
    assert str(exc.value) == (
        f"{head[:12]} (HEAD): datapackage.json is not valid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"
    )


def test_a_base_version_that_is_not_major_minor_patch_is_noted(repo):
    desc = json.loads((repo.path / "datapackage.json").read_text(encoding="utf-8"))
    repo.write("datapackage.json", json.dumps({**desc, "version": "first"}))
    repo.commit("an odd version")
    out = repo.check(base="HEAD")
    assert out.ok and out.notes == [
        "the base's datapackage.json has no MAJOR.MINOR.PATCH version ('first'); nothing to compare the version with"
    ]


def test_a_repository_without_commits_skips_with_a_note(repo):
    shutil.rmtree(repo.path / ".git")
    git(repo.path, "init", "-q")
    assert repo.check().notes == [
        "version check against a base skipped: the repository has no commits yet"
    ]


def test_branches_without_a_common_commit_skip_with_a_note(repo):
    git(repo.path, "checkout", "-q", "--orphan", "unrelated")
    repo.commit("a history of its own")
    assert repo.check(env={"GITHUB_BASE_REF": "main"}).notes == [
        "version check against a base skipped: HEAD and main have no common commit in this clone (shallow clone?); fetch the history (actions/checkout with fetch-depth: 0) or pass --base REF"
    ]
    assert repo.check().notes == [
        "version check against a base skipped: no main or origin/main branch to compare with; pass --base REF"
    ]


@pytest.mark.parametrize("event_text", ["not JSON", json.dumps({"before": "f" * 40})])
def test_a_push_event_without_a_usable_commit_compares_with_the_previous_one(
    repo, tmp_path, event_text
):
    # The event cannot be read, or names a commit this clone does not have.
    event = tmp_path / "event.json"
    event.write_text(event_text, encoding="utf-8")
    out = repo.check(env={"GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(event)})
    assert out.notes == [
        "version check against a base skipped: HEAD is the first commit: there is no earlier version to compare with"
    ]


def test_refs_that_are_options_or_empty_name_no_commit(repo):
    assert resolve(str(repo.path), "--all") is None and resolve(str(repo.path), "") is None


def test_without_git_there_is_no_repository(repo, monkeypatch):
    monkeypatch.setenv("PATH", "")
    assert is_repo(str(repo.path)) is False
    with pytest.raises(GitError, match=r"^git is not installed \(or not on PATH\)$"):
        resolve(str(repo.path), "HEAD")


# --- CITATION.cff and CHANGELOG.md in this repository ---------------------------------

# The keys CFF 1.2.0 allows at the top level.
CFF_KEYS = {
    "abstract", "authors", "cff-version", "commit", "contact", "date-released", "doi", "identifiers", "keywords",
    "license", "license-url", "message", "preferred-citation", "references", "repository", "repository-artifact",
    "repository-code", "title", "type", "url", "version",
}  # fmt: skip


def _load(rel: str) -> dict:
    rec, problems = loader.load_file(rel, str(REPO / rel), "")
    assert problems == [] and rec is not None
    return rec.data


def test_citation_matches_dataset_yaml():
    cff, ds = _load("CITATION.cff"), _load("dataset.yaml")
    assert cff["version"] == ds["version"], (
        "CITATION.cff and dataset.yaml must give the same version"
    )
    assert cff["cff-version"] == "1.2.0"
    assert set(cff) <= CFF_KEYS and {"cff-version", "message", "title", "authors"} <= set(cff)
    assert cff["type"] == "dataset"
    assert cff["title"] == ds["title"]
    assert cff["abstract"] == ds["description"] + " " + ds["rights"]
    assert [a["name"] for a in cff["authors"]] == [c["title"] for c in ds["contributors"]]
    assert cff["license"] == "CC-BY-4.0" and [lic["name"] for lic in ds["licenses"]] == [
        "CC-BY-4.0"
    ]
    assert cff["keywords"] == ds["keywords"]


def test_changelog_has_a_section_for_the_version():
    version = _load("dataset.yaml")["version"]
    sections = changelog_sections((REPO / "CHANGELOG.md").read_text(encoding="utf-8"))
    assert version in sections, f"CHANGELOG.md needs a '## [{version}] - YYYY-MM-DD' section"
