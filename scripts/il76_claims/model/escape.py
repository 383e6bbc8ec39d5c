"""Text made safe for where it is shown: one line of a report, a GitHub
annotation, a Markdown table cell.

Messages quote record text (a field name, a value). Whatever would break a
report line or hide itself there (controls, line breaks, direction-changing
and other format characters) is written as an escape, so one problem is
always one line and every character in it can be seen.
"""

from __future__ import annotations

import re


def escape(text: str) -> str:
    """Every character that is not printable, except the space, as \\uXXXX."""
    if text.isprintable():
        return text
    return "".join(
        ch
        if ch.isprintable() or ch == " "
        else f"\\u{ord(ch):04x}"
        if ord(ch) <= 0xFFFF
        else f"\\U{ord(ch):08x}"
        for ch in text
    )


def show(text: str, limit: int = 60) -> str:
    """Text for a message: shortened to limit characters, then escaped."""
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return escape(text)


def github_data(text: str) -> str:
    # GitHub's workflow-command encoding (actions/toolkit escapeData).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    # escapeProperty: data escaping, and ':' and ',', which end a property.
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


_CELL = str.maketrans({"\\": "\\\\", "|": "\\|", "\n": " "})
_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_LITERAL = str.maketrans({ch: "\\" + ch for ch in "*_`[]"})
_CODE_SPAN = re.compile(r"(`[^`]*`)")


def markdown_cell(text: object, literal: bool = False) -> str:
    """Text for a Markdown table cell: '|' would end the cell, a line break
    the row, and '<kind>' outside a code span would be taken for an HTML
    tag. With literal=True the text is also kept from being read as
    Markdown (emphasis, code, links): for quoted source text, not for cells
    that hold links or code."""
    text = str(text).translate(_CELL)
    if literal:
        return text.translate(_HTML).translate(_LITERAL)
    parts = _CODE_SPAN.split(text)  # odd items are code spans, shown as written
    return "".join(p if i % 2 else p.translate(_HTML) for i, p in enumerate(parts))
