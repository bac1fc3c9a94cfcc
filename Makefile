# One-command entry points. `make study` and `make test` create (or reuse) .venv on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | cksum | cut -d' ' -f1)
CORES  ?=
CORES_FLAG = $(if $(CORES),--cores $(CORES))  # empty: the default profile's cores (profiles/default)
ARGS   ?=

# The release folder these Snakemake arguments write (the report goes there, beside the outputs):
# config files, then --configfile, then --config, merged as Snakemake merges them.
release_dir = $(or $(shell $(BIN)/python -m medroutes release-dir $(1)),$(error no release folder from these arguments (see above)))
DEMO   := --configfile config/config.yaml config/demo.yaml

.PHONY: help install study demo test lint recover benchmark benchmark-scale paper clean-demo figures refresh

help:
	@echo "make study   run the whole study (raw files from \$$MEDROUTES_RAW_DIR or config raw_dir)"
	@echo "make demo    run the whole pipeline on the fixture files in tests/fixtures/raw"
	@echo "make test    run the test suite"
	@echo "make lint    ruff + snakefmt --check + snakemake --lint"
	@echo "make figures redraw the figures whose code changed, from the release (no raw data needed)"
	@echo "make refresh bring the manifest, notebooks and report up to date after a redraw"
	@echo "make recover after a hard kill: release Snakemake's lock and redo interrupted jobs"
	@echo "make paper   build paper/example.tex with the release's numbers and figures (needs pdflatex; skipped without)"
	@echo "make benchmark  time a cold run, a no-op rerun, one figure and the one-process floor (needs MEDROUTES_RAW_DIR)"
	@echo "make benchmark-scale  the study on synthetic 1x, 4x, 16x copies of the raw data: time and memory per stage"

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# Plain snakemake reads profiles/default (all cores, a job interrupted mid-write is redone).
study: $(STAMP)
	$(BIN)/snakemake $(CORES_FLAG) $(ARGS)
	$(BIN)/snakemake $(CORES_FLAG) $(ARGS) --report $(call release_dir,$(ARGS))/report.html

demo: $(STAMP)
	env -u MEDROUTES_RAW_DIR $(BIN)/snakemake $(CORES_FLAG) $(DEMO) $(ARGS)
	env -u MEDROUTES_RAW_DIR $(BIN)/snakemake $(CORES_FLAG) $(DEMO) $(ARGS) \
		--report $(call release_dir,$(DEMO) $(ARGS))/report.html

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/snakefmt --check Snakefile workflow/rules
	env -u MEDROUTES_RAW_DIR $(BIN)/snakemake --lint $(DEMO)

# The author's loop: redraw figures from the release (the raw data are not needed once the release has
# taken them in), then bring the manifest, notebooks and report up to date, so `medroutes verify` passes.
figures: $(STAMP)
	$(BIN)/snakemake $(CORES_FLAG) figures $(ARGS)

refresh: $(STAMP)
	$(BIN)/snakemake $(CORES_FLAG) $(ARGS)
	$(BIN)/snakemake $(CORES_FLAG) $(ARGS) --report $(call release_dir,$(ARGS))/report.html

# After a hard kill (kill -9, a lost node) Snakemake keeps its lock: release it, then redo what was cut.
# Manual on purpose: the lock is what stops two runs writing one release at once.
recover: $(STAMP)
	$(BIN)/snakemake --unlock $(ARGS)
	$(BIN)/snakemake $(CORES_FLAG) --rerun-incomplete $(ARGS)

# The example document (paper/example.tex) against the configured release's numbers and figures.
paper: $(STAMP)
	bash paper/build.sh $(call release_dir,$(ARGS))

benchmark: $(STAMP)
	$(BIN)/python bench/benchmark.py --cores $(or $(CORES),2)

# The whole study on synthetic copies of every public source at 1x, 4x and 16x its real size, written in
# each source's own format into a temporary folder (bench/synthetic_scale.py); FACTORS="1 4" for fewer.
benchmark-scale: $(STAMP)
	MEDROUTES_RAW_DIR=$${MEDROUTES_RAW_DIR:-../shared/data} $(BIN)/python bench/benchmark_scale.py \
		--cores $(or $(CORES),2) $(if $(FACTORS),--factors $(FACTORS))

clean-demo:
	rm -rf demo-results
