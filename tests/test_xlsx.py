"""The workbook: same cells as the CSVs, text kept as text, never a formula,
a readable layout, and the same bytes from two builds."""

from __future__ import annotations

import collections
import hashlib
import io
import itertools
import math
import random
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from built_package import (
    META,
    TRICKY_NAME,
    TRICKY_NOTES,
    TRICKY_ROLE,
    built,
    built_tables,
    built_views,
    read_csv,
    xlsx_path,
)

openpyxl = pytest.importorskip("openpyxl")

from conftest import BASE  # noqa: E402
from il76_claims.publish import citation, xlsx  # noqa: E402
from il76_claims.publish.tables import Field, Table  # noqa: E402

MIN_SCALE = 75  # per cent: 11 pt text prints at 8.25 pt, and nothing under 8 pt is read


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return built(tmp_path_factory)


@pytest.fixture(scope="module")
def wb(root):
    return openpyxl.load_workbook(xlsx_path(root))


def _table(name, fields, rows):
    return Table(name, name.title(), f"The {name} table.", fields, [fields[0].name], rows=rows)


def _shown(value):
    """A cell's value as a spreadsheet shows it: the file format writes
    "_x0041_" as "_x005F_x0041_" and a control character as "_x000D_",
    which Excel and LibreOffice decode and openpyxl leaves as they are."""
    if not isinstance(value, str):
        return value
    return re.sub("_x([0-9A-F]{4})_", lambda m: chr(int(m.group(1), 16)), value)


def _cells_as_text(ws) -> list[list[str]]:
    out = []
    for row in ws.iter_rows():
        out.append(["" if c.value is None else str(_shown(c.value)) for c in row])
    return out


def _widths(ws) -> dict[str, int]:
    """Column widths in characters. The file stores a width with the
    cell's padding (5 pixels of 7 a character: 60 is 60.7109375), as Excel
    itself does."""
    return {k: int(d.width) for k, d in ws.column_dimensions.items()}


def _one_column(values: list[str]) -> tuple[list, bytes]:
    """values written as the text column of a table "things"; the cells
    read back (value, openpyxl's type) and the sheet's XML."""
    fields = [Field("id", "string", "Id", "", True), Field("text", "string", "Text", "", False)]
    rows = [[f"r{i}", v] for i, v in enumerate(values)]
    data = xlsx.workbook_bytes(META, [_table("things", fields, rows)])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet2.xml")
    ws = openpyxl.load_workbook(io.BytesIO(data))["things"]
    return [(_shown(c.value), c.data_type) for c in ws["B"][1:]], sheet


def test_sheets_are_about_then_one_per_table_then_the_views(wb, tmp_path_factory):
    names = [t.name for t in built_tables(tmp_path_factory)]
    views = [v.table.name for v in built_views(tmp_path_factory)]
    assert wb.sheetnames == ["About", *names, *views] and views


def test_every_view_sheet_holds_the_view_rows(wb, tmp_path_factory):
    for v in built_views(tmp_path_factory):
        assert _cells_as_text(wb[v.table.name]) == [
            [f.name for f in v.table.fields],
            *v.table.rows,
        ], v.table.name


def test_every_cell_equals_the_csv_cell(wb, root, tmp_path_factory):
    for t in built_tables(tmp_path_factory):
        expected = read_csv(root / "data" / f"{t.name}.csv")
        ws = wb[t.name]
        assert ws.max_row == len(expected), t.name
        assert _cells_as_text(ws) == expected, t.name


def test_cells_are_typed_by_field(wb, tmp_path_factory):
    seen_int = 0
    for t in built_tables(tmp_path_factory):
        ws = wb[t.name]
        for row in ws.iter_rows(min_row=2):
            for f, c in zip(t.fields, row):
                if c.value is None:
                    continue
                if f.type == "integer":
                    assert c.data_type == "n" and type(c.value) is int, (t.name, f.name, c.value)
                    seen_int += 1
                else:
                    assert c.data_type == "s" and isinstance(c.value, str), (
                        t.name,
                        f.name,
                        c.value,
                    )
    assert seen_int > 0


def test_tricky_strings_stay_text(wb):
    ws = wb["actors"]
    header = [c.value for c in ws[1]]
    person = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "fixture-person")
    row = dict(zip(header, person))
    assert row["name"] == TRICKY_NAME  # not the number 7
    assert row["role"] == TRICKY_ROLE
    assert row["notes"] == TRICKY_NOTES
    assert (
        next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "fixture-tricky")[5]
        == "NO"
    )


