"""Rules across fields and records that JSON Schema cannot state: dates in
order, blocks within their source, figures that must add up, and the rules
of the editorial policy (docs/editorial-policy.md) that the data must keep.

Each rule is one function of the records index (``references.RecordIndex``:
its records, records by kind, and ``find(kind, id)``) that yields (record, pointer,
message) for each breach, and ``RULES`` gives its code. A rule looks only at
values of the right type and at references that resolve: a wrong type or a
dangling reference is reported once, by the schema or reference check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, TypeGuard

from jsonschema import Draft202012Validator

from ..model.policy import NEVER_ALONE, STAND_ALONE
from ..model.problems import Problem, add_at
from ..model.record import Record, is_integer

if TYPE_CHECKING:
    from .references import RecordIndex

# Events nobody can speak about before they happen; the others can be
# planned, requested or announced beforehand.
OCCURRENCES = frozenset({"aircraft_crash"})

Found = Iterator[tuple[Record, str, str]]


def check_rules(index: RecordIndex) -> list[Problem]:
    out: list[Problem] = []
    for code, rule in RULES:
        for rec, pointer, message in rule(index):
            add_at(out, rec, pointer, code, message)
    return out


def _date(value: object) -> TypeGuard[str]:
    """A real calendar date, as the schemas' format "date" judges one."""
    return isinstance(value, str) and Draft202012Validator.FORMAT_CHECKER.conforms(value, "date")


def date_end_after_date(index: RecordIndex) -> Found:
    for rec in index.records:
        end, date = rec.data.get("date_end"), rec.data.get("date")
        if _date(date) and _date(end) and end <= date:
            yield rec, "$.date_end", f"date_end {end} must be later than date {date} for a range"


def block_within_source(index: RecordIndex) -> Found:
    for rec in index.records:
        block, src = rec.data.get("block"), index.find("source", rec.data.get("source_id"))
        count = src.data.get("block_count") if src is not None else None
        if src is not None and is_integer(block) and is_integer(count) and 1 <= count < block:
            yield rec, "$.block", f"block {block} is beyond the {count} blocks of source '{src.id}'"


def computed_figure_is_the_sum(index: RecordIndex) -> Found:
    for rec in index.groups.get("casualty_figure", ()):
        d = rec.data
        derived = d.get("derived_from")
        if (
            d.get("basis") != "computed"
            or d.get("method") != "sum"
            or not is_integer(d.get("count"))
            or not isinstance(derived, list)
        ):
            continue
        parts = [index.find("casualty_figure", p) for p in derived if isinstance(p, str)]
        found = [p.data.get("count") for p in parts if p is not None]
        counts = [c for c in found if is_integer(c)]
        if parts and len(counts) == len(parts) and sum(counts) != d["count"]:
            total = f"{' + '.join(map(str, counts))} = {sum(counts)}"
            yield (
                rec,
                "$.count",
                f"count {d['count']} is not the sum of derived_from ({total}), as method: sum says it is",
            )


def range_low_below_high(index: RecordIndex) -> Found:
    for rec in index.groups.get("casualty_figure", ()):
        low, high = rec.data.get("count_low"), rec.data.get("count_high")
        if is_integer(low) and is_integer(high) and low > high:
            yield rec, "$.count_low", f"count_low {low} is greater than count_high {high}"


def _positions(index: RecordIndex) -> Iterator[tuple[Record, str, dict, Record]]:
    """(claim, pointer, position, its statement) of every position whose
    statement resolves."""
    for claim in index.groups.get("claim", ()):
        positions = claim.data.get("positions")
        for i, pos in enumerate(positions if isinstance(positions, list) else []):
            statement = (
                index.find("statement", pos.get("statement_id")) if isinstance(pos, dict) else None
            )
            if statement is not None:
                yield claim, f"$.positions[{i}]", pos, statement


def position_characterised_by_source(index: RecordIndex) -> Found:
    """A position characterised by the source rests on a characterisation,
    and is the described party's."""
    for claim, at, pos, statement in _positions(index):
        actor, s = pos.get("actor_id"), statement.data
        if pos.get("basis") != "characterised_by_source" or index.find("actor", actor) is None:
            continue
        if s.get("kind") != "characterisation":
            yield (
                claim,
                f"{at}.basis",
                f"basis is characterised_by_source, but statement '{statement.id}' is {s.get('kind')}, not a characterisation; choose the basis its words give, or cite the source's characterisation",
            )
        elif actor != s.get("described_actor_id") and index.find(
            "actor", s.get("described_actor_id")
        ):
            yield (
                claim,
                f"{at}.actor_id",
                f"actor_id is '{actor}', but statement '{statement.id}' characterises '{s['described_actor_id']}'; a position characterised by the source is the described party's",
            )


