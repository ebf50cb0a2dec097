# Two commands: `make run` serves the API on the demo data; `make test` runs the checks. Both set themselves up.
# `make bench` prints the benchmarks' figures (long); `make bench-quick` runs the same code at CI size (minutes).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PW := $(BIN)/parrotwatch
STAMP := $(VENV)/.installed
export PARROTWATCH_DATA_DIR ?= var
export PARROTWATCH_MODELS_DIR ?= models
DEMO := $(PARROTWATCH_DATA_DIR)/demo

.PHONY: run test install lint demo model active-model demo-model clean browser postgres bench bench-quick compiled

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Where PYTHONDONTWRITEBYTECODE is set (this machine sets it), Python keeps no compiled copy of what it imports, and
# every process (test servers, CLI children, worker processes) compiled the project's modules again: 1.6 s each. pip
# compiled the dependencies; this compiles the project, again only where a source changed.
compiled: $(STAMP)
	$(BIN)/python -m compileall -q detector ingest service training

$(DEMO)/accounts.jsonl: | $(STAMP)
	$(PW) demo-data --out $(DEMO)

demo: $(DEMO)/accounts.jsonl

# Put the demo accounts into the local store, where the API looks handles up (importing again adds nothing).
IMPORTED := $(PARROTWATCH_DATA_DIR)/.demo-imported
$(IMPORTED): $(DEMO)/accounts.jsonl
	$(PW) import $(DEMO)/accounts.jsonl
	touch $@

# The demo's labels, in the labels folder where `retrain` and POST /v1/training-runs read labels (copied once).
DEMO_LABELS := $(PARROTWATCH_DATA_DIR)/labels/demo.csv
$(DEMO_LABELS): | $(DEMO)/accounts.jsonl
	mkdir -p $(dir $@)
	cp $(DEMO)/labels.csv $@

# The shipped default model is committed (models/default-*, named by models/ACTIVE): `make run` serves it as is.
# Should a registry have no active version (PARROTWATCH_MODELS_DIR elsewhere), the synthetic demo model is trained.
active-model: demo
	test -s $(PARROTWATCH_MODELS_DIR)/ACTIVE || $(PW) train --input $(DEMO)/accounts.jsonl --labels $(DEMO)/labels.csv --activate

# Rebuild the shipped default from every labeled real set in ../shared/data (see training/recipes/default.yaml), with
# fixed seeds: the same files give the same scores. Prints every split's figures beside the TF-IDF baseline.
RECIPE ?= training/recipes/default.yaml
model: $(STAMP)
	$(PW) train --recipe $(RECIPE) --activate --name default

# The synthetic-only model, as a demo of training from files (never the default).
demo-model: demo
	$(PW) train --input $(DEMO)/accounts.jsonl --labels $(DEMO)/labels.csv

# A local admin key for `make run`, made once (the server stores only its hash). PARROTWATCH_ADMIN_KEY wins if set.
ADMIN_KEY_FILE := $(PARROTWATCH_DATA_DIR)/admin.key
$(ADMIN_KEY_FILE): | $(STAMP)
	mkdir -p $(PARROTWATCH_DATA_DIR)
	umask 077 && $(BIN)/python -c "import secrets; print('pw_local_' + secrets.token_urlsafe(32))" > $@

run: active-model $(IMPORTED) $(DEMO_LABELS) $(ADMIN_KEY_FILE) compiled
	@echo "API key: every /v1 request needs 'Authorization: Bearer KEY'. The admin key of this server is"
	@echo "PARROTWATCH_ADMIN_KEY if you set it, else the one in $(ADMIN_KEY_FILE), e.g.:"
	@echo '  curl -H "Authorization: Bearer $$(cat $(ADMIN_KEY_FILE))" http://127.0.0.1:$(or $(PARROTWATCH_PORT),8000)/v1/models'
	@echo "More keys: $(PW) keys create --role analyst --name NAME"
	PARROTWATCH_ADMIN_KEY="$${PARROTWATCH_ADMIN_KEY:-$$(cat $(ADMIN_KEY_FILE))}" $(PW) serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint Dockerfile