def test_dates_are_iso_text(wb):
    ws = wb["statements"]
    header = [c.value for c in ws[1]]
    dates = [r[header.index("date")] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert dates and all(isinstance(d, str) and len(d) == 10 for d in dates), dates


def test_no_formula_anywhere(root):
    with zipfile.ZipFile(xlsx_path(root)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        for name in sheets:
            assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name


def test_header_is_bold_frozen_and_filtered(wb, tmp_path_factory):
    for t in built_tables(tmp_path_factory):
        ws = wb[t.name]
        assert [c.value for c in ws[1]] == [f.name for f in t.fields]
        assert all(c.font.b for c in ws[1]), t.name
        assert ws.freeze_panes == "A2", t.name
        assert ws.auto_filter.ref.startswith("A1:"), t.name


def test_column_widths_are_capped(wb):
    widths = _widths(wb["statements"])
    assert max(widths.values()) == xlsx.MAX_WIDTH  # the quote column hits the cap
    assert min(widths.values()) >= xlsx.MIN_WIDTH


def _sheet(fields, rows):
    """rows written as the table "things", read back."""
    data = xlsx.workbook_bytes(META, [_table("things", fields, rows)])
    return openpyxl.load_workbook(io.BytesIO(data))["things"]


def _texts(n: int) -> list[Field]:
    return [Field(f"t{i}", "string", f"T{i}", "", False) for i in range(n)]


def test_every_page_is_landscape_with_its_sheet_and_number_in_the_footer(wb):
    for ws in wb:
        setup = ws.page_setup
        assert setup.orientation == "landscape", ws.title
        assert not ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert MIN_SCALE <= (setup.scale or 100) <= 100, ws.title
        margins = ws.page_margins
        assert (margins.left, margins.right, margins.top, margins.bottom) == (0.25, 0.25, 0.5, 0.6)
        assert (ws.oddFooter.left.text, ws.oddFooter.right.text) == ("&A", "Page &P"), ws.title
        assert setup.useFirstPageNumber and (setup.firstPageNumber or 1) == 1, ws.title
        assert ws.print_options.gridLines, ws.title


def test_a_narrow_sheet_prints_one_page_wide_at_full_size():
    ws = _sheet([Field("id", "string", "Id", "", True), *_texts(2)], [["a", "x" * 10, "y"]])
    assert ws.page_setup.scale in (None, 100)
    assert (ws.page_setup.pageOrder, ws.print_title_cols) == (None, None)


def test_a_sheet_that_fits_a_page_at_a_smaller_scale_prints_one_page_wide():
    # Printed widths, at 7.43 pixels a character and 5/7 of one padding:
    # id 6.71 and t0, t1 60.71 and t2 30.71 characters, 1,180 pixels, on a
    # page 1,008 pixels wide (Letter less its side margins): 85 %.
    row = ["a", "x" * 61, "x" * 61, "y" * 28]
    ws = _sheet([Field("id", "string", "Id", "", True), *_texts(3)], [row])
    assert ws.page_setup.scale == 85
    assert (ws.page_setup.pageOrder, ws.print_title_cols) == (None, None)


def test_a_wide_sheet_prints_across_pages_at_the_least_scale_with_its_id_on_each():
    # 1,854 pixels: one page wide it would print at 54 %, 6 pt.
    ws = _sheet([Field("id", "string", "Id", "", True), *_texts(4)], [["a", *["x" * 61] * 4]])
    assert ws.page_setup.scale == MIN_SCALE == 75
    assert ws.page_setup.pageOrder == "overThenDown"
    assert (ws.print_title_cols, ws.print_title_rows) == ("$A:$A", "$1:$1")


def test_the_header_row_is_printed_on_every_page(wb, tmp_path_factory):
    for t in built_tables(tmp_path_factory):
        assert wb[t.name].print_title_rows == "$1:$1", t.name


def test_the_about_text_is_a_page_and_the_dictionary_has_its_header_on_each(wb):
    ws = wb["About"]
    title = next(c.row for c in ws["A"] if c.value == "Field dictionary")
    assert [b.id for b in ws.row_breaks.brk] == [title - 1]  # a break above the title
    assert ws.print_title_rows == f"${title + 1}:${title + 1}"
    assert [c.value for c in ws[title + 1]] == list(xlsx.DICTIONARY_HEADER)
    # Each About value spans the columns up to the description, and wraps there.
    merged = sorted(str(r) for r in ws.merged_cells.ranges)
    assert merged == sorted(f"B{r}:E{r}" for r in range(3, title - 1)), merged
    assert ws.cell(title + 2, 5).alignment.wrap_text
    # One page wide: the description column takes what the others leave.
    assert ws.page_setup.scale >= MIN_SCALE and ws.print_title_cols is None


def test_rows_are_as_tall_as_their_wrapped_text():
    fields = [
        Field("id", "string", "Id", "", True),
        *_texts(2),
        Field("n", "integer", "N", "", False),
    ]
    word = "abcdefghi"  # 9 characters: 6 words and their spaces fill a 60-wide line
    rows = [
        ["one", "x" * 61, "", "1"],  # the cap: 60 characters a line, so 2 lines
        ["short", "a few words", "", "1" * 80],  # a number never wraps
        ["paragraphs", "one\ntwo\n\nfour", "", ""],
        ["words", " ".join([word] * 13), "", ""],  # 6 + 6 + 1
        ["tallest", "one\ntwo", "1\n2\n3\n4", ""],
        ["long word", "https://example.org/" + "x" * 80, "", ""],  # 100: 40 a line
        ["taller than a row can be", "\n" * 30, "", ""],
    ]
    ws = _sheet(fields, rows)
    heights = {ws.cell(r, 1).value: ws.row_dimensions[r].height for r in range(2, len(rows) + 2)}
    assert heights == {
        "one": 30,
        "short": None,
        "paragraphs": 60,
        "words": 45,
        "tallest": 60,
        "long word": 45,
        "taller than a row can be": 408.75,  # 545 pixels, the most a row can be
    }


def test_capped_and_multi_line_text_columns_wrap():
    fields = [
        Field("id", "string", "Id", "", True),
        Field("quote", "string", "Quote", "", False),
        Field("notes", "string", "Notes", "", False),
        Field("n", "integer", "N", "", False),
        Field("short", "string", "Short", "", False),
    ]
    # A number as wide as the cap: an integer column never wraps.
    rows = [["a", "x" * (xlsx.MAX_WIDTH + 1), "two\nlines", "1" * 70, "y"], ["b", "", "", "", ""]]
    ws = openpyxl.load_workbook(
        io.BytesIO(xlsx.workbook_bytes(META, [_table("things", fields, rows)]))
    )["things"]
    assert [bool(c.alignment.wrap_text) for c in ws[2]] == [False, True, True, False, False]
    # Every cell is aligned to the top, so a row that wrapped text makes tall reads from its top.
    assert {
        c.alignment.vertical for row in ws.iter_rows(min_row=2) for c in row if c.value is not None
    } == {"top"}


def test_the_about_values_wrap(wb):
    rows = list(wb["About"].iter_rows(min_row=3, max_row=15))
    assert (rows[0][0].value, rows[-1][0].value) == ("Title", "Codebook")
    assert all(r[1].alignment.wrap_text for r in rows), [r[1].value for r in rows]


def test_about_sheet(wb, tmp_path_factory):
    ws = wb["About"]
    rows = [r for r in ws.iter_rows(values_only=True)]
    assert rows[0][0].startswith("Il-76 crash in Belgorod region")
    keys = {r[0]: r[1] for r in rows if r[0] and r[1] and len([v for v in r if v]) == 2}
    assert keys["Version"] == "0.1.0"
    assert "CC-BY-4.0" in keys["Licence"]
    meta = citation.read_metadata(str(BASE))
    assert keys["How to cite"] == citation.citation(meta)
    assert (keys["Rights of the quotes"], keys["Repository"]) == (
        meta["rights"],
        meta["repository"],
    )
    head = rows.index(xlsx.DICTIONARY_HEADER)
    dictionary = rows[head + 1 :]
    tables = [*built_tables(tmp_path_factory), *(v.table for v in built_views(tmp_path_factory))]
    expected = [(t.name, f.name) for t in tables for f in t.fields]
    assert [(r[0], r[1]) for r in dictionary] == expected
    by_field = {(r[0], r[1]): r for r in dictionary}
    assert by_field[("statements", "setting")][5] == "setting"
    assert by_field[("statements", "speaker_id")][6] == "actors.id"
    assert by_field[("statements", "date")][2] == "date"


def test_value_starting_with_equals_is_stored_as_text():
    # The checker refuses such values (T005), but the writer must not rely on it.
    values = ["=1+1", '=HYPERLINK("http://example.org","x")', "=cmd|' /C calc'!A0"]
    cells, sheet = _one_column(values)
    assert b"<f>" not in sheet and b"<f " not in sheet
    assert cells == [(v, "s") for v in values]


def test_values_spreadsheets_would_convert_stay_text():
    values = [
        "=1+1",
        "007",
        "1e3",
        "-1",
        "TRUE",
        "false",
        "2024-01-24",
        "12:30",
        "http://x",
        "mailto:a@b.c",
        "#N/A",
        "@x",
        "+1",
        "50%",
    ]
    cells, sheet = _one_column(values)
    assert cells == [(v, "s") for v in values]
    assert b"<f>" not in sheet and b"hyperlink" not in sheet


def test_line_breaks_and_spaces_at_either_end_are_kept():
    values = [
        "\nafter a line break",
        "before a line break\n",
        "\n\ntwo lines\nin between\n\n",
        " spaces ",
        "\ttab",
    ]
    assert _one_column(values)[0] == [(v, "s") for v in values]


def test_text_shaped_like_the_files_own_markup_stays_text():
    # XlsxWriter would copy "<r>...</r>" into the XML unescaped, and "_x0041_"
    # is how the file format writes "A": both must come back as written.
    values = [
        "<r>x</r>",
        "<r><t>a & b</t></r>",
        "<r></r>",
        "<r>\n</r>",
        "<b>bold</b>",
        "_x0041_",
        "a_x005F_b",
    ]
    assert _one_column(values)[0] == [(v, "s") for v in values]


def test_booleans_are_the_csv_text(tmp_path):
    fields = [
        Field("id", "string", "Id", "", True),
        Field("flag", "boolean", "Flag", "", False),
        Field("n", "integer", "N", "", False),
    ]
    rows = [["a", "true", "0"], ["b", "false", ""], ["c", "", "12"]]
    ws = openpyxl.load_workbook(
        io.BytesIO(xlsx.workbook_bytes(META, [_table("things", fields, rows)]))
    )["things"]
    assert [[c.value for c in r] for r in ws.iter_rows(min_row=2)] == [
        ["a", "true", 0],
        ["b", "false", None],
        ["c", None, 12],
    ]


def test_a_sheet_name_longer_than_excel_allows_is_refused():
    fields = [Field("id", "string", "Id", "", True)]
    with pytest.raises(ValueError, match="longer than the 31 characters"):
        xlsx.workbook_bytes(META, [_table("x" * 32, fields, [])])


def test_two_writes_give_the_same_bytes_with_fixed_dates(tmp_path_factory):
    tables = built_tables(tmp_path_factory)
    a = xlsx.workbook_bytes(META, tables)
    b = xlsx.workbook_bytes(META, tables)
    assert hashlib.sha256(a).hexdigest() == hashlib.sha256(b).hexdigest()
    with zipfile.ZipFile(io.BytesIO(a)) as z:
        # XlsxWriter dates every entry 1980-01-31 (see xlsx.py).
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 31, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert (
        '<dcterms:created xsi:type="dcterms:W3CDTF">1980-01-01T00:00:00Z</dcterms:created>' in core
    ), core
    assert (
        '<dcterms:modified xsi:type="dcterms:W3CDTF">1980-01-01T00:00:00Z</dcterms:modified>'
        in core
    ), core


def test_document_properties(tmp_path_factory):
    book = openpyxl.load_workbook(
        io.BytesIO(xlsx.workbook_bytes(META, built_tables(tmp_path_factory)))
    )
    props = book.properties
    assert (props.title, props.creator, props.lastModifiedBy) == (
        "Test package",
        "Test authors",
        "Test authors",
    )
    assert props.created.isoformat() == props.modified.isoformat() == "1980-01-01T00:00:00"
    assert [(p.name, p.value) for p in book.custom_doc_props.props] == [("version", "1.2.3")]


def test_build_replaces_its_files_in_dist_and_leaves_others(tmp_path):
    from conftest import make_project
    from il76_claims.publish.build import build

    project = make_project(tmp_path / "p")
    other = Path(project.root) / "dist" / "release-notes.txt"
    other.parent.mkdir()
    other.write_text("kept", encoding="utf-8")
    stale = xlsx_path(Path(project.root))
    stale.write_bytes(b"old")
    result = build(project)
    assert result.ok
    assert other.read_text(encoding="utf-8") == "kept"
    assert stale.read_bytes()[:2] == b"PK"
    assert "dist/il76-belgorod-statements.xlsx" in result.written


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# The first start of LibreOffice with a new profile can take a minute on a
# busy machine: the timeout is for a hung process, not a slow one.
SOFFICE_TIMEOUT = 600


def _soffice(profile: Path, *args: str) -> subprocess.CompletedProcess:
    """soffice with a profile of its own, so that it neither waits for
    nor hands its work to a LibreOffice already running as this user."""
    return subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=SOFFICE_TIMEOUT,
    )


@pytest.mark.libreoffice
@pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed (neither soffice nor libreoffice is on PATH)",
)
def test_libreoffice_reads_every_sheet_back_as_the_csv(root, tmp_path, tmp_path_factory):
    """LibreOffice converts each sheet back to the CSV, cell for cell."""
    profile = tmp_path / "profile"
    version = _soffice(profile, "--version").stdout
    found = re.search(r"(\d+)\.(\d+)", version)
    if found and (int(found[1]), int(found[2])) < (7, 2):
        pytest.skip(
            f"converting every sheet to CSV needs LibreOffice 7.2 or newer: {version.strip()}"
        )
    # Filter options: comma, double quote, UTF-8 (76), from line 1, cell
    # contents as stored rather than as shown, and -1: every sheet to a file
    # of its own, named <workbook>-<sheet>.csv.
    filt = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    out = tmp_path / "csv"
    done = _soffice(profile, "--convert-to", filt, "--outdir", str(out), str(xlsx_path(root)))
    assert done.returncode == 0, done.stdout + done.stderr
    stem = xlsx_path(root).stem
    for t in built_tables(tmp_path_factory):
        path = out / f"{stem}-{t.name}.csv"
        assert path.exists(), f"LibreOffice wrote no {path.name}: {done.stdout}{done.stderr}"
        assert read_csv(path) == read_csv(root / "data" / f"{t.name}.csv"), t.name