def position_taken_by_its_speaker(index: RecordIndex) -> Found:
    """Any other position is the speaker's."""
    for claim, at, pos, statement in _positions(index):
        actor, s = pos.get("actor_id"), statement.data
        if pos.get("basis") == "characterised_by_source" or index.find("actor", actor) is None:
            continue
        if index.find("actor", s.get("speaker_id")) and actor != s.get("speaker_id"):
            why = (
                "; if the source describes this actor's stance, cite that characterisation with basis: characterised_by_source"
                if actor == s.get("described_actor_id")
                else ""
            )
            yield (
                claim,
                f"{at}.actor_id",
                f"actor_id is '{actor}', but statement '{statement.id}' is by '{s.get('speaker_id')}'; a position is taken by the speaker of the statement that shows it{why}",
            )


SOURCE_VOICE = ("narration", "characterisation")


def source_voice_is_the_publishers(index: RecordIndex) -> Found:
    """Narration and characterisation are the source's own voice: its
    publisher's or author's, in the source itself, relayed by no one; and
    the publisher or author speaks in no other way. The first disagreement
    of a statement is reported."""
    for rec in index.groups.get("statement", ()):
        src = index.find("source", rec.data.get("source_id"))
        own = (src.data.get("publisher_id"), src.data.get("author_id")) if src else ()
        voices = {v for v in own if isinstance(v, str) and index.find("actor", v)}
        kind, speaker = rec.data.get("kind"), rec.data.get("speaker_id")
        if not (voices and isinstance(kind, str) and index.find("actor", speaker)):
            continue
        names = " or ".join(f"'{v}'" for v in sorted(voices))
        if kind not in SOURCE_VOICE:
            if speaker in voices:
                yield (
                    rec,
                    "$.kind",
                    f"kind is {kind}, but '{speaker}' is the source's own publisher or author, whose sentences are narration or characterisation",
                )
        elif speaker not in voices:
            yield (
                rec,
                "$.speaker_id",
                f"a {kind} is in the source's own voice, so its speaker is the source's publisher or author ({names}), not '{speaker}'",
            )
        elif rec.data.get("setting") not in ("media_report", None):
            yield (
                rec,
                "$.setting",
                f"setting is {rec.data.get('setting')}, but a {kind} is made in the source itself: media_report",
            )
        elif rec.data.get("relayed_by"):
            yield (
                rec,
                "$.relayed_by",
                f"a {kind} is the source's own, relayed by no one: relayed_by is []",
            )


def characterisation_names_its_party(index: RecordIndex) -> Found:
    for rec in index.groups.get("statement", ()):
        kind, described = rec.data.get("kind"), rec.data.get("described_actor_id")
        if kind == "characterisation" and described is None:
            yield (
                rec,
                "$.described_actor_id",
                "a characterisation describes a party's stance, conduct or silence: name that actor in described_actor_id",
            )
        elif isinstance(kind, str) and kind != "characterisation" and described is not None:
            yield (
                rec,
                "$.described_actor_id",
                f"kind is {kind}; only a characterisation describes a party: set described_actor_id: null, or kind: characterisation",
            )


def _set(data: dict, names: Iterable[str]) -> list[str]:
    """The names of these fields that hold a value."""
    return [n for n in names if data.get(n) is not None]


def _null(data: dict, names: Iterable[str]) -> list[str]:
    """The names of these fields that are written as null."""
    return [n for n in names if n in data and data[n] is None]


# Fields a figure has, or has not, by its basis: a computed figure is this
# project's own, so no one claims it and no source text gives it.
_CLAIMED = ("claimed_by_id", "source_id", "quote")
_COMPUTED_NONE = ("claimed_by_id", "statement_id", "source_id", "block", "quote")


def figure_fields_follow_basis(index: RecordIndex) -> Found:
    for rec in index.groups.get("casualty_figure", ()):
        d, basis = rec.data, rec.data.get("basis")
        if basis == "computed":
            for name in _set(d, _COMPUTED_NONE):
                who = "it has no claimant" if name == "claimed_by_id" else "no source text gives it"
                yield (
                    rec,
                    f"$.{name}",
                    f"{name} is set, but a computed figure is this project's: {who}; set {name}: null",
                )
        elif basis in ("stated", "inferred"):
            for name in _null(d, _CLAIMED):
                # No quote is asked of a figure from a source whose text is not held.
                if name != "quote" or _held(index, d) is not False:
                    yield (
                        rec,
                        f"$.{name}",
                        f"{name} is null, but a figure the source {basis} is a claim that a source gives: set {name}",
                    )


