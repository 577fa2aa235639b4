# olivebranch: two commands on a fresh machine
#   make run   - set up, import the bundled lists, run the main job on the bundled data
#   make test  - set up and run the test suite: every test on SQLite, then every test that uses
#                a store on PostgreSQL (OLIVEBRANCH_TEST_PG, or a throwaway server on loopback).
#                Tests that touch no store are back-end-independent: they run once (on SQLite);
#                running them again on PostgreSQL would prove nothing.
#                OLIVEBRANCH_TEST_PG_TESTS=fresh keeps on PostgreSQL only the tests on fresh
#                stores (no import of the bundled lists): a quicker check while developing.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export OLIVEBRANCH_HOME ?= $(CURDIR)/var
# Test processes (pytest-xdist): `auto` is one per CPU; TEST_WORKERS=0 runs in this process.
# Each worker has its own home, stores and PostgreSQL databases (tests/conftest.py); a module's
# tests stay on one worker (loadfile), so module fixtures are built once.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -q -rs -n $(TEST_WORKERS) --dist loadfile

.PHONY: setup sysdeps sysdeps-test run test test-sqlite test-postgresql lint bench serve clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

sysdeps:
	bash scripts/system-deps.sh run

sysdeps-test:
	bash scripts/system-deps.sh test

run: export COLUMNS := $(or $(COLUMNS),160)
run: setup sysdeps
	$(BIN)/olivebranch lists load-bundled
	$(BIN)/olivebranch lists status
	$(BIN)/olivebranch screen "Кирилл Дмитриев" --limit 3
	$(BIN)/olivebranch screen "Arctic LNG 2 LLC" --schema Company --limit 3
	$(BIN)/olivebranch assess --all
	$(BIN)/olivebranch scenario summary --chart var/scenarios-summary.svg

test: setup sysdeps-test
	$(BIN)/ruff check olivebranch tests bench scripts
	$(PYTEST) --backend sqlite
	$(BIN)/python tests/pgserver.py run -- $(PYTEST) --backend postgresql

test-sqlite: setup sysdeps-test
	$(PYTEST) --backend sqlite

test-postgresql: setup sysdeps-test
	$(BIN)/python tests/pgserver.py run -- $(PYTEST) --backend postgresql

serve: setup sysdeps
	$(BIN)/olivebranch lists load-bundled
	$(BIN)/olivebranch serve

bench: setup sysdeps
	$(BIN)/olivebranch lists load-bundled
	$(BIN)/python bench/match_quality.py
	$(BIN)/python bench/match_pairs.py
	$(BIN)/python bench/match_speed.py
	$(BIN)/python bench/ownership.py
	$(BIN)/python bench/scenarios.py
	$(BIN)/python bench/api_load.py --workers 2

lint: setup
	$(BIN)/ruff check olivebranch tests bench scripts

clean:
	rm -rf $(VENV) var test-artifacts
