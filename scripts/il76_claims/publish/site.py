"""A static site of the package in dist/site/: home, stance matrix, a page
per claim and per actor, statements with a timeline, each source's text with
the records that cite it, and the casualty figures.

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
import tempfile
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..check import quotes
from ..check.run import CheckResult
from ..generate.coverage import Uncited, load_uncited
from ..history.changelog import CHANGELOG, changelog_sections, section
from ..history.release import ASSETS as RELEASE_ASSETS
from ..model.project import Project
from . import about
from .build import STAGING, prepare, swap_in
from .siteview import Index, axis, date_text, direction, grouped, interval, paginate, segments, symbol, words
from .tables import Table

SITE_DIR = "dist/site"
ASSETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "site_assets")
STATIC = ("site.css", "site.js")
# Items per page of each list, and claims per page of the matrix: the real
# dataset fits on one page (one picture of who took which position); a
# large one is split rather than grown without bound.
PER_PAGE = 200
MATRIX_CLAIMS = 50


@dataclass
class SiteInputs:
    meta: dict  # dataset.yaml
    tables: list[Table]
    status_rule: str  # the claim_status codelist's own description of the rule
    archives: dict[str, list[str]] = field(default_factory=dict)  # source id -> blocks of its verified text
    uncited: dict[str, dict[int, Uncited]] = field(default_factory=dict)
    changelog: str | None = None  # CHANGELOG.md
    with_text: bool = True  # False: left out on purpose (il76-claims site --no-archived-text)


@dataclass
class SiteResult:
    check: CheckResult
    pages: list[tuple[str, int]]  # (path under dist/site, bytes)


def build_site(project: Project, with_text: bool = True) -> SiteResult:
    """Check; when there is no problem, write the site and swap it in.
    with_text shows the sources' archived texts when they are there; a site
    that is published leaves them out (third-party text the dataset's
    licence does not cover)."""
    result, tables = prepare(project)
    if not result.ok:
        return SiteResult(result, [])
    inputs = gather(project, result, tables, with_text)
    os.makedirs(os.path.join(project.root, STAGING), exist_ok=True)
    staging = tempfile.mkdtemp(prefix="site-", dir=os.path.join(project.root, STAGING))
    try:
        pages = render(os.path.join(staging, SITE_DIR), inputs)
        swap_in(staging, project.root, (SITE_DIR,))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return SiteResult(result, pages)


def gather(project: Project, result: CheckResult, tables: list[Table], with_text: bool = False) -> SiteInputs:
    """What the pages need besides the tables: the archived texts when asked
    for (verified as the quote check verifies them), the reasons blocks are
    not cited, the status rule and the changelog."""
    sources = [r for r in result.records if r.kind == "source"]
    archives = {}
    if with_text and project.sources_dir and os.path.isdir(project.sources_dir):
        for rec in sources:
            archive = quotes.read_archive(rec, project.sources_dir, [])
            if archive is not None:
                archives[rec.id] = archive.blocks
    uncited, _ = load_uncited(project.root, {r.id for r in sources})  # its problems are `coverage`'s to report
    try:
        with open(os.path.join(project.root, CHANGELOG), encoding="utf-8") as fh:
            changelog = fh.read()
    except (OSError, UnicodeDecodeError):
        changelog = None
    rule = result.schemas.codelists["claim_status"].description
    return SiteInputs(result.metadata, tables, rule, archives, uncited, changelog, with_text)


def downloads(meta: dict, tables: list[Table]) -> list[tuple[str, str]]:
    """(file, link) of each download. With dataset.yaml's repository: the
    release's files of this version (the archive, the workbook, the SQLite
    and JSON files) and the tables committed at its tag, vX.Y.Z; without:
    the files next to this site in the release archive, whose site/ folder
    it is (history/release.py)."""
    version, stem = meta["version"], f"{meta['name']}-{meta['version']}"
    tables_files = ["datapackage.json", *(f"data/{t.name}.csv" for t in tables)]
    assets = [os.path.basename(rel) for rel in RELEASE_ASSETS]
    repo = str(meta.get("repository") or "").rstrip("/")
    if repo:
        released = (f"{repo}/releases/download/v{version}/{name}" for name in [f"{stem}.zip", *assets])
        return [*zip([f"{stem}.zip", *assets], released), *((f, f"{repo}/raw/v{version}/{f}") for f in tables_files)]
    return [(f, f"../{f}") for f in [*tables_files, *assets]]


def changelog_entry(text: str | None, version: str, repository: str | None) -> dict | None:
    """The changelog section of this version (else the newest one): its
    version, date and body as HTML."""
    from markdown_it import MarkdownIt
    from markupsafe import Markup

    sections = changelog_sections(text or "")
    if not sections:
        return None
    shown = version if version in sections else sections[0]
    date, body = section(text, shown)
    md = MarkdownIt("commonmark", {"html": False})
    tokens = md.parse(body)  # its ### headings fall under the page's h2
    for tok in tokens:
        tok.children = _links(tok.children, repository, shown) if tok.children else tok.children
    return {"version": shown, "date": date or "", "html": Markup(md.renderer.render(tokens, md.options, {}))}


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


def render(out_dir: str, inputs: SiteInputs) -> list[tuple[str, int]]:
    """Every page and the static files into out_dir: (path, bytes) of each."""
    ix = Index(inputs.tables)
    env = _environment(ix, inputs)
    os.makedirs(out_dir, exist_ok=True)
    written = []
    for name, template, context in _pages(ix, inputs):
        html = env.get_template(template).render(page=name, **context)
        with open(os.path.join(out_dir, name), "w", encoding="utf-8", newline="\n") as fh:
            fh.write(html)
        written.append((name, len(html.encode("utf-8"))))
    for name in STATIC:
        shutil.copyfile(os.path.join(ASSETS, name), os.path.join(out_dir, name))
    return written


def _environment(ix: Index, inputs: SiteInputs):
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.join(ASSETS, "templates")), autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(ix=ix, meta=inputs.meta, status_rule=inputs.status_rule, words=words, symbol=symbol, direction=direction, date_text=date_text, interval=interval)
    return env


def _order(ix: Index, table: str, column: str) -> dict[str, int]:
    """Codes of a coded column in their codelist's order."""
    return {code: i for i, code in enumerate(ix.codes_of(table, column))}


