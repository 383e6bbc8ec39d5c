"""Keep the README's copies of ``--help`` identical to the real ones.

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
import io
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


def update_readme(path: str = "README.md") -> bool:
    """Rewrite the README's help blocks; True when the file changed."""
    with open(path, encoding="utf-8") as fh:
        old = fh.read()
    new = sync(old)
    if new != old:
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(new)
    return new != old
