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
and multi-line text wrapped at that cap, each row as tall as its wrapped
text needs (estimated from the text and the column's width, see _lines:
LibreOffice does not fit rows to their text when it opens a file, and
Excel keeps the heights a file gives).

Printed, a sheet is read on paper, so its text must stay readable: every
sheet prints landscape at 75 % or more (11 pt text at 8.25 pt or more).
A sheet as narrow as a page at that scale prints one page wide, at the
largest scale that fits it (100 % at most). A wider one prints at 75 %
across as many pages as its columns take: squeezed onto one page width,
the statements would print at about 2 pt.
Its pages go across before down, so that the pages of the same rows come
one after another and can be laid side by side, and each repeats the
first column (the row's id) besides the header row, so that a page read
on its own still says which statement, source or claim each line is. A
reader who wants fewer pages hides the columns they do not need before
printing: what a statement list needs is a choice of the reader's, and
the sheet itself keeps every column. Gridlines print, to tell rows of
wrapped text apart, and each page's footer names its sheet and its page.
The About sheet's text is a page of its own; its field dictionary follows
with its header row on every page, its description column as wide as
leaves the dictionary one page wide.

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

from ..model.fileio import atomic_write
from .citation import authors, citation, licences
from .tables import Table

# The document's date: builds carry no build time.
FIXED_TIME = datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC)
MAX_WIDTH = 60
MIN_WIDTH = 6
SHEET_NAME_MAX = 31  # Excel refuses longer sheet names
# Printing: the page is landscape, on the printer's paper (A4 or US
# Letter), so widths are reckoned on the narrower, Letter, 11 inches.
MIN_PRINT_SCALE = 75  # per cent: the 11 pt text prints at 8.25 pt
SIDE_MARGIN = 0.25  # inches, Excel's "narrow" margins
PRINT_WIDTH = round((11 - 2 * SIDE_MARGIN) * 96)  # pixels at 100 %, 96 to the inch
DIGIT = 1038 / 2048 * 11 * 96 / 72  # pixels: a digit of 11 pt Carlito is 1038/2048 em
# Points a line of 11 pt Calibri takes in Excel; LibreOffice sets lines
# closer (11.1 pt), which leaves room below the text.
LINE_HEIGHT = 15
MAX_ROW_HEIGHT = 408.75  # points, 545 pixels: the most a row can be (409 pt) in whole pixels
TITLE_HEIGHT = 18.75  # points: a row of 14 pt Calibri
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


def _width(values: Sequence[str]) -> int:
    longest = max((len(line) for v in values for line in v.split("\n")), default=0)
    return max(MIN_WIDTH, min(MAX_WIDTH, longest + 2))


def _wraps(values: Iterable[str], width: int) -> bool:
    """Whether a text column wraps: when its width is capped, and when it
    holds a line break, which shows only in a wrapped cell."""
    return width >= MAX_WIDTH or any("\n" in v for v in values)


