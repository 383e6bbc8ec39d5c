"""A static site of the package in dist/site/: a home page that answers
"what is disputed, and by whom?", the claims with every party's side, a page
per claim, actor and source, the statements with a timeline, the casualty
figures, and the changes of each version.

The pages are made from the same checked ``Table`` values as every other
output, and need no server, CDN or network: they work from file://, GitHub
Pages and the release archive. No time-stamp is written, and every list has
a fixed order, so two builds give identical bytes. The site uses the
build's own steps, so that it is made and replaced the same way: ``prepare``
(the check, then the tables; nothing is written while the check reports a
problem) and ``swap_in`` (written to a staging folder, then swapped in
whole, with Ctrl-C held back).

HTML is made with Jinja2 rather than html.escape and f-strings: it escapes
every value by default, so no record's text can break the markup, and the
site's own words sit in the template files, where the neutrality test reads
them. The one stylesheet and the one small script are files next to the
templates, copied as they are, rather than strings in the code: they are
read and edited as CSS and JavaScript, and the tests read the stylesheet's
palette to check its contrast.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from ..check import quotes
from ..check.coverage import Uncited, load_uncited
from ..check.metadata import CHANGELOG, changelog_sections, section
from ..check.run import CheckResult
from ..model.project import Project
from . import citation
from .build import STAGING, prepare, staged, swap_in
from .release import archive_name, published
from .site_lookups import FUNCTIONS, SIDE_SYMBOLS, SiteIndex, axis, grouped, paginate, segments
from .tables import Table

Page = tuple[str, str, dict]  # (file, template, context)

SITE_DIR = "dist/site"
ASSETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "site_assets")
STATIC = ("site.css", "site.js")
# Items per page of each list, and claims per page of the claims list: the
# real dataset fits on one page; a large one is split rather than grown
# without bound.
PER_PAGE = 200
CLAIMS_PER_PAGE = 100
# Claims on the home page: the ones most parties take a side on.
CENTRAL = 8
# The documents that say how the data was made (docs/), linked from every page.
METHOD = (
    (
        "Editorial policy",
        "docs/editorial-policy.md",
        "how statements, claims and positions are recorded, and the rules the checker enforces",
    ),
    ("Codebook", "docs/codebook.md", "every table, column and code"),
    ("Datasheet", "docs/datasheet.md", "why and how the dataset was made, and its limits"),
    (
        "Audit of version 3.0",
        "docs/audit-3.0.md",
        "the blind review of every record, and what was done with each finding",
    ),
)


@dataclass
class SiteInputs:
    meta: dict  # dataset.yaml
    tables: list[Table]
    status_rule: str  # the claim_status codelist's own description of the rule
    archives: dict[str, list[str]]  # source id -> blocks of its verified text
    uncited: dict[str, dict[int, Uncited]]
    changelog: str | None  # CHANGELOG.md
    with_text: bool  # False: left out on purpose (il76-claims site --no-archived-text)


@dataclass
class SiteResult:
    check: CheckResult
    pages: list[tuple[str, int]]  # (path under dist/site, bytes)


def build_site(project: Project, with_text: bool = True) -> SiteResult:
    """Check; when there is no problem, write the site and swap it in.
    with_text shows the sources' archived texts when they are there
    (verified as the quote check verifies them); a site that is published
    leaves them out (third-party text the dataset's licence does not cover)."""
    result, tables = prepare(project)
    if not result.ok or result.metadata is None:
        return SiteResult(result, [])
    sources = [r for r in result.records if r.kind == "source"]
    archives: dict[str, list[str]] = {}
    if with_text and project.sources_dir and os.path.isdir(project.sources_dir):
        found = {r.id: quotes.read_archive(r, project.sources_dir, []) for r in sources}
        archives = {sid: archive.blocks for sid, archive in found.items() if archive is not None}
    # Why blocks are not cited; its problems are `coverage`'s to report.
    uncited, _ = load_uncited(project.root, {r.id for r in sources})
    try:
        changelog: str | None = Path(project.root, CHANGELOG).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        changelog = None
    rule = result.schemas.codelists["claim_status"].description
    inputs = SiteInputs(result.metadata, tables, rule, archives, uncited, changelog, with_text)
    cache = os.path.join(project.root, STAGING, "templates")
    os.makedirs(cache, exist_ok=True)
    with staged(project.root, "site-") as staging:
        pages = render(os.path.join(staging, SITE_DIR), inputs, cache)
        swap_in(staging, project.root, (SITE_DIR,))
    return SiteResult(result, pages)


def downloads(meta: dict, tables: list[Table]) -> list[tuple[str, str]]:
    """(file, link) of each download. With dataset.yaml's repository: the
    release's files of this version (the archive, the workbook, the SQLite
    and JSON files) and the tables committed at its tag, vX.Y.Z; without:
    the files next to this site in the release archive, whose site/ folder
    it is (publish/release.py)."""
    files = published(meta, [t.name for t in tables])
    linked = [(f, url) for f, url in files if url is not None]
    archive = archive_name(meta["name"], meta["version"])
    return linked or [(f, f"../{f}") for f, _ in files if f != archive]


def method_links(meta: dict) -> list[tuple[str, str, str]]:
    """(title, link, what it holds) of each method document: in the
    repository at this version's tag, else next to this site's folder in
    the release archive."""
    repo = str(meta.get("repository") or "").rstrip("/")
    base = f"{repo}/blob/v{meta['version']}/" if repo else "../"
    return [(title, base + path, what) for title, path, what in METHOD]


def changelog_entries(text: str | None, repository: str | None) -> list[dict]:
    """Every version's changelog section, newest first: its version, date
    and body as HTML."""
    from markdown_it import MarkdownIt
    from markupsafe import Markup

    md = MarkdownIt("commonmark", {"html": False})
    out = []
    text = text or ""
    for version in changelog_sections(text):
        date, body = section(text, version)  # type: ignore[misc]  # each heading found has one
        tokens = md.parse(body)  # its ### headings fall under the page's h2
        for tok in tokens:
            if tok.children:
                tok.children = _links(tok.children, repository, version)
        html = Markup(md.renderer.render(tokens, md.options, {}))
        out.append({"version": version, "date": date or "", "html": html})
    return out


def _links(children: list, repository: str | None, version: str) -> list:
    """A changelog's relative links point into the repository: to it at the
    version's tag when its address is known, else they become plain text."""
    out, dropped = [], 0
    for tok in children:
        href = tok.attrGet("href") if tok.type == "link_open" else None
        if href is not None and not urlsplit(href).scheme:
            if not repository:
                dropped += 1
                continue
            tok.attrSet("href", f"{repository.rstrip('/')}/blob/v{version}/{href}")
        if tok.type == "link_close" and dropped:
            dropped -= 1  # links do not nest, so each close matches the last open
            continue
        out.append(tok)
    return out


# -- pages ---------------------------------------------------------------------


def render(out_dir: str, inputs: SiteInputs, cache_dir: str) -> list[tuple[str, int]]:
    """Every page and the static files into out_dir: (path, bytes) of each.
    Compiled templates are kept in cache_dir (Jinja2's own bytecode cache,
    which checks each template's source by its checksum, never by time):
    compiling them is an eighth of a site build."""
    import jinja2

    ix = SiteIndex(inputs.tables)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(os.path.join(ASSETS, "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=jinja2.FileSystemBytecodeCache(cache_dir),
    )
    env.globals.update(
        FUNCTIONS,
        ix=ix,
        meta=inputs.meta,
        status_rule=inputs.status_rule,
        with_text=inputs.with_text,
        method=method_links(inputs.meta),
        side_symbol=SIDE_SYMBOLS,
    )
    os.makedirs(out_dir, exist_ok=True)
    written = []
    for name, template, context in _pages(ix, inputs):
        html = env.get_template(template).render(page=name, **context)
        Path(out_dir, name).write_text(html, encoding="utf-8", newline="\n")
        written.append((name, len(html.encode("utf-8"))))
    for name in STATIC:
        shutil.copyfile(os.path.join(ASSETS, name), os.path.join(out_dir, name))
    return written


def _paged(
    stem: str, items: list, context: Callable[[list], dict], per: int | None = None
) -> Iterator[Page]:
    """Each page of a list (its template is stem.html): the context of its
    items, and the pager, (file, number, is the current page) of each page,
    empty for one page."""
    pages = paginate(stem, items, per or PER_PAGE)
    names = [name for name, _ in pages] if len(pages) > 1 else []
    for name, chunk in pages:
        pager = [(other, n, other == name) for n, other in enumerate(names, start=1)]
        yield name, f"{stem}.html", {**context(chunk), "pager": pager}


def _pages(ix: SiteIndex, inputs: SiteInputs) -> Iterator[Page]:
    """(file, template, context) of every page. The lists are paginated
    first, so that every link knows the page its target is on."""
    t = ix.t
    statements = sorted(t["statements"], key=lambda r: (r["date"], r["id"]))
    ix.statement_page = {
        r["id"]: n for n, rs in paginate("statements", statements, PER_PAGE) for r in rs
    }
    names = {a["id"]: a["name"].casefold() for a in t["actors"]}
    figures = sorted(
        t["casualty_figures"],
        key=lambda r: (not r["claimed_by_id"], names.get(r["claimed_by_id"], ""), r["id"]),
    )
    ix.figure_page = {r["id"]: n for n, rs in paginate("figures", figures, PER_PAGE) for r in rs}
    yield "index.html", "index.html", _home(ix, inputs)
    entries = changelog_entries(inputs.changelog, inputs.meta.get("repository"))
    yield "changes.html", "changes.html", {"entries": entries}
    topics = list(ix.codes_of("claims", "topic"))
    claims = sorted(t["claims"], key=lambda r: (topics.index(r["topic"]), r["id"]))
    yield from _paged("claims", claims, partial(_claims, ix), CLAIMS_PER_PAGE)
    types = list(ix.codes_of("actors", "actor_type"))
    actors = sorted(
        t["actors"], key=lambda r: (types.index(r["actor_type"]), names[r["id"]], r["id"])
    )
    countries = {"countries": sorted({a["country"] for a in actors} - {""})}
    yield from _paged(
        "actors", actors, lambda rs: {"groups": grouped(rs, "actor_type"), **countries}
    )
    yield from (("claim-" + c["id"] + ".html", "claim.html", {"claim": c}) for c in t["claims"])
    yield from (("actor-" + a["id"] + ".html", "actor.html", {"actor": a}) for a in t["actors"])
    yield from _paged("statements", statements, partial(_statements, ix))
    scale = axis(statements)  # one axis for every page, so that pages compare
    ticks = scale.ticks()
    yield from _paged(
        "timeline", statements, lambda rs: {"rows": [(r, scale.bar(r)) for r in rs], "ticks": ticks}
    )
    yield from _paged("sources", t["sources"], lambda rs: {"sources": rs})
    yield from (_source(ix, inputs, s) for s in t["sources"])
    yield from _paged("figures", figures, lambda rs: {"groups": grouped(rs, "claimed_by_id")})


def _home(ix: SiteIndex, inputs: SiteInputs) -> dict:
    """The answer first: the claims most parties take a side on, disputed
    ones first; then the method, the downloads and how to cite."""

    def rank(c: dict) -> tuple[bool, int, str]:
        return c["status"] != "disputed", -int(c["actors_for"]) - int(c["actors_against"]), c["id"]

    return {
        "central": sorted(ix.t["claims"], key=rank)[:CENTRAL],
        "counts": {t.name: len(t.rows) for t in inputs.tables},
        "held": sum(s["text_held"] == "true" for s in ix.t["sources"]),
        "citation": citation.citation(inputs.meta),
        "bibtex": citation.bibtex(inputs.meta),
        "downloads": downloads(inputs.meta, inputs.tables),
    }


def _claims(ix: SiteIndex, chunk: list[dict]) -> dict:
    """A page of claims, by topic, each with every party's side; filters by
    party, country and status."""
    parties = sorted(
        {r["actor_id"] for c in chunk for r in ix.sides.get(c["id"], [])}, key=ix.name_key
    )
    return {
        "groups": grouped(chunk, "topic"),
        "parties": parties,
        "countries": sorted({ix.actor(a)["country"] for a in parties} - {""}),
    }


def _statements(ix: SiteIndex, chunk: list[dict]) -> dict:
    """A page of statements, with the choices its filters offer."""
    speakers = sorted({r["speaker_id"] for r in chunk}, key=ix.name_key)
    stances = {p["stance"] for r in chunk for p in ix.positions_of_statement.get(r["id"], [])}
    return {
        "statements": chunk,
        "speakers": speakers,
        "claims": sorted({c for r in chunk for c in ix.claims_of(r["id"])}),
        "kinds": [k for k in ix.codes_of("statements", "kind") if k in {r["kind"] for r in chunk}],
        "countries": sorted({ix.actor(a)["country"] for a in speakers} - {""}),
        "sources": sorted({s for r in chunk for s in ix.sources_of(r)}),
        "stances": [k for k in ix.codes_of("claim_positions", "stance") if k in stances],
    }


def _source(ix: SiteIndex, inputs: SiteInputs, source: dict) -> Page:
    """A source's page: its blocks with the records citing each, and the
    text of each block with the quotes marked when the archive was read."""
    sid, blocks = source["id"], inputs.archives.get(source["id"])
    cited, uncited = ix.cited.get(sid, {}), inputs.uncited.get(sid, {})
    if blocks is not None:
        count = len(blocks)
    else:
        count = int(source["block_count"] or max([*cited, *uncited], default=0))
    shown = []
    for n in range(1, count + 1):
        records = [(f"{table}/{r['id']}", table, r) for table, r in cited.get(n, [])]
        quotes = [(key, r.get("quote") or "") for key, _, r in records]
        pieces, found = segments(blocks[n - 1], quotes) if blocks is not None else ([], set())
        refs = {key: i for i, (key, _, _) in enumerate(records, start=1)}
        shown.append(
            {
                "n": n,
                "pieces": pieces,
                "records": records,
                "refs": refs,
                "found": found,
                "uncited": uncited.get(n),
            }
        )
    context = {"source": source, "blocks": shown, "has_text": blocks is not None}
    return f"source-{sid}.html", "source.html", context
