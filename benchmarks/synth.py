"""Synthetic record trees shaped like the real records, for the benchmark.

A tree is a complete project: the repository's schemas, a dataset.yaml and
records/<kind>/<id>.yaml files of every kind that pass the checker. Records
have the real records' shape: 6 to 16 fields, a quote of about 200
characters, ISO dates, one to three references, some block text and some
lists. Sources carry no archived text, so quote checks have nothing to
compare against and skip; everything else is checked as usual.

Trees are deterministic: the same size always gives the same bytes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys

from il76_claims.check import canonical
from il76_claims.model.schemas import SchemaSet

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Share of each kind in a tree, roughly as in a mature dataset of this
# kind: many statements, fewer figures and claims, few sources and events.
SHARES = (
    ("source", 0.02),
    ("actor", 0.08),
    ("event", 0.01),
    ("statement", 0.50),
    ("casualty_figure", 0.19),
    ("claim", 0.20),
)

# Neutral, lower-case words: no YAML special values, no words the
# editorial checks treat as loaded, nothing that needs quoting.
WORDS = (
    "the aircraft crashed near village officials said statement ministry spokesperson told reporters "
    "investigation continues according to sources report aircraft transport military region figures "
    "passengers crew members were on board agency relayed remarks meeting council session "
    "delegation representative asked about whether the list was shared with exchange planned "
    "earlier date later said that they could not confirm details of cause missile system type "
    "established facts happened loss families names published data analysts noted weather "
    "flight route airfield radar track recorded video footage showed smoke field debris site"
).split()

DATE_PRECISIONS = ("day", "on_or_after", "on_or_before", "range")
# Statement kinds: speech by the speakers; narration and characterisation in
# the source's own voice, by its publisher (rule X008).
SPEECH, SOURCE_VOICE = ("direct_speech", "indirect_speech"), ("narration", "characterisation")
STANCES = (
    "asserts",
    "suggests",
    "denies",
    "questions",
    "does_not_deny",
    "does_not_admit",
    "lacks_information",
    "declines_to_comment",
    "calls_for_investigation",
)
BASES = ("explicit", "explicit", "explicit", "hedged", "implied", "presupposed")


ORIGINS = (
    "own_channel",
    "official_record",
    "original_reporting",
    "wire_copy",
    "reprint",
    "reference_work",
)
LINKS = ("in_full", "in_part", "relayed", "conflicting")


def _sentence(rng: random.Random, chars: int) -> str:
    words = []
    length = -1
    while length < chars:
        w = rng.choice(WORDS)
        words.append(w)
        length += len(w) + 1
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _date(rng: random.Random) -> str:
    return f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _counts(n: int) -> dict[str, int]:
    counts = {kind: max(1, int(n * share)) for kind, share in SHARES}
    counts["statement"] += n - sum(counts.values())
    return counts


def _q(value) -> str:
    """A scalar as YAML: null, an integer, or single-quoted-free plain text
    (every synthetic text is plain-safe by construction), or quoted where
    YAML 1.1 would read it as something else (country codes like NO)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if len(value) == 2 and value.isupper():
        return f"'{value}'"
    return value


def _yaml(record: dict, block_fields: tuple[str, ...] = ()) -> str:
    lines = []
    for key, value in record.items():
        if isinstance(value, list):
            if not value:
                lines.append(f"{key}: []")
                continue
            lines.append(f"{key}:")
            for item in value:
                if isinstance(item, dict):
                    first = True
                    for k, v in item.items():
                        lines.append(f"  {'- ' if first else '  '}{k}: {_q(v)}")
                        first = False
                else:
                    lines.append(f"  - {_q(item)}")
        elif key in block_fields and isinstance(value, str):
            lines.append(f"{key}: |-")
            lines.append(f"  {value}")
        else:
            lines.append(f"{key}: {_q(value)}")
    return "\n".join(lines) + "\n"


def _dated(rng: random.Random, precision: str) -> tuple[str, str | None]:
    """(date, date_end) in 2024, after every event (rule X009); a range ends
    later in the same month (rule X005)."""
    date = _date(rng)
    if precision != "range":
        return date, None
    first = rng.randint(1, 20)
    return date[:8] + f"{first:02d}", date[:8] + f"{first + rng.randint(1, 8):02d}"


