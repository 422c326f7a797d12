# The whole set-up: `make run` serves the demo on http://$(HOST):$(PORT)/ (PORT=8001 make run for
# another port), `make demo-reset` starts the demo afresh, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo's "today" (projects.clock): a day of October 2015, after the September reports, so that
# the 2015 data reads as the office saw it then. Only the demo targets pass it; production never.
KP_TODAY ?= 2015-10-20
DEMO_URL := http://$(HOST):$(PORT)/

.PHONY: install run serve test check demo demo-reset bench loadtest screenshots clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(INSTALLED)

install: $(INSTALLED)

demo: install
	$(BIN)/python manage.py migrate --noinput
	KP_TODAY=$(KP_TODAY) $(BIN)/python manage.py load_demo --url $(DEMO_URL)

run: demo
	KP_TODAY=$(KP_TODAY) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Removes the embedded SQLite database (db.sqlite3) and media/, migrates and loads the demo again;
# refuses, changing nothing, when DATABASE_URL (or MEDIA_ROOT, MEDIA_S3_BUCKET) points elsewhere.
demo-reset: install
	KP_TODAY=$(KP_TODAY) $(BIN)/python manage.py demo_reset --url $(DEMO_URL)

# Production mode on the database DATABASE_URL names (PostgreSQL): deploy-checked settings,
# migrations, collected static files, gunicorn. SECRET_KEY and ALLOWED_HOSTS must be set.
# gunicorn's access log (stdout) ends with nginx's request id, as the application's log lines do.
WORKERS ?= 2
ACCESS_LOG_FORMAT := %(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %({x-request-id}i)s
serve: install
	DJANGO_ENV=production $(BIN)/python manage.py check --deploy --fail-level WARNING
	DJANGO_ENV=production $(BIN)/python manage.py migrate --noinput
	DJANGO_ENV=production $(BIN)/python manage.py collectstatic --noinput -v0
	DJANGO_ENV=production $(BIN)/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--access-logfile - --access-logformat '$(ACCESS_LOG_FORMAT)'

test: install
	$(BIN)/python -m pytest

# Benchmarks at city and province scale (docs/benchmarks.md); BENCH_ARGS=--quick for a smoke run.
bench: install
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

# Load on the production server (gunicorn, 2 workers) on PostgreSQL, by wrk (apt-get install wrk);
# its section of docs/benchmarks.md. DATABASE_URL names the PostgreSQL server (default: local).
loadtest: install
	$(BIN)/python benchmarks/loadtest.py $(LOADTEST_ARGS)

# The README's screenshots (docs/screenshots/), taken by the browser tests in Chromium.
screenshots: install
	KP_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest tests/browser/test_look.py -q

check: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check --fail-level WARNING

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
