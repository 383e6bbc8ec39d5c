"""Command-line tools whose dependencies clash with the pinned set, each in
a venv of its own under .venv/tools/, made from tests/tools/<tool>.txt on
first use (and again when that file changes). Where it cannot be made (no
network), a test that needs it is skipped, except in CI (CI=true), where
it must run."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO


def tool(name: str) -> Path:
    """The bin/ folder of the tool's venv."""
    lock = REPO / "tests" / "tools" / f"{name}.txt"
    venv = REPO / ".venv" / "tools" / name
    stamp = venv / f".installed-{hashlib.sha256(lock.read_bytes()).hexdigest()[:16]}"
    if stamp.exists():
        return venv / "bin"
    shutil.rmtree(venv, ignore_errors=True)
    steps = [
        [sys.executable, "-m", "venv", str(venv)],
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
            str(lock),
        ],
    ]
    for argv in steps:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            message = f"cannot install {name} into {venv}: {proc.stderr.strip().splitlines()[-1:] or proc.returncode}"
            if os.environ.get("CI") == "true":
                pytest.fail(message)
            pytest.skip(message)
    stamp.touch()
    return venv / "bin"
