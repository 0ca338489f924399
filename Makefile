# njbulletin: `make` on its own lists every target (the `## comment` above each rule).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
MONTH ?=

.DEFAULT_GOAL := help
.PHONY: help install report ingest check test lab notebooks bench fuzz synth screenshot clean

## List every target with its description
help:
	@awk '/^## /{desc=substr($$0,4); next} /^[a-zA-Z_-]+:/{if(desc){split($$1,t,":"); printf "  \033[1m%-10s\033[0m %s\n", t[1], desc}; desc=""}' $(MAKEFILE_LIST)

$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(INSTALLED)

## Create .venv and install the project with its dev extras (other targets do this when needed)
install: $(INSTALLED)

## Run the main job: every notebook for each month in data/raw (MONTH=YYYY-MM for one), then print index.html's path
report: $(INSTALLED)
	$(BIN)/njbulletin run $(MONTH)
	@echo "reports: $(CURDIR)/reports/index.html"

## Validate every bulletin in data/raw: reconcile printed totals, list quality warnings (exit 1 on errors)
check: $(INSTALLED)
	$(BIN)/njbulletin check $(wildcard data/raw/*.txt data/raw/*.pdf)

## Run every test: pytest over tests/, then nbval over the notebooks (their data goes to a temporary folder)
test: $(INSTALLED)
	$(BIN)/python -m pytest tests
	@scratch=$$(mktemp -d); trap 'rm -rf "$$scratch"' EXIT; \
	NJBULLETIN_PROCESSED=$$scratch/processed NJBULLETIN_REPORTS=$$scratch/reports \
	$(BIN)/python -m pytest --nbval-lax --nbval-sanitize-with notebooks/nbval-sanitize.cfg -p no:cacheprovider notebooks

## Open JupyterLab on the project's environment, in notebooks/ (--allow-root only when run as root)
lab: $(INSTALLED)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

## Re-execute the notebooks in place with their default parameters (refreshes the outputs nbval compares)
notebooks: $(INSTALLED)
	@scratch=$$(mktemp -d); trap 'rm -rf "$$scratch"' EXIT; \
	NJBULLETIN_PROCESSED=$$scratch/processed NJBULLETIN_REPORTS=$$scratch/reports \
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