NEEDS_SOFFICE = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed (neither soffice nor libreoffice is on PATH)",
)
PRINT_MIN_SIZE = 8  # points: the least size of printed text read without strain
FOOTER = 0.6 * 72  # points from the foot of the page: the bottom margin, which holds the footer
# A page's printable size in points: Letter's width and A4's height, the
# narrower and the shorter of the two papers a printer may hold, less the
# margins xlsx.py sets.
PAGE_WIDTH = (11 - 2 * 0.25) * 72
PAGE_HEIGHT = (8.27 - 0.5 - 0.6) * 72


def _long_texts() -> Table:
    """A table of texts like the dataset's longest: paragraphs of English
    and Cyrillic words, notes of several lines, and percent-encoded URLs
    (wide characters, no space to break at)."""
    rng = random.Random(24)
    words = (
        "the ministry said that aircraft was shot down over Belgorod region according to "
        "officials prisoners exchange Министерство обороны заявило самолёт Іл-76 обмін "
        "військовополонених, «Известия» сообщили"
    ).split()

    def para(low: int, high: int) -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(low, high)))

    rows = [
        [
            f"text-{i:02}",
            para(10, 150),
            "\n".join(para(3, 25) for _ in range(rng.randint(1, 4))),
            "https://example.org/amp/2024/"
            + "".join(
                f"%D{rng.randint(0, 9)}%B{rng.randint(0, 9)}" for _ in range(rng.randint(5, 60))
            ),
        ]
        for i in range(40)
    ]
    fields = [Field(name, "string", name, "", False) for name in ("id", "summary", "notes", "url")]
    return _table("texts", fields, rows)


