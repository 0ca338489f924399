# njbulletin: `make` on its own lists every target (the `## comment` above each rule).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
UV := $(BIN)/uv
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock
LOCK_OPTIONS := --universal --python-version 3.11 --quiet --annotation-style line --custom-compile-command "make lock"
MONTH ?=

.DEFAULT_GOAL := help
.PHONY: help install lock dictionary report ingest check test test-fast lint lab notebooks bench fuzz synth screenshot clean

## List every target with its description
help:
	@awk '/^## /{desc=substr($$0,4); next} /^[a-zA-Z_-]+:/{if(desc){split($$1,t,":"); printf "  \033[1m%-10s\033[0m %s\n", t[1], desc}; desc=""}' $(MAKEFILE_LIST)

# uv, at the version the lock pins, installs the lock; the lock is then all .venv holds besides pip and setuptools.
# --compile-bytecode: as pip does, so that no first run pays for compiling (or, with PYTHONDONTWRITEBYTECODE, every run).
$(UV):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "$$(grep -m1 -o '^uv==[^ ;]*' $(DEV_LOCK) || echo uv)"

$(INSTALLED): $(DEV_LOCK) pyproject.toml | $(UV)
	$(UV) pip sync --quiet --compile-bytecode --python $(BIN)/python $(DEV_LOCK)
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(INSTALLED)

## Create .venv with exactly the versions of requirements-dev.lock, then the project (other targets do this when needed)
install: $(INSTALLED)

## Refresh requirements.lock and requirements-dev.lock from pyproject.toml (UPGRADE=1 also moves locked versions to the newest)
lock: | $(UV)
	$(UV) pip compile pyproject.toml --extra dev $(LOCK_OPTIONS) $(if $(UPGRADE),--upgrade) -o $(DEV_LOCK)
	$(UV) pip compile pyproject.toml $(LOCK_OPTIONS) --constraint $(DEV_LOCK) -o $(LOCK)

## Regenerate docs/data-dictionary.md from the table contract (src/njbulletin/contract.py)
dictionary: $(INSTALLED)
	$(BIN)/python -m njbulletin.report.dictionary

## Run the main job: every notebook for each month in data/raw (MONTH=YYYY-MM for one), then print index.html's path
report: $(INSTALLED)
	$(BIN)/njbulletin run $(MONTH)
	@echo "reports: $(CURDIR)/reports/index.html"

## Validate every bulletin in data/raw: reconcile printed totals, list quality warnings (exit 1 on errors)
check: $(INSTALLED)
	$(BIN)/njbulletin check data/raw

## Run every test: lint and import layers, pytest over tests/, then nbval over the notebooks (data in a temporary folder)
test: lint
	$(BIN)/python -m pytest -n 2 --dist loadfile tests
	@scratch=$$(mktemp -d); trap 'rm -rf "$$scratch"' EXIT; \
	NJBULLETIN_PROCESSED=$$scratch/processed NJBULLETIN_REPORTS=$$scratch/reports NJBULLETIN_SCRATCH=$$scratch \
	$(BIN)/python -m pytest --nbval-lax --nbval-sanitize-with notebooks/nbval-sanitize.cfg -p no:cacheprovider notebooks

## The inner loop: lint, import layers and every test not marked slow (under a minute)
test-fast: lint
	$(BIN)/python -m pytest tests -m "not slow" -q

## ruff over the code and tests, and the import-linter contract (layers import only downwards)
lint: $(INSTALLED)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports

## Open JupyterLab on the project's environment, in notebooks/ (--allow-root only when run as root)
lab: $(INSTALLED)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

## Re-execute the notebooks in place as a hand run would (seed ingested in a temporary folder; writes to scratch/notebooks): refreshes the outputs nbval compares
notebooks: $(INSTALLED)
	@scratch=$$(mktemp -d); trap 'rm -rf "$$scratch" "$(CURDIR)/scratch/notebooks"' EXIT; \
	$(BIN)/njbulletin ingest data/raw/2024-11.txt --processed $$scratch/processed > /dev/null; \
	NJBULLETIN_PROCESSED=$$scratch/processed NJBULLETIN_REPORTS=$$scratch/reports \
	NJBULLETIN_SCRATCH="$(CURDIR)/scratch/notebooks" \
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.kernel_name=python3 \
		--ExecutePreprocessor.record_timing=False \
		notebooks/[0-9][0-9]-*.ipynb

## Measure the speed and memory targets; writes benchmarks/results.md
bench: $(INSTALLED)
	$(BIN)/python benchmarks/bench.py

## Long fuzzing campaign of the parser: 50,000 mutated bulletins per property (CI runs 2,200)
fuzz: $(INSTALLED)
	NJBULLETIN_FUZZ=long $(BIN)/python -m pytest tests/test_fuzz.py -q -s --hypothesis-show-statistics

## Write 24 synthetic months and their expected figures to /tmp/njbulletin-synthetic (OUT=DIR SEED=S to change)
synth: $(INSTALLED)
	$(BIN)/njbulletin synth --months 24 --out $(or $(OUT),/tmp/njbulletin-synthetic) --seed $(or $(SEED),0)

## Run the seed month into a scratch folder and save docs/report-screenshot.png with headless Chromium
screenshot: $(INSTALLED)
	$(BIN)/python -m njbulletin.report.screenshot docs/report-screenshot.png

## Remove generated data and reports (never data/raw)
clean:
	rm -rf data/processed/*/ reports/
