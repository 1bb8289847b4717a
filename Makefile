# Two commands do everything: `make pdf` builds every handout, `make test` runs the tests.
# Both set up what they need first (system libraries, .venv/ with pinned packages, fonts).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup pdf test check bench clean

$(STAMP): requirements.txt scripts/system-deps.sh
	bash scripts/system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	cd fonts && sha256sum --check --quiet SHA256SUMS
	cd profiles && sha256sum --check --quiet SHA256SUMS
	touch $(STAMP)

setup: $(STAMP)

# Every handout, and the extra-large edition of the kinds that have one (out/xl/).
# Both builds run even when the first reports a failure; the exit code is the worse one.
pdf: $(STAMP)
	@status=0; \
	$(BIN)/python make_pdf.py build || status=$$?; \
	$(BIN)/python make_pdf.py build --size xl || status=$$?; \
	exit $$status

test: $(STAMP)
	bash scripts/browser-deps.sh
	$(BIN)/python -m pytest -q

check: $(STAMP)
	$(BIN)/python make_pdf.py check

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf out
