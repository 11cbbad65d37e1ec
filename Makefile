# Caseline: `make run` for a local demo, `make test` for the whole suite. See README.md.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
DEMO_PASSWORD ?= caseline-demo-2026
export PORT

.PHONY: install run test lint typecheck clean assets

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Caseline needs Python 3.11 (found " + sys.version.split()[0] + ")")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The demo: the embedded PostgreSQL server (var/postgres/), kombu's filesystem broker (var/broker/), the web
# server, a Celery worker and beat in one terminal (demo/run.py). Ctrl-C stops all of it.
run: install
	@$(BIN)/python -m demo.run --port $(PORT) --password '$(DEMO_PASSWORD)'

# The whole suite, on PostgreSQL (DATABASE_URL, else 127.0.0.1:5432, else the embedded server in
# var/test-postgres/) and Redis (REDIS_URL, else 127.0.0.1:6379).
test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

# mypy with django-stubs and djangorestframework-stubs, configured in pyproject.toml ([tool.mypy]: strict flags
# on the services and the access modules).
typecheck: install
	$(BIN)/mypy

# Front-end assets from the npm registry (exact versions in package.json / package-lock.json), copied
# into static/vendor/ and committed, so `make run` and the tests need no npm. Re-run after a bump.
VENDOR := static/vendor
# axe-core runs only in the accessibility test (tests/e2e/test_accessibility.py): it goes beside the test,
# outside static/, so production never serves it.
TEST_VENDOR := tests/e2e/vendor
assets:
	npm ci --no-audit --no-fund
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/bootstrap $(VENDOR)/bootstrap-icons/fonts $(VENDOR)/htmx $(VENDOR)/chartjs
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map \
	   node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map \
	   node_modules/bootstrap/LICENSE $(VENDOR)/bootstrap/
	cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/LICENSE $(VENDOR)/bootstrap-icons/
	cp node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff2 \
	   $(VENDOR)/bootstrap-icons/fonts/
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE $(VENDOR)/htmx/
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/dist/chart.umd.min.js.map \
	   node_modules/chart.js/LICENSE.md $(VENDOR)/chartjs/
	rm -rf $(TEST_VENDOR) && mkdir -p $(TEST_VENDOR)/axe-core
	cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE $(TEST_VENDOR)/axe-core/

clean:
	rm -rf var/ staticfiles/ .pytest_cache
