"""Writing a generated document, or checking that the committed one is fresh.

Shared by the generators under docs/ (codebook, error codes): each renders
its text, and this module either rewrites the file or reports it stale.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable


def read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except FileNotFoundError:
        return None


def write(path: str, text: str) -> bool:
    """Rewrite path with text; True when it changed."""
    if text == read(path):
        return False
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    return True


def main(argv: list[str] | None, prog: str, rel: str, description: str, render: Callable[[str], str]) -> int:
    """The command line of a generator: write rel under --root, or --check it."""
    p = argparse.ArgumentParser(prog=prog, description=description)
    p.add_argument("--root", default=".", metavar="DIR", help="project folder holding schemas/ and docs/ (default: .)")
    p.add_argument("--check", action="store_true", help=f"write nothing; exit 1 if {rel} is stale")
    args = p.parse_args(argv)
    path = os.path.join(args.root, rel)
    text = render(args.root)
    if args.check:
        if read(path) != text:
            print(f"{rel} is stale: run `make docs`", file=sys.stderr)
            return 1
        return 0
    print(f"{rel}: {'written' if write(path, text) else 'up to date'}")
    return 0
