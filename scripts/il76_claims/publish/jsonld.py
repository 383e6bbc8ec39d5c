"""Tables → dist/<name>.jsonld: the claims in the schema.org vocabulary,
for tools that read it (fact-check tools read ``Claim``).

* a ``Dataset`` describes the package: its name, description, licence,
  version, how to cite it (``creditText``), its creators and, as
  ``distribution``, a ``DataDownload`` of each file a version publishes
  under an address of its own, with its media type;
* each claim is a ``Claim``: its proposition as ``text``; as ``appearance``
  only the statements that assert or suggest it (schema.org reads an
  appearance as the claim occurring in a work, so a statement that denies
  or questions it is never one); as ``author`` the actors whose position is
  for it. There is no ``ClaimReview`` and no rating: the dataset gives no
  verdict;
* every position, whatever its stance, is a ``Position``: ``about`` the
  claim, ``agent`` the actor who takes it, ``isBasedOn`` the statement that
  shows it, and ``stance`` and ``basis`` as the codes of the tables.
  schema.org has no term for a stance, so ``Position``, ``stance`` and
  ``basis`` are the project's own terms, defined in the document's context
  as the headings of the codebook (docs/codebook.md at the version's tag)
  that define them;
* each statement that shows a position is a ``Quotation``: the quote as
  ``text``, its language, the speaker as ``author``, the source as
  ``isPartOf``, the project's neutral summary as ``description``. A
  paraphrased statement (its source's text is not held, so it has no
  quote) is a ``CreativeWork`` of ``genre`` "paraphrase" with no ``text``:
  nothing in it reads as the speaker's words;
* each actor is a ``Person`` (actor_type person) or else an
  ``Organization`` (schema.org has no type for an unnamed source or a
  group; ``description`` says what the actor is);
* each source is a ``CreativeWork``.

Dates are given only when they are exact to the day: schema.org has no way
to say "on or after". The Dataset's id is the repository's address, every
other node's that address with ``#<table>/<id>``.
"""

from __future__ import annotations

import posixpath

from ..model.policy import FOR
from .citation import citation
from .jsonl import objects
from .release import published
from .tables import Table

SCHEMA_ORG = "https://schema.org/"
# The project's own terms: the codebook heading (its anchor) that defines each.
TERMS = {
    "Position": "table-claim_positions",
    "stance": "codelist-stance",
    "basis": "codelist-position_basis",
}
# The media type of each published file, by its extension.
MEDIA_TYPES = {
    ".zip": "application/zip",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".sqlite": "application/vnd.sqlite3",
    ".json": "application/json",
    ".jsonld": "application/ld+json",
    ".csv": "text/csv",
}


def _ref(base: str, table: str, rid: str | None) -> dict | None:
    return {"@id": f"{base}#{table}/{rid}"} if rid else None


def _node(**props: object) -> dict:
    return {k: v for k, v in props.items() if v not in (None, [])}


def _head(base: str, table: str, row: dict, kind: str) -> dict:
    return {"@id": f"{base}#{table}/{row['id']}", "@type": kind, "identifier": row["id"]}


def _day(o: dict) -> str | None:
    return o["date"] if o.get("date_precision") == "day" else None


def _actor(base: str, a: dict, meaning: dict) -> dict:
    kind = "Person" if a["actor_type"] == "person" else "Organization"
    same = f"https://www.wikidata.org/wiki/{a['wikidata_qid']}" if a.get("wikidata_qid") else None
    return _node(
        **_head(base, "actors", a, kind),
        name=a["name"],
        description=a["role"] or meaning[("actor_type", a["actor_type"])],
        sameAs=same,
    )


def _source(base: str, s: dict) -> dict:
    return _node(
        **_head(base, "sources", s, "CreativeWork"),
        name=s["title"],
        url=s["url"],
        inLanguage=s["language"],
        publisher=_ref(base, "actors", s["publisher_id"]),
        author=_ref(base, "actors", s["author_id"]),
        datePublished=_day(s),
    )