@pytest.fixture(scope="module")
def printed(root, tmp_path_factory) -> list[tuple[Path, list[tuple[str, list]]]]:
    """The built workbook and one of long texts, printed to PDF by
    LibreOffice and read once: (workbook, its printed pages) pairs."""
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed")
    pytest.importorskip("pypdf")
    out = tmp_path_factory.mktemp("printed")
    long = out / "long-texts.xlsx"
    long.write_bytes(xlsx.workbook_bytes(META, [_long_texts()]))
    books = [xlsx_path(root), long]
    done = _soffice(out / "profile", "--convert-to", "pdf", "--outdir", str(out), *map(str, books))
    assert done.returncode == 0, done.stdout + done.stderr
    for book in books:
        assert (out / f"{book.stem}.pdf").exists(), done.stdout + done.stderr
    return [(book, _pages(out / f"{book.stem}.pdf")) for book in books]


def _runs(page) -> list[tuple[float, float, float, str]]:
    """A PDF page's text runs: where each starts (x, y in points from the
    page's lower left) and its printed size, the font size times the
    vertical scale of the text matrix times the page's matrix."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((round(x, 1), y, size * math.hypot(c, d), text))

    page.extract_text(visitor_text=visit)
    return runs


def _pages(pdf: Path) -> list[tuple[str, list]]:
    """Each page's sheet, as its footer names it at the left, and its runs."""
    from pypdf import PdfReader

    out = []
    for page in PdfReader(pdf).pages:
        runs = _runs(page)
        footer = sorted(r for r in runs if r[1] < FOOTER)
        out.append((footer[0][3].strip() if footer else "", runs))
    return out


