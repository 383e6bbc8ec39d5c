"""il76-claims diff: two builds compared record by record, with the version
bump the changes need (docs/versioning.md)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import base_record, make_project, renamed, run_cli
from il76_claims.history import renames
from il76_claims.history.diff import (
    DiffError,
    TableData,
    compare,
    load,
    load_folder,
    render_json,
    render_text,
)
from il76_claims.publish.build import build_package

NEW_ACTOR = """id: fixture-newcomer
actor_type: person
name: Sam Newcomer
role: null
affiliation_id: null
country: FR
"""


def package_of(tmp_path: Path, name: str, files=None) -> str:
    """Build the base project (with ``files`` changed) into a package folder."""
    project = make_project(tmp_path / f"{name}-project", files)
    out = tmp_path / name
    out.mkdir()
    build_package(project, str(out))
    return str(out)


def edit_descriptor(folder: str, edit) -> None:
    path = os.path.join(folder, "datapackage.json")
    with open(path, encoding="utf-8") as fh:
        desc = json.load(fh)
    edit(desc)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(desc, fh, ensure_ascii=False, indent=2)


def resource(desc: dict, name: str) -> dict:
    return next(r for r in desc["resources"] if r["name"] == name)


def field(desc: dict, table: str, name: str) -> dict:
    return next(f for f in resource(desc, table)["schema"]["fields"] if f["name"] == name)


@pytest.fixture
def old(tmp_path):
    return package_of(tmp_path, "old")


def test_same_build_has_no_changes(tmp_path, old, capsys):
    new = package_of(tmp_path, "new")
    code, out, err = run_cli(capsys, "diff", old, new)
    assert (code, err) == (0, "")
    assert out == f"old: {old}, version 0.1.0\nnew: {new}, version 0.1.0\nno changes\n"


def test_records_added_changed_and_removed(tmp_path, old, capsys):
    person = base_record("records/actor/fixture-person.yaml").replace(
        "role: Spokesperson", "role: Press secretary"
    )
    new = package_of(
        tmp_path,
        "new",
        {
            "records/actor/fixture-newcomer.yaml": NEW_ACTOR,
            "records/actor/fixture-person.yaml": person,
            "records/casualty_figure/fixture-range.yaml": None,
        },
    )
    code, out, err = run_cli(capsys, "diff", old, new)
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        f"old: {old}, version 0.1.0",
        f"new: {new}, version 0.1.0",
        "required version bump: MAJOR",
        "",
        "records:",
        "  MINOR  actors: 1 added, 0 removed, 1 changed",
        "    + id=fixture-newcomer",
        "    ~ id=fixture-person",
        '        role: "Spokesperson" → "Press secretary"',
        "  MAJOR  casualty_figures: 0 added, 1 removed, 0 changed",
        "    - id=fixture-range",
    ]


def test_list_items_removed_are_a_patch_and_keys_sort_as_numbers(tmp_path):
    # Removing the second position of a claim removes a row of
    # claim_positions, which nothing references: a correction.
    claim = base_record("records/claim/fixture-claim.yaml")
    one_position = claim[: claim.index("  - actor_id: fixture-person")]
    old_dir = package_of(tmp_path, "old")
    new_dir = package_of(tmp_path, "new", {"records/claim/fixture-claim.yaml": one_position})
    d = compare(load_folder(old_dir, "old"), load_folder(new_dir, "new"))
    assert d.level == "patch"
    # The claim's computed counts and its actors follow the positions.
    assert [t.name for t in d.tables if t] == ["claims", "claim_positions", "claim_actors"]
    assert render_text(d).splitlines()[2:] == [
        "required version bump: PATCH",
        "",
        "records:",
        "  PATCH  claims: 0 added, 0 removed, 1 changed",
        "    ~ id=fixture-claim",
        '        actors_other: "1" → "0"',
        '        countries_other: "1" → "0"',
        "  PATCH  claim_positions: 0 added, 1 removed, 0 changed",
        "    - claim_id=fixture-claim, position=2",
        "  PATCH  claim_actors: 0 added, 1 removed, 0 changed",
        "    - claim_id=fixture-claim, actor_id=fixture-person",
    ]
    # Twelve relays: step 10 sorts after step 9, not after step 1.
    ids = [f"fixture-relay-{i}" for i in range(1, 11)]
    files = {f"records/actor/{i}.yaml": NEW_ACTOR.replace("fixture-newcomer", i) for i in ids}
    statement = base_record("records/statement/fixture-statement.yaml").replace(
        "  - fixture-agency\n", "".join(f"  - {i}\n" for i in ids)
    )
    many = package_of(
        tmp_path, "many", {**files, "records/statement/fixture-statement.yaml": statement}
    )
    d = compare(load_folder(old_dir, "old"), load_folder(many, "many"))
    relays = next(t for t in d.tables if t.name == "statement_relays")
    assert [r["step"] for r in relays.added] == [str(i) for i in range(2, 11)]
    assert [rc["key"]["step"] for rc in relays.changed] == ["1"]


def test_schema_changes_and_their_levels(tmp_path, old):
    new = package_of(tmp_path, "new")

    def edit(desc):
        desc["title"] = "A new title"
        actors = resource(desc, "actors")["schema"]["fields"]
        actors[:] = [f for f in actors if f["name"] != "wikidata_qid"]  # removed
        actors.append({"name": "born", "type": "date"})  # added
        field(desc, "actors", "name")["description"] = "A new description."
        field(desc, "events", "date")["type"] = "string"  # retyped
        ff = field(desc, "casualty_figures", "count")["constraints"]
        ff["maximum"] = 500  # tightened
        ff["minimum"] = -1  # loosened
        field(desc, "actors", "role")["constraints"] = {"required": True}  # tightened
        stance = field(desc, "claim_positions", "stance")["constraints"]["enum"]
        stance.remove("suggests")
        stance.append("welcomes")
        resource(desc, "claims")["schema"]["primaryKey"] = ["id", "topic"]

    edit_descriptor(new, edit)
    # Keep the CSV header in step with the descriptor (the rows do not matter here).
    Path(new, "data", "actors.csv").write_text(
        "id,actor_type,name,role,affiliation_id,country,notes,born\n", encoding="utf-8"
    )
    d = compare(load_folder(old, "old"), load_folder(new, "new"))
    got = [(c.level, c.where, c.what, c.old, c.new) for c in d.changes]
    assert got == [
        (
            "patch",
            "package",
            "title changed",
            "Il-76 crash in Belgorod region, 24 January 2024: statements, claims and casualty figures",
            "A new title",
        ),
        ("major", "actors.wikidata_qid", "field removed", "string", None),
        ("minor", "actors.born", "field added", None, "date"),
        (
            "patch",
            "actors.name",
            "description changed",
            "The name as the source spells it; for an unnamed source, the source's own description (e.g. 'a military source').",
            "A new description.",
        ),
        ("major", "actors.role", "constraint tightened: required", None, True),
        ("major", "events.date", "field retyped", "date", "string"),
        ("minor", "casualty_figures.count", "constraint loosened: minimum", 0, -1),
        ("major", "casualty_figures.count", "constraint tightened: maximum", 100000, 500),
        ("major", "claims", "primary key changed", ["id"], ["id", "topic"]),
        (
            "major",
            "claim_positions.stance",
            "constraint tightened: enum codes removed: suggests",
            stance_codes(old),
            stance_codes(new),
        ),
        (
            "minor",
            "claim_positions.stance",
            "constraint loosened: enum codes added: welcomes",
            stance_codes(old),
            stance_codes(new),
        ),
    ]
    assert d.level == "major"


def stance_codes(folder: str) -> list[str]:
    with open(os.path.join(folder, "datapackage.json"), encoding="utf-8") as fh:
        return field(json.load(fh), "claim_positions", "stance")["constraints"]["enum"]


def test_text_shows_schema_changes_in_order(tmp_path, old):
    new = package_of(tmp_path, "new")

    def edit(desc):
        f = field(desc, "actors", "country")["constraints"]
        f["enum"] = f["enum"] + ["XK"]
        resource(desc, "actors")["title"] = "People and bodies"

    edit_descriptor(new, edit)
    d = compare(load_folder(old, "old"), load_folder(new, "new"))
    assert render_text(d).splitlines()[2:] == [
        "required version bump: MINOR",
        "",
        "schema and metadata:",
        "  MINOR  actors.country: constraint loosened: enum codes added: XK",
        '  PATCH  actors: title changed: "Actors" → "People and bodies"',
    ]


def test_tables_added_and_removed(tmp_path, old):
    new = package_of(tmp_path, "new")

    def edit(desc):
        desc["resources"] = [r for r in desc["resources"] if r["name"] != "statement_relays"]
        desc["resources"].append(
            {
                "name": "notes",
                "path": "data/notes.csv",
                "schema": {
                    "fields": [
                        {"name": "id", "type": "string"},
                        {"name": "text", "type": "string"},
                    ],
                    "primaryKey": ["id"],
                },
            }
        )

    edit_descriptor(new, edit)
    Path(new, "data", "notes.csv").write_text("id,text\nn1,First\n", encoding="utf-8")
    d = compare(load_folder(old, "old"), load_folder(new, "new"))
    assert [(c.level, c.where, c.what) for c in d.changes] == [
        ("minor", "notes", "table added"),
        ("major", "statement_relays", "table removed"),
    ]
    assert [(t.name, len(t.added), len(t.removed)) for t in d.tables if t] == [
        ("notes", 1, 0),
        ("statement_relays", 0, 1),
    ]


def test_json_output(tmp_path, old, capsys):
    person = base_record("records/actor/fixture-person.yaml").replace(
        "name: Alex Example", "name: Alex Éxample"
    )
    new = package_of(
        tmp_path,
        "new",
        {
            "records/actor/fixture-person.yaml": person,
            "records/actor/fixture-newcomer.yaml": NEW_ACTOR,
        },
    )
    code, out, _ = run_cli(capsys, "diff", old, new, "--format", "json")
    assert code == 1
    doc = json.loads(out)
    # The person's statement is labelled with the speaker's name, so its label follows the rename.
    statements = doc["tables"].pop(1)
    assert statements["name"] == "statements" and statements["added"] == statements["removed"] == []
    assert [(c["key"], [f["field"] for f in c["fields"]]) for c in statements["changed"]] == [
        ({"id": "fixture-statement"}, ["label"])
    ]
    assert doc == {
        "old": {"label": old, "version": "0.1.0"},
        "new": {"label": new, "version": "0.1.0"},
        "required_bump": "minor",
        "changes": [],
        "tables": [
            {
                "name": "actors",
                "primary_key": ["id"],
                "level": "minor",
                "note": None,
                "added": [
                    {
                        "id": "fixture-newcomer",
                        "actor_type": "person",
                        "name": "Sam Newcomer",
                        "role": "",
                        "affiliation_id": "",
                        "country": "FR",
                        "wikidata_qid": "",
                        "notes": "",
                    }
                ],
                "removed": [],
                "renamed": [],
                "changed": [
                    {
                        "key": {"id": "fixture-person"},
                        "fields": [{"field": "name", "old": "Alex Example", "new": "Alex Éxample"}],
                    }
                ],
            }
        ],
    }
    assert "Éxample" in out  # not escaped


def test_working_tree_is_built_afresh(tmp_path, old, capsys):
    project = make_project(tmp_path / "tree", {"records/actor/fixture-newcomer.yaml": NEW_ACTOR})
    code, out, _ = run_cli(
        capsys, "diff", old, "--root", project.root, "--sources", project.sources_dir
    )
    assert code == 1
    assert out.splitlines()[1] == "new: working tree, version 0.1.0"
    assert "    + id=fixture-newcomer" in out.splitlines()


def test_working_tree_with_problems_is_not_compared(tmp_path, old, capsys):
    project = make_project(
        tmp_path / "tree",
        {"records/actor/fixture-newcomer.yaml": NEW_ACTOR.replace("country: FR", "country: XX")},
    )
    code, out, err = run_cli(
        capsys, "diff", old, "--root", project.root, "--sources", project.sources_dir
    )
    assert (code, out) == (2, "")
    assert (
        err
        == "il76-claims diff: working tree: the records have 1 problem(s), so there is no build to compare; run il76-claims check\n"
    )


@pytest.fixture(autouse=True)
def _own_git_environment(monkeypatch):
    # Git variables of a calling hook (GIT_DIR, GIT_INDEX_FILE...) would
    # point the throwaway repositories' commands at another repository.
    for k in [k for k in os.environ if k.startswith("GIT_")]:
        monkeypatch.delenv(k)


def git(cwd, *args):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
        "GIT_AUTHOR_NAME": "T",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "T",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    return subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def test_two_git_refs(tmp_path, capsys):
    repo = tmp_path / "repo"
    project = make_project(repo)
    build_package(project, str(repo))
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "first")
    (repo / "records/actor/fixture-newcomer.yaml").write_text(NEW_ACTOR, encoding="utf-8")
    shutil.rmtree(repo / "data")
    build_package(project, str(repo))
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "second")
    first, second = git(repo, "rev-parse", "HEAD~1", "HEAD").split()
    code, out, err = run_cli(capsys, "diff", "HEAD~1", "HEAD", "--root", str(repo))
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        f"old: HEAD~1 ({first[:12]}), version 0.1.0",
        f"new: HEAD ({second[:12]}), version 0.1.0",
        "required version bump: MINOR",
        "",
        "records:",
        "  MINOR  actors: 1 added, 0 removed, 0 changed",
        "    + id=fixture-newcomer",
    ]
    # The committed files are read, not the working tree: an uncommitted
    # edit does not show between two refs.
    (repo / "data/actors.csv").write_text("garbage\n", encoding="utf-8")
    assert run_cli(capsys, "diff", "HEAD", "HEAD", "--root", str(repo))[0] == 0


def test_unknown_ref_or_folder(tmp_path, capsys):
    code, out, err = run_cli(capsys, "diff", "no-such-ref", str(tmp_path), "--root", str(tmp_path))
    assert (code, out) == (2, "")
    assert (
        err
        == f"il76-claims diff: no-such-ref: neither a package folder nor a commit in the git repository at {tmp_path}\n"
    )
    code, out, err = run_cli(capsys, "diff", str(tmp_path), str(tmp_path), "--root", str(tmp_path))
    assert (code, err) == (
        2,
        f"il76-claims diff: {tmp_path}: a folder without datapackage.json is not a package folder\n",
    )


@pytest.mark.parametrize(
    "csv_text, message",
    [
        (
            "id,actor_type,name,role,affiliation_id,country,wikidata_qid,notes\nx,person\n",
            "data/actors.csv: line 2 has 2 cells, the header has 8",
        ),
        (
            "id,name\n",
            "data/actors.csv: the header row does not list the fields that datapackage.json gives for actors",
        ),
        (
            "id,actor_type,name,role,affiliation_id,country,wikidata_qid,notes\nx,,,,,,,\nx,,,,,,,\n",
            "table actors: primary key id=x appears twice",
        ),
        (b"id\xff\n", "data/actors.csv: not UTF-8 (byte 2)"),
    ],
)
def test_broken_builds_are_refused_with_the_reason(tmp_path, old, csv_text, message):
    new = package_of(tmp_path, "new")
    path = Path(new, "data", "actors.csv")
    path.write_bytes(csv_text if isinstance(csv_text, bytes) else csv_text.encode("utf-8"))
    with pytest.raises(DiffError) as exc:
        compare(load_folder(old, "old"), load_folder(new, "new"))
    assert str(exc.value) == f"new: {message}"


def test_resource_paths_outside_the_package_are_refused(tmp_path, old):
    new = package_of(tmp_path, "new")
    edit_descriptor(new, lambda d: resource(d, "actors").update(path="../old/data/actors.csv"))
    with pytest.raises(DiffError) as exc:
        load_folder(new, "new")
    assert (
        str(exc.value)
        == "new: datapackage.json: resource 'actors' has no usable relative path ('../old/data/actors.csv')"
    )


def test_json_and_text_agree_on_every_table(tmp_path, old):
    new = package_of(tmp_path, "new", {"records/actor/fixture-newcomer.yaml": NEW_ACTOR})
    d = compare(load_folder(old, "old"), load_folder(new, "new"))
    data = json.loads(render_json(d))
    assert [t["name"] for t in data["tables"]] == ["actors"]
    assert data["required_bump"] == d.level == "minor"


def test_a_dialect_in_either_form_is_the_same_and_a_profile_is_a_patch(tmp_path, old):
    """The nested dialect frictionless-py writes equals the flat one; adding
    the tabular profile changes no reading; another dialect is MAJOR."""
    new = package_of(tmp_path, "new")

    def nested(desc):
        for res in desc["resources"]:
            d = res.pop("dialect")
            res["dialect"] = {
                "csv": {
                    k: d[k] for k in ("delimiter", "lineTerminator", "quoteChar", "doubleQuote")
                },
                "header": d["header"],
            }
            del res["profile"]

    edit_descriptor(old, nested)
    d = compare(load_folder(old), load_folder(new))
    assert {(c.level, c.where, c.what) for c in d.changes} == {
        ("patch", r["name"], "profile changed")
        for r in json.load(open(os.path.join(new, "datapackage.json")))["resources"]
    }
    edit_descriptor(new, lambda desc: resource(desc, "actors")["dialect"].update(delimiter=";"))
    d = compare(load_folder(old), load_folder(new))
    assert ("major", "actors", "dialect changed") in {(c.level, c.where, c.what) for c in d.changes}


def test_a_source_added_to_a_statement_is_a_link_added(tmp_path, old):
    statement = base_record("records/statement/fixture-narration.yaml")
    linked = statement.replace(
        "carried_by: []", "carried_by:\n  - source_id: fixture-source-2\n    link: in_part"
    )
    source = base_record("records/source/fixture-source.yaml").replace(
        "id: fixture-source", "id: fixture-source-2"
    )
    source = source.replace("text_held: true", "text_held: false")
    for field in ("archive_file", "archive_sha256", "block_count"):
        source = (
            "\n".join(
                f"{field}: null" if line.startswith(f"{field}:") else line
                for line in source.splitlines()
            )
            + "\n"
        )
    new = package_of(
        tmp_path,
        "new",
        {
            "records/statement/fixture-narration.yaml": linked,
            "records/source/fixture-source-2.yaml": source,
        },
    )
    d = compare(load_folder(old, "old"), load_folder(new, "new"))
    links = next(t for t in d.tables if t.name == "statement_sources")
    assert [(r["statement_id"], r["source_id"], r["link"]) for r in links.added] == [
        ("fixture-narration", "fixture-source-2", "in_part")
    ]
    assert "statement_sources: 1 added, 0 removed, 0 changed" in render_text(d)


# --- renamed ids ----------------------------------------------------------------


def test_a_recorded_rename_is_minor_and_the_references_follow_it(tmp_path, old):
    new = package_of(tmp_path, "new", renamed("fixture-person", "fixture-speaker"))
    d = compare(load_folder(old, "old"), load_folder(new, "new"))
    # The statement, the figure, the position and the claim's actors that
    # point at the actor are not reported as changed: they follow the rename.
    assert render_text(d).splitlines()[2:] == [
        "required version bump: MINOR",
        "",
        "records:",
        "  MINOR  actors: 0 added, 0 removed, 1 renamed, 0 changed",
        "    > id=fixture-person → id=fixture-speaker: former id recorded, renamed in 0.2.0",
        "        references that follow it: statements.speaker_id (1), casualty_figures.claimed_by_id (1), claim_positions.actor_id (1), claim_actors.actor_id (1)",
        "  MINOR  former_ids: 1 added, 0 removed, 0 changed",
        "    + former_id=fixture-person, table_name=actors",
    ]
    assert d.reasons() == [
        "actors: 1 id(s) renamed, the former id recorded",
        "former_ids: 1 record(s) added",
    ]


def test_a_rename_found_by_content_is_major_and_says_how_to_record_it(tmp_path, old):
    new = package_of(tmp_path, "new", renamed("fixture-person", "fixture-speaker", None))
    d = compare(load_folder(old, "old"), load_folder(new, "new"))
    assert render_text(d).splitlines()[2:] == [
        "required version bump: MAJOR",
        "",
        "records:",
        "  MAJOR  actors: 0 added, 0 removed, 1 renamed, 0 changed",
        "    > id=fixture-person → id=fixture-speaker: found by content (all fields the same); the former id is not recorded",
        "        to keep 'fixture-person' findable, list it under former_ids in the record 'fixture-speaker' with the version that releases the rename (CONTRIBUTING.md: Renaming an id)",
        "        references that follow it: statements.speaker_id (1), casualty_figures.claimed_by_id (1), claim_positions.actor_id (1), claim_actors.actor_id (1)",
    ]
    assert d.reasons() == ["actors: 1 id(s) renamed without a former id recorded"]


def test_a_renamed_record_with_changes_shows_them_under_its_new_id(tmp_path, old):
    # A statement renamed, its summary reworded and its relay dropped: the
    # rename is found with the one field that differs, the list row and
    # the rows pointing at it follow, and only the real changes remain.
    files = renamed("fixture-statement", "fixture-remarks", None, "statement")
    statement = files["records/statement/fixture-remarks.yaml"]
    statement = statement.replace("relayed_by:\n  - fixture-agency\n", "relayed_by: []\n")
    files["records/statement/fixture-remarks.yaml"] = statement.replace(
        "summary: The spokesperson said", "summary: The spokesperson stated"
    )
    new = package_of(tmp_path, "new", files)
    d = compare(load_folder(old, "old"), load_folder(new, "new"))
    lines = render_text(d).splitlines()
    assert lines[lines.index("records:") :] == [
        "records:",
        "  MAJOR  statements: 0 added, 0 removed, 1 renamed, 1 changed",
        "    > id=fixture-statement → id=fixture-remarks: found by content (all but summary the same); the former id is not recorded",
        "        to keep 'fixture-statement' findable, list it under former_ids in the record 'fixture-remarks' with the version that releases the rename (CONTRIBUTING.md: Renaming an id)",
        "        references that follow it: statement_relays.statement_id (1), casualty_figures.statement_id (1), claim_positions.statement_id (1)",
        "    ~ id=fixture-remarks",
        '        summary: "The spokesperson said the state is looking into what happened." → "The spokesperson stated the state is looking into what happened."',
        "  PATCH  statement_relays: 0 added, 1 removed, 0 changed",
        "    - statement_id=fixture-remarks, step=1",
        "  PATCH  claim_actors: 0 added, 0 removed, 1 changed",
        "    ~ claim_id=fixture-claim, actor_id=fixture-person",
        '        statements: "fixture-statement" → "fixture-remarks"',
    ]


def test_a_rename_in_json(tmp_path, old):
    new = package_of(tmp_path, "new", renamed("fixture-person", "fixture-speaker"))
    doc = json.loads(render_json(compare(load_folder(old, "old"), load_folder(new, "new"))))
    actors = next(t for t in doc["tables"] if t["name"] == "actors")
    assert (actors["level"], actors["added"], actors["removed"], actors["changed"]) == (
        "minor",
        [],
        [],
        [],
    )
    assert actors["renamed"] == [
        {
            "old": "fixture-person",
            "new": "fixture-speaker",
            "recorded": True,
            "version": "0.2.0",
            "differs": [],
            "references": {
                "statements.speaker_id": 1,
                "casualty_figures.claimed_by_id": 1,
                "claim_positions.actor_id": 1,
                "claim_actors.actor_id": 1,
            },
            "problem": None,
        }
    ]


def test_a_rename_recorded_with_a_version_that_did_not_release_it(tmp_path, old):
    new = package_of(tmp_path, "new", renamed("fixture-person", "fixture-speaker", "0.1.0"))
    d = compare(load_folder(old, "old"), load_folder(new, "new"))
    assert render_text(d).splitlines()[6:8] == [
        "    > id=fixture-person → id=fixture-speaker: former id recorded, renamed in 0.1.0",
        "        ! former_ids says it was renamed in 0.1.0, but 0.1.0 still had the old id; give the version that releases the rename",
    ]


def test_a_rename_recorded_with_a_version_before_the_one_that_releases_it(tmp_path, old):
    # 0.2.0 is a version of the changelog, but the rename comes after the
    # base (0.1.0) in 0.3.0; with no version in the base, nothing says when
    # the old id went, and the rename is taken as recorded.
    files = renamed("fixture-person", "fixture-speaker", "0.2.0")
    files["dataset.yaml"] = base_record("dataset.yaml").replace("version: 0.1.0", "version: 0.3.0")
    files["CHANGELOG.md"] = (
        "# Changelog\n\n## [0.3.0] - 2024-02-01\n\n## [0.2.0] - 2024-01-20\n\n"
        "## [0.1.0] - 2024-01-10\n"
    )
    new = package_of(tmp_path, "new", files)
    rename = "    > id=fixture-person → id=fixture-speaker: former id recorded, renamed in 0.2.0"
    why = "        ! former_ids says it was renamed in 0.2.0, but the rename is released in 0.3.0; give 0.3.0"
    lines = render_text(compare(load_folder(old, "old"), load_folder(new, "new"))).splitlines()
    assert lines[6:8] == [rename, why]
    edit_descriptor(old, lambda desc: desc.pop("version"))
    lines = render_text(compare(load_folder(old, "old"), load_folder(new, "new"))).splitlines()
    assert "old: old, version (none)" in lines and lines[6] == rename
    assert not lines[7].lstrip().startswith("!")


def test_a_former_id_removed_is_major(tmp_path):
    # Once published, an old id leads to its record; dropping it breaks
    # that as removing the record would.
    files = renamed("fixture-person", "fixture-speaker")
    old = package_of(tmp_path, "old", files)
    record = files["records/actor/fixture-speaker.yaml"]
    files["records/actor/fixture-speaker.yaml"] = record[: record.index("former_ids:")]
    new = package_of(tmp_path, "new", files)
    d = compare(load_folder(old, "old"), load_folder(new, "new"))
    assert d.reasons() == [
        "former_ids: 1 former id(s) removed, so old ids no longer lead to their records"
    ]


def table(header: str, *rows: str) -> TableData:
    return TableData(header.split(","), [r.split(",") for r in rows])


def test_renames_are_guessed_only_between_rows_that_match_nothing_else():
    old = {"t": table("id,a,b,c", "p,1,2,3", "q,1,2,3", "r,5,6,7", "s,8,9,0")}
    new = {"t": table("id,a,b,c", "p2,1,2,3", "r2,5,6,x", "s2,8,x,x")}
    # p and q look alike, so neither is taken for p2; r differs from r2 in
    # one field; s from s2 in two, which is no rename.
    found = renames.find_renames(old, new, ["t"])
    assert [(r.old, r.new, r.differs) for r in found["t"].values()] == [("r", "r2", ["c"])]


def test_no_rename_is_looked_for_in_a_table_without_an_id_column():
    # A hand-edited descriptor may key a table by an id it does not have.
    old, new = {"t": table("key,a", "p,1")}, {"t": table("key,a", "q,1")}
    assert renames.find_renames(old, new, ["t"]) == {}


def test_a_recorded_rename_is_taken_before_a_guess():
    old = {"t": table("id,a,b", "p,1,2")}
    new = {
        "t": table("id,a,b", "p2,1,2", "p3,1,2"),
        "former_ids": table("former_id,id,table_name,version", "p,p3,t,1.0.0"),
    }
    assert [
        (r.old, r.new, r.version) for r in renames.find_renames(old, new, ["t"])["t"].values()
    ] == [("p", "p3", "1.0.0")]


def test_further_schema_changes_and_their_levels(tmp_path, old):
    new = package_of(tmp_path, "new")

    def edit(desc):
        del field(desc, "actors", "country")["constraints"]["enum"]
        field(desc, "events", "event_type")["constraints"]["enum"].reverse()
        field(desc, "statements", "quote_language")["constraints"] = {"minLength": 2}
        field(desc, "sources", "block_count")["constraints"]["maximum"] = "many"
        field(desc, "sources", "url")["constraints"] = {"pattern": "^https://"}
        field(desc, "sources", "date")["format"] = "%Y-%m-%d"
        field(desc, "sources", "notes")["rdfType"] = "https://schema.org/comment"
        resource(desc, "events")["schema"]["missingValues"] = ["", "NA"]
        claims = resource(desc, "claims")["schema"]["fields"]
        claims[3], claims[4] = claims[4], claims[3]
        resource(desc, "claim_actors")["schema"]["primaryKey"] = ["claim_id", "rank"]
        resources = desc["resources"]
        resources[-1], resources[-2] = resources[-2], resources[-1]

    edit_descriptor(new, edit)
    header = Path(new, "data", "claims.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    header[3], header[4] = header[4], header[3]
    Path(new, "data", "claims.csv").write_text(",".join(header) + "\n", encoding="utf-8")
    d = compare(load_folder(old, "old"), load_folder(new, "new"))
    assert [(c.level, c.where, c.what) for c in d.changes] == [
        ("patch", "package", "tables re-ordered"),
        ("major", "sources.url", "constraint added: pattern"),
        ("major", "sources.date", "format changed"),
        ("major", "sources.block_count", "constraint tightened: maximum"),
        ("patch", "sources.notes", "rdfType changed"),
        ("minor", "actors.country", "constraint removed: enum"),
        ("patch", "events.event_type", "enum codes re-ordered"),
        ("major", "events", "missingValues changed"),
        ("major", "statements.quote_language", "constraint tightened: minLength"),
        ("major", "claims", "fields re-ordered"),
        ("major", "claim_actors", "primary key changed"),
    ]
    claim_actors = next(t for t in d.tables if t.name == "claim_actors")
    assert claim_actors.note == "rows not compared: the two builds have no primary key in common"
    assert "  claim_actors: rows not compared: the two builds have no primary key in common" in (
        render_text(d).splitlines()
    )
    assert json.loads(render_json(d))["changes"][0] == {
        "level": "patch",
        "where": "package",
        "what": "tables re-ordered",
        "old": [r["name"] for r in json.load(open(Path(old, "datapackage.json")))["resources"]],
        "new": [r["name"] for r in json.load(open(Path(new, "datapackage.json")))["resources"]],
    }


def test_a_field_added_or_removed_is_shown_with_its_type(tmp_path, old):
    new = package_of(tmp_path, "new")

    def edit(desc):
        resource(desc, "actors")["schema"]["fields"].append({"name": "born", "type": "date"})

    edit_descriptor(new, edit)
    csv_path = Path(new, "data", "actors.csv")
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    csv_path.write_text(
        "\n".join([lines[0] + ",born", *(line + "," for line in lines[1:])]) + "\n",
        encoding="utf-8",
    )
    text = render_text(compare(load_folder(old, "old"), load_folder(new, "new")))
    assert "  MINOR  actors.born: field added (date)" in text.splitlines()


PACKAGE = {
    "resources": [{"name": "a", "path": "data/a.csv", "schema": {"fields": [{"name": "id"}]}}]
}


@pytest.mark.parametrize(
    "files, message",
    [
        ({}, "x: no datapackage.json"),
        (
            {"datapackage.json": b"{"},
            "x: datapackage.json is not valid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        ),
        ({"datapackage.json": b"[]"}, "x: datapackage.json has no list of resources"),
        (
            {"datapackage.json": json.dumps({"resources": [{"name": "a", "path": "/etc/a.csv"}]})},
            "x: datapackage.json: resource 'a' has no usable relative path ('/etc/a.csv')",
        ),
        (
            {
                "datapackage.json": json.dumps({"resources": PACKAGE["resources"] * 2}),
                "data/a.csv": b"id\n",
            },
            "x: datapackage.json: two resources are named 'a'",
        ),
        (
            {"datapackage.json": json.dumps(PACKAGE)},
            "x: data/a.csv is listed in datapackage.json but missing",
        ),
        (
            {"datapackage.json": json.dumps(PACKAGE), "data/a.csv": b""},
            "x: data/a.csv: empty file (no header row)",
        ),
        (
            {"datapackage.json": json.dumps(PACKAGE), "data/a.csv": b'id\n"x"y\n'},
            "x: data/a.csv: not a readable CSV file: ',' expected after '\"'",
        ),
    ],
)
def test_a_package_that_cannot_be_read_is_refused_with_the_reason(files, message):
    raw = {k: v.encode("utf-8") if isinstance(v, str) else v for k, v in files.items()}
    with pytest.raises(DiffError) as exc:
        load(raw.get, "x")
    assert str(exc.value) == message


def test_a_package_file_that_is_missing_or_cannot_be_read_is_named(tmp_path, old):
    os.remove(Path(old, "data", "actors.csv"))
    with pytest.raises(DiffError) as exc:
        load_folder(old, "old")
    assert str(exc.value) == "old: data/actors.csv is listed in datapackage.json but missing"
    os.mkdir(Path(old, "data", "actors.csv"))
    with pytest.raises(DiffError) as exc:
        load_folder(old, "old")
    assert str(exc.value) == "old: cannot read data/actors.csv: Is a directory"
