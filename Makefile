# Two commands do everything on a machine that has only Python 3.11:
#   make reproduce   every notebook on every example review, with its appendix, into outputs/
#   make test        unit tests, notebook runs on every example, nbval on the committed notebooks
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
REVIEWS := $(sort $(wildcard data/reviews/*))
JOBS   ?= 2

.PHONY: all env reproduce test unit nbval lab strip bench clean

all: test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

env: $(STAMP)

reproduce: $(STAMP)
	$(BIN)/synthesis report $(REVIEWS) --jobs $(JOBS)

test: $(STAMP)
	$(BIN)/python -m pytest tests
	$(BIN)/python -m pytest --nbval-lax --nbval-sanitize-with tests/sanitize.cfg -p no:cacheprovider notebooks

unit: $(STAMP)
	$(BIN)/python -m pytest tests -m "not notebooks"

nbval: $(STAMP)
	$(BIN)/python -m pytest --nbval-lax --nbval-sanitize-with tests/sanitize.cfg -p no:cacheprovider notebooks

lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,lab]'
	$(BIN)/jupyter lab notebooks

# Re-executes the committed notebooks on their defaults and strips volatile metadata.
notebooks: $(STAMP)
	$(BIN)/python -m synthesis.pipeline --refresh-committed
	$(BIN)/nbstripout --keep-output --keep-count --extra-keys "metadata.papermill cell.metadata.papermill cell.metadata.execution" notebooks/*.ipynb

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/pipeline.py
	$(BIN)/python bench/dedup.py
	$(BIN)/python bench/import.py
	$(BIN)/python bench/tallies.py

clean:
	rm -rf outputs .pytest_cache
