#!/usr/bin/env bash
# The steps of .github/workflows/release.yml that need no GitHub, so that
# they can be run, and tested, on any machine:
#
#   scripts/release.sh TAG [OUT]
#
# builds the package and the site without the archived texts, which are
# third-party text (il76-claims build, il76-claims site --no-archived-text), packs
# dist/<name>-<version>.zip
# (il76-claims release) and gathers what the GitHub release of TAG carries
# into OUT (default dist/release): assets/ (the archive, the workbook, the
# SQLite file and the JSON files) and notes.md (the CHANGELOG section of
# the version). TAG must be v<version in dataset.yaml>.
#
# Environment: IL76_BIN is the folder holding il76-claims (default
# .venv/bin); IL76_SOURCES the archived sources for the quote checks.
set -euo pipefail
cd "$(dirname "$0")/.."

TAG="${1:?usage: scripts/release.sh vMAJOR.MINOR.PATCH [OUT]}"
OUT="${2:-dist/release}"
BIN="${IL76_BIN:-.venv/bin}"

"$BIN/il76-claims" build
"$BIN/il76-claims" site --no-archived-text
"$BIN/il76-claims" release --tag "$TAG" --assets "$OUT"
