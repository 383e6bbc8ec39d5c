# Two commands on a fresh clone with Python 3.11+:
#   make        set up .venv, check the records, build the package and the site
#   make test   set up .venv, run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: all setup check build test test-slow test-all lint format docs bench release clean screenshots

all: build

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; run make PYTHON=python3.11")'
	rm -rf $(VENV)
	scripts/setup-venv.sh $(PYTHON) $(VENV)
	@touch $(STAMP)

setup: $(STAMP)

check: $(STAMP)
	$(BIN)/il76-claims check

build: $(STAMP)
	$(BIN)/il76-claims build
	$(BIN)/il76-claims site

# The fast checks first, each a step of its own that fails in seconds rather
# than after the suite: ruff (lint), fmt --check (the same command as the
# pre-commit hook and CI, with the report a contributor sees), mypy (its
# settings in pyproject.toml). Then the suite on every core (pytest-xdist,
# -n auto in pyproject.toml), measuring line and branch coverage of the
# package, the CLI runs the tests start included, and failing under the
# floor ([tool.coverage.report] fail_under).
test: lint
	$(BIN)/il76-claims fmt --check
	$(BIN)/mypy
	$(BIN)/python -m pytest -m "not slow" --cov --cov-report=term-missing:skip-covered

# The scale and exhaustive tests marked slow (a 2,000-record tree, a
# synthetic site, every single-field change through both schema engines);
# make test-all runs make test and these, as CI does.
test-slow: $(STAMP)
	$(BIN)/python -m pytest -m slow

test-all: test test-slow

# Lint and format check of the code (ruff, configured in pyproject.toml);
# `make format` rewrites the code into ruff's format.
lint: $(STAMP)
	$(BIN)/ruff check scripts tests benchmarks
	$(BIN)/ruff format --check scripts tests benchmarks

format: $(STAMP)
	$(BIN)/ruff format scripts tests benchmarks
	$(BIN)/ruff check --fix scripts tests benchmarks

# Regenerate every generated part of the docs (cog blocks) and the record
# templates; the tests fail when one is stale.
DOCS := $(shell grep -l '\[\[\[cog' README.md CONTRIBUTING.md docs/*.md)
docs: $(STAMP)
	$(BIN)/cog -r -U $(DOCS)
	$(BIN)/il76-claims new --update-templates

# The README's pictures of the site (docs/screenshots/), taken with headless
# Chromium from the site that `make` builds.
CHROMIUM ?= chromium
SHOT = $(CHROMIUM) --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run --hide-scrollbars
screenshots: build
	$(SHOT) --window-size=1280,900 --screenshot=docs/screenshots/home-1280.png file://$(CURDIR)/dist/site/index.html
	$(SHOT) --window-size=390,1600 --screenshot=docs/screenshots/claim-390.png file://$(CURDIR)/dist/site/claim-russia-notified-ukraine-of-flight.html

clean:
	rm -rf $(VENV) .build dist .pytest_cache .hypothesis

# Time check, build, fmt --check and site on synthetic trees of 1,000 to 100,000 records
# (see docs/performance.md); SIZES=1000,10000 RUNS=3 for a shorter run.
SIZES ?= 1000,10000,100000
RUNS  ?= 3
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py --sizes $(SIZES) --runs $(RUNS)

# Pack data/, datapackage.json, the build's copies under dist/ and the docs
# into dist/<name>-<version>.zip (reproducible; see docs/versioning.md).
# A GitHub release (.github/workflows/release.yml) runs scripts/release.sh.
release: build
	$(BIN)/il76-claims site --no-archived-text
	$(BIN)/il76-claims release

# The pull-request checks of .github/workflows/check.yml, on this machine.
.PHONY: ci-local
ci-local:
	PYTHON=$(PYTHON) scripts/ci-local.sh