def _lines(value: str, width: int) -> int:
    """Lines that value takes in a wrapped cell width characters wide.

    Each paragraph (the text between line breaks) is filled word by word:
    a word goes to the next line when it would pass the width. A character
    counts as one: a width is counted in digits of 11 pt Calibri, and
    running text is on average narrower than digits, which makes up for
    the uneven line ends. A word longer than a line (a URL) is broken where
    it allows (after a slash or hyphen), so its lines are ragged and often
    of wide characters: it is counted at two thirds of the width a line.
    Against the lines LibreOffice shows for the 1,502 texts of more than
    60 characters in wrapped columns of the dataset's 3.0.0 release, the
    estimate was never short and a quarter over in all; Excel, which
    rounds a digit to 7 pixels, fits some 6 % less on a line.
    """
    lines = 0
    broken = max(1, width * 2 // 3)  # characters a line of a long word
    for paragraph in value.split("\n"):
        lines, used = lines + 1, 0  # used: characters on the last line
        for word in paragraph.split(" "):
            size = len(word) + (used > 0)  # with the space before it
            if used + size <= width:
                used += size
            elif len(word) <= width:
                lines, used = lines + 1, len(word)
            else:
                lines += (used > 0) + (len(word) - 1) // broken
                used = (len(word) - 1) % broken + 1
    return lines


def _row_height(row: Sequence[str], wrapped: dict[int, int]) -> float | None:
    """The height in points that shows every line of the row's wrapped
    cells (wrapped: column → width), or None for one line, the default."""
    # A value shorter than its column, on one line, is one line, without a call.
    lines = max(
        (_lines(row[c], w) for c, w in wrapped.items() if len(row[c]) > w or "\n" in row[c]),
        default=1,
    )
    return min(lines * LINE_HEIGHT, MAX_ROW_HEIGHT) if lines > 1 else None


def _about_rows(meta: dict, tables: list[Table], views: Sequence[Table]) -> list[tuple[str, str]]:
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
DESCRIPTION = DICTIONARY_HEADER.index("description")


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


def _check_lengths(sheet: str, names: Iterable[str], columns: Sequence[Sequence[str]]) -> None:
    for name, col in zip(names, columns):
        # Length as a spreadsheet counts it, in UTF-16 units: a character
        # beyond U+FFFF (an emoji) counts twice. No value of half the limit or
        # less can reach it.
        longest = max(
            (len(v.encode("utf-16-le")) // 2 for v in col if len(v) > CELL_TEXT_MAX // 2), default=0
        )
        if longest > CELL_TEXT_MAX:
            raise ValueError(
                f"sheet {sheet}, column {name}: a value of {longest} characters is longer than the {CELL_TEXT_MAX} a spreadsheet cell can hold"
            )


def _printed_width(widths: Iterable[float]) -> float:
    """Columns' printed width at 100 %, in pixels of 96 to the inch, as
    LibreOffice lays them out: the width the file stores (the characters
    and 5/7 of one for padding) times a digit of Carlito, Calibri's metric
    twin, 7.43 pixels. Excel rounds the digit down to 7, so its columns
    are narrower and a scale reckoned with these widths holds in both."""
    return sum(w + 5 / 7 for w in widths) * DIGIT


def _print_setup(ws: Worksheet, widths: list[int], title_row: int) -> None:
    """Landscape, readable on paper: see the module's docstring."""
    ws.set_landscape()
    ws.set_margins(left=SIDE_MARGIN, right=SIDE_MARGIN, top=0.5, bottom=0.6)
    # Each sheet's pages are numbered from 1, under the sheet's name.
    ws.set_footer("&L&A&RPage &P")
    ws.set_start_page(1)
    ws.hide_gridlines(0)  # a printed row of wrapped text needs its lines
    # The largest scale that prints the columns one page wide, at most 100
    # and at least MIN_PRINT_SCALE, worked out here rather than "fit to
    # width", which LibreOffice works out leaving some 4 % of the page's
    # width unused: a sheet that fits at 75 % would print at 72 %.
    printed = _printed_width(widths)
    scale = max(MIN_PRINT_SCALE, min(100, int(PRINT_WIDTH * 100 / printed)))
    ws.set_print_scale(scale)
    if printed * scale > PRINT_WIDTH * 100:
        ws.print_across()
        ws.repeat_columns(0)
    ws.repeat_rows(title_row)


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
    ws: Worksheet,
    rows: Iterable[Sequence[str]],
    first: int,
    integers: frozenset[int],
    wrapped: dict[int, int],
) -> None:
    """rows from row index first on: an empty value as no cell, a value of
    an integer column as a number, every other value as text. Each cell
    takes its column's format; a row is as tall as its wrapped cells
    (wrapped: column → width) need, set before its cells as constant_memory
    mode writes a row out once the next one is started."""
    for r, row in enumerate(rows, first):
        height = _row_height(row, wrapped)
        if height:
            ws.set_row(r, height)
        for c, v in enumerate(row):
            if v and c in integers:
                ws.write_number(r, c, int(v))
            elif v:
                _text(ws, r, c, v)


def _about_widths(about: list[tuple[str, str]], columns: list[tuple[str, ...]]) -> list[int]:
    """Column widths of the About sheet. Its description column takes the
    width that the other columns leave on a page printed at the smallest
    scale, so that the field dictionary prints one page wide."""
    widths = [max(_width([k for k, _ in about]), _width(columns[0][1:]))]
    widths += [_width(col) for col in columns[1:]]
    widths[1] = max(widths[1], 30)
    others = _printed_width(w for i, w in enumerate(widths) if i != DESCRIPTION)
    room = int((PRINT_WIDTH * 100 / MIN_PRINT_SCALE - others) / DIGIT - 5 / 7)
    widths[DESCRIPTION] = max(30, min(widths[DESCRIPTION], room))
    return widths


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
    widths = _about_widths(about, columns)
    ws = wb.add_worksheet("About")
    wrapped = {}
    for i, (w, col) in enumerate(zip(widths, columns)):
        # Column B holds the About values as well as the field names, and
        # the description column may be narrower than its longest line.
        if i in (1, DESCRIPTION) or (i > 1 and _wraps(col, w)):
            wrapped[i] = w
        ws.set_column(i, i, w, fmt["wrap" if i in wrapped else "top"])
    title = len(about) + 3  # the dictionary's title; its header is the row below
    ws.set_h_pagebreaks([title])
    _print_setup(ws, widths, title_row=title + 1)
    ws.set_row(0, TITLE_HEIGHT)
    _text(ws, 0, 0, meta["title"], fmt["title"])
    # An About value spans the dictionary's columns up to its description.
    value_width = sum(widths[1 : DESCRIPTION + 1])
    for r, (key, value) in enumerate(about, 2):
        ws.set_row(r, _row_height((value,), {0: value_width}))
        # Merged empty, then written by _text like every other value.
        ws.merge_range(r, 1, r, DESCRIPTION, "", fmt["wrap"])
        _text(ws, r, 0, key, fmt["bold"])
        if value:
            _text(ws, r, 1, value, fmt["wrap"])
    ws.set_row(title, TITLE_HEIGHT)
    _text(ws, title, 0, "Field dictionary", fmt["title"])
    for c, name in enumerate(DICTIONARY_HEADER):
        _text(ws, title + 1, c, name, fmt["bold"])
    _write_rows(ws, rows, title + 2, frozenset(), wrapped)


def _table_sheet(wb: xlsxwriter.Workbook, fmt: dict[str, Format], t: Table) -> None:
    names = [f.name for f in t.fields]
    integers = frozenset(i for i, f in enumerate(t.fields) if f.type == "integer")
    columns = list(zip(*t.rows)) if t.rows else [() for _ in names]
    _check_lengths(t.name, names, columns)
    ws = wb.add_worksheet(t.name)
    widths = [_width((name, *col)) for name, col in zip(names, columns)]
    wrapped = {}
    for i, (w, col) in enumerate(zip(widths, columns)):
        if i not in integers and _wraps(col, w):
            wrapped[i] = w
        ws.set_column(i, i, w, fmt["wrap" if i in wrapped else "top"])
    del columns
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(t.rows), len(names) - 1)
    _print_setup(ws, widths, title_row=0)
    for c, name in enumerate(names):
        _text(ws, 0, c, name, fmt["bold"])
    _write_rows(ws, t.rows, 1, integers, wrapped)


