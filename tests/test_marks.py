"""Packed marks read exactly like the loader's dicts."""

from __future__ import annotations

import pickle

import pytest

from il76_claims import loader
from il76_claims.marks import Marks


def test_packed_marks_read_like_the_dict():
    plain = {"$": (1, 1), "$.id": (1, 5), "$.positions[0].stance": (9, 13), "$.big": (70000, 65536)}
    m = Marks.of(plain)
    assert m == plain and plain == m
    assert list(m) == list(plain) and len(m) == 4
    assert m["$.positions[0].stance"] == (9, 13) and m["$.big"] == (70000, 65536)
    assert "$.id" in m and "$.name" not in m
    assert m.get("$.name") is None and m.get("$.id") == (1, 5)
    with pytest.raises(KeyError):
        m["$.name"]
    assert pickle.loads(pickle.dumps(m)) == plain
    assert Marks.of(m) is m


def test_records_of_one_shape_share_their_paths():
    a = Marks.of({"$": (1, 1), "$.id": (1, 5)})
    b = Marks.of({"$": (1, 1), "$.id": (2, 5)})
    assert a.parts()[0] is b.parts()[0]
    assert a != b


def test_record_mark_falls_back_the_same_way():
    data, rec, problems = loader.parse("x.yaml", "id: x\npositions:\n  - stance: asserts\n")
    expected = {p: rec.mark(p) for p in ("$.positions[0].stance", "$.positions[0].missing", "$.positions", "$.nothing", "$")}
    rec.marks, rec.key_marks = Marks.of(rec.marks), Marks.of(rec.key_marks)
    assert {p: rec.mark(p) for p in expected} == expected
