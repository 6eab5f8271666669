# Roundtable: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# manage.py and the Celery app default to config.settings.local (the embedded portal).
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-clock install messages chromium migrate demo worker lint typecheck check lock clean bench

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.lock
	touch $@

## The compiled catalogues (.mo) are committed; install rebuilds them from the .po files in Python
## (no GNU gettext needed), so a fresh clone serves every shipped language.
install: $(VENV)/.installed
	@$(PY) manage.py i18n_check --compile >/dev/null

## After editing translations: refresh the catalogues from the source, compile, and check them.
messages: $(VENV)/.installed
	$(PY) manage.py i18n_check --update

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

## Run the portal on this machine: SQLite, demo data, and a background worker without Redis.
run: demo
	@mkdir -p var/celery/queue var/celery/processed
	@$(VENV)/bin/celery -A config worker -B --concurrency=1 --loglevel=WARNING \
		--schedule=var/celerybeat-schedule --pidfile=var/celery-worker.pid & \
	worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	echo ""; echo "Roundtable is running at http://$(HOST):$(PORT)/  (Ctrl-C to stop)"; \
	$(PY) manage.py runserver $(HOST):$(PORT) --noreload

## The browser tests drive Debian's Chromium (Playwright cannot download its own here).
chromium:
	@command -v chromium >/dev/null 2>&1 || [ -n "$$CHROMIUM_PATH" ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Chromium for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Chromium: 'sudo apt-get install chromium', or set CHROMIUM_PATH."; \
	  fi; }

## The whole test suite. Uses DATABASE_URL / REDIS_URL when set (CI: PostgreSQL and Redis).
test: install chromium
	$(VENV)/bin/pytest

## The suite's dated tests again at the day's, the month's and the year's edges: just after midnight
## UTC (when "two hours ago" is yesterday), ten minutes before Europe's clocks change on the last
## Sunday of March (when "next week" is next month), and in the year's last minutes. A faked clock
## (Debian's faketime) fakes SQLite's and Chromium's clocks too, so these run on the embedded
## database; the tests that start their own Redis and workers are left out (a faked clock stops
## redis-server).
YEAR := $(shell date -u +%Y)
MARCH_LAST_SUNDAY := $(shell echo $$((31 - $$(date -u -d $(YEAR)-03-31 +%u) % 7)))
CLOCK_AT ?= $(shell date -u +%Y-%m-%d) 00:20:00|$(YEAR)-03-$(MARCH_LAST_SUNDAY) 00:50:00|$(YEAR)-12-31 23:50:00
test-clock: install chromium
	@command -v faketime >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null; \
	  else echo "test-clock needs faketime: 'sudo apt-get install faketime'."; exit 1; fi; }
	@IFS='|'; for at in $$(printf '%s' '$(CLOCK_AT)'); do \
	  echo "== the clock at $$at UTC"; \
	  env -u DATABASE_URL -u REDIS_URL TZ=UTC faketime "$$at" $(VENV)/bin/pytest -q \
	    --ignore=tests/notifications/test_faults.py || exit 1; \
	done

worker: install
	$(VENV)/bin/celery -A config worker -B --concurrency=1 --loglevel=INFO

APPS := config core stakeholders coordination actionplans infosharing

## The static checks CI runs (.ci/run); check --deploy with production settings is in the test suite.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -q -r $(APPS) -ll

typecheck: install
	$(VENV)/bin/mypy .

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

lock:
	rm -rf /tmp/roundtable-lock && $(PYTHON) -m venv /tmp/roundtable-lock
	/tmp/roundtable-lock/bin/pip install --quiet '.[dev]'
	(echo '# Exact versions of everything pyproject.toml asks for (runtime and dev). Regenerate with `make lock`.'; \
	 /tmp/roundtable-lock/bin/pip freeze --exclude roundtable) > requirements.lock

clean:
	rm -rf $(VENV) var

## The hot lists at scale, filtered against unfiltered, served by gunicorn (bench/scale.py; PostgreSQL).
bench: install
	$(PY) bench/scale.py $(BENCH_ARGS)
