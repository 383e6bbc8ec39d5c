"""Tables → dist/jsonl/<table>.jsonl: one JSON object per row, one row per
line, keys in the columns' order. Integers are numbers, booleans true and
false, no value null; every other value is the CSV's text."""

from __future__ import annotations

import json
import os

from .tables import Table, typed


def objects(t: Table) -> list[dict]:
    return [{f.name: typed(f, v) for f, v in zip(t.fields, row)} for row in t.rows]


def write(tables: list[Table], out_dir: str, rel: str) -> str:
    folder = os.path.join(out_dir, rel)
    os.makedirs(folder, exist_ok=True)
    for t in tables:
        with open(
            os.path.join(folder, f"{t.name}.jsonl"), "w", encoding="utf-8", newline="\n"
        ) as fh:
            # json.dumps without indent writes one line, the same for the same value.
            fh.writelines(json.dumps(o, ensure_ascii=False) + "\n" for o in objects(t))
    return rel
