"""Tables → dist/<name>.jsonld: the claims in the schema.org vocabulary,
for tools that read it (fact-check tools read ``Claim``).

* each claim is a ``Claim``: its proposition as ``text``; as ``appearance``
  every statement that shows a position on it; as ``author`` the actors
  whose position is for it (asserts or suggests, as in the claim's status).
  The stances themselves have no schema.org term: the JSON document and the
  tables give them. There is no ``ClaimReview`` and no rating: the dataset
  gives no verdict;
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
to say "on or after". Node ids are the repository address with
``#<table>/<id>``.
"""

from __future__ import annotations

from ..model.fileio import write_json
from ..model.policy import FOR
from .jsonl import objects
from .tables import Table


def _ref(base: str, table: str, rid: str | None) -> dict | None:
    return {"@id": f"{base}#{table}/{rid}"} if rid else None


def _node(**props: object) -> dict:
    return {k: v for k, v in props.items() if v not in (None, [])}


def _day(o: dict, key: str = "date") -> str | None:
    return o[key] if o.get("date_precision") == "day" else None


def _actor(base: str, a: dict, meaning: dict) -> dict:
    kind = "Person" if a["actor_type"] == "person" else "Organization"
    same = f"https://www.wikidata.org/wiki/{a['wikidata_qid']}" if a.get("wikidata_qid") else None
    description = a["role"] or meaning[("actor_type", a["actor_type"])]
    return _node(
        **{"@id": f"{base}#actors/{a['id']}", "@type": kind},
        identifier=a["id"],
        name=a["name"],
        description=description,
        sameAs=same,
    )


def _source(base: str, s: dict) -> dict:
    node = {"@id": f"{base}#sources/{s['id']}", "@type": "CreativeWork", "identifier": s["id"]}
    return _node(
        **node,
        name=s["title"],
        url=s["url"],
        inLanguage=s["language"],
        publisher=_ref(base, "actors", s["publisher_id"]),
        author=_ref(base, "actors", s["author_id"]),
        datePublished=_day(s),
    )


def _quotation(base: str, st: dict) -> dict:
    node = {
        "@id": f"{base}#statements/{st['id']}",
        "@type": "Quotation",
        "identifier": st["id"],
        "text": st["quote"],
        "inLanguage": st["quote_language"],
    }
    if st["paraphrased"]:  # the project's summary, never the speaker's words
        node = {
            "@id": node["@id"],
            "@type": "CreativeWork",
            "identifier": st["id"],
            "genre": "paraphrase",
        }
    return _node(
        **node,
        author=_ref(base, "actors", st["speaker_id"]),
        isPartOf=_ref(base, "sources", st["source_id"]),
        description=st["summary"],
        dateCreated=_day(st),
    )


def _claim(base: str, c: dict, positions: list[dict]) -> dict:
    authors = sorted({p["actor_id"] for p in positions if p["stance"] in FOR})
    appearances = sorted({p["statement_id"] for p in positions})
    node = {
        "@id": f"{base}#claims/{c['id']}",
        "@type": "Claim",
        "identifier": c["id"],
        "text": c["proposition"],
    }
    return _node(
        **node,
        appearance=[_ref(base, "statements", s) for s in appearances],
        author=[_ref(base, "actors", a) for a in authors],
    )


def document(meta: dict, tables: list[Table]) -> dict:
    rows = {t.name: objects(t) for t in tables}
    base = meta.get("repository") or f"urn:{meta['name']}"
    meaning = {(r["codelist"], r["code"]): r["description"] for r in rows["codelists"]}
    positions: dict[str, list[dict]] = {}
    for p in rows["claim_positions"]:
        positions.setdefault(p["claim_id"], []).append(p)
    shown = {p["statement_id"] for p in rows["claim_positions"]}
    graph = [_claim(base, c, positions.get(c["id"], [])) for c in rows["claims"]]
    graph += [_quotation(base, s) for s in rows["statements"] if s["id"] in shown]
    graph += [_actor(base, a, meaning) for a in rows["actors"]]
    graph += [_source(base, s) for s in rows["sources"]]
    return {"@context": "https://schema.org/", "@graph": graph}


def write(meta: dict, tables: list[Table], out_dir: str, rel: str) -> str:
    return write_json(out_dir, rel, document(meta, tables))
