"""il76_claims.load: typed DataFrames, with every string kept as written."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from built_package import (
    TRICKY_NAME,
    TRICKY_NOTES,
    TRICKY_ROLE,
    UNICODE_NAME,
    UNICODE_NOTES,
    built,
    built_tables,
    read_csv,
)

pd = pytest.importorskip("pandas")

import il76_claims  # noqa: E402
from il76_claims.publish import dataframes  # noqa: E402


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return built(tmp_path_factory)


@pytest.fixture(scope="module")
def frames(root):
    return il76_claims.load(str(root))


@pytest.fixture
def copy(root, tmp_path) -> Path:
    """A copy of the built package that a test may spoil."""
    dest = tmp_path / "pkg"
    shutil.copytree(root / "data", dest / "data")
    shutil.copy(root / "datapackage.json", dest / "datapackage.json")
    return dest


def test_every_table_in_descriptor_order(frames, tmp_path_factory):
    assert list(frames) == [t.name for t in built_tables(tmp_path_factory)]


def test_dtypes_follow_the_table_schema(frames, tmp_path_factory):
    for t in built_tables(tmp_path_factory):
        df = frames[t.name]
        assert list(df.columns) == [f.name for f in t.fields]
        for f in t.fields:
            dtype = df[f.name].dtype
            where = (t.name, f.name, str(dtype))
            if f.type == "integer":
                assert dtype == "Int64", where
            elif f.type == "date":
                assert dtype == "datetime64[us]", where
            elif f.type == "boolean":
                assert dtype == "boolean", where
            elif f.codelist:
                assert isinstance(dtype, pd.CategoricalDtype), where
                assert list(dtype.categories) == list(f.enum), where
            else:
                assert dtype == pd.StringDtype("python", na_value=pd.NA), where


def test_values_equal_the_csv_text(frames, root, tmp_path_factory):
    for t in built_tables(tmp_path_factory):
        rows = read_csv(root / "data" / f"{t.name}.csv")[1:]
        df = frames[t.name]
        assert len(df) == len(rows), t.name
        for i, f in enumerate(t.fields):
            got = []
            for v in df[f.name]:
                if pd.isna(v):
                    got.append("")
                elif f.type == "date":
                    got.append(v.strftime("%Y-%m-%d"))
                elif f.type == "boolean":
                    got.append("true" if v else "false")
                else:
                    got.append(str(v))
            assert got == [r[i] for r in rows], (t.name, f.name)


def test_tricky_strings_survive(frames):
    actors = frames["actors"].set_index("id")
    assert actors.loc["fixture-person", "name"] == TRICKY_NAME
    assert actors.loc["fixture-person", "role"] == TRICKY_ROLE
    assert actors.loc["fixture-person", "notes"] == TRICKY_NOTES
    assert actors.loc["fixture-tricky", "name"] == UNICODE_NAME
    assert actors.loc["fixture-tricky", "notes"] == UNICODE_NOTES
    assert actors.loc["fixture-tricky", "country"] == "NO"  # Norway, not a missing value
    assert actors["role"].isna().sum() == 4  # only the truly empty cells


def test_missing_values_are_na(frames):
    figures = frames["casualty_figures"].set_index("id")
    assert figures.loc["fixture-range", "count"] is pd.NA
    assert figures.loc["fixture-range", "count_low"] == 1
    statements = frames["statements"].set_index("id")
    assert pd.isna(statements.loc["fixture-narration", "date_end"])
    assert statements.loc["fixture-statement", "date_end"] == pd.Timestamp("2024-03-02")


def test_accepts_the_descriptor_path(root):
    assert list(il76_claims.load(str(root / "datapackage.json"))) == list(
        il76_claims.load(str(root))
    )


def test_no_descriptor_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no datapackage\.json here"):
        il76_claims.load(str(tmp_path))


def _replace_in(path: Path, old: str, new: str):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_code_outside_the_codelist_is_an_error_not_a_missing_value(copy):
    _replace_in(
        copy / "data" / "actors.csv", "fixture-agency,media_outlet,", "fixture-agency,newspaper,"
    )
    with pytest.raises(
        ValueError,
        match=r"actors.csv: row 2, column actor_type: 'newspaper' is not a code of codelist actor_type",
    ):
        dataframes.load(str(copy))


def test_a_non_integer_is_an_error(copy):
    _replace_in(
        copy / "data" / "casualty_figures.csv",
        "fixture-crew,fixture-event,crew,on_board,2,",
        "fixture-crew,fixture-event,crew,on_board,two,",
    )
    with pytest.raises(
        ValueError, match=r"casualty_figures.csv: row 2, column count: 'two' is not an integer"
    ):
        dataframes.load(str(copy))


@pytest.mark.parametrize("count", ["1e3", "2.0", " 2"])
def test_an_integer_is_read_strictly(copy, count):
    # read_csv's Int64 would take each of these for a number.
    _replace_in(
        copy / "data" / "casualty_figures.csv",
        "fixture-crew,fixture-event,crew,on_board,2,",
        f"fixture-crew,fixture-event,crew,on_board,{count},",
    )
    with pytest.raises(ValueError) as caught:
        dataframes.load(str(copy))
    assert str(caught.value).endswith(
        f"casualty_figures.csv: row 2, column count: {count!r} is not an integer"
    )


def test_a_bad_date_is_an_error(copy):
    _replace_in(copy / "data" / "events.csv", "2024-03-01", "01/03/2024")
    with pytest.raises(
        ValueError, match=r"events.csv: row 2, column date: '01/03/2024' is not a YYYY-MM-DD date$"
    ):
        dataframes.load(str(copy))


def test_a_header_that_differs_from_the_descriptor_is_an_error(copy):
    _replace_in(copy / "data" / "claims.csv", "id,proposition,", "id,statement,")
    with pytest.raises(ValueError, match=r"claims.csv: header is \['id', 'statement',"):
        dataframes.load(str(copy))


def test_booleans_use_the_true_and_false_values(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "t.csv").write_text("id,flag\na,true\nb,false\nc,\n", encoding="utf-8")
    field = {"name": "flag", "type": "boolean", "trueValues": ["true"], "falseValues": ["false"]}
    desc = {
        "resources": [
            {
                "name": "t",
                "path": "data/t.csv",
                "schema": {
                    "fields": [{"name": "id", "type": "string"}, field],
                    "missingValues": [""],
                },
            }
        ]
    }
    (tmp_path / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")
    flags = dataframes.load(str(tmp_path))["t"]["flag"]
    assert flags.dtype == "boolean"
    assert flags.tolist() == [True, False, pd.NA]
    # read_csv's boolean would take "TRUE" and "1" for true.
    for value in ("yes", "TRUE", "1"):
        (tmp_path / "data" / "t.csv").write_text(f"id,flag\na,{value}\n", encoding="utf-8")
        with pytest.raises(ValueError) as caught:
            dataframes.load(str(tmp_path))
        assert str(caught.value).endswith(
            f"t.csv: row 2, column flag: {value!r} is not one of ['false', 'true']"
        )


def test_importing_the_package_does_not_import_pandas():
    code = "import sys, il76_claims, il76_claims.cli; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_plain_read_csv_recipe_keeps_strings(root):
    # The README's recipe for someone who has only the CSV files.
    df = pd.read_csv(root / "data" / "actors.csv", dtype=str, keep_default_na=False, na_values=[""])
    person = df[df["id"] == "fixture-person"].iloc[0]
    assert (person["name"], person["role"], person["notes"]) == (
        TRICKY_NAME,
        TRICKY_ROLE,
        TRICKY_NOTES,
    )
    assert df[df["id"] == "fixture-tricky"].iloc[0]["country"] == "NO"
