"""Checker and builder for the Il-76 Belgorod crash statements dataset."""

__version__ = "0.1.0"


def load(path: str = "."):
    """The package's tables as typed pandas DataFrames, by table name; see
    ``il76_claims.publish.dataframes``. pandas is imported only when this is called, so
    the command line starts fast."""
    from .publish.dataframes import load as _load

    return _load(path)
