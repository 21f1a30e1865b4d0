# Accord: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/accord
CHROMIUM ?= /usr/bin/chromium

.PHONY: install demo serve lint test test-postgres browser benchmarks clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Accord needs Python 3.11 ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## demo: install, load the demo organisation into ./var/accord.sqlite3 (once) and serve it on http://$(HOST):$(PORT)
demo: install
	ACCORD_ENV=$${ACCORD_ENV:-development} $(BIN)/accord demo load --if-empty
	ACCORD_ENV=$${ACCORD_ENV:-development} $(BIN)/accord serve --host $(HOST) --port $(PORT)

## serve: serve Accord as configured by the ACCORD_* variables (production needs ACCORD_SECRET_KEY)
serve: install
	$(BIN)/accord serve --host $(HOST) --port $(PORT)

## lint: ruff, mypy (django-stubs), import-linter (the engine imports no Django), migrations up to date
lint: install
	$(BIN)/ruff check src tests benchmarks
	ACCORD_ENV=development $(BIN)/mypy
	$(BIN)/lint-imports
	ACCORD_ENV=development ACCORD_VAR_DIR=$$(mktemp -d) $(BIN)/python manage.py makemigrations --check --dry-run

## browser: Debian's Chromium for the Playwright browser tests (playwright install cannot download here)
browser:
	@test -x $(CHROMIUM) || { echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@command -v pdftoppm >/dev/null || { echo "installing poppler-utils (pdftoppm) for the PDF tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; }

## test: the lint gate, then the whole suite (engine, services, API, CLI, schemathesis, browser) on SQLite
test: install browser lint
	ACCORD_CHROMIUM=$(CHROMIUM) $(BIN)/pytest $(PYTEST_ARGS)

## test-postgres: the whole suite again on PostgreSQL ($(POSTGRES_URL))
test-postgres: install browser
	ACCORD_DATABASE_URL=$(POSTGRES_URL) ACCORD_CHROMIUM=$(CHROMIUM) $(BIN)/pytest $(PYTEST_ARGS)

## benchmarks: the side-by-side benchmarks (slow; results go in benchmarks/README.md by hand)
benchmarks: install
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var build *.egg-info src/*.egg-info
