"""Where a project's things are: its root folder (records/, schemas/,
dataset.yaml) and the folder of archived source texts, which sits outside
the repository on purpose (the texts are third-party works)."""

from __future__ import annotations

import os
from dataclasses import dataclass

# The dataset's own metadata (title, version, licence...), under the root.
DATASET = "dataset.yaml"
# The spreadsheet and SQLite copies the build writes to dist/ (git-ignored):
# release files, not part of the committed package.
XLSX = "dist/il76-belgorod-statements.xlsx"
SQLITE = "dist/il76-belgorod-statements.sqlite"
# The JSON copies (publish/jsondoc.py, jsonl.py, jsonld.py) and Datasette's
# metadata (publish/datasette.py), also under dist/.
JSON = "dist/il76-belgorod-statements.json"
JSONLD = "dist/il76-belgorod-statements.jsonld"
JSONL = "dist/jsonl"
DATASETTE = "dist/metadata.json"


@dataclass
class Project:
    root: str
    sources_dir: str | None = None
    # True when the user named the sources folder (--sources or
    # $IL76_SOURCES): then its absence is a problem, not a notice.
    sources_explicit: bool = False

    @property
    def schemas_dir(self) -> str:
        return os.path.join(self.root, "schemas")


def default_sources_dir(root: str) -> str:
    return os.environ.get("IL76_SOURCES") or os.path.join(
        os.path.dirname(os.path.abspath(root)), "shared", "sources"
    )
