"""The static site (il76-claims site): every page is well formed and
accessible, every link and anchor resolves, nothing is loaded from the
network, every claim, actor, statement, position and figure has its place,
dates and precision are shown honestly, the site's own text is neutral, its
colours meet WCAG AA, two builds give identical bytes, and nothing is
written while the check reports a problem.

Pages are parsed with the standard library's HTMLParser; the browser test
(test_site_browser.py) loads them in Chromium."""

from __future__ import annotations

import ast
import datetime as dt
import functools
import os
import re
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import (
    FIXTURE_SOURCES,
    REPO,
    base_record,
    in_canonical_form,
    make_project,
    run_process,
)
from il76_claims import cli
from il76_claims.check import strict_yaml
from il76_claims.check.neutrality import load_terms, matchable
from il76_claims.check.quotes import split_blocks
from il76_claims.model.project import Project, default_sources_dir
from il76_claims.model.schemas import SchemaSet
from il76_claims.publish import citation, release, site
from il76_claims.publish.site_lookups import Axis, axis, date_text, symbol, words
from il76_claims.publish.tables import Layout

ASSETS = Path(site.ASSETS)
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}

# The base fixture, plus what the site shows that the base does not have:
# a claim related to another, reasons for uncited blocks (block 3 is left
# unexplained on purpose) and a changelog with links.
RELATED_CLAIM = """id: fixture-claim-narrower
proposition: Ten prisoners of war were on board the aircraft.
topic: passengers_and_cargo
relations:
  - relation: narrower_than
    other_claim_id: fixture-claim
event_id: fixture-event
positions:
  - actor_id: fixture-outlet
    stance: suggests
    basis: hedged
    statement_id: fixture-narration
"""
REASONS = "fixture-source:\n  - block: 1\n    reason: A paragraph with no statement.\n    see: fixture-statement\n"
CHANGELOG = """# Changelog

## [Unreleased]

### Added
- Something not released.

## [0.1.0] - 2024-02-01

### Added
- The first records (see the [policy](docs/editorial-policy.md) and <https://example.org/notes>).
"""
FILES = in_canonical_form(
    {
        "records/claim/fixture-claim-narrower.yaml": RELATED_CLAIM,
        "docs/uncited-blocks.yaml": REASONS,
        "CHANGELOG.md": CHANGELOG,
    }
)


class Page(HTMLParser):
    """One page: its problems of form, ids, links, headings, and each piece
    of text with the elements it sits in."""

    def __init__(self, path: Path):
        super().__init__(convert_charrefs=True)
        self.path, self.errors, self.ids, self.links, self.headings, self.starts, self.texts = (
            path,
            [],
            [],
            [],
            [],
            [],
            [],
        )
        self.open: list[tuple[str, dict]] = []
        self.feed(path.read_text(encoding="utf-8"))
        self.close()
        if self.open:
            self.errors.append(f"not closed: {[t for t, _ in self.open]}")

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.starts.append((tag, a))
        self.ids += [a["id"]] if "id" in a else []
        self.links += [(tag, k, a[k]) for k in ("href", "src") if k in a]
        self.headings += [int(tag[1])] if re.fullmatch(r"h[1-6]", tag) else []
        if tag not in VOID:
            self.open.append((tag, a))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.open or self.open[-1][0] != tag:
            self.errors.append(f"</{tag}> closes <{self.open[-1][0] if self.open else None}>")
            return
        self.open.pop()

    def handle_data(self, data):
        self.texts.append((data, tuple(self.open)))

    def text(self) -> str:
        return " ".join("".join(t for t, _ in self.texts).split())

    def inside(self, test) -> str:
        """The text of the elements for which test(tag, attrs) holds."""
        return "".join(t for t, where in self.texts if any(test(tag, a) for tag, a in where))

    def elements(self, tag: str, **attrs) -> list[dict]:
        return [
            a for t, a in self.starts if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]


def build(project: Project, with_text: bool = True) -> Path:
    result = site.build_site(project, with_text=with_text)
    assert result.check.ok, [str(p) for p in result.check.problems]
    return Path(project.root) / site.SITE_DIR


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> Path:
    return build(make_project(tmp_path_factory.mktemp("site") / "project", FILES))