def _cycles(
    edges: dict[str, list[tuple[str, Record, str]]],
) -> Iterator[tuple[Record, str, list[str]]]:
    """(record, pointer, ids of the cycle) for each cycle among edges
    (id -> [(target id, record, pointer)]), once, at the edge that closes it.
    Walked with a stack of its own, so that no chain is too long for it."""
    done: set[str] = set()
    for start in sorted(edges):
        if start in done:
            continue
        path, stack = [start], [iter(edges.get(start, ()))]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                done.add(path.pop())
                stack.pop()
            elif step[0] in path:
                yield step[1], step[2], [*path[path.index(step[0]) :], step[0]]
            elif step[0] not in done:
                path.append(step[0])
                stack.append(iter(edges.get(step[0], ())))


def _edges(
    group: Iterable[Record], field: str, target: str | None
) -> dict[str, list[tuple[str, Record, str]]]:
    out: dict[str, list[tuple[str, Record, str]]] = {}
    for rec in group:
        items = rec.data.get(field)
        for i, item in enumerate(items if isinstance(items, list) else []):
            other = item.get(target) if target and isinstance(item, dict) else item
            pointer = f"$.{field}[{i}]" + (f".{target}" if target else "")
            if isinstance(rec.id, str) and isinstance(other, str):
                out.setdefault(rec.id, []).append((other, rec, pointer))
    return out


def derivations_have_no_cycle(index: RecordIndex) -> Found:
    edges = _edges(index.groups.get("casualty_figure", ()), "derived_from", None)
    for rec, pointer, cycle in _cycles(edges):
        yield (
            rec,
            pointer,
            f"figures computed from each other in a circle: {' -> '.join(cycle)}; a figure is computed only from figures that do not depend on it",
        )


def relations_have_no_cycle(index: RecordIndex) -> Found:
    edges = _edges(index.groups.get("claim", ()), "relations", "other_claim_id")
    for rec, pointer, cycle in _cycles(edges):
        yield (
            rec,
            pointer,
            f"claims related in a circle: {' -> '.join(cycle)}; a claim cannot be narrower than, or presuppose, itself through others",
        )


def _quoting(index: RecordIndex) -> list[Record]:
    """The records that quote a source."""
    return [*index.groups.get("statement", ()), *index.groups.get("casualty_figure", ())]


def block_given_for_an_archived_source(index: RecordIndex) -> Found:
    for rec in _quoting(index):
        src = index.find("source", rec.data.get("source_id"))
        if src is not None and src.data.get("archive_file") and _null(rec.data, ["block"]):
            yield (
                rec,
                "$.block",
                f"block is null, but source '{src.id}' has an archived text: cite the block the quote is in",
            )


def not_before_the_event(index: RecordIndex) -> Found:
    for rec in index.groups.get("statement", ()):
        event = index.find("event", rec.data.get("event_id"))
        if event is None or event.data.get("event_type") not in OCCURRENCES:
            continue
        date, happened = rec.data.get("date"), event.data.get("date")
        if _date(date) and _date(happened) and date < happened:
            yield (
                rec,
                "$.date",
                f"date {date} is before {happened}, the date of event '{event.id}' that the statement is about; nobody can speak of it before it happened",
            )


def _held(index: RecordIndex, data: dict) -> bool | None:
    """Whether the project holds the text of the source a record cites;
    None when the source or its text_held is not known."""
    src = index.find("source", data.get("source_id"))
    held = src.data.get("text_held") if src is not None else None
    return held if isinstance(held, bool) else None


_ARCHIVE_FIELDS = ("archive_file", "archive_sha256", "block_count")


def source_fields_follow_text_held(index: RecordIndex) -> Found:
    """A held text has its archive fields; a source known only by its
    address has a url and no archive fields."""
    for rec in index.groups.get("source", ()):
        held, d = rec.data.get("text_held"), rec.data
        if held is True:
            for name in _null(d, _ARCHIVE_FIELDS):
                yield (
                    rec,
                    f"$.{name}",
                    f"{name} is null, but text_held is true: give the archived text's {name}, or set text_held: false if the project holds only the address",
                )
        elif held is False:
            if _null(d, ["url"]):
                yield (
                    rec,
                    "$.url",
                    "url is null, but text_held is false: a source the project does not hold is known by its address; give the url of the page that was read",
                )
            for name in _set(d, _ARCHIVE_FIELDS):
                yield (
                    rec,
                    f"$.{name}",
                    f"{name} is set, but text_held is false: the project holds no copy of this source; set {name}: null, or text_held: true if the text is archived",
                )


_QUOTE_FIELDS = ("quote", "block", "quote_language", "quote_translation")


