"""Tables → data/<table>.csv: UTF-8 without BOM, comma-separated, LF line
ends, a header row, quotes only where needed. Empty cell = null."""

from __future__ import annotations

import csv
import os

from .tables import Table


def write(tables: list[Table], out_dir: str) -> list[str]:
    data_dir = os.path.join(out_dir, "data")
    os.makedirs(data_dir, exist_ok=True)
    for t in tables:
        with open(os.path.join(data_dir, f"{t.name}.csv"), "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
            w.writerow([f.name for f in t.fields])
            w.writerows(t.rows)
    return [f"data/{t.name}.csv" for t in tables]
