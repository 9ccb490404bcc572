# The two commands of the quick start: `make run` and `make test`.
# Both set up everything they need: Debian packages, a virtualenv in .venv, npm packages.

VENV      := .venv
PY        := $(VENV)/bin/python
PYSTAMP   := $(VENV)/.installed
NPMSTAMP  := node_modules/.installed
HOST      ?= 127.0.0.1
PORT      ?= 8000
APT_PACKAGES := postgresql-15 chromium

.PHONY: run test setup system-packages lint check pytest pytest-postgres demo serve bench clean

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@$(PY) manage.py demo_accounts
	$(PY) manage.py runserver $(HOST):$(PORT)

test: setup lint check pytest pytest-postgres

setup: system-packages $(PYSTAMP) $(NPMSTAMP)
	@mkdir -p var

# Install only what is missing; apt-get needs root (CI and these machines run as root).
system-packages:
	@missing=""; \
	[ -x /usr/lib/postgresql/15/bin/initdb ] || missing="$$missing postgresql-15"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

$(VENV)/bin/python:
	python3 -m venv $(VENV)

$(PYSTAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@

$(NPMSTAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: setup
	DJANGO_ENV=test $(PY) manage.py check
	DJANGO_ENV=test $(PY) manage.py makemigrations --check --dry-run

pytest: setup
	$(VENV)/bin/pytest

pytest-postgres: setup
	$(PY) tests/with_postgres.py $(VENV)/bin/pytest

bench: setup
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules staticfiles var