def _actors(rng: random.Random, ids: dict, countries: list[str]) -> list[dict]:
    out = []
    for i, rid in enumerate(ids["actor"]):
        person = i % 3 == 0
        rec = {
            "id": rid,
            "actor_type": "person"
            if person
            else rng.choice(
                (
                    "state",
                    "government_body",
                    "media_outlet",
                    "organization",
                    "group",
                    "unnamed_source",
                )
            ),
            "name": _sentence(rng, 20)[:-1],
            "role": _sentence(rng, 40)[:-1] if person else None,
            "affiliation_id": ids["actor"][rng.randrange(i)] if i and rng.random() < 0.6 else None,
            "country": rng.choice(countries),
        }
        if rng.random() < 0.3:
            rec["wikidata_qid"] = f"Q{rng.randint(1, 10**7)}"
        if rng.random() < 0.3:
            rec["notes"] = _sentence(rng, 120)
        out.append(rec)
    return out


def _sources(rng: random.Random, ids: dict, publishers: list[str]) -> list[dict]:
    out = []
    for i, rid in enumerate(ids["source"]):
        precision = rng.choice(DATE_PRECISIONS)
        date, end = _dated(rng, precision)
        held = i % 2 == 0  # half the sources have their text held (rule X016)
        out.append(
            {
                "id": rid,
                "source_type": rng.choice(("news_article", "press_release", "transcript")),
                "origin": rng.choice(ORIGINS[:4] if held or i % 10 != 1 else ORIGINS[4:]),
                "text_held": held,
                "title": _sentence(rng, 60)[:-1],
                "url": f"https://example.org/news/{rid}",
                "publisher_id": rng.choice(publishers),
                "publisher_attribution": rng.choice(("stated", "apparent")),
                "author_id": None,
                "language": rng.choice(("en", "ru", "uk", "fr")),
                "translation": rng.choice(
                    ("original", "translation", "likely_translation", "unknown")
                ),
                "date": date,
                "date_end": end,
                "date_precision": precision,
                "archive_file": f"{rid}.txt" if held else None,
                "archive_sha256": f"{i:064x}".replace("0", "a") if held else None,
                "block_count": 40 if held else None,
                "notes": _sentence(rng, 150),
            }
        )
    return out


def _events(rng: random.Random, ids: dict, countries: list[str]) -> list[dict]:
    out = []
    for rid in ids["event"]:
        ranged = rng.random() < 0.2
        date = "2023" + _date(rng)[4:]  # before every statement, which are of 2024 (rule X009)
        if ranged:  # a range within one month, ending on a day every month has
            date = date[:8] + f"{rng.randint(1, 20):02d}"
        out.append(
            {
                "id": rid,
                "event_type": rng.choice(
                    ("aircraft_crash", "prisoner_exchange", "diplomatic_meeting", "investigation")
                ),
                "name": _sentence(rng, 50)[:-1],
                "date": date,
                "date_end": date[:8] + "28" if ranged else None,
                "date_precision": "range" if ranged else "day",
                "location": _sentence(rng, 25)[:-1],
                "country": rng.choice(countries),
                "description": _sentence(rng, 300),
            }
        )
    return out


def _carried_by(rng: random.Random, source: dict, sources: list[dict]) -> list[dict]:
    """Up to three other sources that carry a statement; a conflicting copy says how (X019)."""
    others = [s for s in rng.sample(sources, min(len(sources), 3)) if s["id"] != source["id"]][
        : rng.choice((0, 0, 1, 2, 3))
    ]
    links = [rng.choice(LINKS) for _ in others]
    return [
        {
            "source_id": s["id"],
            "link": link,
            **({"notes": _sentence(rng, 80)} if link == "conflicting" else {}),
        }
        for s, link in zip(others, links)
    ]


