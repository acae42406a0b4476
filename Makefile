# The two commands of the README: `make run` and `make test`. Both call `make install`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip

# Tests run against the real services, as production does (see .ci/run).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/hdh
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: install install-dev run test lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet --require-hashes -r requirements.lock
	touch $@

install-dev: $(VENV)/.installed-dev

$(VENV)/.installed-dev: requirements-dev.lock $(VENV)/.installed
	$(PIP) install --quiet --require-hashes -r requirements-dev.lock
	touch $@

run: install
	$(PY) manage.py runportal

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

test: install-dev lint
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(VENV)/bin/pytest -n $${PYTEST_WORKERS:-0} --dist loadgroup

bench: install-dev
	for b in bench/*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf var/ .pytest_cache
