# PCC Grants. `make` or `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=
TEST_WORKERS ?= auto

.PHONY: help install run test lint format audit bench loadtest clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(BIN)/.installed ## Create the virtual environment and install the pinned dependencies

run: install ## Start with demo data on SQLite at http://127.0.0.1:8000, with a job worker beside it
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py load_demo
	@# The worker runs imports, e-mail and reports in the background; it stops with the server.
	DEBUG=1 $(BIN)/python manage.py db_worker --queue-name '*' & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install ## Run the whole test suite (DATABASE_URL picks the database; SQLite by default)
	$(BIN)/pytest --numprocesses $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install ## ruff check and ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

audit: install ## Security scans: bandit over the code, pip-audit over the dependencies
	$(BIN)/bandit -q -c pyproject.toml -r .
	$(BIN)/python scripts/pip_audit.py

loadtest: install ## 50 clients for 60 s on public and signed-in staff pages, under gunicorn (needs wrk)
	scripts/loadtest.sh

format: install ## Reformat the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

BENCH_SCALE ?= 1
BENCH_ARGS ?=
# Options of generate_bulk_data, e.g. "--pdfs sample" (a placeholder PDF for most
# published records) to generate scale 5 in minutes rather than an hour.
BENCH_DATA_ARGS ?=
BENCH_DATABASE_URL := $(or $(DATABASE_URL),sqlite:///$(CURDIR)/bench/bench.sqlite3)
BENCH_MEDIA_ROOT := $(or $(MEDIA_ROOT),$(CURDIR)/bench/media)

bench: install ## Benchmark every page on bulk data (DATABASE_URL or bench/bench.sqlite3; BENCH_SCALE=1)
	mkdir -p bench
	export DEBUG=1 DATABASE_URL="$(BENCH_DATABASE_URL)" MEDIA_ROOT="$(BENCH_MEDIA_ROOT)" && \
	$(BIN)/python manage.py migrate --no-input && \
	$(BIN)/python manage.py generate_bulk_data --if-empty --scale $(BENCH_SCALE) $(BENCH_DATA_ARGS) && \
	$(BIN)/python manage.py bench $(BENCH_ARGS)

clean: ## Remove the virtual environment, SQLite database, collected static files and the demo certificate
	rm -rf $(VENV) db.sqlite3 staticfiles var *.egg-info
