#!/usr/bin/env bash
# The pull-request checks, one step per argument, the same here and in
# .github/workflows/check.yml (which calls this script step by step).
#
#   scripts/ci-local.sh              every step, in order (what `make ci-local` runs)
#   scripts/ci-local.sh STEP...      only those steps
#
# Steps:
#   setup      make setup: .venv from the pinned requirements
#   check      the checker, canonical form included (GitHub annotations when
#              run by GitHub Actions)
#   version    il76-claims version-check against the base (see its --help)
#   test       make test: the whole suite, which also holds the committed
#              outputs to a fresh build and validates datapackage.json
#
# Run without arguments, every step runs even when an earlier one failed
# (as in the workflow), and the script fails if any did.
#
# Environment: PYTHON (default python3) is the interpreter make builds .venv
# with; IL76_SOURCES points at the archived sources for the quote checks
# (without them those checks are skipped, with a note).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
BIN=.venv/bin
FORMAT=text
if [ "${GITHUB_ACTIONS:-}" = "true" ]; then FORMAT=github; fi

step_setup() {
    make setup PYTHON="$PYTHON"
}

step_check() {
    "$BIN/il76-claims" check --format "$FORMAT"
}

step_version() {
    "$BIN/il76-claims" version-check --format "$FORMAT"
}

step_test() {
    make test PYTHON="$PYTHON"
}

steps=("$@")
if [ ${#steps[@]} -eq 0 ]; then steps=(setup check version test); fi
for s in "${steps[@]}"; do
    case "$s" in
        setup|check|version|test) ;;
        *) echo "ci-local.sh: unknown step '$s' (steps: setup check version test)" >&2; exit 2 ;;
    esac
done
failed=()
for s in "${steps[@]}"; do
    if [ ! -x "$BIN/il76-claims" ] && [ "$s" != setup ]; then make setup PYTHON="$PYTHON"; fi
    echo "== $s"
    "step_$s" || failed+=("$s")
done
if [ ${#failed[@]} -ne 0 ]; then
    echo "== failed: ${failed[*]}" >&2
    exit 1
fi
echo "== all steps passed: ${steps[*]}"
