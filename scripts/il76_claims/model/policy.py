"""Editorial rules that the checker enforces and the build computes with,
written once here; docs/editorial-policy.md and docs/codebook.md are
generated from these values, so the documents cannot drift from the code."""

from __future__ import annotations

# Stances that hold the proposition true, and that hold it false or doubt
# it; every other stance counts for neither side.
FOR = frozenset({"asserts", "suggests"})
AGAINST = frozenset({"denies", "questions"})

# Source origins (codelist source_origin) that may be the only source a
# statement rests on. A reprint or a reference work only ever carries a
# statement that a source of one of these origins is the basis for.
STAND_ALONE = ("own_channel", "official_record", "original_reporting", "wire_copy")
NEVER_ALONE = ("reprint", "reference_work")


def side(stance: str) -> str:
    """'for', 'against' or 'other': the side of the dispute a stance is on."""
    return "for" if stance in FOR else "against" if stance in AGAINST else "other"