def workbook_bytes(meta: dict, tables: list[Table], views: Sequence[Table] = ()) -> bytes:
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
        # Top-aligned, so that the cells of a row that a wrapped text makes
        # tall start on the same line.
        fmt = {
            "bold": wb.add_format({"bold": True, "valign": "top"}),
            "title": wb.add_format({"bold": True, "font_size": 14}),
            "top": wb.add_format({"valign": "top"}),
            "wrap": wb.add_format({"valign": "top", "text_wrap": True}),
        }
        _about_sheet(wb, fmt, meta, tables, views)
        for t in [*tables, *views]:
            _table_sheet(wb, fmt, t)
        wb.set_properties({"title": meta["title"], "author": authors(meta), "created": FIXED_TIME})
        wb.set_custom_property("version", meta["version"])
        # Not closed in a finally or a with block: closing writes the
        # workbook, which an error may have left half made.
        wb.close()
    return buf.getvalue()


def write(
    meta: dict, tables: list[Table], out_dir: str, rel: str, views: Sequence[Table] = ()
) -> str:
    """Write the workbook to out_dir/rel, once it is made; written here
    rather than by XlsxWriter, which would report an OSError (a full disk)
    as its own FileCreateError."""
    atomic_write(os.path.join(out_dir, rel), workbook_bytes(meta, tables, views))
    return rel