def no_quote_from_a_source_not_held(index: RecordIndex) -> Found:
    """The project copies no sentence from a source whose text it does not
    hold; a statement from a held source quotes it."""
    for rec in _quoting(index):
        held, d = _held(index, rec.data), rec.data
        if held is False:
            for name in _set(d, _QUOTE_FIELDS):
                why = (
                    "write the summary in the project's own words"
                    if rec.kind == "statement"
                    else "say in notes what the source gives"
                )
                yield (
                    rec,
                    f"$.{name}",
                    f"{name} is set, but the project does not hold the text of source '{d['source_id']}' (text_held: false) and copies no sentence from it; set {name}: null and {why}",
                )
        elif held is True and rec.kind == "statement":
            # A missing block is reported by block_given_for_an_archived_source.
            for name in _null(d, ("quote", "quote_language", "quote_translation")):
                yield (
                    rec,
                    f"$.{name}",
                    f"{name} is null, but the project holds the text of source '{d['source_id']}': quote the source's sentence, its block, its language and its translation status",
                )


def statement_rests_on_a_source_that_stands_alone(index: RecordIndex) -> Found:
    allowed = ", ".join(STAND_ALONE)
    for rec in index.groups.get("statement", ()):
        src = index.find("source", rec.data.get("source_id"))
        if src is not None and (origin := src.data.get("origin")) in NEVER_ALONE:
            yield (
                rec,
                "$.source_id",
                f"source '{src.id}' is a {origin}, which never carries a statement on its own; cite the page it copies or summarises as source_id, and list this one under carried_by (origins that may: {allowed})",
            )


MAX_CARRIED_BY = 100  # the schema's maxItems


def carried_by_lists_each_other_source_once(index: RecordIndex) -> Found:
    for rec in index.groups.get("statement", ()):
        items, seen = rec.data.get("carried_by"), {rec.data.get("source_id")}
        if not isinstance(items, list) or len(items) > MAX_CARRIED_BY:
            continue  # the schema check reports it
        for i, item in enumerate(items):
            sid = item.get("source_id") if isinstance(item, dict) else None
            if not isinstance(sid, str):
                continue
            if sid in seen:
                what = (
                    "the statement's own source_id"
                    if sid == rec.data.get("source_id")
                    else "listed earlier"
                )
                yield (
                    rec,
                    f"$.carried_by[{i}].source_id",
                    f"source '{sid}' is {what}; list each further source once, and never the source_id",
                )
            elif item.get("link") == "conflicting" and item.get("notes") is None:
                yield (
                    rec,
                    f"$.carried_by[{i}].link",
                    f"link is conflicting, but notes is missing: say how the copy in source '{sid}' differs from the statement",
                )
            seen.add(sid)


def stance_fits_its_basis(index: RecordIndex) -> Found:
    """A hedged position suggests; a suggestion is hedged or implied (the
    stance and basis codelists say why)."""
    for claim, at, pos, _ in _positions(index):
        stance, basis = pos.get("stance"), pos.get("basis")
        if basis == "hedged" and stance != "suggests":
            yield (
                claim,
                f"{at}.stance",
                f"stance is {stance}, but basis is hedged: a position the words qualify as possible or uncertain is stance: suggests; or choose the basis the words give",
            )
        elif stance == "suggests" and basis in ("explicit", "presupposed"):
            yield (
                claim,
                f"{at}.basis",
                f"basis is {basis}, but stance is suggests: a suggestion is said with a hedge (basis: hedged) or follows from the words (implied); or set stance: asserts",
            )


def relay_is_not_the_publisher(index: RecordIndex) -> Found:
    """The chain of reporting ends before the source: its publisher is not a relay."""
    for rec in index.groups.get("statement", ()):
        src, relays = index.find("source", rec.data.get("source_id")), rec.data.get("relayed_by")
        publisher = src.data.get("publisher_id") if src is not None else None
        for i, actor in enumerate(relays if isinstance(relays, list) else []):
            if src is not None and publisher is not None and actor == publisher:
                yield (
                    rec,
                    f"$.relayed_by[{i}]",
                    f"'{actor}' publishes source '{src.id}', so it is not a relay: relayed_by lists only the outlets the words passed through before the source",
                )


Rule = Callable[["RecordIndex"], Found]
RULES: tuple[tuple[str, Rule], ...] = (
    ("X005", date_end_after_date),
    ("X005", block_within_source),
    ("X005", computed_figure_is_the_sum),
    ("X005", range_low_below_high),
    ("X007", position_taken_by_its_speaker),
    ("X008", source_voice_is_the_publishers),
    ("X009", not_before_the_event),
    ("X010", characterisation_names_its_party),
    ("X011", position_characterised_by_source),
    ("X012", figure_fields_follow_basis),
    ("X013", derivations_have_no_cycle),
    ("X014", relations_have_no_cycle),
    ("X015", block_given_for_an_archived_source),
    ("X016", source_fields_follow_text_held),
    ("X017", no_quote_from_a_source_not_held),
    ("X018", statement_rests_on_a_source_that_stands_alone),
    ("X019", carried_by_lists_each_other_source_once),
    ("X020", stance_fits_its_basis),
    ("X021", relay_is_not_the_publisher),
)