# The page's end-to-end test drives Debian's chromium through Playwright (in the dev extra); Playwright's own
# browser download cannot work offline, so the browser comes from apt, once. Without apt-get the test skips. A small
# CJK font (1.6 MB download) follows, best effort, so the test's screenshots show Chinese posts as text, not boxes.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_INSTALL := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 \
  --no-install-recommends
browser:
	@test -x /usr/bin/chromium || { \
	  if command -v apt-get >/dev/null; then \
	    $(SUDO) apt-get update -qq && $(APT_INSTALL) chromium; \
	  else echo "no apt-get here: install chromium at /usr/bin/chromium, or the browser test skips"; fi; }
	@fc-list :lang=zh 2>/dev/null | grep -q . || ! command -v apt-get >/dev/null || \
	  $(APT_INSTALL) fonts-wqy-microhei || { $(SUDO) apt-get update -qq && $(APT_INSTALL) fonts-wqy-microhei; } || \
	  echo "no CJK font installed: the browser test's screenshots show Chinese posts as boxes"

# A throwaway PostgreSQL server for the tests' second database: Debian's package, installed once; a cluster under
# /tmp on its own port, trust auth on loopback only, run as the `postgres` user when we are root (it refuses root).
PG_PORT ?= 55432
PG_DATA ?= /tmp/parrotwatch-pg-$(PG_PORT)
export TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:$(PG_PORT)/postgres
PG_AS := $(if $(filter 0,$(shell id -u)),runuser -u postgres --,)
postgres:
	@ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 \
	    --no-install-recommends postgresql; }
	@bin=$$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1); \
	test -s $(PG_DATA)/PG_VERSION || { \
	  mkdir -p $(PG_DATA) && $(if $(PG_AS),chown postgres $(PG_DATA) &&) \
	  $(PG_AS) $$bin/initdb -D $(PG_DATA) -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null; } && \
	{ $(PG_AS) $$bin/pg_ctl -D $(PG_DATA) status >/dev/null || \
	  $(PG_AS) $$bin/pg_ctl -D $(PG_DATA) -l $(PG_DATA)/server.log -w start \
	    -o "-p $(PG_PORT) -k $(PG_DATA) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" >/dev/null; }
	@echo "PostgreSQL for the tests: $(TEST_POSTGRES_URL)"

# The suite runs on every core (TEST_WORKERS=1 for one process); the tests of a file stay on one worker, which
# shares their module fixtures (trained models, generated corpora). The service's database tests (jobs and their
# SIGKILL recovery, migrations, retention, the tables: BOTH_DATABASES in tests/database_fixtures.py) run twice in the
# same session, on SQLite and on the PostgreSQL server `make postgres` started.
TEST_WORKERS ?= auto
test: lint browser postgres compiled
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

# The QUT coordination-network-toolkit is coordination's yardstick: it gets a venv of its own, never the project's.
PEER_VENV ?= /tmp/cnt-venv
PEER := $(PEER_VENV)/.installed
$(PEER):
	test -x $(PEER_VENV)/bin/python || $(PYTHON) -m venv $(PEER_VENV)
	$(PEER_VENV)/bin/python -m pip install --quiet coordination-network-toolkit==1.5.2
	touch $@

BENCH_COORDINATION := $(BIN)/python bench/coordination.py --toolkit-python $(PEER_VENV)/bin/python
bench: active-model $(PEER)
	$(BENCH_COORDINATION)
	$(BIN)/python bench/throughput.py --repeat 3
	$(BIN)/python bench/scale.py --accounts 2000
	$(BIN)/python bench/api_latency.py
	$(BIN)/python bench/train_scale.py
	$(BIN)/python bench/storage_soak.py

bench-quick: active-model $(PEER)
	$(BENCH_COORDINATION) --sizes 10000 --peer-max 10000
	$(BIN)/python bench/throughput.py --accounts 300 --posts 50
	$(BIN)/python bench/scale.py --accounts 200
	$(BIN)/python bench/api_latency.py --quick
	$(BIN)/python bench/train_scale.py --quick
	$(BIN)/python bench/storage_soak.py --quick

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
