# The two commands of the quick start: `make run` and `make test`.
# Both set up everything they need: Debian packages, a virtualenv in .venv, npm packages.

VENV      := .venv
PY        := $(VENV)/bin/python
PYSTAMP   := $(VENV)/.installed
PIP_VERSION := 26.3
LOCK      := requirements.lock
NPMSTAMP  := node_modules/.installed
HOST      ?= 127.0.0.1
PORT      ?= 8000
# The public address in every absolute link (emails, feeds, the API): where `make run` serves.
SITE_URL  ?= http://$(HOST):$(PORT)

# Test processes (pytest-xdist): one per core; each gets its own test database.
TEST_WORKERS ?= auto

.PHONY: run test setup system-packages lint check pytest pytest-postgres bench lock clean

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

# The direct dependencies are pinned in pyproject.toml, every indirect one in $(LOCK).
$(PYSTAMP): pyproject.toml $(LOCK) | $(VENV)/bin/python
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
	@touch $(PYSTAMP)

$(NPMSTAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

check: setup
	DJANGO_ENV=test $(PY) manage.py check
	DJANGO_ENV=test $(PY) manage.py makemigrations --check --dry-run

pytest: setup
	$(VENV)/bin/pytest -n $(TEST_WORKERS)

pytest-postgres: setup
	$(PY) tests/with_postgres.py $(VENV)/bin/pytest -n $(TEST_WORKERS)

# The scripts that measure (bench/ also holds what they share: settings, builders, wrk's script).
BENCH_SCRIPTS := bench/section_comments.py bench/pages.py

bench: setup
	@for script in $(BENCH_SCRIPTS); do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules staticfiles var
