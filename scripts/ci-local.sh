#!/usr/bin/env bash
# The pull-request checks, one step per argument, the same here and in
# .github/workflows/check.yml (which calls this script step by step).
#
#   scripts/ci-local.sh              every step, in order (what `make ci-local` runs)
#   scripts/ci-local.sh STEP...      only those steps
#
# Steps:
#   test       make test: set up .venv from the pinned requirements, run the suite
#   fmt        every record and dataset.yaml is in its canonical form (il76-claims fmt)
#   check      the checker (GitHub annotations when run by GitHub Actions)
#   fresh      data/, datapackage.json, CITATION.cff and .zenodo.json are what a build writes
#   validate   frictionless validate datapackage.json
#   version    il76-claims version-check against the base (see its --help)
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

step_test() {
    make test PYTHON="$PYTHON"
}

step_fmt() {
    "$BIN/il76-claims" fmt --check
}

step_check() {
    "$BIN/il76-claims" check --format "$FORMAT"
}

step_fresh() {
    # Build into a temporary folder and compare byte for byte, so the working
    # tree is never touched and committed outputs are what is judged.
    "$BIN/python" - <<'PY'
import filecmp, os, sys, tempfile
from il76_claims.model.project import Project, default_sources_dir
from il76_claims.publish.build import build_package

root = os.getcwd()
with tempfile.TemporaryDirectory() as tmp:
    if not build_package(Project(root, default_sources_dir(root)), tmp).ok:
        sys.exit("fresh: the records have problems, so there is no build to compare; run il76-claims check")
    top = ["datapackage.json", "CITATION.cff", ".zenodo.json"]
    fresh = sorted(top + [f"data/{n}" for n in os.listdir(os.path.join(tmp, "data"))])
    have = sorted([p for p in top if os.path.exists(p)] + ([f"data/{n}" for n in os.listdir("data")] if os.path.isdir("data") else []))
    stale = sorted({p for p in fresh if p not in have or not filecmp.cmp(os.path.join(tmp, p), p, shallow=False)} | (set(have) - set(fresh)))
if stale:
    sys.exit("fresh: these outputs differ from a build of records/: " + ", ".join(stale) + "; run make and commit them")
print(f"fresh: data/, datapackage.json, CITATION.cff and .zenodo.json match a build of records/ ({len(fresh)} files)")
PY
}

step_validate() {
    "$BIN/frictionless" validate datapackage.json
}

step_version() {
    "$BIN/il76-claims" version-check --format "$FORMAT"
}

steps=("$@")
if [ ${#steps[@]} -eq 0 ]; then steps=(test fmt check fresh validate version); fi
for s in "${steps[@]}"; do
    case "$s" in
        test|fmt|check|fresh|validate|version) ;;
        *) echo "ci-local.sh: unknown step '$s' (steps: test fmt check fresh validate version)" >&2; exit 2 ;;
    esac
done
for s in "${steps[@]}"; do
    if [ ! -x "$BIN/il76-claims" ] && [ "$s" != test ]; then make setup PYTHON="$PYTHON"; fi
    echo "== $s"
    "step_$s"
done
echo "== all steps passed: ${steps[*]}"
