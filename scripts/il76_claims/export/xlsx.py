"""Tables → one .xlsx workbook: an "About" sheet, then one sheet per table.

The workbook is the spreadsheet-friendly copy of the CSVs, so a cell shows
exactly what the CSV holds:

* Text is stored as text, always (``data_type = "s"``): openpyxl would take
  a value starting with '=' for a formula, and a spreadsheet would turn
  ``007`` into 7 or ``2024-01-24`` into a locale-formatted date if it were
  left to guess.
* Dates stay ISO text (``2024-01-24``). A date cell is shown in the
  reader's locale (24/01/2024, 1/24/2024...), which is the ambiguity ISO
  dates avoid, and a day-precision cell would hide that many dates here are
  only an earliest or latest possible day (see ``date_precision``).
* Booleans stay the text ``true``/``false`` as in the CSV: a boolean cell is
  shown translated (WAHR, VRAI...) and would no longer match the CSV.
* Integers are numbers, so they sort and sum; every integer column is
  bounded far below 2**53, where a spreadsheet would lose digits.
* Null is an empty cell.

Two writes of the same tables give the same bytes: the document dates and
the zip entry dates are fixed at 1980-01-01 00:00, the earliest date a zip
entry can carry, and the entries are written in a fixed order.
"""

from __future__ import annotations

import datetime
import io
import os
import zipfile

from ..tables import Table
from .about import authors, citation, licences

# Fixed document and zip entry date: builds carry no build time.
FIXED_TIME = datetime.datetime(1980, 1, 1, 0, 0, 0)
MAX_WIDTH = 60
MIN_WIDTH = 6
SHEET_NAME_MAX = 31  # Excel refuses longer sheet names


def _width(values) -> int:
    """Column width in characters: the longest line of any value, capped."""
    longest = 0
    for v in values:
        if v:
            longest = max(longest, max(len(line) for line in v.split("\n")))
    return max(MIN_WIDTH, min(MAX_WIDTH, longest + 2))


def _put(ws, row: int, col: int, value, font=None):
    """Write one cell: str as text (never a formula), int as a number,
    None as an empty cell."""
    c = ws.cell(row=row, column=col)
    if value is None or value == "":
        return c
    c.value = value
    if isinstance(value, str):
        c.data_type = "s"
    if font is not None:
        c.font = font
    return c


def _typed(value: str, ftype: str):
    if value == "":
        return None
    if ftype == "integer":
        return int(value)
    return value


def _about_rows(meta: dict, tables: list[Table]) -> list[tuple[str, str]]:
    return [
        ("Title", meta["title"]),
        ("Version", meta["version"]),
        ("Description", meta["description"]),
        (
            "Read this first",
            "The dataset records who said what, as its sources report it: a statement, figure or claim in it is not "
            "an established fact. The sources, and how far they can be trusted, are described in the sources sheet "
            "and in docs/datasheet.md.",
        ),
        ("Licence", licences(meta)),
        ("How to cite", citation(meta)),
        ("Authors", authors(meta)),
        (
            "About this workbook",
            "A copy of the package's CSV tables (data/*.csv, described by datapackage.json), one sheet per table, "
            "for spreadsheet users. Every cell holds exactly the text of the CSV cell: text is stored as text, "
            "dates as ISO text (YYYY-MM-DD), true/false as text, integers as numbers, and an empty cell means no value.",
        ),
        ("Tables", ", ".join(t.name for t in tables)),
        ("Codebook", "docs/codebook.md describes every table, field and code; docs/datasheet.md describes how the data was collected and its limits."),
    ]


DICTIONARY_HEADER = ("table", "field", "type", "required", "description", "codelist", "references")


def dictionary_rows(tables: list[Table]) -> list[tuple[str, ...]]:
    """One row per column of every table, for the About sheet."""
    out = []
    for t in tables:
        for f in t.fields:
            out.append(
                (
                    t.name,
                    f.name,
                    f.type,
                    "yes" if f.required else "no",
                    f.description,
                    f.codelist or "",
                    f"{f.ref_table}.id" if f.ref_table else "",
                )
            )
    return out


def _about_sheet(wb, meta: dict, tables: list[Table], bold, title_font):
    ws = wb.active
    ws.title = "About"
    _put(ws, 1, 1, meta["title"], title_font)
    row = 3
    for key, value in _about_rows(meta, tables):
        _put(ws, row, 1, key, bold)
        _put(ws, row, 2, value)
        row += 1
    row += 1
    _put(ws, row, 1, "Field dictionary", title_font)
    row += 1
    for col, name in enumerate(DICTIONARY_HEADER, start=1):
        _put(ws, row, col, name, bold)
    rows = dictionary_rows(tables)
    for r in rows:
        row += 1
        for col, value in enumerate(r, start=1):
            _put(ws, row, col, value)
    widths = [max(_width([k for k, _ in _about_rows(meta, tables)]), _width([r[0] for r in rows]))]
    widths += [_width([r[i] for r in rows] + [DICTIONARY_HEADER[i]]) for i in range(1, len(DICTIONARY_HEADER))]
    widths[1] = max(widths[1], 30)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[_letter(i)].width = w


def _letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)


def _table_sheet(wb, t: Table, bold):
    if len(t.name) > SHEET_NAME_MAX:
        raise ValueError(f"table name {t.name!r} is longer than the {SHEET_NAME_MAX} characters a sheet name may have")
    ws = wb.create_sheet(t.name)
    for col, f in enumerate(t.fields, start=1):
        _put(ws, 1, col, f.name, bold)
    types = [f.type for f in t.fields]
    for r, row in enumerate(t.rows, start=2):
        for col, (value, ftype) in enumerate(zip(row, types), start=1):
            _put(ws, r, col, _typed(value, ftype))
    for col, f in enumerate(t.fields, start=1):
        ws.column_dimensions[_letter(col)].width = _width([f.name] + [row[col - 1] for row in t.rows])
    ws.freeze_panes = "A2"
    last = f"{_letter(len(t.fields))}{len(t.rows) + 1}"
    ws.auto_filter.ref = f"A1:{last}"


def _deterministic_zip(raw: bytes) -> bytes:
    """Re-pack the workbook with fixed entry dates and attributes, in the
    order openpyxl wrote the entries."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            fixed.create_system = 3  # Unix, whatever the building machine
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def workbook_bytes(meta: dict, tables: list[Table]) -> bytes:
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
        from openpyxl.writer.excel import ExcelWriter
    except ImportError as exc:  # the build needs the pinned outputs extra
        raise RuntimeError(f"the workbook needs openpyxl ({exc}); install the pinned requirements: pip install -r requirements.lock") from None

    wb = Workbook()
    bold = Font(bold=True)
    title_font = Font(bold=True, size=14)
    _about_sheet(wb, meta, tables, bold, title_font)
    for t in tables:
        _table_sheet(wb, t, bold)
    props = wb.properties
    props.title = meta["title"]
    props.creator = authors(meta)
    props.lastModifiedBy = props.creator
    props.version = meta["version"]
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    buf = io.BytesIO()
    # ExcelWriter rather than Workbook.save: save() stamps the current time
    # into the document's modified date.
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    return _deterministic_zip(buf.getvalue())


def write(meta: dict, tables: list[Table], out_dir: str, rel: str) -> str:
    path = os.path.join(out_dir, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = workbook_bytes(meta, tables)
    with open(path, "wb") as fh:
        fh.write(data)
    return rel
