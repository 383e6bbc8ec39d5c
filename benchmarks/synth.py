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

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Share of each kind in a tree, roughly as in a mature dataset of this
# kind: many statements, fewer figures and claims, few sources and events.
SHARES = (("source", 0.02), ("actor", 0.08), ("event", 0.01), ("statement", 0.50), ("casualty_figure", 0.19), ("claim", 0.20))

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

DATE_PRECISIONS = ("day", "on_or_after", "on_or_before")


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


def _status(positions: list[dict]) -> str:
    """The status the positions give (rule X006)."""
    stances = {p["stance"] for p in positions}
    return "disputed" if stances & {"asserts", "suggests"} and stances & {"denies", "questions"} else "unverified"


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


def make_records(n: int, seed: int = 24) -> list[tuple[str, dict, tuple[str, ...]]]:
    """(kind, record, fields written as block text) for a tree of n records."""
    rng = random.Random(seed)
    counts = _counts(n)
    with open(os.path.join(REPO, "schemas", "codelists", "country.json"), encoding="utf-8") as fh:
        countries = json.load(fh)["enum"]
    out: list[tuple[str, dict, tuple[str, ...]]] = []
    ids: dict[str, list[str]] = {kind: [f"{kind.replace('_', '-')}-{i:06d}" for i in range(counts[kind])] for kind, _ in SHARES}
    # Publishers speak only in their own narration (the checker's rule X008),
    # so they are kept apart from the speakers.
    cut = max(1, len(ids["actor"]) // 10)
    publishers, speakers = ids["actor"][:cut], ids["actor"][cut:] or ids["actor"]
    speaker_of: dict[str, str] = {}

    for i, rid in enumerate(ids["actor"]):
        person = i % 3 == 0
        rec = {
            "id": rid,
            "actor_type": "person" if person else rng.choice(("state", "government_body", "media_outlet", "organization")),
            "name": _sentence(rng, 20)[:-1],
            "role": _sentence(rng, 40)[:-1] if person else None,
            "affiliation_id": ids["actor"][rng.randrange(i)] if i and rng.random() < 0.6 else None,
            "country": rng.choice(countries),
        }
        if rng.random() < 0.3:
            rec["wikidata_qid"] = f"Q{rng.randint(1, 10**7)}"
        if rng.random() < 0.3:
            rec["notes"] = _sentence(rng, 120)
        out.append(("actor", rec, ()))
    for rid in ids["source"]:
        rec = {
            "id": rid,
            "source_type": rng.choice(("news_article", "press_release", "transcript")),
            "title": _sentence(rng, 60)[:-1],
            "url": f"https://example.org/news/{rid}",
            "publisher_id": rng.choice(publishers),
            "publisher_attribution": rng.choice(("stated", "apparent")),
            "language": rng.choice(("en", "ru", "uk", "fr")),
            "translation": rng.choice(("original", "translation", "unknown")),
            "date": _date(rng),
            "date_end": None,
            "date_precision": rng.choice(DATE_PRECISIONS),
            "archive_file": None,
            "archive_sha256": None,
            "block_count": None,
            "notes": _sentence(rng, 150),
        }
        out.append(("source", rec, ("notes",)))
    for rid in ids["event"]:
        ranged = rng.random() < 0.2
        date = "2023" + _date(rng)[4:]  # before every statement, which are of 2024 (rule X009)
        if ranged:  # a range within one month, ending on a day every month has
            date = date[:8] + f"{rng.randint(1, 20):02d}"
        rec = {
            "id": rid,
            "event_type": rng.choice(("aircraft_crash", "prisoner_exchange", "diplomatic_meeting", "investigation")),
            "name": _sentence(rng, 50)[:-1],
            "date": date,
            "date_end": date[:8] + "28" if ranged else None,
            "date_precision": "range" if ranged else "day",
            "location": _sentence(rng, 25)[:-1],
            "country": rng.choice(countries),
            "description": _sentence(rng, 300),
        }
        out.append(("event", rec, ("description",)))
    for rid in ids["statement"]:
        rec = {
            "id": rid,
            "source_id": rng.choice(ids["source"]),
            "block": rng.randint(1, 40),
            "speaker_id": rng.choice(speakers),
            "on_behalf_of_id": rng.choice(ids["actor"]) if rng.random() < 0.5 else None,
            "date": _date(rng),
            "date_end": None,
            "date_precision": rng.choice(DATE_PRECISIONS),
            "setting": rng.choice(("press_briefing", "remarks_to_reporters", "official_statement", "media_report")),
            "speech": rng.choice(("direct", "indirect")),
            "quote": _sentence(rng, 200),
            "summary": _sentence(rng, 140),
            "relayed_by": rng.sample(ids["actor"], rng.choice((0, 0, 1, 2))),
            "event_id": rng.choice(ids["event"]),
        }
        if rng.random() < 0.3:
            rec["notes"] = _sentence(rng, 100)
        speaker_of[rid] = rec["speaker_id"]
        out.append(("statement", rec, ()))
    stated: list[tuple[str, int]] = []
    for i, rid in enumerate(ids["casualty_figure"]):
        derived = i % 10 == 9 and len(stated) >= 2
        ranged = not derived and rng.random() < 0.15
        parts = rng.sample(stated, 2) if derived else []
        count = sum(c for _, c in parts) if derived else (None if ranged else rng.randint(0, 200))
        low = rng.randint(0, 50) if ranged else None
        rec = {
            "id": rid,
            "event_id": rng.choice(ids["event"]),
            "category": rng.choice(("prisoners_of_war", "crew", "escorts", "total_on_board")),
            "outcome": rng.choice(("on_board", "killed", "injured", "missing")),
            "count": count,
            "count_low": low,
            "count_high": low + rng.randint(1, 30) if ranged else None,
            "claimed_by_id": rng.choice(ids["actor"]),
            "statement_id": rng.choice(ids["statement"]) if rng.random() < 0.7 else None,
            "source_id": rng.choice(ids["source"]),
            "block": rng.randint(1, 40),
            "quote": _sentence(rng, 120),
            "basis": "derived" if derived else "stated",
            "derived_from": [p for p, _ in parts],
        }
        if count is not None and not derived:
            stated.append((rid, count))
        out.append(("casualty_figure", rec, ()))
    for rid in ids["claim"]:
        positions = []
        for _ in range(rng.randint(1, 3)):
            statement = rng.choice(ids["statement"])
            # A position is taken by its statement's speaker (rule X007).
            pos = {"actor_id": speaker_of[statement], "stance": rng.choice(("asserts", "denies", "questions", "calls_for_investigation")), "statement_id": statement}
            if rng.random() < 0.2:
                pos["notes"] = _sentence(rng, 60)
            positions.append(pos)
        rec = {
            "id": rid,
            "proposition": _sentence(rng, 100),
            "topic": rng.choice(("cause_of_crash", "passengers_and_cargo", "weapons_used", "other")),
            "status": _status(positions),
            "event_id": rng.choice(ids["event"]),
            "positions": positions,
        }
        out.append(("claim", rec, ()))
    return out


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


def write_tree(root: str, n: int, seed: int = 24) -> dict[str, int]:
    """Write a tree of n records under root (replacing what is there).
    Returns the number of records of each kind."""
    if os.path.exists(root):
        shutil.rmtree(root)
    os.makedirs(root)
    shutil.copytree(os.path.join(REPO, "schemas"), os.path.join(root, "schemas"))
    with open(os.path.join(root, "dataset.yaml"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write(DATASET_YAML)
    counts: dict[str, int] = {}
    for kind, rec, block_fields in make_records(n, seed):
        if kind not in counts:
            os.makedirs(os.path.join(root, "records", kind))
        with open(os.path.join(root, "records", kind, rec["id"] + ".yaml"), "w", encoding="utf-8", newline="\n") as fh:
            fh.write(_yaml(rec, block_fields))
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Write a synthetic record tree for the benchmark.")
    p.add_argument("--records", type=int, required=True, metavar="N", help="number of records")
    p.add_argument("--seed", type=int, default=24)
    p.add_argument("dest", help="folder to write (replaced if it exists)")
    args = p.parse_args(argv)
    counts = write_tree(args.dest, args.records, args.seed)
    print(f"{args.dest}: {sum(counts.values())} records " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
