"""Line and column marks of a record, stored small.

The loader gives each record two dicts, JSON path -> (line, col), for every
value and key. For a large tree they are most of the memory: every record
holds its own copies of the same paths ("$.speaker_id") and a tuple per
position. ``Marks`` keeps the paths in one dict shared by all records with
the same fields in the same order, and the numbers in one bytes string, and
reads like the dict it replaces (``in``, ``[]``, ``get``, iteration).
"""

from __future__ import annotations

import struct
import sys
from collections.abc import Mapping

_PAIR = struct.Struct("<II")
# Shared path tables, one per record shape; bounded, so that a tree of
# files that all differ cannot make it grow without end.
_SHAPES: dict[tuple[str, ...], dict[str, int]] = {}
MAX_SHAPES = 10_000


class Marks(Mapping):
    __slots__ = ("_index", "_pos")

    def __init__(self, index: dict[str, int], pos: bytes):
        self._index = index  # path -> position in pos, shared between records
        self._pos = pos  # (line, col) pairs, packed

    @classmethod
    def of(cls, marks: Mapping[str, tuple[int, int]]) -> Marks:
        if isinstance(marks, Marks):
            return marks
        shape = tuple(marks)
        index = _SHAPES.get(shape)
        if index is None:
            index = {sys.intern(p): i for i, p in enumerate(shape)}
            if len(_SHAPES) < MAX_SHAPES:
                _SHAPES[shape] = index
        return cls(index, b"".join(_PAIR.pack(line, col) for line, col in marks.values()))

    def __getitem__(self, pointer: str) -> tuple[int, int]:
        return _PAIR.unpack_from(self._pos, 8 * self._index[pointer])

    def __contains__(self, pointer) -> bool:
        return pointer in self._index

    def __iter__(self):
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __repr__(self) -> str:
        return f"Marks({dict(self)!r})"

    def parts(self) -> tuple[dict[str, int], bytes]:
        """What the cache stores: the shared table and the numbers."""
        return self._index, self._pos
