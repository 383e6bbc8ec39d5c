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
from typing import Final

import pandas as pd
from pandas.api.extensions import ExtensionArray
from pandas.api.typing import NAType

DATE_FORMAT = "%Y-%m-%d"
# One resolution for every date column, whether or not it holds a value.
DATE_DTYPE: Final = "datetime64[us]"


def _descriptor_path(path: str) -> str:
    if os.path.isdir(path):
        path = os.path.join(path, "datapackage.json")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: no datapackage.json here; pass the folder that holds it")
    return path


def read_text_csv(path: str, missing: list[str]) -> pd.DataFrame:
    """A CSV with every cell as text and only ``missing`` values as NA."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=missing, encoding="utf-8")


def _where(csv_path: str, values: list, i: int, name: str) -> str:
    # Row numbers count the header as line 1, as a spreadsheet shows them.
    return f"{csv_path}: row {i + 2}, column {name}: {values[i]!r}"


def _column(values: list, field: dict, csv_path: str) -> ExtensionArray:
    name, ftype = field["name"], field.get("type", "string")
    missing = [v is None for v in values]
    if ftype == "integer":
        out = []
        for i, v in enumerate(values):
            try:
                out.append(pd.NA if missing[i] else int(v))
            except ValueError:
                raise ValueError(f"{_where(csv_path, values, i, name)} is not an integer") from None
        return pd.array(out, dtype="Int64")
    if ftype == "boolean":
        true = set(field.get("trueValues", ["true"]))
        false = set(field.get("falseValues", ["false"]))
        flags: list[bool | NAType] = []
        for i, v in enumerate(values):
            if missing[i]:
                flags.append(pd.NA)
            elif v in true or v in false:
                flags.append(v in true)
            else:
                raise ValueError(
                    f"{_where(csv_path, values, i, name)} is not one of {sorted(true | false)}"
                )
        return pd.array(flags, dtype="boolean")
    if ftype == "date":
        try:
            return (
                pd.to_datetime(pd.Series(values, dtype=object), format=DATE_FORMAT)
                .astype(DATE_DTYPE)
                .array
            )
        except (ValueError, OverflowError) as exc:
            raise ValueError(f"{csv_path}: column {name}: not a YYYY-MM-DD date: {exc}") from None
    codes = field.get("constraints", {}).get("enum")
    if field.get("codelist") and codes is not None:
        allowed = set(codes)
        for i, v in enumerate(values):
            if not missing[i] and v not in allowed:
                raise ValueError(
                    f"{_where(csv_path, values, i, name)} is not a code of codelist {field['codelist']}"
                )
        return pd.Categorical(values, categories=list(codes))
    return pd.array(values, dtype="string")


def load(path: str = ".") -> dict[str, pd.DataFrame]:
    """Every table of the package at ``path`` (a folder holding
    datapackage.json, or the file itself), by resource name, in the
    descriptor's order."""
    desc_path = _descriptor_path(path)
    root = os.path.dirname(os.path.abspath(desc_path))
    with open(desc_path, encoding="utf-8") as fh:
        desc = json.load(fh)
    out = {}
    for res in desc["resources"]:
        schema = res["schema"]
        csv_path = os.path.join(root, res["path"])
        raw = read_text_csv(csv_path, schema.get("missingValues", [""]))
        names = [f["name"] for f in schema["fields"]]
        if list(raw.columns) != names:
            raise ValueError(
                f"{csv_path}: header is {list(raw.columns)}, datapackage.json says {names}"
            )
        columns = {}
        for f in schema["fields"]:
            values = [None if pd.isna(v) else v for v in raw[f["name"]].tolist()]
            columns[f["name"]] = _column(values, f, csv_path)
        out[res["name"]] = pd.DataFrame(columns, index=pd.RangeIndex(len(raw)))
    return out
