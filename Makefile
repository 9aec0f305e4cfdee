# Two commands do everything on a machine that has only Python 3.11:
#   make reproduce   every notebook on every review in data/reviews/, with its appendix, into outputs/
#   make test        unit tests, notebook runs on every example, the wheel, nbval on the committed notebooks
# and, for contributors and students:
#   make unit        the quick tests (no notebooks, no wheel, no fuzzing), under a minute
#   make lab         JupyterLab on the notebooks; extra arguments with ARGS="--port 8899 --no-browser"
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
REVIEWS := $(sort $(wildcard data/reviews/*/))
# Empty: one notebook per core (synthesis's own default). `make reproduce JOBS=1` runs them one at a time.
JOBS   ?=
ARGS   ?=
# Spread the tests over the cores (the workers share the session's one notebook run: tests/conftest.py).
XDIST  := -n auto
NBVAL  := --nbval-lax --nbval-sanitize-with tests/sanitize.cfg
# JupyterLab refuses to start as root unless told.
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: all env reproduce test unit nbval lab notebooks bench clean

all: test

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Each extra is installed once, after the base install, and again only when pyproject.toml changes.
$(VENV)/.installed-%: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,$*]'
	touch $@

env: $(STAMP)

# Runs every review it finds; a review that fails is named at the end (exit 1) and does not stop the others.
reproduce: $(STAMP)
	$(BIN)/synthesis report $(REVIEWS) $(if $(JOBS),--jobs $(JOBS))

# nbval on the committed notebooks shares the run with the tests, so it overlaps them instead of following them;
# --dist loadfile keeps a file's items on one worker, so each notebook's cells run in order in one kernel.
test: $(STAMP)
	$(BIN)/python -m pytest tests notebooks $(XDIST) --dist loadfile $(NBVAL) -p no:cacheprovider

unit: $(STAMP)
	$(BIN)/python -m pytest tests $(XDIST) -p no:cacheprovider -m "not notebooks and not slow and not fuzz"

nbval: $(STAMP)
	$(BIN)/python -m pytest $(NBVAL) -p no:cacheprovider notebooks

lab: $(VENV)/.installed-lab
	$(BIN)/jupyter lab notebooks $(LAB_ROOT) $(ARGS)

# Re-executes the committed notebooks on their defaults and strips volatile metadata.
notebooks: $(STAMP)
	$(BIN)/python -m synthesis.pipeline --refresh-committed
	$(BIN)/nbstripout --keep-output --keep-count --extra-keys "metadata.papermill cell.metadata.papermill cell.metadata.execution" notebooks/*.ipynb

bench: $(VENV)/.installed-bench
	$(BIN)/python bench/pipeline.py
	$(BIN)/python bench/dedup.py
	$(BIN)/python bench/import.py
	$(BIN)/python bench/tallies.py

clean:
	rm -rf outputs .pytest_cache
