"""A record as read from its YAML file: plain values, and where each one is.

``data`` holds only what JSON can hold (dict, list, str, int, bool, None).
``marks`` maps a JSON path ("$.positions[0].stance") to the line and column
of the value, ``key_marks`` to those of its key, so that every problem can
be reported at ``file:line:col``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeGuard

ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")


@dataclass
class Record:
    kind: str
    path: str  # posix path relative to the project root
    data: dict
    marks: dict[str, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[str, tuple[int, int]] = field(default_factory=dict)
    # Values already reported by the loader, so later stages stay quiet on them.
    reported: set[str] = field(default_factory=set)

    @property
    def id(self) -> Any:
        return self.data.get("id")

    def mark(self, pointer: str) -> tuple[int, int]:
        """The best position for a JSON path: the value, else its key, else
        the nearest enclosing node that has a mark."""
        p = pointer
        while True:
            if p in self.marks:
                return self.marks[p]
            if p in self.key_marks:
                return self.key_marks[p]
            if p == "$" or not p:
                return (1, 1)
            cut = max(p.rfind("."), p.rfind("["))
            p = p[:cut] if cut > 0 else "$"


def is_integer(value: object) -> TypeGuard[int]:
    """An integer in a record: YAML's true and false are bools, which Python
    counts as integers."""
    return isinstance(value, int) and not isinstance(value, bool)


def child_pointer(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}"


def iter_strings(
    value: object, pointer: str = "$", field: str | None = None
) -> Iterator[tuple[str, str | None, str]]:
    """(pointer, field name, text) for every string in a record's data; the
    items of a list carry the list's field name."""
    # A key is a field name (str) when named, an index (int) otherwise.
    items: Iterable[tuple[Any, object]] = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    named = isinstance(value, dict)
    for key, item in items:
        # Texts are yielded here rather than by a call each: most values are texts.
        if isinstance(item, str):
            yield child_pointer(pointer, key), key if named else field, item
        elif isinstance(item, (dict, list)):
            yield from iter_strings(item, child_pointer(pointer, key), key if named else field)
