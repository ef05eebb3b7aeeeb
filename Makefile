# xact — two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian packages the portal needs: a Japanese font for PDFs, gettext for compiling translations,
# libmagic for checking uploads by content; Chromium only for the browser tests.
SYSTEM_PACKAGES := fonts-ipaexfont-gothic gettext libmagic1
TEST_SYSTEM_PACKAGES := chromium

.PHONY: run test venv system-deps test-system-deps node-deps messages migrate seed worker lint clean

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11+ is needed ($(PYTHON) not found). Set PYTHON=python3.x"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test]'
	# the matching engine's Japanese word vectors (chiVe, inside the ja-ginza wheel): only its data files are read,
	# so none of its NLP dependencies (spaCy, SudachiPy) is installed — about 76 MB instead of several hundred
	$(PIP) install --quiet --no-deps 'ja-ginza==5.3.0'
	touch $@

venv: $(VENV)/.installed

system-deps:
	@bash bin/system-deps $(SYSTEM_PACKAGES)

test-system-deps:
	@bash bin/system-deps $(TEST_SYSTEM_PACKAGES)

# Test-only JavaScript (axe-core for the accessibility checks), pinned in package-lock.json; never served to users.
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is needed for the browser tests' accessibility checks. Install it with:"; \
	  echo "  sudo apt-get install -y npm"; exit 1; }
	npm ci --no-audit --no-fund --silent
	@touch $@

node-deps: node_modules/.package-lock.json

# Translations: the catalogue is assembled from per-area parts and compiled here, never by hand.
messages: venv
	@bash bin/messages

migrate: venv messages
	mkdir -p var
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: system-deps seed
	@echo "Starting the task worker and the web server on http://$(HOST):$(PORT)/ (Ctrl-C stops both)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(PY) manage.py run_worker --queue-name '*' & \
	  $(PY) manage.py runserver $(HOST):$(PORT)

# One worker per core. `--dist load` hands tests out in collection order, which pytest-django sorts so that
# transactional tests (they empty the database, migrations' data included) run after the others on each worker.
# The 25 slowest tests are listed at the end, so CI shows where its time goes.
TEST_WORKERS ?= auto
test: system-deps test-system-deps node-deps venv messages
	$(VENV)/bin/pytest -q -n $(TEST_WORKERS) --dist load --durations=25

# style, then the guard rails: imports follow the app chain (pyproject [tool.importlinter]), types check
# (pyproject [tool.mypy]: the matching engine and the services)
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

clean:
	rm -rf var .pytest_cache .ruff_cache .mypy_cache .import_linter_cache .grimp_cache
