# Everything a fresh clone needs: `make run` and `make test` set up .venv themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# What users get: the wheel, installed with its dependencies in a venv of its own (tests/test_installed.py)
WHEEL_VENV := .venv-wheel
# The CPU build that is on disk here; an unpinned torch pulls a multi-GB CUDA build.
# Choose another build with e.g.  make TORCH_SPEC="torch==2.13.0 --index-url <your index>" test
TORCH_SPEC ?= torch==2.13.0

.PHONY: run test wheel lint format bench atlas clean

$(BIN)/actcheck: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet $(TORCH_SPEC)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

run: $(BIN)/actcheck
	$(BIN)/actcheck all

# the venv of the installed wheel: its dependencies resolved from the wheel's own metadata, once
$(WHEEL_VENV)/bin/actcheck: pyproject.toml | wheel
	rm -rf $(WHEEL_VENV)
	$(PYTHON) -m venv $(WHEEL_VENV)
	$(WHEEL_VENV)/bin/pip install --quiet --upgrade pip
	$(WHEEL_VENV)/bin/pip install --quiet $(TORCH_SPEC)
	$(WHEEL_VENV)/bin/pip install --quiet dist/actcheck-*.whl

wheel: $(BIN)/actcheck
	rm -rf dist
	$(BIN)/pip wheel --quiet --no-deps --wheel-dir dist .

test: $(BIN)/actcheck wheel $(WHEEL_VENV)/bin/actcheck
	$(BIN)/ruff check actcheck tests bench tools
	$(BIN)/ruff format --check actcheck tests bench tools
	$(WHEEL_VENV)/bin/pip install --quiet --no-deps --force-reinstall dist/actcheck-*.whl
	ACTCHECK_INSTALLED=$(abspath $(WHEEL_VENV)) ACTCHECK_WHEEL_DIR=$(abspath dist) $(BIN)/python -m pytest

format: $(BIN)/actcheck
	$(BIN)/ruff format actcheck tests bench tools
	$(BIN)/ruff check --fix actcheck tests bench tools

bench: $(BIN)/actcheck
	$(BIN)/python bench/bench.py

# the published float32 atlas (docs/atlas-float32.md): ATLAS_EXHAUSTIVE names the activations swept
# over every float32 value ("all": the whole atlas, hours on two cores), the rest sampled; finished
# tasks are kept in .atlas-store, so a stopped run resumes. ATLAS_OPTIONS: e.g. --scheduler tcp://host:8786
ATLAS_EXHAUSTIVE ?= all
ATLAS_OPTIONS ?=
atlas: $(BIN)/actcheck
	$(BIN)/python tools/atlas.py --exhaustive $(ATLAS_EXHAUSTIVE) $(ATLAS_OPTIONS)

clean:
	rm -rf $(VENV) $(WHEEL_VENV) dist .pytest_cache .ruff_cache