def _pages(ix: Index, inputs: SiteInputs):
    """(file, template, context) of every page. The lists are paginated
    first, so that every link knows the page its target is on."""
    t = ix.t
    statements = sorted(t["statements"], key=lambda r: (r["date"], r["id"]))
    statement_pages = paginate("statements", statements, PER_PAGE)
    ix.statement_page = {r["id"]: name for name, chunk in statement_pages for r in chunk}
    names = {a["id"]: a["name"].casefold() for a in t["actors"]}
    figures = sorted(t["casualty_figures"], key=lambda r: (not r["claimed_by_id"], names.get(r["claimed_by_id"], ""), r["id"]))
    figure_pages = paginate("figures", figures, PER_PAGE)
    ix.figure_page = {r["id"]: name for name, chunk in figure_pages for r in chunk}
    yield "index.html", "index.html", _home(ix, inputs)
    yield from _matrix(ix)
    yield from _listing(ix, "claims", sorted(t["claims"], key=lambda r: (_order(ix, "claims", "topic")[r["topic"]], r["id"])), "topic")
    yield from _listing(ix, "actors", sorted(t["actors"], key=lambda r: (_order(ix, "actors", "actor_type")[r["actor_type"]], names[r["id"]], r["id"])), "actor_type")
    yield from (("claim-" + c["id"] + ".html", "claim.html", {"claim": c}) for c in t["claims"])
    yield from (("actor-" + a["id"] + ".html", "actor.html", {"actor": a}) for a in t["actors"])
    yield from _statements(ix, statement_pages)
    yield from _timeline(statements)
    source_pages = paginate("sources", t["sources"], PER_PAGE)
    yield from ((name, "sources.html", {"sources": chunk, "pager": _pager(source_pages, name)}) for name, chunk in source_pages)
    yield from (_source(ix, inputs, s) for s in t["sources"])
    for name, chunk in figure_pages:
        yield name, "figures.html", {"groups": grouped(chunk, lambda r: r["claimed_by_id"]), "pager": _pager(figure_pages, name)}


def _pager(pages: list[tuple[str, list]], current: str) -> list[tuple[str, int, bool]]:
    """(file, number, is the current page) of each page; empty for one page."""
    return [(name, n, name == current) for n, (name, _) in enumerate(pages, start=1)] if len(pages) > 1 else []


