"""The workbook: same cells as the CSVs, text kept as text, never a formula,
a readable layout, and the same bytes from two builds."""

from __future__ import annotations

import hashlib
import io
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


def test_every_sheet_prints_landscape_one_page_wide(wb):
    for ws in wb:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        # fitToWidth left out means 1; fitToHeight 0 means as many pages as it takes.
        assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0), ws.title


def test_the_header_row_is_printed_on_every_page(wb, tmp_path_factory):
    for t in built_tables(tmp_path_factory):
        assert wb[t.name].print_title_rows == "$1:$1", t.name
    assert wb["About"].print_title_rows is None  # no header row at its top


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
