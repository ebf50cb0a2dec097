# Two commands: `make run` serves the API on the demo data; `make test` runs the checks. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PW := $(BIN)/parrotwatch
STAMP := $(VENV)/.installed
export PARROTWATCH_DATA_DIR ?= var
export PARROTWATCH_MODELS_DIR ?= models
DEMO := $(PARROTWATCH_DATA_DIR)/demo

.PHONY: run test install lint demo model clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(DEMO)/accounts.jsonl: | $(STAMP)
	$(PW) demo-data --out $(DEMO)

demo: $(DEMO)/accounts.jsonl

# Put the demo accounts into the local store, where the API looks handles up (importing again adds nothing).
IMPORTED := $(PARROTWATCH_DATA_DIR)/.demo-imported
$(IMPORTED): $(DEMO)/accounts.jsonl
	$(PW) import $(DEMO)/accounts.jsonl
	touch $@

# Train the default model only when the registry has no active version.
model: demo
	test -s $(PARROTWATCH_MODELS_DIR)/ACTIVE || $(PW) train --input $(DEMO)/accounts.jsonl --labels $(DEMO)/labels.csv --activate

run: model $(IMPORTED)
	$(PW) serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint Dockerfile

test: lint
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
