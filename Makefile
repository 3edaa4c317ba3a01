# The CSR Action Table: the two everyday commands are `make run` and `make test`.
# GNU make. Everything runs from the project's own virtualenv (.venv), created on demand.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# Touched after a successful install: pip runs again only when a requirements file changes.
STAMP := $(VENV)/.requirements-installed
ADDR ?= 127.0.0.1:8000
PYTEST_ARGS ?=

# The development server and the developer commands run with DEBUG on (which gives a
# development SECRET_KEY). Tests set their own production-like environment (pyproject.toml).
DEV_ENV := DEBUG=true

# Translations: compiled with gettext's msgfmt when it is installed. Without it the
# committed .mo files are used as they are (so `make run` needs nothing but Python 3).
PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)
MSGFMT := $(shell command -v msgfmt 2>/dev/null)

DEMO_USERS := editor moderator partner editor-vratsa admin

# The load test's own virtualenv: locust and its dependencies stay out of .venv, so
# that they can never change what the app and the tests run on.
LOAD_VENV ?= .venv-load
LOAD_STAMP := $(LOAD_VENV)/.requirements-installed
DURATION ?= 60

.PHONY: help run test lint format migrations-check deploy-check messages compilemessages \
	venv clean distclean backup restore audit loadtest bench

help:
	@echo "make run               set up .venv, migrate, load demo data, start http://$(ADDR)/"
	@echo "make test              the whole test suite (SQLite; PostgreSQL when DATABASE_URL is set)"
	@echo "                       extra pytest arguments: make test PYTEST_ARGS='-k admin -x'"
	@echo "make lint              ruff check and ruff format --check"
	@echo "make format            ruff format and ruff check --fix"
	@echo "make migrations-check  fail when a model change has no migration"
	@echo "make deploy-check      manage.py check --deploy with production-like settings"
	@echo "make messages          update locale/bg/LC_MESSAGES/django.po and compile it"
	@echo "make backup            back up the database (DATABASE_URL) to backups/<time>.dump|.sqlite3"
	@echo "make restore FILE=...  restore a backup into the database (asks first; YES=1 does not)"
	@echo "make audit             pip-audit of the requirements for known vulnerabilities"
	@echo "make loadtest          gunicorn + PostgreSQL under locust, 20 users (DURATION=60 seconds)"
	@echo "make bench             time the table, the workbook and the import against peers"
	@echo "                       (SIZE=5000 actions, REPEAT=5; bench/results.json)"
	@echo "make clean             remove caches and collected static files"
	@echo "make distclean         clean, and remove .venv and the SQLite database"

$(PY):
	@$(PYTHON) -m venv $(VENV) || { \
		echo "Could not create $(VENV) with $(PYTHON): is it installed? (Debian also needs python3-venv)" >&2; \
		rm -rf $(VENV); exit 1; }

$(STAMP): requirements.txt requirements-dev.txt requirements-bench.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check --quiet -r requirements-dev.txt
	@touch $@

venv: $(STAMP)

# Only the .mo files older than their .po are rebuilt, so a second run changes nothing.
compilemessages: $(MO_FILES)

%.mo: %.po
ifneq ($(MSGFMT),)
	$(MSGFMT) --check-format -o $@ $<
else
	@if [ -f $@ ]; then \
		echo "msgfmt not found (apt-get install gettext): using the committed $@ as it is"; \
	else \
		echo "msgfmt not found (apt-get install gettext) and $@ is missing: the UI falls back to English" >&2; \
	fi
endif

run: $(STAMP) compilemessages
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py load_demo
	@echo
	@echo "  The CSR Action Table runs at http://$(ADDR)/  (admin: http://$(ADDR)/admin/)"
	@echo "  Demo logins, all with password 'demo': $(DEMO_USERS)"
	@echo "  A task worker (manage.py db_worker) runs beside it. Stop both with Ctrl-C."
	@echo
	@$(DEV_ENV) $(PY) manage.py db_worker & worker=$$!; \
		trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
		$(DEV_ENV) $(PY) manage.py runserver $(ADDR)

test: $(STAMP) compilemessages
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: $(STAMP)
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

# A fresh random key each time: the check must pass with any real secret.
deploy-check: $(STAMP)
	env -u SECURE_SSL_REDIRECT -u SECURE_HSTS_SECONDS -u SECURE_HSTS_PRELOAD \
		-u SECURE_HSTS_INCLUDE_SUBDOMAINS \
		DEBUG=false \
		SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
		ALLOWED_HOSTS=example.org \
		CSRF_TRUSTED_ORIGINS=https://example.org \
		SITE_URL=https://example.org \
		$(PY) manage.py check --deploy --fail-level WARNING

# makemessages needs gettext (xgettext, msgmerge); Django says so clearly when it is missing.
messages: $(STAMP)
	mkdir -p locale
	$(DEV_ENV) $(PY) manage.py makemessages --locale bg --extension html,txt,py \
		--ignore '$(VENV)/*' --ignore 'staticfiles/*' --ignore 'node_modules/*'
	$(MAKE) compilemessages

backup: $(STAMP)
	$(PY) scripts/backup.py

restore: $(STAMP)
	@if [ -z "$(FILE)" ]; then echo "usage: make restore FILE=backups/<file> [YES=1]" >&2; exit 2; fi
	$(PY) scripts/restore.py "$(FILE)" $(if $(YES),--yes)

audit: $(STAMP)
	$(PY) scripts/audit.py

$(LOAD_STAMP): requirements-load.txt
	@$(PYTHON) -m venv $(LOAD_VENV)
	$(LOAD_VENV)/bin/python -m pip install --disable-pip-version-check --quiet -r requirements-load.txt
	@touch $@

# Not part of `make test`: it needs PostgreSQL (LOADTEST_PG_URL, default
# postgres://postgres@127.0.0.1:5432), where it creates and drops a database of its own.
loadtest: $(STAMP) $(LOAD_STAMP)
	DURATION=$(DURATION) PY=$(PY) LOCUST=$(LOAD_VENV)/bin/locust bash scripts/loadtest/run.sh

# In a throwaway database (SQLite in a temporary directory, or a new PostgreSQL database
# when DATABASE_URL points to one); bench/README.md says what the figures mean.
SIZE ?= 5000
REPEAT ?= 5
bench: $(STAMP) compilemessages
	$(PY) -m bench --size $(SIZE) --repeat $(REPEAT)

clean:
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -print0 | xargs -0 rm -rf
	rm -rf .pytest_cache .ruff_cache .hypothesis staticfiles

distclean: clean
	rm -rf $(VENV) $(LOAD_VENV) db.sqlite3 db.sqlite3-journal db.sqlite3-wal db.sqlite3-shm
