# The two commands of the quick start: `make run` and `make test`.
# Both set up everything they need: Debian packages, a virtualenv in .venv, npm packages.

VENV      := .venv
PY        := $(VENV)/bin/python
PYSTAMP   := $(VENV)/.installed
PYDEPS    := $(VENV)/.dependencies
PIP_VERSION := 26.3
LOCK      := requirements.lock
NPMSTAMP  := node_modules/.installed
HOST      ?= 127.0.0.1
PORT      ?= 8000
# The public address in every absolute link (emails, feeds, the API): where `make run` serves.
SITE_URL  ?= http://$(HOST):$(PORT)

# Test processes (pytest-xdist): one per core; each gets its own test database. A worker
# that runs out of tests takes some from the other's queue (worksteal), so neither waits
# for the other at the end.
TEST_WORKERS ?= auto
PYTEST := $(VENV)/bin/pytest -n $(TEST_WORKERS) --dist worksteal

.PHONY: run test setup system-packages lint check pytest pytest-postgres bench lock clean FORCE

run: setup
	SITE_URL=$(SITE_URL) $(PY) manage.py migrate --noinput
	SITE_URL=$(SITE_URL) $(PY) manage.py load_demo
	@SITE_URL=$(SITE_URL) $(PY) manage.py demo_accounts
	SITE_URL=$(SITE_URL) $(PY) manage.py runserver $(HOST):$(PORT)

test: setup lint check pytest pytest-postgres

setup: system-packages $(PYSTAMP) $(NPMSTAMP)
	@mkdir -p var

# Install only what is missing; apt-get needs root (CI and these machines run as root).
system-packages:
	@missing=""; \
	[ -x /usr/lib/postgresql/15/bin/initdb ] || missing="$$missing postgresql-15"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v wrk >/dev/null 2>&1 || missing="$$missing wrk"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	python3 -c "import venv, ensurepip" >/dev/null 2>&1 || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

$(VENV)/bin/python:
	python3 -m venv $(VENV)

# What pip installs from: the [project] and [build-system] tables of pyproject.toml (the
# direct dependencies, pinned) and $(LOCK) (every indirect one). $(PYDEPS) holds their
# fingerprint and is rewritten only when it changes, so editing the tools' settings in
# pyproject.toml (pytest markers, ruff rules) installs nothing.
FINGERPRINT = $(PY) -c 'import hashlib, sys, tomllib; \
	project = tomllib.load(open("pyproject.toml", "rb")); \
	tables = repr([project["project"], project["build-system"]]).encode(); \
	print(hashlib.sha256(tables + open(sys.argv[1], "rb").read()).hexdigest())' $(LOCK)

$(PYDEPS): FORCE | $(VENV)/bin/python
	@$(FINGERPRINT) > $@.new
	@if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi

$(PYSTAMP): $(PYDEPS)
	$(PY) -m pip install --quiet pip==$(PIP_VERSION)
	$(PY) -m pip install --quiet -e ".[test]" -c $(LOCK)
	@touch $@

# Rewrite $(LOCK) from what is installed, after a change to pyproject.toml has been
# installed and tested (editable and local-path lines are this machine's, so left out).
lock: | $(VENV)/bin/python
	$(PY) -m pip install --quiet pip==$(PIP_VERSION)
	$(PY) -m pip install --quiet -e ".[test]"
	{ sed -n '/^#/p' $(LOCK); $(PY) -m pip freeze --exclude-editable | grep -v -e ' @ ' -e '^-e '; } > $(LOCK).new
	mv $(LOCK).new $(LOCK)
	@$(FINGERPRINT) > $(PYDEPS)
	@touch $(PYSTAMP)

$(NPMSTAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

# Django's system checks and migrations nobody wrote, in one start of Django:
# makemigrations runs every check `manage.py check` runs before it looks at the models.
check: setup
	DJANGO_SETTINGS_MODULE=hub.settings.test $(PY) manage.py makemigrations --check --dry-run

pytest: setup
	$(PYTEST)

# The tests that use the database, again on PostgreSQL (the others, from settings read in a
# fresh interpreter to the synthesis algorithms, give the same answer on any database).
pytest-postgres: setup
	$(PY) tests/with_postgres.py $(PYTEST) --database-tests-only

# The scripts that measure (bench/ also holds what they share: settings, builders, wrk's script).
BENCH_SCRIPTS := bench/section_comments.py bench/pages.py bench/imports.py bench/exports.py

bench: setup
	@for script in $(BENCH_SCRIPTS); do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules staticfiles var
