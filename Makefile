# Two commands do everything: `make pdf` builds every handout, `make test` runs the tests.
# Both set up what they need first (system libraries, .venv/ with pinned packages, fonts):
# `make pdf` only what the tool needs at run time (requirements.txt), `make test` also
# what the tests need (requirements-test.txt).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PIP := $(BIN)/pip install -q --disable-pip-version-check

.PHONY: setup pdf test coverage test-slow lint check bench clean

$(STAMP): requirements.txt pyproject.toml scripts/system-deps.sh
	bash scripts/system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt
	$(PIP) --no-deps -e .
	cd fonts && sha256sum --check --quiet SHA256SUMS
	cd profiles && sha256sum --check --quiet SHA256SUMS
	touch $(STAMP)

$(TEST_STAMP): $(STAMP) requirements-test.txt
	$(PIP) -r requirements.txt -r requirements-test.txt
	touch $(TEST_STAMP)

setup: $(STAMP)

# Every handout, and the extra-large edition of the kinds that have one (out/xl/).
# Both builds run even when the first reports a failure; the exit code is the worse one.
pdf: $(STAMP)
	@status=0; \
	$(BIN)/python make_pdf.py build || status=$$?; \
	$(BIN)/python make_pdf.py build --size xl || status=$$?; \
	exit $$status

# `make test` is the developer's quick layer: every test but the slow and browser ones
# (`make test-slow` runs those), spread over the cores (pytest-xdist, one file a worker).
# In CI (CI=true, as .ci/run runs) or with FULL=1 it runs every test and measures
# coverage, failing under 96 % (`make coverage`).
FULL ?= $(if $(filter true 1,$(CI) $(COVERAGE)),1,)
PYTEST := $(BIN)/python -m pytest -q -n auto --dist loadscope
test: $(TEST_STAMP)
	bash scripts/browser-deps.sh
	bash scripts/test-deps.sh
	$(PYTEST) $(if $(FULL),--cov --cov-report=term,-m "not slow and not browser")

coverage: $(TEST_STAMP)
	$(MAKE) test FULL=1

# System tests that take seconds each (installing into a clean venv, time and memory
# limits, worker pools, watch and serve) and the browser tests.
test-slow: $(TEST_STAMP)
	bash scripts/browser-deps.sh
	bash scripts/test-deps.sh
	$(PYTEST) -m "slow or browser"

lint: $(TEST_STAMP)
	$(BIN)/ruff check leaflet tests bench make_pdf.py
	$(BIN)/mypy

check: $(STAMP)
	$(BIN)/python make_pdf.py check

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf out