def _column_widths(ws) -> list[float]:
    """Each column's width as stored, in characters."""
    widths = {}
    for dim in ws.column_dimensions.values():
        for col in range(dim.min, dim.max + 1):
            widths[col] = dim.width
    return [widths.get(col, 8.43) for col in range(1, ws.max_column + 1)]


def _page_bound(ws) -> int:
    """The most pages a sheet can print on, from its own columns and rows.

    A page ends at the last column (row) that fits, so it leaves less than
    the widest column (tallest row) unused and holds more than its width
    (height) less the repeated first column (header row) and the widest
    column (tallest row) of columns (rows) not printed before: at most
    ceil(all of them / that) pages across (down), plus one for each manual
    page break. Widths are LibreOffice's (7.43 pixels a character).
    """
    scale = (ws.page_setup.scale or 100) / 100
    widths = [w * xlsx.DIGIT * 0.75 * scale for w in _column_widths(ws)]
    heights = [(ws.row_dimensions[r].height or 15) * scale for r in range(1, ws.max_row + 1)]
    first = widths[0] if ws.print_title_cols else 0
    title = heights[int(ws.print_title_rows.split(":")[0][1:]) - 1] if ws.print_title_rows else 0
    across = 1
    if sum(widths) > PAGE_WIDTH:
        across = math.ceil(sum(widths) / (PAGE_WIDTH - first - max(widths)))
    down = math.ceil(sum(heights) / (PAGE_HEIGHT - title - max(heights)))
    return across * (down + len(ws.row_breaks.brk))


