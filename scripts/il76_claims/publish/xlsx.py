"""Tables → one .xlsx workbook: an "About" sheet, one sheet per table, then
one per readable view (publish/views.py).

A cell shows exactly what the CSV holds: text is always stored as text
(``write_string``, and the workbook's ``strings_to_*`` options off), so
``=1+1`` is no formula, ``007`` stays ``007``, an ISO date stays ISO text
(a date cell would show the reader's locale and hide that many dates are
only an earliest or latest day) and ``http://...`` no link; booleans stay
the text ``true``/``false`` (a boolean cell is shown translated); integers
are numbers, so they sort and sum (every integer column is bounded far
below 2**53); null is an empty cell.

The layout serves reading and printing and changes no cell: a bold, frozen,
filtered header; columns as wide as their longest line, up to a cap; long
and multi-line text wrapped; every sheet printed landscape, one page wide,
with the header row on every page.

Two writes of the same tables give the same bytes: the document is dated by
the "created" property (fixed below), and XlsxWriter dates each part of the
zip 1980-01-31 and adds them in a fixed order.
"""

from __future__ import annotations

import datetime
import io
import os
import tempfile
from collections.abc import Iterable, Sequence

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from .citation import authors, citation, licences
from .tables import Table

# The document's date: builds carry no build time.
FIXED_TIME = datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC)
MAX_WIDTH = 60
MIN_WIDTH = 6
SHEET_NAME_MAX = 31  # Excel refuses longer sheet names
CELL_TEXT_MAX = 32767  # in UTF-16 units; XlsxWriter cuts longer text short
OPTIONS = {
    # A value is the CSV's text, never a formula, number or link, even where
    # write() rather than write_string() would be called.
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    # Each row is written out as the next one starts, so the workbook is
    # never held in memory: at 100,000 synthetic records 11.4 s and 17 MiB
    # more, against 13.3 s and 195 MiB in the default mode (every cell
    # held). Its file is 12 % larger, each text being stored in its cell.
    "constant_memory": True,
}


def _longest_line(values: Iterable[str]) -> int:
    """Length of the longest line of any value, in characters."""
    return max((len(line) for v in values for line in v.split("\n")), default=0)


def _width(values: Sequence[str]) -> int:
    """Column width in characters: the longest line of any value, capped."""
    return max(MIN_WIDTH, min(MAX_WIDTH, _longest_line(values) + 2))


def _wraps(values: Iterable[str], width: int) -> bool:
    """Whether a text column wraps: when its width is capped, and when it
    holds a line break, which shows only in a wrapped cell."""
    return width >= MAX_WIDTH or any("\n" in v for v in values)


def _about_rows(
    meta: dict, tables: list[Table], views: Sequence[Table] = ()
) -> list[tuple[str, str]]:
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
        *([("Rights of the quotes", meta["rights"])] if meta.get("rights") else []),
        ("How to cite", citation(meta)),
        *([("Repository", meta["repository"])] if meta.get("repository") else []),
        ("Authors", authors(meta)),
        (
            "About this workbook",
            "A copy of the package's CSV tables (data/*.csv, described by datapackage.json), one sheet per table, "
            "for spreadsheet users. Every cell holds exactly the text of the CSV cell: text is stored as text, "
            "dates as ISO text (YYYY-MM-DD), true/false as text, integers as numbers, and an empty cell means no value.",
        ),
        ("Tables", ", ".join(t.name for t in tables)),
        (
            "Readable sheets",
            "Each sheet named <table>_readable repeats a table with the name of the row each id points to, and the meaning of each code, next to it: "
            + ", ".join(v.name for v in views)
            + ".",
        ),
        (
            "Codebook",
            "docs/codebook.md describes every table, field and code; docs/datasheet.md describes how the data was collected and its limits.",
        ),
    ]


DICTIONARY_HEADER = ("table", "field", "type", "required", "description", "codelist", "references")


def dictionary_rows(tables: list[Table]) -> list[tuple[str, ...]]:
    """One row per column of every table, for the About sheet."""
    return [
        (
            t.name,
            f.name,
            f.type,
            "yes" if f.required else "no",
            f.description,
            f.codelist or "",
            f"{f.ref_table}.id" if f.ref_table else "",
        )
        for t in tables
        for f in t.fields
    ]


def _text_length(value: str) -> int:
    """Length as a spreadsheet counts it, in UTF-16 units: a character
    beyond U+FFFF (an emoji) counts twice."""
    return len(value.encode("utf-16-le")) // 2


