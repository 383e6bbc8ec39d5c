"""il76-claims new: records started from the commented templates, and the
templates kept in step with the schemas."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO, check_lines, make_project, run_cli
from il76_claims.check import canonical
from il76_claims.check import strict_yaml as loader
from il76_claims.generate import templates as templates_module
from il76_claims.generate.templates import free_id, render_template, slugify, taken_ids, templates
from il76_claims.model.problems import problem
from il76_claims.model.schemas import KINDS, SchemaSet

# Values that make each kind's scaffold a valid record in the base fixture
# project; every other field keeps its null (or []).
FILL = {
    "source": {
        "source_type": "news_article", "title": '"Another fixture article"', "publisher_id": "fixture-outlet",
        "publisher_attribution": "stated", "language": "en", "translation": "original", "date": "2024-03-03",
        "date_precision": "day", "origin": "original_reporting", "text_held": "false", "url": "https://example.org/another-article",
    },
    "actor": {"actor_type": "person", "country": "FR"},
    "event": {"event_type": "aircraft_crash", "name": "A second fixture event", "date": "2024-03-05", "date_precision": "day", "description": "A second event in the fixtures."},
    "statement": {
        "source_id": "fixture-source", "block": "2", "speaker_id": "fixture-person", "date": "2024-03-01", "date_precision": "day",
        "setting": "remarks_to_reporters", "kind": "direct_speech", "quote": '"We are looking into what happened,"', "quote_language": "en", "quote_translation": "none",
        "summary": "The spokesperson said that what happened is being looked into.", "event_id": "fixture-event",
    },
    "casualty_figure": {
        "event_id": "fixture-event", "category": "crew", "outcome": "on_board", "count": "2", "claimed_by_id": "fixture-outlet",
        "source_id": "fixture-source", "block": "4", "quote": "2 crew members", "basis": "stated",
    },
    "claim": {
        "proposition": "Two crew members were on board the aircraft.", "topic": "passengers_and_cargo",
        "event_id": "fixture-event", "actor_id": "fixture-outlet", "stance": "asserts", "basis": "explicit", "statement_id": "fixture-narration",
    },
}  # fmt: skip


def fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = re.sub(
            rf"(?m)^(\s*(?:- )?){re.escape(key)}: null$",
            lambda m, key=key, value=value: f"{m.group(1)}{key}: {value}",
            text,
        )
    return text


def new(capsys, root, *argv) -> tuple[int, str, str]:
    return run_cli(capsys, "new", *argv, "--root", root)


def line_of(text: str, needle: str) -> int:
    return text.splitlines().index(needle) + 1


# --- the templates -------------------------------------------------------------------


def test_committed_templates_are_fresh():
    fresh = templates(SchemaSet(str(REPO / "schemas")))
    stale = [
        rel
        for rel, text in fresh.items()
        if not (REPO / rel).exists() or (REPO / rel).read_text(encoding="utf-8") != text
    ]
    assert stale == [], f"stale templates {stale}: run il76-claims new --update-templates"


@pytest.mark.parametrize("kind", KINDS)
def test_templates_hold_every_field_and_load_strictly(kind):
    schemas = SchemaSet(str(REPO / "schemas"))
    text = render_template(kind, schemas)
    _, rec, problems = loader.parse(f"schemas/templates/{kind}.yaml", text)
    assert problems == []
    # Every field but those no new record has (x-template: false, such as former_ids).
    props = schemas.kinds[kind]["properties"]
    assert list(rec.data) == [n for n, p in props.items() if p.get("x-template") is not False]
    # Comments only on lines of their own: ' #' after a value would be Y005.
    assert [ln for ln in text.splitlines() if "#" in ln and not ln.startswith("#")] == []
    assert max(len(ln) for ln in text.splitlines()) <= 88


def test_templates_list_codes_with_their_meaning():
    text = render_template("claim", SchemaSet(str(REPO / "schemas")))
    assert (
        "#       calls_for_investigation: Calls for the facts to be investigated."
        in text.splitlines()
    )
    actor = render_template("actor", SchemaSet(str(REPO / "schemas")))
    # A long codelist is referred to, not copied.
    assert "schemas/codelists/country.json" in actor and "#     RU:" not in actor


def test_update_templates_rewrites_a_stale_one(tmp_path, capsys):
    project = make_project(tmp_path / "p")
    code, out, _ = new(capsys, project.root, "--update-templates")
    assert (code, out) == (0, "templates are up to date\n")
    (tmp_path / "p/schemas/templates/actor.yaml").write_text("stale\n", encoding="utf-8")
    code, out, _ = new(capsys, project.root, "--update-templates")
    assert (code, out) == (0, "updated: schemas/templates/actor.yaml\n")


# --- new records ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_a_filled_in_scaffold_passes_the_checker(kind, tmp_path, capsys):
    project = make_project(tmp_path / "p")
    held = ["--text-held", "no"] if kind == "source" else []
    code, out, err = new(capsys, project.root, kind, "--name", f"New {kind}", *held)
    rid = f"new-{kind.replace('_', '-')}"
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == f"wrote: records/{kind}/{rid}.yaml"
    path = tmp_path / "p" / "records" / kind / f"{rid}.yaml"
    text = path.read_text(encoding="utf-8")
    # As written, it loads strictly; unfilled fields are the checker's to report.
    rec, problems = loader.load_file(f"records/{kind}/{rid}.yaml", str(path), kind)
    assert problems == [] and rec.data["id"] == rid
    path.write_text(fill(text, FILL[kind]), encoding="utf-8")
    # As CONTRIBUTING says: fill it in, run fmt, and check finds nothing.
    assert canonical.run(project.root).problems == []
    assert check_lines(project) == []


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["source", "--id", "a-source"],
            "a source needs --text-held yes (its text is archived) or --text-held no (only its address is kept)",
        ),
        (["actor", "--id", "an-actor", "--text-held", "no"], "--text-held is for a source only"),
    ],
)
def test_the_text_held_choice_is_asked_of_a_source_only(argv, message, tmp_path, capsys):
    project = make_project(tmp_path / "p")
    code, out, err = new(capsys, project.root, *argv)
    assert (code, out) == (2, "")
    assert message in err


@pytest.mark.parametrize("held, value", [("yes", "true"), ("no", "false")])
def test_a_new_source_records_the_text_held_choice(held, value, tmp_path, capsys):
    project = make_project(tmp_path / "p")
    assert new(capsys, project.root, "source", "--id", "a-source", "--text-held", held)[0] == 0
    assert f"\ntext_held: {value}\n" in (tmp_path / "p" / "records/source/a-source.yaml").read_text(
        encoding="utf-8"
    )


def test_an_unfilled_scaffold_fails_at_every_field_to_fill(tmp_path, capsys):
    project = make_project(tmp_path / "p")
    assert new(capsys, project.root, "event", "--id", "fixture-event-2")[0] == 0
    rel = "records/event/fixture-event-2.yaml"
    text = (tmp_path / "p" / rel).read_text(encoding="utf-8")
    # Each field still to fill is reported at its value, by the schema check
    # (whose wording is its own: only the start is asserted here).
    got = [
        re.match(r"(.*?:\d+:\d+): \[(\w+)\] (.*?null)", line).groups()
        for line in check_lines(project)
    ]
    # date may be null for an undated event, so a null date is refused by
    # the rule that ties it to date_precision, not as a wrong type.
    expected = {
        key: ("S003", f"{key}: null")
        for key in ("event_type", "name", "date_precision", "description")
    }
    expected["date"] = ("S008", "date is null")
    assert got == [
        (f"{rel}:{line_of(text, f'{key}: null')}:{len(key) + 3}", *expected[key])
        for key in ("event_type", "name", "date", "date_precision", "description")
    ]


def test_name_fills_the_name_field_and_makes_the_id(tmp_path, capsys):
    project = make_project(tmp_path / "p")
    code, out, _ = new(capsys, project.root, "actor", "--name", "  Дмитрий   Песков ")
    assert code == 0 and out.splitlines()[0] == "wrote: records/actor/dmitrii-peskov.yaml"
    rec, problems = loader.load_file(
        "x", str(tmp_path / "p/records/actor/dmitrii-peskov.yaml"), "actor"
    )
    assert problems == [] and rec.data["name"] == "Дмитрий Песков"
    # A name that YAML would misread is quoted.
    assert new(capsys, project.root, "actor", "--name", "NO #1: 'x'")[0] == 0
    rec, problems = loader.load_file("x", str(tmp_path / "p/records/actor/no-1-x.yaml"), "actor")
    assert problems == [] and rec.data["name"] == "NO #1: 'x'"


def test_a_taken_id_gets_a_suffix(tmp_path, capsys):
    project = make_project(tmp_path / "p")
    # Ids are unique across kinds: an actor's id is taken for an event too.
    outs = [
        new(capsys, project.root, "event", "--name", "Fixture person")[1].splitlines()[0]
        for _ in range(3)
    ]
    assert outs == [
        "wrote: records/event/fixture-person-2.yaml",
        "wrote: records/event/fixture-person-3.yaml",
        "wrote: records/event/fixture-person-4.yaml",
    ]


def test_an_explicit_taken_id_is_refused_and_nothing_is_overwritten(tmp_path, capsys):
    project = make_project(tmp_path / "p")
    before = (tmp_path / "p/records/actor/fixture-person.yaml").read_bytes()
    code, out, err = new(capsys, project.root, "actor", "--id", "fixture-person")
    assert (code, out) == (2, "")
    assert (
        err
        == "il76-claims new: the id 'fixture-person' is taken (ids are unique across all kinds); choose another, e.g. 'fixture-person-2'\n"
    )
    assert (tmp_path / "p/records/actor/fixture-person.yaml").read_bytes() == before


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["actor", "--id", "Bad_Id"],
            "--id 'Bad_Id' is not a valid id: use lower-case ASCII letters and digits in words joined by single hyphens, at most 80 characters",
        ),
        (
            ["actor", "--name", "!!! ???"],
            "cannot make an id from '!!! ???' (no letters or digits that have an ASCII form); pass --id",
        ),
        (
            ["person", "--name", "x"],
            "unknown kind 'person'; use one of: source, actor, event, statement, casualty_figure, claim",
        ),
        (["actor"], "give --id ID or --name NAME (the id is made from the name)"),
    ],
)
def test_bad_requests_are_refused_with_exit_2(tmp_path, capsys, argv, message):
    project = make_project(tmp_path / "p")
    code, out, err = new(capsys, project.root, *argv)
    assert (code, out, err) == (2, "", f"il76-claims new: {message}\n")


def test_id_and_name_together_are_refused(tmp_path, capsys):
    project = make_project(tmp_path / "p")
    assert new(capsys, project.root, "actor", "--id", "a", "--name", "B") == (
        2,
        "",
        "il76-claims new: give --id or --name, not both\n",
    )


def test_a_file_that_appears_is_not_overwritten(tmp_path, monkeypatch):
    # The id was free when chosen, but the file exists by the time it is
    # written: open(..., 'x') refuses.
    from il76_claims.generate import templates as scaffold

    project = make_project(tmp_path / "p")
    monkeypatch.setattr(scaffold, "taken_ids", lambda root: set())
    with pytest.raises(scaffold.ScaffoldError) as exc:
        scaffold.scaffold(project.root, "actor", rid="fixture-person")
    assert (
        str(exc.value) == "records/actor/fixture-person.yaml already exists; it was left as it was"
    )


@pytest.mark.parametrize(
    "name, slug",
    [
        ("Robert Wood", "robert-wood"),
        ("Дмитрий Песков", "dmitrii-peskov"),
        ("Володимир Зеленський", "volodimir-zelenskii"),
        ("Zoë O'Brien", "zoe-obrien"),
        ("Ministry of Defence (UK)", "ministry-of-defence-uk"),
        ("Straße — Łódź", "strasse-lodz"),
        ("  --  ", ""),
    ],
)
def test_slugify(name, slug):
    assert slugify(name) == slug


def test_long_names_leave_room_for_a_suffix(tmp_path):
    project = make_project(tmp_path / "p")
    rid = free_id(project.root, "word " * 40)
    assert len(rid) <= 76 and rid.endswith("word") and not rid.endswith("-")


@pytest.mark.parametrize("kind", KINDS)
def test_a_template_is_in_the_form_fmt_writes_and_advises_no_other(kind):
    """What a template shows and what it tells a contributor to write are
    both what fmt writes: long text on one line (fmt folds it, >-), never
    a literal block that would put line breaks inside a sentence."""
    rel = f"schemas/templates/{kind}.yaml"
    text = (REPO / rel).read_text(encoding="utf-8")
    shape_of = canonical.shapes(SchemaSet(str(REPO / "schemas")))
    assert canonical.canonical_text(rel, text, kind, shape_of) == (text, [])
    assert "'|-'" not in text and "|-\n" not in text


def test_a_missing_or_altered_template_is_refused(tmp_path, capsys):
    project = make_project(tmp_path / "p")
    template = Path(project.root) / "schemas/templates/actor.yaml"
    template.write_text(
        template.read_text(encoding="utf-8").replace("id: null", "id: ~"), encoding="utf-8"
    )
    assert new(capsys, project.root, "actor", "--id", "x") == (
        1,
        "",
        "il76-claims new: schemas/templates/actor.yaml has no 'id: null' line; run il76-claims new --update-templates\n",
    )
    template.unlink()
    assert new(capsys, project.root, "actor", "--id", "x") == (
        1,
        "",
        "il76-claims new: schemas/templates/actor.yaml is missing; run il76-claims new --update-templates\n",
    )


def test_a_record_that_cannot_be_put_in_canonical_form_is_not_written(
    tmp_path, capsys, monkeypatch
):
    project = make_project(tmp_path / "p")
    refused = problem("records/actor/x.yaml", 1, 1, "R002", "cannot be formatted: a reason")
    monkeypatch.setattr(
        templates_module.canonical, "canonical_text", lambda *args: (None, [refused])
    )
    assert new(capsys, project.root, "actor", "--id", "x") == (
        1,
        "",
        "il76-claims new: records/actor/x.yaml cannot be written in the canonical form: cannot be formatted: a reason\n",
    )
    assert not (Path(project.root) / "records/actor/x.yaml").exists()


def test_a_project_without_records_has_no_id_taken(tmp_path):
    assert taken_ids(str(tmp_path)) == set()


def test_files_beside_the_kind_folders_hold_no_ids(tmp_path):
    (tmp_path / "records" / "actor").mkdir(parents=True)
    (tmp_path / "records" / "actor" / "someone.yaml").write_text("id: someone\n", encoding="utf-8")
    (tmp_path / "records" / "stray.yaml").write_text("id: stray\n", encoding="utf-8")
    assert taken_ids(str(tmp_path)) == {"someone"}
