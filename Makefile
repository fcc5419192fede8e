# The verbs a newcomer needs. `make run` and `make test` are the two that matter.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.dev
# Links in the admin's e-mails and the superuser's sign-in hint follow HOST and PORT.
export WAGTAILADMIN_BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: run setup install test test-postgres lint format messages requirements bench bench-corpus bench-engine eval clean

run: setup  ## install, migrate, load the demo content, then serve on http://$(HOST):$(PORT) (127.0.0.1:8000 unless given)
	@echo
	@echo "  ESTHER Knowledge Hub: http://$(HOST):$(PORT)/"
	@echo "  Admin: http://$(HOST):$(PORT)/admin/ (user and password printed above)"
	@echo
	$(PY) manage.py runserver $(HOST):$(PORT)

setup: install  ## everything but serving; safe to run again
	$(PY) manage.py migrate --noinput
	$(PY) manage.py set_site_address $(HOST) $(PORT)  # every absolute URL (sitemap, API, feeds, citations...) is built from it
	$(PY) manage.py place_renditions  # renditions of images not yet public out of the public folder
	$(PY) manage.py load_demo
	$(PY) manage.py update_index --verbosity 0  # the admin's own search
	$(PY) manage.py search_index update --no-progress  # the public search: queued changes, then anything missing
	$(PY) manage.py ensure_dev_superuser

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $@

# The test settings, whatever DJANGO_SETTINGS_MODULE this Makefile exports for the other verbs
# (pytest-django lets the environment win over pyproject.toml).
# Two workers for the database tests (the machines have two cores), each taking whole test files
# (pyproject.toml), so that content built once per module is built once; the browser tests share
# one demo site, so they run in a single process. The slowest steps are printed: docs/TESTING.md.
test: install  ## the whole suite on SQLite; again on PostgreSQL when TEST_POSTGRES_URL is set
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest -n 2 -m "not browser" --durations=10
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest -m browser --durations=10
	@if [ -n "$$TEST_POSTGRES_URL" ]; then \
		echo "== again on PostgreSQL"; \
		DJANGO_SETTINGS_MODULE=config.settings.test DATABASE_URL="$$TEST_POSTGRES_URL" $(PY) -m pytest -n 2 -m "not browser" -p no:randomly --durations=10; \
	fi

lint: install  ## ruff, and the import contracts in pyproject.toml (layers point one way, no loops)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

LANGUAGES := fr pt es
messages: install  ## refresh locale/fr, pt and es from the code and compile them with locale/en (Wagtail words reworded, kept by hand) (the .mo files are committed: no gettext needed to run)
	$(PY) manage.py makemessages $(foreach code,$(LANGUAGES),-l $(code)) --no-obsolete --ignore=.venv --ignore=test-artifacts --ignore=media
	$(PY) manage.py compilemessages $(foreach code,$(LANGUAGES) en,-l $(code)) --ignore=.venv

requirements: install  ## re-pin requirements.txt and requirements-dev.txt from the .in files
	$(VENV)/bin/pip-compile --quiet --strip-extras --allow-unsafe requirements.in -o requirements.txt
	$(VENV)/bin/pip-compile --quiet --strip-extras --allow-unsafe requirements-dev.in -o requirements-dev.txt

ITEMS ?= 10000
SEED ?= 1
bench: install  ## time searches and pages on a synthetic corpus of ITEMS items in .bench/ (built once, then reused); results into docs/PERFORMANCE.md
	mkdir -p .bench
	DJANGO_SETTINGS_MODULE=config.settings.bench DATABASE_URL="sqlite:///$(CURDIR)/.bench/run.sqlite3" \
		$(PY) manage.py benchmark --items $(ITEMS) --seed $(SEED) --write docs/PERFORMANCE.md

bench-engine: install  ## the tantivy engine alone on ITEMS synthetic documents in a temporary folder (no Django pages); results into docs/PERFORMANCE.md
	mkdir -p .bench
	DJANGO_SETTINGS_MODULE=config.settings.bench DATABASE_URL="sqlite:///$(CURDIR)/.bench/engine.sqlite3" \
		$(PY) manage.py benchmark --engine-only --items $(ITEMS) --seed $(SEED) --write docs/PERFORMANCE.md

bench-corpus: install  ## only build (or carry on building) the corpus of ITEMS items, at the lowest priority; log in .bench/
	mkdir -p .bench
	DJANGO_SETTINGS_MODULE=config.settings.bench DATABASE_URL="sqlite:///$(CURDIR)/.bench/corpus-build.sqlite3" \
		nice -n 19 $(PY) manage.py benchmark --items $(ITEMS) --seed $(SEED) --corpus-only >>.bench/corpus-$(ITEMS).log 2>&1

# A fresh database and index each run, so the figures always describe the current demo content.
EVAL_ENV := DJANGO_SETTINGS_MODULE=config.settings.bench DATABASE_URL="sqlite:///$(CURDIR)/.eval/run.sqlite3" MEDIA_ROOT="$(CURDIR)/.eval/media"
eval: install  ## relevance on the judged queries (search/evaluation/queries.json), engines beside plain BM25, in .eval/; results into docs/SEARCH.md
	rm -rf .eval && mkdir -p .eval
	$(EVAL_ENV) $(PY) manage.py migrate --noinput --verbosity 0
	$(EVAL_ENV) $(PY) manage.py load_demo > /dev/null
	$(EVAL_ENV) $(PY) manage.py evaluate_search --write docs/SEARCH.md

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* staticfiles .pytest_cache
