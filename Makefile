# One-command entry points. `make study` and `make test` create (or reuse) .venv on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | cksum | cut -d' ' -f1)
CORES  ?= 2
ARGS   ?=

.PHONY: help install study demo test lint clean-demo

help:
	@echo "make study   run the whole study (raw files from \$$MEDROUTES_RAW_DIR or config raw_dir)"
	@echo "make demo    run the whole pipeline on the fixture files in tests/fixtures/raw"
	@echo "make test    run the test suite"
	@echo "make lint    ruff + snakemake --lint"

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

study: $(STAMP)
	$(BIN)/snakemake --cores $(CORES) $(ARGS)

demo: $(STAMP)
	env -u MEDROUTES_RAW_DIR $(BIN)/snakemake --cores $(CORES) --configfile config/config.yaml config/demo.yaml $(ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	env -u MEDROUTES_RAW_DIR $(BIN)/snakemake --lint --configfile config/config.yaml config/demo.yaml

clean-demo:
	rm -rf demo-results