def _check_lengths(sheet: str, names: Iterable[str], columns: Sequence[Sequence[str]]) -> None:
    for name, col in zip(names, columns):
        # No value of half the limit or less can reach it in UTF-16 units.
        longest = max((_text_length(v) for v in col if len(v) > CELL_TEXT_MAX // 2), default=0)
        if longest > CELL_TEXT_MAX:
            raise ValueError(
                f"sheet {sheet}, column {name}: a value of {longest} characters is longer than the {CELL_TEXT_MAX} a spreadsheet cell can hold"
            )


def _formats(wb: xlsxwriter.Workbook) -> dict[str, Format]:
    # Top-aligned, so that the cells of a row that a wrapped text makes tall
    # start on the same line.
    return {
        "bold": wb.add_format({"bold": True}),
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "top": wb.add_format({"valign": "top"}),
        "wrap": wb.add_format({"valign": "top", "text_wrap": True}),
    }


def _print_setup(ws: Worksheet, header_row: bool) -> None:
    """Landscape, one page wide and as many long as it takes; the header
    row on every page of a table sheet."""
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    if header_row:
        ws.repeat_rows(0)


def _text(ws: Worksheet, row: int, col: int, value: str, fmt: Format | None = None) -> None:
    """value as a text cell, whatever it looks like."""
    if value.startswith("<r>") and value.endswith("</r>"):
        # XlsxWriter copies a string of this shape into the XML unescaped,
        # as a rich string it made itself. Written as a rich string of
        # three plain pieces, it is escaped and reads back as the same text.
        ws.write_rich_string(row, col, value[:1], value[1:3], value[3:], *([fmt] if fmt else []))
    else:
        ws.write_string(row, col, value, fmt)


def _write_rows(
    ws: Worksheet, rows: Iterable[Sequence[str]], first: int, integers: frozenset[int]
) -> None:
    """rows from row index first on: an empty value as no cell, a value of
    an integer column as a number, every other value as text. Each cell
    takes its column's format."""
    write_string, write_number = ws.write_string, ws.write_number
    for r, row in enumerate(rows, first):
        for c, v in enumerate(row):
            if not v:
                continue
            if c in integers:
                write_number(r, c, int(v))
            elif v[0] == "<":
                _text(ws, r, c, v)
            else:
                write_string(r, c, v)


def _about_sheet(
    wb: xlsxwriter.Workbook,
    fmt: dict[str, Format],
    meta: dict,
    tables: list[Table],
    views: Sequence[Table],
) -> None:
    about = _about_rows(meta, tables, views)
    rows = dictionary_rows([*tables, *views])
    columns = list(zip(DICTIONARY_HEADER, *rows))
    _check_lengths("About", ("value", *DICTIONARY_HEADER), [tuple(v for _, v in about), *columns])
    widths = [max(_width([k for k, _ in about]), _width(columns[0][1:]))]
    widths += [_width(col) for col in columns[1:]]
    widths[1] = max(widths[1], 30)
    ws = wb.add_worksheet("About")
    for i, (w, col) in enumerate(zip(widths, columns)):
        # Column B holds the About values as well as the field names.
        wraps = i == 1 or (i > 1 and _wraps(col, w))
        ws.set_column(i, i, w, fmt["wrap" if wraps else "top"])
    # No header row to repeat: the dictionary's starts half way down.
    _print_setup(ws, header_row=False)
    _text(ws, 0, 0, meta["title"], fmt["title"])
    for r, (key, value) in enumerate(about, 2):
        _text(ws, r, 0, key, fmt["bold"])
        if value:
            _text(ws, r, 1, value)
    r = len(about) + 3
    _text(ws, r, 0, "Field dictionary", fmt["title"])
    for c, name in enumerate(DICTIONARY_HEADER):
        _text(ws, r + 1, c, name, fmt["bold"])
    _write_rows(ws, rows, r + 2, frozenset())


def _table_sheet(wb: xlsxwriter.Workbook, fmt: dict[str, Format], t: Table) -> None:
    names = [f.name for f in t.fields]
    integers = frozenset(i for i, f in enumerate(t.fields) if f.type == "integer")
    columns = list(zip(*t.rows)) if t.rows else [() for _ in names]
    _check_lengths(t.name, names, columns)
    ws = wb.add_worksheet(t.name)
    for i, (name, col) in enumerate(zip(names, columns)):
        w = _width((name, *col))
        wraps = i not in integers and _wraps(col, w)
        ws.set_column(i, i, w, fmt["wrap" if wraps else "top"])
    del columns
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(t.rows), len(names) - 1)
    _print_setup(ws, header_row=True)
    for c, name in enumerate(names):
        _text(ws, 0, c, name, fmt["bold"])
    _write_rows(ws, t.rows, 1, integers)


def _fill(wb: xlsxwriter.Workbook, meta: dict, tables: list[Table], views: Sequence[Table]) -> None:
    fmt = _formats(wb)
    _about_sheet(wb, fmt, meta, tables, views)
    for t in [*tables, *views]:
        _table_sheet(wb, fmt, t)
    wb.set_properties({"title": meta["title"], "author": authors(meta), "created": FIXED_TIME})
    wb.set_custom_property("version", meta["version"])


def _workbook(meta: dict, tables: list[Table], views: Sequence[Table]) -> io.BytesIO:
    """The whole workbook, in memory."""
    for t in [*tables, *views]:
        if len(t.name) > SHEET_NAME_MAX:
            raise ValueError(
                f"table name {t.name!r} is longer than the {SHEET_NAME_MAX} characters a sheet name may have"
            )
    buf = io.BytesIO()
    # XlsxWriter's temporary files (each sheet's rows, then each part of the
    # file) go to a folder of this write's own, removed whatever happens:
    # XlsxWriter removes them only when the workbook is closed. Errors in
    # removing it (a file still open, on Windows) must not hide the error
    # that stopped the write.
    with tempfile.TemporaryDirectory(prefix="il76-xlsx-", ignore_cleanup_errors=True) as tmp:
        wb = xlsxwriter.Workbook(buf, {**OPTIONS, "tmpdir": tmp})
        # Not closed in a finally or a with block: closing writes the
        # workbook, which an error may have left half made.
        _fill(wb, meta, tables, views)
        wb.close()
    return buf


def workbook_bytes(meta: dict, tables: list[Table], views: Sequence[Table] = ()) -> bytes:
    return _workbook(meta, tables, views).getvalue()


def write(
    meta: dict, tables: list[Table], out_dir: str, rel: str, views: Sequence[Table] = ()
) -> str:
    """Write the workbook to out_dir/rel. The file is opened only once the
    workbook is made, and written here rather than by XlsxWriter, which
    would report an OSError (a full disk) as its own FileCreateError."""
    buf = _workbook(meta, tables, views)
    path = os.path.join(out_dir, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(buf.getbuffer())
    return rel