def _home(ix: Index, inputs: SiteInputs) -> dict:
    meta = inputs.meta
    counts = [(t.title, t.name, len(t.rows), t.description) for t in inputs.tables if t.name != "codelists"]
    status = {code: sum(c["status"] == code for c in ix.t["claims"]) for code in _order(ix, "claims", "status")}
    return {
        "counts": counts,
        "status": status,
        "changelog": changelog_entry(inputs.changelog, meta["version"], meta.get("repository")),
        "citation": about.citation(meta),
        "bibtex": about.bibtex(meta),
        "downloads": downloads(meta, inputs.tables),
    }


def _matrix(ix: Index):
    """Matrix pages: one row per claim, grouped by topic; one column per
    actor with a position on those claims, grouped by actor type."""
    topic, kind = _order(ix, "claims", "topic"), _order(ix, "actors", "actor_type")
    claims = sorted(ix.t["claims"], key=lambda r: (topic[r["topic"]], r["id"]))
    pages = paginate("matrix", claims, MATRIX_CLAIMS)
    for name, chunk in pages:
        cells: dict[tuple[str, str], list[dict]] = {}
        for c in chunk:
            for p in ix.positions_of_claim.get(c["id"], []):
                cells.setdefault((c["id"], p["actor_id"]), []).append(p)
        actors = sorted({a for _, a in cells}, key=lambda a: (kind[ix.actor(a)["actor_type"]], ix.name(a).casefold(), a))
        columns = [(a, ix.actor(a)["actor_type"]) for a in actors]
        # Each row's cells laid out here, so the template only writes them.
        rows = [(c, [(t, cells.get((c["id"], a), [])) for a, t in columns]) for c in chunk]
        context = {"topics": grouped(rows, lambda row: row[0]["topic"]), "columns": columns, "pager": _pager(pages, name)}
        context["actor_groups"] = grouped(actors, lambda a: ix.actor(a)["actor_type"])
        yield name, "matrix.html", context


def _listing(ix: Index, stem: str, items: list[dict], group: str):
    pages = paginate(stem, items, PER_PAGE)
    for name, chunk in pages:
        yield name, f"{stem}.html", {"groups": grouped(chunk, lambda r: r[group]), "pager": _pager(pages, name)}


def _statements(ix: Index, pages: list[tuple[str, list]]):
    """Statement pages, each with the choices its filters offer."""
    for name, chunk in pages:
        speakers = sorted({r["speaker_id"] for r in chunk}, key=lambda a: (ix.name(a).casefold(), a))
        claims = sorted({c for r in chunk for c in ix.claims_of(r["id"])})
        kinds = [k for k in ix.codes_of("statements", "kind") if any(r["kind"] == k for r in chunk)]
        yield name, "statements.html", {"statements": chunk, "speakers": speakers, "claims": claims, "kinds": kinds, "pager": _pager(pages, name)}


def _timeline(statements: list[dict]):
    """Timeline pages: one axis for all of them, so pages compare."""
    scale = axis(statements)
    pages = paginate("timeline", statements, PER_PAGE)
    for name, chunk in pages:
        yield name, "timeline.html", {"rows": [(r, scale.bar(r)) for r in chunk], "ticks": scale.ticks(), "pager": _pager(pages, name)}


def _source(ix: Index, inputs: SiteInputs, source: dict) -> tuple[str, str, dict]:
    """A source's page: its blocks with the records citing each, and the
    text of each block with the quotes marked when the archive was read."""
    sid, blocks = source["id"], inputs.archives.get(source["id"])
    cited, uncited = ix.cited(sid), inputs.uncited.get(sid, {})
    count = len(blocks) if blocks is not None else int(source["block_count"]) if source["block_count"] else max([*cited, *uncited], default=0)
    shown = []
    for n in range(1, count + 1):
        records = [(f"{table}/{r['id']}", table, r) for table, r in cited.get(n, [])]
        pieces, found = segments(blocks[n - 1], [(key, r.get("quote") or "") for key, _, r in records]) if blocks is not None else ([], set())
        refs = {key: i for i, (key, _, _) in enumerate(records, start=1)}
        shown.append({"n": n, "pieces": pieces, "records": records, "refs": refs, "found": found, "uncited": uncited.get(n)})
    return f"source-{sid}.html", "source.html", {"source": source, "blocks": shown, "has_text": blocks is not None, "with_text": inputs.with_text}