def _quotation(base: str, st: dict) -> dict:
    node = _head(base, "statements", st, "Quotation")
    if st["paraphrased"]:  # the project's summary, never the speaker's words
        node |= {"@type": "CreativeWork", "genre": "paraphrase"}
    else:
        node |= {"text": st["quote"], "inLanguage": st["quote_language"]}
    return _node(
        **node,
        author=_ref(base, "actors", st["speaker_id"]),
        isPartOf=_ref(base, "sources", st["source_id"]),
        description=st["summary"],
        dateCreated=_day(st),
    )


def _claim(base: str, c: dict, positions: list[dict]) -> dict:
    shown_for = [p for p in positions if p["stance"] in FOR]
    statements = sorted({p["statement_id"] for p in shown_for})
    actors = sorted({p["actor_id"] for p in shown_for})
    return _node(
        **_head(base, "claims", c, "Claim"),
        text=c["proposition"],
        appearance=[_ref(base, "statements", s) for s in statements],
        author=[_ref(base, "actors", a) for a in actors],
    )


def _position(base: str, p: dict) -> dict:
    return {
        "@id": f"{base}#claim_positions/{p['claim_id']}/{p['position']}",
        "@type": "Position",
        "about": _ref(base, "claims", p["claim_id"]),
        "agent": _ref(base, "actors", p["actor_id"]),
        "stance": p["stance"],
        "basis": p["basis"],
        "isBasedOn": _ref(base, "statements", p["statement_id"]),
    }


def _dataset(meta: dict, base: str, tables: list[Table]) -> dict:
    licences = [lic["path"] for lic in meta["licenses"]]
    return _node(
        **{"@id": base, "@type": "Dataset"},
        identifier=meta["name"],
        name=meta["title"],
        description=meta["description"],
        version=meta["version"],
        datePublished=meta.get("released"),
        license=licences[0] if len(licences) == 1 else licences,
        creditText=citation(meta),
        copyrightNotice=meta.get("rights"),
        creator=[{"@type": "Organization", "name": c["title"]} for c in meta["contributors"]],
        keywords=list(meta.get("keywords", [])),
        url=meta.get("repository"),
        distribution=[
            _node(
                **{"@type": "DataDownload"},
                name=name,
                encodingFormat=MEDIA_TYPES[posixpath.splitext(name)[1]],
                contentUrl=url,
            )
            for name, url in published(meta, [t.name for t in tables])
        ],
    )


def document(meta: dict, tables: list[Table]) -> dict:
    rows = {t.name: objects(t) for t in tables}
    base = meta.get("repository") or f"urn:{meta['name']}"
    # The project's own terms are each the address of the codebook heading
    # that defines it, in the codebook of this version: a code's meaning is
    # the one its version gives.
    codebook = (
        f"{base}/blob/v{meta['version']}/docs/codebook.md"
        if meta.get("repository")
        else f"urn:{meta['name']}:codebook"
    )
    terms = {term: f"{codebook}#{anchor}" for term, anchor in TERMS.items()}
    meaning = {(r["codelist"], r["code"]): r["description"] for r in rows["codelists"]}
    positions: dict[str, list[dict]] = {}
    for p in rows["claim_positions"]:
        positions.setdefault(p["claim_id"], []).append(p)
    shown = {p["statement_id"] for p in rows["claim_positions"]}
    graph = [_dataset(meta, base, tables)]
    graph += [_claim(base, c, positions.get(c["id"], [])) for c in rows["claims"]]
    graph += [_position(base, p) for p in rows["claim_positions"]]
    graph += [_quotation(base, s) for s in rows["statements"] if s["id"] in shown]
    graph += [_actor(base, a, meaning) for a in rows["actors"]]
    graph += [_source(base, s) for s in rows["sources"]]
    return {"@context": [SCHEMA_ORG, terms], "@graph": graph}
