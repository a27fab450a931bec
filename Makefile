# SoulSpot: `make run` to use it, `make test` to check it. Everything installs itself.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?= -n 2

.PHONY: run test install install-dev system-deps lint check test-sqlite test-postgres demo bench clean

run: install
	$(PY) manage.py serve

install: $(VENV)/.installed-runtime
$(VENV)/.installed-runtime: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

install-dev: $(VENV)/.installed-dev
$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed-runtime
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

system-deps:
	./.ci/install-system-deps

test: install-dev system-deps lint check test-sqlite test-postgres

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check:
	SOULSPOT_DATA_DIR=$$(mktemp -d) $(PY) manage.py makemigrations --check --dry-run
	SOULSPOT_DATA_DIR=$$(mktemp -d) $(PY) manage.py check

test-sqlite:
	@echo "== tests on SQLite =="
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test-postgres:
	@echo "== tests on PostgreSQL =="
	./.ci/with-postgres $(VENV)/bin/pytest $(PYTEST_ARGS) || { rc=$$?; [ $$rc -eq 97 ] || exit $$rc; }

demo: install-dev system-deps
	SOULSPOT_DATA_DIR=$${SOULSPOT_DATA_DIR:-./data/demo} $(PY) manage.py demo

bench: install-dev
	$(PY) bench/matching.py
	$(PY) bench/scan.py
	$(PY) bench/import.py
	$(PY) bench/list_import.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
