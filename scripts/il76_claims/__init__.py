"""Checker and builder for the Il-76 Belgorod crash statements dataset."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__version__ = "0.1.0"


def load(path: str = ".") -> dict[str, pd.DataFrame]:
    """The package's tables as typed pandas DataFrames, by table name; see
    ``il76_claims.publish.dataframes``. pandas is imported only when this is called, so
    the command line starts fast."""
    from .publish.dataframes import load as _load

    return _load(path)