def _statement(
    rng: random.Random, rid: str, source: dict, speakers: list[str], ids: dict, sources: list[dict]
) -> dict:
    own = rng.random() < 0.2  # the source's own voice
    kind = rng.choice(SOURCE_VOICE) if own else rng.choice(SPEECH)
    precision = rng.choice(DATE_PRECISIONS)
    date, end = _dated(rng, precision)
    translated = source["translation"] != "original"
    held = source["text_held"]  # a source not held gives a paraphrase only (X017)
    rec = {
        "id": rid,
        "source_id": source["id"],
        "block": rng.randint(1, 40) if held else None,
        "speaker_id": source["publisher_id"] if own else rng.choice(speakers),
        "kind": kind,
        "described_actor_id": rng.choice(speakers) if kind == "characterisation" else None,
        "on_behalf_of_id": rng.choice(ids["actor"]) if not own and rng.random() < 0.5 else None,
        "date": date,
        "date_end": end,
        "date_precision": precision,
        "setting": "media_report"
        if own
        else rng.choice(
            (
                "press_briefing",
                "remarks_to_reporters",
                "official_statement",
                "social_media_post",
                "media_report",
                "unspecified",
            )
        ),
        "quote": _sentence(rng, 200) if held else None,
        "quote_language": source["language"] if held else None,
        "quote_translation": ("by_source" if translated else "none") if held else None,
        "summary": _sentence(rng, 140),
        "carried_by": _carried_by(rng, source, sources),
        "relayed_by": []
        if own
        else [
            a
            for a in rng.sample(ids["actor"], rng.choice((0, 0, 1, 2)))
            if a != source["publisher_id"]
        ],
        "event_id": rng.choice(ids["event"]),
    }
    if rng.random() < 0.3:
        rec["notes"] = _sentence(rng, 100)
    return rec


def _figure(
    rng: random.Random,
    rid: str,
    ids: dict,
    stated: list[tuple[str, int]],
    computed: bool,
    held: dict[str, bool],
) -> dict:
    """A figure a source states or implies, or one this project computes as
    the sum of stated ones (rules X005, X012)."""
    ranged = not computed and rng.random() < 0.15
    parts = rng.sample(stated, 2) if computed else []
    inferred = not computed and rng.random() < 0.1
    low = rng.randint(0, 50) if ranged else None
    claimed = not computed
    source = rng.choice(ids["source"]) if claimed else None
    quoted = claimed and held[source]
    return {
        "id": rid,
        "event_id": rng.choice(ids["event"]),
        "category": rng.choice(("prisoners_of_war", "crew", "escorts", "total_on_board")),
        "outcome": rng.choice(("on_board", "killed", "injured", "missing")),
        "count": sum(c for _, c in parts)
        if computed
        else (None if ranged else rng.randint(0, 200)),
        "count_low": low,
        "count_high": low + rng.randint(1, 30) if ranged else None,
        "basis": "computed" if computed else "inferred" if inferred else "stated",
        "claimed_by_id": rng.choice(ids["actor"]) if claimed else None,
        "statement_id": rng.choice(ids["statement"]) if claimed and rng.random() < 0.7 else None,
        "source_id": source,
        "block": rng.randint(1, 40) if quoted else None,
        "quote": _sentence(rng, 120) if quoted else None,
        "inference": _sentence(rng, 60) if inferred else None,
        "method": "sum" if computed else None,
        "derived_from": [p for p, _ in parts],
    }


def _position(rng: random.Random, statement: dict) -> dict:
    """A position shown by a statement: its speaker's (rule X007), or for a
    characterisation also the described party's (rule X011)."""
    characterised = statement["kind"] == "characterisation" and rng.random() < 0.7
    stance = rng.choice(STANCES)
    # A hedged position suggests, and a suggestion is hedged or implied (rule X020).
    bases = (
        ("hedged", "implied") if stance == "suggests" else tuple(b for b in BASES if b != "hedged")
    )
    pos = {
        "actor_id": statement["described_actor_id"] if characterised else statement["speaker_id"],
        "stance": stance,
        "basis": "characterised_by_source" if characterised else rng.choice(bases),
        "statement_id": statement["id"],
    }
    if rng.random() < 0.2:
        pos["notes"] = _sentence(rng, 60)
    return pos


def _claims(rng: random.Random, ids: dict, statements: list[dict]) -> list[dict]:
    out = []
    for i, rid in enumerate(ids["claim"]):
        # Related only to earlier claims, so relations never close a circle (rule X014).
        relations = (
            [
                {
                    "relation": rng.choice(("narrower_than", "presupposes")),
                    "other_claim_id": ids["claim"][rng.randrange(i)],
                }
            ]
            if i and rng.random() < 0.1
            else []
        )
        out.append(
            {
                "id": rid,
                "proposition": _sentence(rng, 100),
                "topic": rng.choice(
                    (
                        "cause_of_crash",
                        "passengers_and_cargo",
                        "weapons_used",
                        "diplomatic_process",
                        "international_response",
                        "other",
                    )
                ),
                "relations": relations,
                "event_id": rng.choice(ids["event"]),
                "positions": [
                    _position(rng, rng.choice(statements)) for _ in range(rng.randint(1, 3))
                ],
            }
        )
    return out


