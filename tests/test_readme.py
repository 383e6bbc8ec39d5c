"""The README's --help copies are the real ones, and every command has one."""

from __future__ import annotations

from conftest import REPO

from il76_claims import cli, helpdocs


def _readme() -> str:
    return (REPO / "README.md").read_text(encoding="utf-8")


def test_help_blocks_match_the_real_help():
    readme = _readme()
    fresh = helpdocs.sync(readme)
    assert readme == fresh, "README help blocks are stale: run `make docs`"


def test_counts_match_the_package():
    readme = _readme()
    assert readme == helpdocs.sync_counts(readme, str(REPO)), "README counts are stale: run `make docs`"
    assert "<!-- counts -->\nVersion " in readme


def test_every_command_is_documented():
    assert sorted(helpdocs.documented(_readme())) == sorted(["", *cli.COMMANDS])


def test_sync_rewrites_a_stale_block():
    stale = "x\n<!-- help: check -->\n```text\nSTALE-TEXT\n```\n<!-- /help -->\ny\n"
    fresh = helpdocs.sync(stale)
    assert "STALE-TEXT" not in fresh
    assert fresh.startswith("x\n<!-- help: check -->\n```text\nusage: il76-claims check")
    assert fresh.endswith("```\n<!-- /help -->\ny\n")
