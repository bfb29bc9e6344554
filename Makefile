# Everything a fresh clone needs: `make run` and `make test` set up .venv themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The CPU build that is on disk here; an unpinned torch pulls a multi-GB CUDA build.
# Choose another build with e.g.  make TORCH_SPEC="torch==2.13.0 --index-url <your index>" test
TORCH_SPEC ?= torch==2.13.0

.PHONY: run test lint format bench clean

$(BIN)/actcheck: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet $(TORCH_SPEC)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

run: $(BIN)/actcheck
	$(BIN)/actcheck all

test: $(BIN)/actcheck
	$(BIN)/ruff check actcheck tests bench tools
	$(BIN)/ruff format --check actcheck tests bench tools
	$(BIN)/python -m pytest

format: $(BIN)/actcheck
	$(BIN)/ruff format actcheck tests bench tools
	$(BIN)/ruff check --fix actcheck tests bench tools

bench: $(BIN)/actcheck
	$(BIN)/python bench/bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