@pytest.mark.libreoffice
@NEEDS_SOFFICE
def test_printed_text_is_at_least_8_points(printed):
    for book, pages in printed:
        sizes = [
            (size, i, sheet, text)
            for i, (sheet, runs) in enumerate(pages, 1)
            for *_, size, text in runs
        ]
        size, page, sheet, text = min(sizes)
        assert size >= PRINT_MIN_SIZE, (
            f"{book.name}, page {page} ({sheet}): {text!r} prints at {size:.2f} pt"
        )


def _font_family(name: str) -> str:
    """The font that fontconfig, and so LibreOffice, puts in name's place
    ("" when fc-match, which comes with LibreOffice, is missing)."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return ""
    done = subprocess.run([fc_match, "-f", "%{family}", name], capture_output=True, text=True)
    return done.stdout.split(",")[0]


@pytest.mark.libreoffice
@NEEDS_SOFFICE
def test_each_sheet_prints_on_no_more_pages_than_its_columns_and_rows_need(printed):
    # Column widths are counted in digits of the workbook's font, Calibri.
    family = _font_family("Calibri")
    if family not in ("", "Calibri", "Carlito"):
        pytest.skip(
            f"LibreOffice would print Calibri as {family}, whose wider digits widen every"
            " column: install Carlito (Debian's fonts-crosextra-carlito)"
        )
    for book, pages in printed:
        sheets = openpyxl.load_workbook(book)
        counted = collections.Counter(sheet for sheet, _ in pages)
        assert list(counted) == sheets.sheetnames, book.name  # every page's footer names its sheet
        over = {
            ws.title: (counted[ws.title], _page_bound(ws))
            for ws in sheets
            if counted[ws.title] > _page_bound(ws)
        }
        assert not over, f"{book.name}: sheet: (pages, most expected) {over}"


@pytest.mark.libreoffice
@NEEDS_SOFFICE
def test_no_printed_line_falls_on_another(printed):
    # A row too short for its text prints its lines over the next row's.
    for book, pages in printed:
        for i, (sheet, runs) in enumerate(pages, 1):
            for (x, y, size, text), (x2, y2, size2, text2) in itertools.pairwise(sorted(runs)):
                assert not (x == x2 and abs(y - y2) < 0.8 * min(size, size2)), (
                    f"{book.name}, page {i} ({sheet}): {text!r} printed over {text2!r}"
                )


@pytest.mark.libreoffice
@NEEDS_SOFFICE
def test_every_wrapped_text_prints_whole(printed):
    # LibreOffice prints no line of a cell that starts below its row.
    for book, pages in printed:
        shown = "".join(re.sub(r"\s+", "", t) for _, runs in pages for *_, t in runs)
        for ws in openpyxl.load_workbook(book):
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c.value, str) and c.alignment.wrap_text:
                        text = re.sub(r"\s+", "", _shown(c.value))
                        assert text in shown, f"{book.name}, {ws.title}!{c.coordinate}: {c.value!r}"


def test_values_spreadsheets_read_as_errors_are_stored_as_text():
    values = ["#N/A", "#DIV/0!", "#REF!", "#", "="]
    assert _one_column(values)[0] == [(v, "s") for v in values]


def test_widths_follow_the_longest_line_of_a_column():
    fields = [
        Field("id", "string", "Id", "", True),
        Field("notes", "string", "Notes", "", False),
        Field("n", "integer", "N", "", False),
    ]
    rows = [
        ["a", "short\n" + "x" * 20 + "\nshort", "1"],
        ["b", "y" * 15, "123456789"],
        ["c", "", ""],
    ]
    ws = openpyxl.load_workbook(
        io.BytesIO(xlsx.workbook_bytes(META, [_table("things", fields, rows)]))
    )["things"]
    assert _widths(ws) == {"A": xlsx.MIN_WIDTH, "B": 22, "C": 11}


def test_text_longer_than_a_cell_holds_is_refused_not_cut():
    fields = [Field("id", "string", "Id", "", True), Field("text", "string", "Text", "", False)]
    rows = [["a", "x" * 32768]]
    with pytest.raises(ValueError) as err:
        xlsx.workbook_bytes(META, [_table("things", fields, rows)])
    assert (
        str(err.value)
        == "sheet things, column text: a value of 32768 characters is longer than the 32767 a spreadsheet cell can hold"
    )


def test_the_limit_counts_a_character_beyond_u_ffff_twice():
    # As Excel does: 16,384 emoji are 32,768 UTF-16 units, one too many.
    fields = [Field("id", "string", "Id", "", True), Field("text", "string", "Text", "", False)]
    with pytest.raises(ValueError, match="a value of 32768 characters"):
        xlsx.workbook_bytes(META, [_table("things", fields, [["a", "\U0001f6e9" * 16384]])])


def test_text_as_long_as_a_cell_holds_is_kept_whole():
    values = ["x" * 32767, "\U0001f6e9" * 16383 + "x"]
    assert _one_column(values)[0] == [(v, "s") for v in values]


def test_a_failed_write_leaves_no_temporary_files(tmp_path, monkeypatch):
    # XlsxWriter keeps each sheet's rows in a temporary file until the
    # workbook is closed; the About sheet's and the first table's exist when
    # the second table fails.
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    fields = [Field("id", "string", "Id", "", True), Field("text", "string", "Text", "", False)]
    good = _table("good", fields, [["a", "b"]])
    bad = _table("bad", fields, [["a", "x" * 40000]])
    with pytest.raises(ValueError, match="longer than the 32767"):
        xlsx.write(META, [good, bad], str(tmp_path / "out"), "dist/book.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_the_workbook_never_converts_strings():
    # write_string never converts; the options keep write() from it too.
    names = ("strings_to_formulas", "strings_to_numbers", "strings_to_urls")
    assert [xlsx.OPTIONS.get(name) for name in names] == [False, False, False]
