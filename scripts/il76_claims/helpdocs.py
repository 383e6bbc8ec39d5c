"""Keep the README's generated parts identical to what they describe: the
copies of ``--help``, and the record counts.

The README holds one block per command between markers::

    <!-- help: check -->
    ```text
    ...output of il76-claims check --help...
    ```
    <!-- /help -->

``sync`` rewrites those blocks from the parser; the test suite fails when
the committed README differs from what ``sync`` would write.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re

from . import cli

_BLOCK = re.compile(r"(<!-- help:(?: (?P<name>[a-z-]+))? -->\n)(?P<body>.*?)(<!-- /help -->)", re.S)


def help_text(command: str | None) -> str:
    """What ``il76-claims [command] --help`` prints."""
    buf = io.StringIO()
    argv = ([command] if command else []) + ["--help"]
    with contextlib.redirect_stdout(buf), contextlib.suppress(SystemExit):
        cli.main(argv)
    return buf.getvalue()


def block(command: str | None) -> str:
    return "```text\n" + help_text(command) + "```\n"


def sync(readme: str) -> str:
    def repl(m):
        name = m.group("name") or None
        return m.group(1) + block(name) + m.group(4)

    return _BLOCK.sub(repl, readme)


def documented(readme: str) -> list[str]:
    """Command names that have a help block ('' for the top level)."""
    return [m.group("name") or "" for m in _BLOCK.finditer(readme)]


_COUNTS = re.compile(r"(<!-- counts -->\n).*?(<!-- /counts -->)", re.S)


def _rows(root: str, table: str) -> list[dict]:
    with open(os.path.join(root, "data", f"{table}.csv"), encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def counts_text(root: str) -> str:
    """The README's sentence on what the package holds, from the built tables."""
    with open(os.path.join(root, "datapackage.json"), encoding="utf-8") as fh:
        version = json.load(fh)["version"]
    n = {t: _rows(root, t) for t in ("sources", "actors", "events", "statements", "statement_relays", "casualty_figures", "claims", "claim_positions")}
    figures = n["casualty_figures"]
    stated = sum(r["basis"] == "stated" for r in figures)
    statuses = {}
    for r in n["claims"]:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    status_text = ", ".join(f"{c} {s}" for s, c in sorted(statuses.items()))

    def plural(count, word, many=None):
        return f"{count} {word if count == 1 else (many or word + 's')}"

    return (
        f"Version {version} holds {plural(len(n['sources']), 'source')}, {plural(len(n['actors']), 'actor')}, "
        f"{plural(len(n['events']), 'event')}, {plural(len(n['statements']), 'statement')} "
        f"(with {plural(len(n['statement_relays']), 'relay step')}), "
        f"{plural(len(figures), 'casualty figure')} ({stated} stated, {len(figures) - stated} derived) and "
        f"{plural(len(n['claims']), 'claim')} ({status_text}) with {plural(len(n['claim_positions']), 'position')}. "
        "Every block of the archived article is cited by a record or explained in "
        "[block coverage](docs/block-coverage.md).\n"
    )


def sync_counts(readme: str, root: str) -> str:
    return _COUNTS.sub(lambda m: m.group(1) + counts_text(root) + m.group(2), readme)


def update_readme(path: str = "README.md") -> bool:
    """Rewrite the README's generated parts; True when the file changed."""
    with open(path, encoding="utf-8") as fh:
        old = fh.read()
    new = sync_counts(sync(old), os.path.dirname(os.path.abspath(path)))
    if new != old:
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(new)
    return new != old
