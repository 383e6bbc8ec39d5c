"""The package as pandas DataFrames, typed as datapackage.json says.

    import il76_claims
    tables = il76_claims.load(".")          # folder holding datapackage.json
    tables["statements"].dtypes

Every CSV cell is read as text first, so nothing is guessed: ``NA``,
``None``, ``null``, ``nan`` and ``007`` stay the strings they are, and only
an empty cell is missing. Each column is then converted by its Table Schema
type:

==========  =====================================================
string      ``string`` (missing is ``pd.NA``)
codelist    ``category`` whose categories are the codelist's codes,
            in codelist order (a string field with a ``codelist``)
integer     ``Int64`` (nullable)
boolean     ``boolean`` (nullable), from trueValues/falseValues
date        ``datetime64[us]`` (missing is ``NaT``)
==========  =====================================================

A value that does not fit its type (a code outside the codelist, a
non-integer in an integer column...) raises ``ValueError`` naming the file,
row and column: nothing is dropped or coerced silently.
"""

from __future__ import annotations

import json
import os

import pandas as pd


def read_text_csv(path: str, missing: list[str]) -> pd.DataFrame:
    """A CSV with every cell as text and only ``missing`` values as NA."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=missing, encoding="utf-8")


def _refuse(csv_path: str, column: pd.Series, unfit: pd.Series, what: str) -> None:
    """ValueError at the first given cell that does not fit, if any."""
    unfit = unfit & column.notna()
    if unfit.any():
        i = int(unfit.to_numpy().argmax())
        # Row numbers count the header as line 1, as a spreadsheet shows them.
        where = f"{csv_path}: row {i + 2}, column {column.name}"
        raise ValueError(f"{where}: {column.iloc[i]!r} is not {what}")


def _typed(csv_path: str, column: pd.Series, field: dict) -> pd.Series:
    """A column read as text, converted to its field's type. Each type is
    checked strictly first: read_csv's own typing would take "1e3" for
    1000, "TRUE" or "1" for true, and leave a column with a bad date as text."""
    ftype, codes = field.get("type", "string"), field.get("constraints", {}).get("enum")
    if ftype == "integer":
        _refuse(csv_path, column, ~column.str.fullmatch(r"[+-]?[0-9]+"), "an integer")
        return column.astype("Int64")
    if ftype == "boolean":
        true, false = field.get("trueValues", ["true"]), field.get("falseValues", ["false"])
        _refuse(csv_path, column, ~column.isin(true + false), f"one of {sorted(true + false)}")
        return column.map(dict.fromkeys(true, True) | dict.fromkeys(false, False)).astype("boolean")
    if ftype == "date":
        dates = pd.to_datetime(column, format="%Y-%m-%d", errors="coerce")
        _refuse(csv_path, column, dates.isna(), "a YYYY-MM-DD date")
        return dates.astype("datetime64[us]")  # one resolution, whether or not it holds a value
    if field.get("codelist") and codes is not None:
        _refuse(csv_path, column, ~column.isin(codes), f"a code of codelist {field['codelist']}")
        return column.astype(pd.CategoricalDtype(codes))
    return column.astype("string")


def _table(csv_path: str, schema: dict) -> pd.DataFrame:
    text = read_text_csv(csv_path, schema.get("missingValues", [""]))
    names = [f["name"] for f in schema["fields"]]
    if list(text.columns) != names:
        raise ValueError(
            f"{csv_path}: header is {list(text.columns)}, datapackage.json says {names}"
        )
    return pd.DataFrame({f["name"]: _typed(csv_path, text[f["name"]], f) for f in schema["fields"]})


def load(path: str = ".") -> dict[str, pd.DataFrame]:
    """Every table of the package at ``path`` (a folder holding
    datapackage.json, or the file itself), by resource name, in the
    descriptor's order."""
    if os.path.isdir(path):
        path = os.path.join(path, "datapackage.json")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: no datapackage.json here; pass the folder that holds it")
    root = os.path.dirname(os.path.abspath(path))
    with open(path, encoding="utf-8") as fh:
        desc = json.load(fh)
    return {
        res["name"]: _table(os.path.join(root, res["path"]), res["schema"])
        for res in desc["resources"]
    }