def make_records(
    n: int, seed: int = 24, fixed: dict[str, int] | None = None
) -> list[tuple[str, dict, tuple[str, ...]]]:
    """(kind, record, fields written as block text) for a tree of n records;
    fixed sets the number of some kinds (the rest of n is shared as usual)."""
    rng = random.Random(seed)
    counts = {**_counts(n), **(fixed or {})}
    with open(os.path.join(REPO, "schemas", "codelists", "country.json"), encoding="utf-8") as fh:
        countries = json.load(fh)["enum"]
    ids: dict[str, list[str]] = {
        kind: [f"{kind.replace('_', '-')}-{i:06d}" for i in range(counts[kind])]
        for kind, _ in SHARES
    }
    # Publishers speak only in their source's own voice (rule X008), so they
    # are kept apart from the speakers.
    cut = max(1, len(ids["actor"]) // 10)
    publishers, speakers = ids["actor"][:cut], ids["actor"][cut:] or ids["actor"]
    sources = _sources(rng, ids, publishers)
    bases = [s for s in sources if s["origin"] in ORIGINS[:4]]  # never a reprint alone (X018)
    statements = [
        _statement(rng, rid, rng.choice(bases), speakers, ids, sources) for rid in ids["statement"]
    ]
    held = {s["id"]: s["text_held"] for s in sources}
    figures: list[dict] = []
    stated: list[tuple[str, int]] = []
    for i, rid in enumerate(ids["casualty_figure"]):
        figures.append(
            _figure(rng, rid, ids, stated, computed=i % 10 == 9 and len(stated) >= 2, held=held)
        )
        if figures[-1]["basis"] == "stated" and figures[-1]["count"] is not None:
            stated.append((rid, figures[-1]["count"]))
    out = [("actor", r, ()) for r in _actors(rng, ids, countries)] + [
        ("source", r, ("notes",)) for r in sources
    ]
    out += [("event", r, ("description",)) for r in _events(rng, ids, countries)] + [
        ("statement", r, ()) for r in statements
    ]
    return (
        out
        + [("casualty_figure", r, ()) for r in figures]
        + [("claim", r, ()) for r in _claims(rng, ids, statements)]
    )


DATASET_YAML = """\
name: synthetic-benchmark-tree
title: Synthetic records for the benchmark
description: Generated records shaped like the real ones; not data.
version: 0.0.0
licenses:
  - name: CC0-1.0
    title: CC0 1.0
    path: https://creativecommons.org/publicdomain/zero/1.0/
contributors:
  - title: benchmark
    role: author
"""


def write_tree(
    root: str, n: int, seed: int = 24, fixed: dict[str, int] | None = None
) -> dict[str, int]:
    """Write a tree of n records under root (replacing what is there).
    Returns the number of records of each kind."""
    if os.path.exists(root):
        shutil.rmtree(root)
    os.makedirs(root)
    shutil.copytree(os.path.join(REPO, "schemas"), os.path.join(root, "schemas"))
    with open(os.path.join(root, "dataset.yaml"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write(DATASET_YAML)
    counts: dict[str, int] = {}
    # Written in canonical form, as `check` requires (R001): the records'
    # YAML is put through the formatter's renderer rather than imitated here.
    shape_of = canonical.shapes(SchemaSet(os.path.join(root, "schemas")))
    for kind, rec, block_fields in make_records(n, seed, fixed):
        if kind not in counts:
            os.makedirs(os.path.join(root, "records", kind))
        rel = f"records/{kind}/{rec['id']}.yaml"
        text, problems = canonical.canonical_text(rel, _yaml(rec, block_fields), kind, shape_of)
        assert text is not None, problems
        with open(os.path.join(root, rel), "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Write a synthetic record tree for the benchmark.")
    p.add_argument("--records", type=int, required=True, metavar="N", help="number of records")
    p.add_argument("--seed", type=int, default=24)
    p.add_argument("dest", help="folder to write (replaced if it exists)")
    args = p.parse_args(argv)
    counts = write_tree(args.dest, args.records, args.seed)
    print(
        f"{args.dest}: {sum(counts.values())} records "
        + ", ".join(f"{k} {v}" for k, v in counts.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
