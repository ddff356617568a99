# The front door. `make run` and `make test` set everything up on a fresh machine that
# has python3 (3.11+) and node; see README.md.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test serve install assets migrate demo worker scheduler lint format typecheck messages bench clean

install: $(VENV)/.installed assets

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.lock | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# USWDS and htmx are copied from npm's dist folders, never edited (docs/adr/0002).
assets: ihss/static/vendor/.copied

ihss/static/vendor/.copied: node_modules/.installed
	rm -rf ihss/static/vendor
	mkdir -p ihss/static/vendor/uswds ihss/static/vendor/htmx
	cp -R node_modules/@uswds/uswds/dist/css node_modules/@uswds/uswds/dist/js \
	      node_modules/@uswds/uswds/dist/img node_modules/@uswds/uswds/dist/fonts \
	      ihss/static/vendor/uswds/
	cp node_modules/htmx.org/dist/htmx.min.js ihss/static/vendor/htmx/
	touch $@

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo

# Web server, background-task worker and scheduler (reminders, outbox sweep) together;
# Ctrl-C stops all three.
run: demo
	@echo "Starting the portal on http://localhost:$(PORT)/, the task worker and the scheduler (Ctrl-C stops them)."
	@trap 'kill 0' INT TERM EXIT; \
	export PORTAL_BASE_URL=$${PORTAL_BASE_URL:-http://localhost:$(PORT)}; \
	$(PY) manage.py db_worker --interval 1 & \
	$(PY) manage.py run_scheduler --interval 30 & \
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: install
	$(PY) manage.py db_worker

scheduler: install
	$(PY) manage.py run_scheduler

# Production-like: gunicorn + WhiteNoise, DEBUG off, for local load tests.
serve: migrate
	IHSS_ENV=development DEBUG=false $(PY) manage.py collectstatic --noinput -v0
	@trap 'kill 0' INT TERM EXIT; \
	DEBUG=false $(PY) manage.py db_worker --interval 1 & \
	DEBUG=false $(PY) manage.py run_scheduler --interval 30 & \
	DEBUG=false $(BIN)/gunicorn -c gunicorn.conf.py ihss.wsgi:application --bind $(HOST):$(PORT) \
	  --workers $${WEB_CONCURRENCY:-3} --access-logfile - --log-level warning

# Lint, types, the whole suite on SQLite, then on a throwaway PostgreSQL, and the
# browser tests in Chromium. Missing PostgreSQL or Chromium is a skip, or with
# CI=true, a failure.
test: install
	$(PY) scripts/run_tests.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install
	$(BIN)/mypy ihss

messages: install
	cd ihss && ../$(PY) ../manage.py makemessages -l es --no-obsolete --no-location --ignore 'static/*'
	$(PY) manage.py compilemessages --ignore '.venv' --ignore 'node_modules'

# The payroll benchmark needs PostgreSQL (DATABASE_URL) and skips itself otherwise; the
# whole state (PAYROLL_SCALE=1) takes about ten minutes, a hundredth of it seconds.
PAYROLL_SCALE ?= 0.01

bench: install
	$(PY) bench/import_cases.py
	$(PY) bench/payroll.py --scale $(PAYROLL_SCALE)

clean:
	rm -rf $(VENV) node_modules ihss/static/vendor var
