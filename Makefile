# Two commands on a fresh clone with Python 3.11+:
#   make        set up .venv, check the records, build the package
#   make test   set up .venv, run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
PIP    := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: all setup check build test docs bench release clean

all: build

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; run make PYTHON=python3.11")'
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --require-virtualenv -r requirements.lock
	$(PIP) install --require-virtualenv --no-deps --no-build-isolation -e .
	@touch $(STAMP)

setup: $(STAMP)

check: $(STAMP)
	$(BIN)/il76-claims check

build: $(STAMP)
	$(BIN)/il76-claims build

# fmt --check first, as a step of its own: the same command as the pre-commit
# hook and CI, with the report a contributor sees, failing in a second
# rather than after the suite.
test: $(STAMP)
	$(BIN)/il76-claims fmt --check
	$(BIN)/python -m pytest

# Regenerate every generated document; the tests fail when one is stale.
docs: $(STAMP)
	$(BIN)/python -m il76_claims.codebook
	$(BIN)/python -m il76_claims.errordocs
	$(BIN)/python -m il76_claims.neutrality
	$(BIN)/il76-claims coverage
	$(BIN)/il76-claims new --update-templates
	$(BIN)/python -c 'from il76_claims import helpdocs; helpdocs.update_readme()'

clean:
	rm -rf $(VENV) .build .cache dist .pytest_cache .hypothesis

# Time check, build and fmt --check on synthetic trees of 1,000 to 100,000 records
# (see docs/performance.md); SIZES=1000,10000 RUNS=3 for a shorter run.
SIZES ?= 1000,10000,100000
RUNS  ?= 3
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py --sizes $(SIZES) --runs $(RUNS)

# Pack data/, datapackage.json, the workbook and SQLite file from dist/ and
# the docs into dist/<name>-<version>.zip (reproducible; see docs/versioning.md).
release: build
	$(BIN)/il76-claims release

# The pull-request checks of .github/workflows/check.yml, on this machine.
.PHONY: ci-local
ci-local:
	PYTHON=$(PYTHON) scripts/ci-local.sh
