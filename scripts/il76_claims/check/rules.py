"""Rules across fields and records that JSON Schema cannot state: dates in
order, blocks within their source, figures that must add up, and the rules
of the editorial policy (docs/editorial-policy.md) that the data must keep.

Each rule is one function of the records index (``references.Index``:
records by kind, and ``find(kind, id)``), and looks only at values of the
right type and at references that resolve: a wrong type or a dangling
reference is reported once, by the schema or reference check.
"""

from __future__ import annotations

import datetime
import re

from ..model.problems import Problem, problem
from ..model.record import Record

_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
# Stances that hold the proposition true, and that hold it false or doubt it.
FOR = frozenset({"asserts", "suggests"})
AGAINST = frozenset({"denies", "questions"})
# Events nobody can speak about before they happen; the others can be
# planned, requested or announced beforehand.
OCCURRENCES = frozenset({"aircraft_crash"})


def check_rules(index) -> list[Problem]:
    out: list[Problem] = []
    for rule in RULES:
        rule(index, out)
    return out


def _add(out: list[Problem], rec: Record, pointer: str, code: str, message: str):
    line, col = rec.mark(pointer)
    out.append(problem(rec.path, line, col, code, message, pointer))


def _int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _date(value) -> bool:
    if not isinstance(value, str) or not _DATE_RE.match(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _all(index):
    return (rec for group in index.groups.values() for rec in group)


def date_end_after_date(index, out):
    for rec in _all(index):
        end, date = rec.data.get("date_end"), rec.data.get("date")
        if _date(date) and _date(end) and end <= date:
            _add(out, rec, "$.date_end", "X005", f"date_end {end} must be later than date {date} for a range")


def block_within_source(index, out):
    for rec in _all(index):
        block, src = rec.data.get("block"), index.find("source", rec.data.get("source_id"))
        count = src.data.get("block_count") if src is not None and "block" in rec.data else None
        if _int(block) and _int(count) and 1 <= count < block:
            _add(out, rec, "$.block", "X005", f"block {block} is beyond the {count} blocks of source '{src.id}'")


def derived_figure_is_the_sum(index, out):
    for rec in index.groups.get("casualty_figure", ()):
        d = rec.data
        derived = d.get("derived_from")
        if d.get("basis") != "derived" or not _int(d.get("count")) or not isinstance(derived, list):
            continue
        parts = [index.find("casualty_figure", p) for p in derived if isinstance(p, str)]
        counts = [p.data.get("count") for p in parts if p is not None]
        if parts and len(counts) == len(parts) and all(map(_int, counts)) and sum(counts) != d["count"]:
            total = f"{' + '.join(map(str, counts))} = {sum(counts)}"
            _add(out, rec, "$.count", "X005", f"count {d['count']} is not the sum of derived_from ({total}); a derived figure is the sum of the figures it lists")


def range_low_below_high(index, out):
    for rec in index.groups.get("casualty_figure", ()):
        low, high = rec.data.get("count_low"), rec.data.get("count_high")
        if _int(low) and _int(high) and low > high:
            _add(out, rec, "$.count_low", "X005", f"count_low {low} is greater than count_high {high}")


def _positions(index):
    """(claim, pointer, position) of every position that is a mapping."""
    for claim in index.groups.get("claim", ()):
        positions = claim.data.get("positions")
        for i, pos in enumerate(positions if isinstance(positions, list) else []):
            if isinstance(pos, dict):
                yield claim, f"$.positions[{i}]", pos


def status_follows_positions(index, out):
    for claim in index.groups.get("claim", ()):
        positions = claim.data.get("positions")
        status = claim.data.get("status")
        if not isinstance(positions, list) or status not in ("disputed", "unverified"):
            continue
        stances = {p.get("stance") for p in positions if isinstance(p, dict)}
        expected = "disputed" if stances & FOR and stances & AGAINST else "unverified"
        if status != expected:
            why = "a position asserts or suggests it and another denies or questions it" if expected == "disputed" else "no position asserts or suggests it while another denies or questions it"
            _add(out, claim, "$.status", "X006", f"status is {status}, but it is {expected} by its positions: {why}")


def position_actor_is_speaker(index, out):
    for claim, at, pos in _positions(index):
        statement = index.find("statement", pos.get("statement_id"))
        actor, speaker = pos.get("actor_id"), statement.data.get("speaker_id") if statement else None
        resolved = statement is not None and index.find("actor", actor) and index.find("actor", speaker)
        if resolved and actor != speaker:
            _add(out, claim, f"{at}.actor_id", "X007", f"actor_id is '{actor}', but statement '{statement.id}' is by '{speaker}'; a position is taken by the speaker of the statement that shows it")


def publisher_speaks_in_reports(index, out):
    for rec in index.groups.get("statement", ()):
        src = index.find("source", rec.data.get("source_id"))
        publisher = src.data.get("publisher_id") if src is not None else None
        if index.find("actor", publisher) is None or rec.data.get("speaker_id") != publisher:
            continue
        for field, wanted in (("setting", "media_report"), ("speech", "indirect")):
            value = rec.data.get(field)
            if isinstance(value, str) and value != wanted:
                _add(out, rec, f"$.{field}", "X008", f"{field} is {value}, but the speaker is the source's own publisher, whose narration is setting: media_report and speech: indirect")


def not_before_the_event(index, out):
    for rec in index.groups.get("statement", ()):
        event = index.find("event", rec.data.get("event_id"))
        if event is None or event.data.get("event_type") not in OCCURRENCES:
            continue
        date, happened = rec.data.get("date"), event.data.get("date")
        if _date(date) and _date(happened) and date < happened:
            _add(out, rec, "$.date", "X009", f"date {date} is before {happened}, the date of event '{event.id}' that the statement is about; nobody can speak of it before it happened")


RULES = (date_end_after_date, block_within_source, derived_figure_is_the_sum, range_low_below_high)
RULES += (status_follows_positions, position_actor_is_speaker, publisher_speaks_in_reports, not_before_the_event)
