# Two commands: `make run` serves the API on the demo data; `make test` runs the checks. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PW := $(BIN)/parrotwatch
STAMP := $(VENV)/.installed
DEMO := var/demo
export PARROTWATCH_DATA_DIR ?= var
export PARROTWATCH_MODELS_DIR ?= models

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

# Train the default model only when the registry has no active version.
model: demo
	test -s $(PARROTWATCH_MODELS_DIR)/ACTIVE || $(PW) train --input $(DEMO)/accounts.jsonl --labels $(DEMO)/labels.csv --activate

run: model
	$(PW) serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint Dockerfile

test: lint
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
