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

# The test suite, less the slow tests (test-slow runs those). In CI (CI=true, as .ci/run
# runs), or with COVERAGE=1, it measures coverage too and fails under 96 %: that makes it
# about 1.5 times slower, so a developer's `make test` leaves it out (`make coverage`).
COVERAGE ?= $(if $(filter true 1,$(CI)),1,)
test: $(TEST_STAMP)
	bash scripts/browser-deps.sh
	bash scripts/test-deps.sh
	$(BIN)/python -m pytest -q -m "not slow" $(if $(COVERAGE),--cov --cov-report=term)

coverage: $(TEST_STAMP)
	$(MAKE) test COVERAGE=1

# Tests that take seconds each: installing into a clean venv, concurrent builds, a
# progress bar on a real terminal, builds in worker processes.
test-slow: $(TEST_STAMP)
	$(BIN)/python -m pytest -q -m slow

lint: $(TEST_STAMP)
	$(BIN)/ruff check leaflet tests bench make_pdf.py
	$(BIN)/mypy

check: $(STAMP)
	$(BIN)/python make_pdf.py check

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf out
