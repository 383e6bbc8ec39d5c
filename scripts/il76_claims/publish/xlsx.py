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

openpyxl writes it in write-only mode: each row goes to the sheet's XML as
it is appended, so the workbook is never held in memory cell by cell. In
that mode the column widths, the frozen header and the filter must be set
before the first row, so the widths are measured from the table's rows
first.
"""

from __future__ import annotations

import datetime
import io
import os
import shutil
import zipfile

from .about import authors, citation, licences
from .tables import Table

# Fixed document and zip entry date: builds carry no build time.
FIXED_TIME = datetime.datetime(1980, 1, 1, 0, 0, 0)
MAX_WIDTH = 60
MIN_WIDTH = 6
SHEET_NAME_MAX = 31  # Excel refuses longer sheet names
CELL_TEXT_MAX = 32767  # longer text would be cut short by openpyxl and Excel
COMPRESS_LEVEL = 1


def _openpyxl():
    """openpyxl's classes, imported only when a workbook is written."""
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
        from openpyxl.writer.excel import ExcelWriter
    except ImportError as exc:  # the build needs the pinned outputs extra
        raise RuntimeError(f"the workbook needs openpyxl ({exc}); install the pinned requirements: pip install -r requirements.lock") from None
    return Workbook, WriteOnlyCell, Font, get_column_letter, ExcelWriter


def _longest_line(values) -> int:
    """Length of the longest line of any value, in characters."""
    longest = 0
    for v in values:
        if len(v) > longest:
            n = max(map(len, v.split("\n"))) if "\n" in v else len(v)
            if n > longest:
                longest = n
    return longest


def _width(values) -> int:
    """Column width in characters: the longest line of any value, capped."""
    return max(MIN_WIDTH, min(MAX_WIDTH, _longest_line(values) + 2))


class _Cells:
    """Makes the cells of one sheet for openpyxl's append: plain values
    where openpyxl keeps them as they are, a cell object where it would not."""

    def __init__(self, ws, cell_class):
        self.ws = ws
        self.cell_class = cell_class

    def text(self, value: str, font=None):
        """A cell holding value as text, whatever it looks like: openpyxl
        would store '=1+1' as a formula and '#N/A' as an error value."""
        c = self.cell_class(self.ws, value)
        c.data_type = "s"
        if font is not None:
            c.font = font
        return c

    def value(self, value):
        """str as text, int as a number, None or "" as an empty cell."""
        if value is None or value == "":
            return None
        if isinstance(value, str) and value[0] in "=#":
            return self.text(value)
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


def _check_lengths(sheet: str, names, columns: list[tuple[str, ...]]):
    for name, col in zip(names, columns):
        longest = max(map(len, col), default=0)
        if longest > CELL_TEXT_MAX:
            raise ValueError(f"sheet {sheet}, column {name}: a value of {longest} characters is longer than the {CELL_TEXT_MAX} a spreadsheet cell can hold")


def _sheet(wb, name: str, widths: list[int], get_column_letter):
    ws = wb.create_sheet(name)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    return ws


def _about_sheet(wb, meta: dict, tables: list[Table], ox):
    _, cell_class, font_class, get_column_letter, _ = ox
    bold = font_class(bold=True)
    title_font = font_class(bold=True, size=14)
    about = _about_rows(meta, tables)
    rows = dictionary_rows(tables)
    columns = list(zip(DICTIONARY_HEADER, *rows))
    _check_lengths("About", ("value", *DICTIONARY_HEADER), [tuple(v for _, v in about), *columns])
    widths = [max(_width([k for k, _ in about]), _width(columns[0][1:]))]
    widths += [_width(col) for col in columns[1:]]
    widths[1] = max(widths[1], 30)
    ws = _sheet(wb, "About", widths, get_column_letter)
    cells = _Cells(ws, cell_class)
    ws.append([cells.text(meta["title"], title_font)])
    ws.append([])
    for key, value in about:
        ws.append([cells.text(key, bold), cells.value(value)])
    ws.append([])
    ws.append([cells.text("Field dictionary", title_font)])
    ws.append([cells.text(name, bold) for name in DICTIONARY_HEADER])
    for r in rows:
        ws.append([cells.value(v) for v in r])


def _table_sheet(wb, t: Table, ox):
    _, cell_class, font_class, get_column_letter, _ = ox
    names = [f.name for f in t.fields]
    columns = list(zip(*t.rows)) if t.rows else [() for _ in names]
    _check_lengths(t.name, names, columns)
    ws = _sheet(wb, t.name, [_width((name, *col)) for name, col in zip(names, columns)], get_column_letter)
    del columns
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(names))}{len(t.rows) + 1}"
    cells = _Cells(ws, cell_class)
    bold = font_class(bold=True)
    ws.append([cells.text(name, bold) for name in names])
    integers = [i for i, f in enumerate(t.fields) if f.type == "integer"]
    value = cells.value
    for row in t.rows:
        out = [value(v) for v in row]
        for i in integers:
            if out[i] is not None:
                out[i] = int(out[i])
        ws.append(out)


def _discard(wb):
    """End each sheet's stream and remove its temporary file. openpyxl
    removes them only when the interpreter exits, which a forked worker
    process never does."""
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        try:
            if not ws.closed:
                ws.close()
        finally:
            if os.path.exists(writer.out):
                writer.cleanup()


class _FixedDateZip(zipfile.ZipFile):
    """A zip file whose entries carry a fixed date and the same attributes
    on every machine, so the workbook's bytes depend on its content only."""

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        info.create_system = 3  # Unix, whatever the building machine
        # The fastest deflate level: the default (6) takes 7 % longer for a
        # file 17 % smaller. (_compresslevel is what ZipFile.open(info, "w")
        # reads; Python 3.13 also names it compress_level.)
        info._compresslevel = COMPRESS_LEVEL
        return info

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        name = zinfo_or_arcname.filename if isinstance(zinfo_or_arcname, zipfile.ZipInfo) else zinfo_or_arcname
        super().writestr(self._info(name), data)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        # openpyxl streams each write-only sheet to a temporary file first.
        info = self._info(arcname or os.path.basename(filename))
        info.file_size = os.path.getsize(filename)
        with open(filename, "rb") as src, self.open(info, "w") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


def save(meta: dict, tables: list[Table], fileobj):
    """Write the workbook to fileobj (a seekable binary file)."""
    ox = _openpyxl()
    workbook_class, _, _, _, excel_writer = ox
    for t in tables:
        if len(t.name) > SHEET_NAME_MAX:
            raise ValueError(f"table name {t.name!r} is longer than the {SHEET_NAME_MAX} characters a sheet name may have")
    wb = workbook_class(write_only=True)
    try:
        _about_sheet(wb, meta, tables, ox)
        for t in tables:
            _table_sheet(wb, t, ox)
        props = wb.properties
        props.title = meta["title"]
        props.creator = authors(meta)
        props.lastModifiedBy = props.creator
        props.version = meta["version"]
        props.created = FIXED_TIME
        props.modified = FIXED_TIME
        # ExcelWriter rather than Workbook.save: save() stamps the current
        # time into the document's modified date.
        with _FixedDateZip(fileobj, "w", zipfile.ZIP_DEFLATED) as archive:
            excel_writer(wb, archive).save()
    except BaseException:
        _discard(wb)
        raise


def workbook_bytes(meta: dict, tables: list[Table]) -> bytes:
    buf = io.BytesIO()
    save(meta, tables, buf)
    return buf.getvalue()


def write(meta: dict, tables: list[Table], out_dir: str, rel: str) -> str:
    path = os.path.join(out_dir, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        save(meta, tables, fh)
    return rel