def real_project(dest: Path) -> Project:
    """A copy of this repository's records, as they are now."""
    for name in ("records", "schemas", "docs"):
        shutil.copytree(REPO / name, dest / name)
    for name in ("dataset.yaml", "CHANGELOG.md"):
        shutil.copy(REPO / name, dest / name)
    return Project(root=str(dest), sources_dir=default_sources_dir(str(REPO)))


@pytest.fixture(scope="module")
def real_site(tmp_path_factory) -> Path:
    return build(real_project(tmp_path_factory.mktemp("real") / "project"))


@pytest.fixture(scope="module", params=["fixture", "real"])
def any_site(request, fixture_site, real_site) -> Path:
    return fixture_site if request.param == "fixture" else real_site


@functools.cache
def pages(root: Path) -> dict[str, Page]:
    """Each page of a built site, parsed once for all the tests that read it."""
    return {p.name: Page(p) for p in sorted(root.glob("*.html"))}


def table_rows(project_root: Path, table: str) -> list[dict]:
    import csv

    with (project_root / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def fixture_tables(fixture_site) -> dict:
    """The fixture's tables as the build writes them, to compare the pages with."""
    root = fixture_site.parent.parent
    project = Project(root=str(root), sources_dir=str(FIXTURE_SOURCES))
    from il76_claims.publish.build import build as build_package

    assert build_package(project).ok
    names = (
        "actors",
        "statements",
        "claims",
        "claim_positions",
        "claim_relations",
        "claim_actors",
        "casualty_figures",
        "casualty_figure_derivations",
        "sources",
    )
    return {t: table_rows(root, t) for t in names}


# -- form and accessibility ----------------------------------------------------


def test_every_page_is_well_formed_and_accessible(any_site):
    for name, page in pages(any_site).items():
        assert not page.errors, (name, page.errors)
        assert page.elements("html", lang="en"), name
        assert page.inside(lambda t, a: t == "title").strip(), name
        assert page.headings.count(1) == 1, (name, page.headings)
        assert all(b <= a + 1 for a, b in zip(page.headings, page.headings[1:])), (
            name,
            "a heading level is skipped",
            page.headings,
        )
        assert page.elements("a", href="#main") and "main" in page.ids, name
        assert len(page.ids) == len(set(page.ids)), (
            name,
            sorted(i for i in page.ids if page.ids.count(i) > 1),
        )
        assert all(
            a.get("scope") in ("col", "row", "colgroup", "rowgroup") for a in page.elements("th")
        ), name
        assert len(page.elements("caption")) == len(page.elements("table")), (
            name,
            "a table without a caption",
        )
        assert all(a.get("lang") for a in page.elements("blockquote")), (
            name,
            "a quote without its language",
        )


def test_a_page_with_a_broken_structure_is_caught(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<html lang='en'><body><main><p>text</div></main></body></html>", encoding="utf-8"
    )
    assert Page(bad).errors


def _target(root: Path, page: str, href: str) -> tuple[Path, str]:
    path, _, fragment = href.partition("#")
    return ((root / page).parent / path if path else root / page).resolve(), fragment


def release_files(tables: list[str]) -> set[str]:
    """What the release archive holds next to the site's folder (publish/release.py)."""
    return {
        "datapackage.json",
        *(f"data/{t}.csv" for t in tables),
        *(os.path.basename(rel) for rel in release.DIST_FILES),
        *release.DOCS,
    }


def test_every_internal_link_and_anchor_resolves(any_site):
    parsed = pages(any_site)
    release = release_files([t.name for t in Layout(SchemaSet(str(REPO / "schemas"))).ordered()])
    checked = 0
    for name, page in parsed.items():
        for _, _, href in page.links:
            if re.match(r"[a-z]+:", href):
                continue  # an address outside the site, followed only by the reader
            if href.startswith("../"):
                assert href[3:] in release, (name, href)
                continue
            path, fragment = _target(any_site, name, href)
            assert path.is_file(), (name, href)
            if fragment:
                assert fragment in parsed[path.name].ids, (name, href)
            checked += 1
    assert checked > 100


def test_the_link_check_can_fail(fixture_site, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(fixture_site, copy)
    index = copy / "index.html"
    index.write_text(
        index.read_text(encoding="utf-8").replace(
            'href="claims.html"', 'href="claims.html#nowhere"', 1
        ),
        encoding="utf-8",
    )
    with pytest.raises(AssertionError):
        test_every_internal_link_and_anchor_resolves(copy)


def test_no_page_refers_to_a_network_resource(any_site):
    network = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//)", re.I)
    for name, page in pages(any_site).items():
        for tag, attr, value in page.links:
            if attr == "src" or tag == "link":
                assert not network.match(value), (name, tag, value)
        for tag, a in page.starts:
            assert "url(" not in a.get("style", ""), (name, tag)
    for static in site.STATIC:
        text = (any_site / static).read_text(encoding="utf-8")
        assert not re.search(r"url\(|@import|https?:|fetch\(|XMLHttpRequest", text), static


# -- content ---------------------------------------------------------------------


def test_every_claim_actor_statement_and_figure_has_its_place(fixture_site, fixture_tables):
    parsed = pages(fixture_site)
    for c in fixture_tables["claims"]:
        page = parsed[f"claim-{c['id']}.html"]
        assert c["proposition"] in page.text() and words(c["status"]).capitalize() in page.text()
    for a in fixture_tables["actors"]:
        assert a["name"] in parsed[f"actor-{a['id']}.html"].text()
    statement_ids = {i for n, p in parsed.items() if n.startswith("statements") for i in p.ids}
    assert {f"st-{s['id']}" for s in fixture_tables["statements"]} <= statement_ids
    figure_ids = {i for n, p in parsed.items() if n.startswith("figures") for i in p.ids}
    assert {f"fig-{f['id']}" for f in fixture_tables["casualty_figures"]} <= figure_ids


def test_every_position_is_on_its_claim_page_under_its_party(fixture_site, fixture_tables):
    parsed = pages(fixture_site)
    for pos in fixture_tables["claim_positions"]:
        key = f"{pos['claim_id']}/{pos['position']}"
        claim_page = parsed[f"claim-{pos['claim_id']}.html"]
        link = claim_page.inside(lambda t, a, key=key: a.get("data-position") == key)
        assert (
            " ".join(link.split())
            == f"{symbol(pos['stance'])} {words(pos['stance'])} {words(pos['basis'])}"
        ), key
        assert (
            f"position-{pos['position']}" in claim_page.ids
            and f"party-{pos['actor_id']}" in claim_page.ids
        )


def test_every_party_is_once_on_its_side_of_each_claim(fixture_site, fixture_tables):
    listing = " ".join(
        p.text() for n, p in pages(fixture_site).items() if re.fullmatch(r"claims(-\d+)?\.html", n)
    )
    for row in fixture_tables["claim_actors"]:
        page = Page(fixture_site / f"claim-{row['claim_id']}.html")
        assert page.ids.count(f"party-{row['actor_id']}") == 1, row
        side = page.inside(
            lambda t, a, side=row["side"]: (
                t == "section" and a.get("aria-labelledby") == f"side-{side}"
            )
        )
        assert " ".join(side.split()).startswith(
            f"{site.SIDE_SYMBOLS[row['side']]} {words(row['side']).capitalize()}"
        ), row
        assert (
            fixture_tables_name(fixture_tables, row["actor_id"]) in side
            and fixture_tables_name(fixture_tables, row["actor_id"]) in listing
        )


def fixture_tables_name(tables, aid: str) -> str:
    return next(a["name"] for a in tables["actors"] if a["id"] == aid)


def test_the_stance_legend_has_every_stance_and_basis_with_its_meaning(fixture_site):
    page = Page(fixture_site / "claim-fixture-claim.html")
    legend = page.inside(lambda t, a: t == "details" and "legend-box" in a.get("class", ""))
    codelists = SchemaSet(str(REPO / "schemas")).codelists
    for code, meaning in codelists["stance"].codes.items():
        assert words(code) in legend and meaning in legend, code
    for code, meaning in codelists["position_basis"].codes.items():
        assert page.elements("abbr", title=meaning) or code not in {p for p in ("explicit",)}, code


def test_a_claim_page_shows_its_status_rule_and_related_claims(fixture_site):
    rule = SchemaSet(str(REPO / "schemas")).codelists["claim_status"].description
    narrower, broader = (
        Page(fixture_site / "claim-fixture-claim-narrower.html"),
        Page(fixture_site / "claim-fixture-claim.html"),
    )
    assert rule in narrower.inside(lambda t, a: t == "details")
    assert (
        "This claim is narrower than: Ten passengers were on board the aircraft." in narrower.text()
    )
    assert "Narrower claim: Ten prisoners of war were on board the aircraft." in broader.text()
    assert narrower.elements("a", href="claim-fixture-claim.html") and broader.elements(
        "a", href="claim-fixture-claim-narrower.html"
    )
    # A position: actor, stance, basis, quote, summary, date with precision, setting, chain.
    text = broader.text()
    for expected in (
        "Alex Example",
        "lacks information",
        "We are looking into what happened,",
        "2024-03-01 to 2024-03-02",
        "A fixture article",
    ):
        assert expected in text, expected


def test_an_actor_page_lists_statements_positions_figures_and_relays(fixture_site):
    text = Page(fixture_site / "actor-fixture-person.html").text()
    for expected in (
        "The spokesperson said the state is looking into what happened.",
        "lacks information",
        "escorts, injured: 1–3",
        "Its statements were relayed by: Fixture Agency",
    ):
        assert expected in text, expected
    assert (
        "It relayed statements of others: Alex Example"
        in Page(fixture_site / "actor-fixture-agency.html").text()
    )


def test_the_source_page_marks_each_quote_where_it_stands(fixture_site, fixture_tables):
    page = Page(fixture_site / "source-fixture-source.html")
    blocks = split_blocks((FIXTURE_SOURCES / "fixture-article.txt").read_text(encoding="utf-8"))
    for n, block in enumerate(blocks, start=1):
        in_block = [
            (t, where)
            for t, where in page.texts
            if any(a.get("id") == f"block-{n}" for _, a in where)
        ]
        source_text = [
            (t, where)
            for t, where in in_block
            if any("source-text" in a.get("class", "") for _, a in where)
        ]
        plain = "".join(
            t for t, where in source_text if not any("ref" == a.get("class") for _, a in where)
        )
        assert plain == block, n
        masked = "".join(
            t if any(tag == "mark" for tag, _ in where) else "\0" * len(t)
            for t, where in source_text
            if not any(a.get("class") == "ref" for _, a in where)
        )
        for table in ("statements", "casualty_figures"):
            for r in fixture_tables[table]:
                if r["block"] == str(n) and r["quote"]:
                    assert r["quote"] in masked, (n, r["id"])
    text = page.text()
    assert "Not cited by any record: A paragraph with no statement. (see fixture-statement)" in text
    assert "Not cited by any record, and no reason is recorded." in text


def test_a_site_to_publish_leaves_the_archived_text_out(tmp_path):
    # The archive is there, but it is third-party text (il76-claims site --no-archived-text).
    page = Page(
        build(make_project(tmp_path / "p", FILES), with_text=False) / "source-fixture-source.html"
    )
    assert (
        "is not included in this site: it is third-party text, which the dataset's licence does not cover"
        in page.text()
    )
    assert not page.elements("blockquote")
    assert "statement fixture-statement" in page.text()


def test_without_the_archive_the_source_page_lists_blocks_and_says_the_text_is_missing(tmp_path):
    project = make_project(tmp_path / "p", FILES)
    project.sources_dir = str(tmp_path / "no-sources")
    page = Page(build(project) / "source-fixture-source.html")
    assert "is not included in this site: its archived copy was not available" in page.text()
    assert not page.elements("blockquote")
    assert [i for i in page.ids if i.startswith("block-")] == [
        "block-1",
        "block-2",
        "block-3",
        "block-4",
    ]
    assert (
        "statement fixture-statement" in page.text()
        and "casualty figure fixture-range" in page.text()
    )


def _bars(page: Page) -> dict[str, dict]:
    """statement id -> its bar's class and geometry on the timeline."""
    out, current = {}, None
    for tag, a in page.starts:
        if tag == "a" and "#st-" in a.get("href", "") and "timeline" not in a.get("href", ""):
            current = a["href"].split("#st-")[1]
        if tag == "span" and "bar" in a.get("class", "").split() and current:
            left, width = (float(x) for x in re.findall(r"([\d.]+)%", a["style"]))
            out[current] = {"class": a["class"].split(), "left": left, "width": width}
            current = None
    return out


def test_the_timeline_draws_open_dates_open_and_days_as_days(tmp_path):
    open_after = base_record("records/statement/fixture-narration.yaml").replace(
        "date_precision: day", "date_precision: on_or_after"
    )
    project = make_project(
        tmp_path / "p", {**FILES, "records/statement/fixture-narration.yaml": open_after}
    )
    bars = _bars(Page(build(project) / "timeline.html"))
    ranged, after = bars["fixture-statement"], bars["fixture-narration"]
    assert "open-end" in after["class"] and abs(after["left"] + after["width"] - 100) < 0.01
    assert "open-end" not in ranged["class"] and "open-start" not in ranged["class"]
    assert after["left"] == pytest.approx(
        ranged["left"] + ranged["width"] / 2
    )  # 2024-03-02 is the range's second day
    assert after["width"] > ranged["width"] / 2  # an open date runs past the last known day


def test_a_day_is_a_bar_one_day_wide(fixture_site):
    bars = _bars(Page(fixture_site / "timeline.html"))
    day, ranged = bars["fixture-narration"], bars["fixture-statement"]
    assert day["width"] > 0 and ranged["width"] == pytest.approx(2 * day["width"])
    assert not {"open-end", "open-start"} & set(day["class"])


@pytest.mark.parametrize(
    "row, text",
    [
        ({"date": "2024-01-24", "date_precision": "day"}, "2024-01-24"),
        ({"date": "2024-01-24", "date_precision": "on_or_after"}, "on or after 2024-01-24"),
        ({"date": "2024-01-24", "date_precision": "on_or_before"}, "on or before 2024-01-24"),
        (
            {"date": "2024-01-24", "date_end": "2024-01-26", "date_precision": "range"},
            "2024-01-24 to 2024-01-26",
        ),
    ],
)
def test_dates_are_written_as_in_the_csv_with_their_precision(row, text):
    assert date_text(row) == text


def test_statements_carry_what_the_filters_need(fixture_site, fixture_tables):
    page = Page(fixture_site / "statements.html")
    items = {a["id"][3:]: a for a in page.elements("li") if a.get("id", "").startswith("st-")}
    assert set(items) == {s["id"] for s in fixture_tables["statements"]}
    assert items["fixture-statement"] == {
        **items["fixture-statement"],
        "data-speaker": "fixture-person",
        "data-kind": "direct_speech",
        "data-start": "2024-03-01",
        "data-end": "2024-03-02",
    }
    assert items["fixture-narration"]["data-claims"] == "fixture-claim fixture-claim-narrower"
    form = page.elements("form", id="statement-filter")
    assert form and "hidden" in form[0]  # shown by the script; the plain page lists everything


def test_figures_are_grouped_by_claimant_with_computed_ones_apart(fixture_site):
    page = Page(fixture_site / "figures.html")
    headings = [
        " ".join(page.inside(lambda t, a, i=i: a.get("id") == i).split())
        for i in page.ids
        if i.startswith("by-")
    ]
    assert headings == [
        "Claimed by Alex Example",
        "Claimed by Fixture Outlet",
        "Claimed by no actor: computed by this project",
    ]
    computed = page.inside(lambda t, a: a.get("id") == "fig-fixture-total")
    assert (
        "computed" in computed
        and "fixture-passengers: 10" in computed
        and "fixture-crew: 2" in computed
    )


def test_home_shows_version_changelog_citation_and_downloads(fixture_site):
    path = REPO / "tests" / "fixtures" / "base" / "dataset.yaml"
    meta = strict_yaml.load_file("dataset.yaml", str(path), "dataset")[
        0
    ].data  # read as the check reads it
    page = Page(fixture_site / "index.html")
    text = page.text()
    assert (
        "What is disputed, and by whom" in text
        and "Ten passengers were on board the aircraft." in text
    )
    assert citation.citation(meta) in text and citation.bibtex(meta).strip() in page.inside(
        lambda t, a: t == "pre"
    )
    assert meta["rights"] in text
    repo = meta["repository"]
    assert page.elements(
        "a", href=f"{repo}/blob/v0.1.0/docs/editorial-policy.md"
    ) and page.elements("a", href="changes.html")
    changes = Page(fixture_site / "changes.html")
    assert (
        "0.1.0, 2024-02-01" in changes.text()
        and "The first records (see the policy and https://example.org/notes)." in changes.text()
    )
    assert changes.elements("a", href="https://example.org/notes")
    assert page.elements(
        "a", href=f"{repo}/releases/download/v0.1.0/il76-belgorod-statements-0.1.0.zip"
    )
    assert page.elements("a", href=f"{repo}/raw/v0.1.0/data/claim_positions.csv")


def test_downloads_follow_the_repository_when_dataset_yaml_names_it():
    meta = {"name": "pkg", "version": "1.2.3", "repository": "https://github.com/example/pkg/"}
    links = dict(site.downloads(meta, []))
    assert (
        links["pkg-1.2.3.zip"]
        == "https://github.com/example/pkg/releases/download/v1.2.3/pkg-1.2.3.zip"
    )
    assert links["datapackage.json"] == "https://github.com/example/pkg/raw/v1.2.3/datapackage.json"
    assert (
        links["il76-belgorod-statements.sqlite"]
        == "https://github.com/example/pkg/releases/download/v1.2.3/il76-belgorod-statements.sqlite"
    )
    # Without one: the files next to the site in the release archive.
    alone = dict(site.downloads({**meta, "repository": None}, []))
    assert alone["datapackage.json"] == "../datapackage.json" and "pkg-1.2.3.zip" not in alone
    assert set(alone.values()) <= {f"../{f}" for f in release_files([])}


def test_changelog_links_point_into_the_repository_when_it_is_known():
    entries = {
        e["version"]: e for e in site.changelog_entries(CHANGELOG, "https://github.com/example/pkg")
    }
    assert (
        'href="https://github.com/example/pkg/blob/v0.1.0/docs/editorial-policy.md"'
        in entries["0.1.0"]["html"]
    )
    assert site.changelog_entries("# Changelog\n", None) == []
    assert "Unreleased" in entries


def test_without_a_repository_relative_changelog_links_become_plain_text():
    entries = {e["version"]: e for e in site.changelog_entries(CHANGELOG, None)}
    assert entries["0.1.0"]["html"] == (
        '<h3>Added</h3>\n<ul>\n<li>The first records (see the policy and <a href="https://example.org/notes">https://example.org/notes</a>).</li>\n</ul>\n'
    )


def test_a_timeline_of_undated_rows_still_has_an_axis():
    assert axis([{"date": "", "date_end": None}]) == Axis(dt.date(2024, 1, 1), 1)


def test_a_changelog_that_ends_on_a_heading_has_that_version_empty():
    entries = site.changelog_entries("# Changelog\n\n## [0.2.0] - 2024-03-01", None)
    assert entries == [{"version": "0.2.0", "date": "2024-03-01", "html": ""}]


# -- reproducible, checked, bounded ---------------------------------------------


def _site_in_subprocess(root: Path, seed: str) -> dict[str, bytes]:
    proc = run_process("site", "--root", root, "--sources", FIXTURE_SOURCES, seed=seed)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = root / site.SITE_DIR
    return {
        p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
    }


def test_two_builds_give_identical_bytes(tmp_path):
    first = _site_in_subprocess(Path(make_project(tmp_path / "one", FILES).root), "1")
    again = _site_in_subprocess(Path(make_project(tmp_path / "two" / "elsewhere", FILES).root), "2")
    assert first.keys() == again.keys() and "index.html" in first
    assert [k for k in first if first[k] != again[k]] == []


def test_nothing_is_written_while_the_check_reports_a_problem(tmp_path, capsys):
    project = make_project(tmp_path / "p", FILES)
    out = build(project)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = base_record("records/claim/fixture-claim.yaml").replace(
        "stance: asserts", "stance: shouts"
    )
    (Path(project.root) / "records/claim/fixture-claim.yaml").write_text(bad, encoding="utf-8")
    code = cli.main(["site", "--root", project.root, "--sources", str(FIXTURE_SOURCES)])
    captured = capsys.readouterr()
    assert code == 1 and "nothing was built" in captured.err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_the_command_reports_the_pages_it_wrote(tmp_path, capsys):
    project = make_project(tmp_path / "p", FILES)
    assert cli.main(["site", "--root", project.root, "--sources", str(FIXTURE_SOURCES)]) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(
        r"site: \d+ pages in dist/site/ \(largest: [a-z0-9.-]+\.html, [\d,]+ bytes\)\n", out
    ), out
    # Nothing is left behind but Jinja2's compiled templates.
    assert {p.name for p in (Path(project.root) / ".build").iterdir()} <= {"templates"}


def test_long_lists_are_split_into_pages_that_link_up(tmp_path, monkeypatch):
    monkeypatch.setattr(site, "PER_PAGE", 1)
    monkeypatch.setattr(site, "CLAIMS_PER_PAGE", 1)
    out = build(make_project(tmp_path / "p", FILES))
    names = {p.name for p in out.glob("*.html")}
    assert {
        "statements.html",
        "statements-2.html",
        "timeline-2.html",
        "claims-2.html",
        "figures-4.html",
        "actors-4.html",
    } <= names
    for stem in ("statements", "timeline", "figures", "claims"):
        assert len([n for n in names if re.fullmatch(rf"{stem}(-\d+)?\.html", n)]) > 1
    assert len(Page(out / "statements-2.html").elements("li", **{"class": "statement"})) == 1
    test_every_internal_link_and_anchor_resolves(out)


@pytest.mark.slow
def test_a_large_synthetic_tree_gives_a_site_of_bounded_pages(tmp_path):
    """benchmarks/synth.py's trees are valid under the model, and on one of
    1,000 records every list is split into pages that link up."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import synth
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    counts = synth.write_tree(str(tmp_path / "tree"), 1000)
    out = build(Project(root=str(tmp_path / "tree"), sources_dir=str(tmp_path / "no-sources")))
    parsed = pages(out)
    assert max(p.stat().st_size for p in out.glob("*.html")) < 1_000_000
    items = {  # what one item of each list is on its page
        "statements": (
            "statement",
            lambda p: len(p.elements("li", **{"class": "statement"})),
            site.PER_PAGE,
        ),
        "timeline": (
            "statement",
            lambda p: (
                sum(t == "span" and "bar" in a.get("class", "").split() for t, a in p.starts) - 4
            ),
            site.PER_PAGE,
        ),
        "claims": ("claim", lambda p: p.headings.count(3), site.CLAIMS_PER_PAGE),
        "actors": (
            "actor",
            lambda p: sum(t == "a" and a.get("href", "").startswith("actor-") for t, a in p.starts),
            site.PER_PAGE,
        ),
        "figures": (
            "casualty_figure",
            lambda p: sum(a.get("id", "").startswith("fig-") for _, a in p.starts),
            site.PER_PAGE,
        ),
    }
    for stem, (kind, count, per_page) in items.items():
        per = [
            count(p) for n, p in sorted(parsed.items()) if re.fullmatch(rf"{stem}(-\d+)?\.html", n)
        ]
        assert (
            len(per) == -(-counts[kind] // per_page)
            and max(per) <= per_page
            and sum(per) == counts[kind]
        ), (stem, per)
    test_every_internal_link_and_anchor_resolves(out)


def test_the_real_site_has_every_block_of_the_archive_and_small_pages(real_site):
    sizes = {p.name: p.stat().st_size for p in real_site.glob("*.html")}
    assert max(sizes.values()) < 1_000_000, max(sizes.items(), key=lambda kv: kv[1])
    sources = default_sources_dir(str(REPO))
    for path in real_site.glob("source-*.html"):
        page = Page(path)
        if "is not included in this site" in page.text():
            assert not os.path.isdir(sources)
            continue
        archive = Path(sources) / "rt-2024-01-il76-western-reaction.txt"
        if path.name == "source-rt-2024-01-il76-western-reaction.html" and archive.exists():
            text = page.inside(lambda t, a: "source-text" in a.get("class", ""))
            for block in re.split(r"\n[ \t\r]*\n", archive.read_text(encoding="utf-8")):
                assert block.strip() in re.sub(r"\[\d+\]", "", text), block[:40]


# -- the site's own words and colours --------------------------------------------


def own_text() -> dict[str, str]:
    """Everything the site writes itself: the templates without their
    expressions, the script and stylesheet, and every string in its code."""
    out = {}
    for path in sorted((ASSETS / "templates").glob("*.html")):
        out[path.name] = re.sub(
            r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", " ", path.read_text(encoding="utf-8"), flags=re.S
        )
    for name in site.STATIC:
        out[name] = (ASSETS / name).read_text(encoding="utf-8")
    for module in ("site.py", "site_lookups.py"):
        tree = ast.parse((ASSETS.parent / module).read_text(encoding="utf-8"))
        out[module] = "\n".join(
            n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
        )
    return out


def loaded_terms_in(text: str) -> list[str]:
    """The neutrality check's matching: its term list and patterns, on the
    text as the check sees it (look-alike letters and invisible characters undone)."""
    terms = load_terms(str(REPO / "schemas"))
    return [m.group() for m in terms.pattern.finditer(matchable(text)[0])]


def test_the_site_s_own_text_uses_no_loaded_term():
    texts = own_text()
    assert {"base.html", "index.html", "claims.html", "site.js", "site.py"} <= set(texts)
    assert {name: found for name, text in texts.items() if (found := loaded_terms_in(text))} == {}


def test_the_neutrality_test_can_fail():
    assert loaded_terms_in("<p>The regime said</p>") == ["regime"]
    assert loaded_terms_in("a so-called statement, rеgime") == [
        "so-called",
        "regime",
    ]  # its е is Cyrillic


def _palette(css: str) -> dict[str, str]:
    root = re.search(r":root\s*\{(.*?)\}", css, re.S).group(1)
    return dict(re.findall(r"(--[a-z-]+)\s*:\s*(#[0-9a-fA-F]{6})\s*;", root))


def contrast(a: str, b: str) -> float:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_colours_meet_wcag_aa():
    css = (ASSETS / "site.css").read_text(encoding="utf-8")
    palette = _palette(css)
    fg, bg, line = (
        {k: v for k, v in palette.items() if k.startswith(p)} for p in ("--fg", "--bg", "--line")
    )
    assert len(fg) >= 3 and len(bg) >= 4 and len(line) >= 2
    low = [
        (f, b, round(contrast(fg[f], bg[b]), 2))
        for f in fg
        for b in bg
        if contrast(fg[f], bg[b]) < 4.5
    ]
    low += [
        (ln, b, round(contrast(line[ln], bg[b]), 2))
        for ln in line
        for b in bg
        if contrast(line[ln], bg[b]) < 3.0
    ]
    assert low == []
    # Every colour is one of the palette's: none is written outside :root.
    rest = re.sub(r":root\s*\{.*?\}", "", css, count=1, flags=re.S)
    assert not re.search(r"#[0-9a-fA-F]{3,8}\b|\b(?:rgb|rgba|hsl|hsla)\(", rest)
    assert set(re.findall(r"var\((--[a-z-]+)\)", rest)) <= set(palette)


def test_the_contrast_computation_is_right():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic near miss
