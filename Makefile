# The README's two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app portal
KERN_VERSION ?= 2.7.2

.PHONY: run test test-postgres e2e lint format translations compile-translations kern install db seed clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed compile-translations

compile-translations: $(VENV)/.installed
	@$(BIN)/pybabel compile --use-fuzzy --statistics -d portal/translations 2>&1 | grep -v '^$$' || true

db: install
	$(FLASK) db upgrade

seed: db
	$(FLASK) seed-demo --if-empty

run: seed
	@$(FLASK) demo-logins
	PORTAL_ENV=development $(FLASK) run --host 127.0.0.1 --port $(PORT)

# Tests run in parallel processes (pytest-xdist), one per core of a CI machine; TEST_WORKERS=0
# runs them in this process (for a debugger).
TEST_WORKERS ?= 2

test: install
	$(BIN)/pytest -q -n $(TEST_WORKERS)

# The database-facing tests against PostgreSQL (see README for TEST_DATABASE_URL).
test-postgres: install
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} $(BIN)/pytest -q -n $(TEST_WORKERS) -m db

e2e: install
	$(BIN)/pytest -q -n $(TEST_WORKERS) tests/e2e

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Extract every _() string, merge it into the catalogs and compile them.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--project "Partnerportal" -o portal/translations/messages.pot .
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations \
		--no-wrap --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d portal/translations --statistics

# Refresh the vendored KERN UX design system from the npm registry (needs npm).
kern:
	rm -rf /tmp/kern-pack && mkdir -p /tmp/kern-pack
	cd /tmp/kern-pack && npm pack --silent @kern-ux/native@$(KERN_VERSION) && tar xzf *.tgz
	rm -rf portal/static/vendor/kern && mkdir -p portal/static/vendor/kern
	mkdir -p portal/static/vendor/kern/fonts/fira-sans
	cp /tmp/kern-pack/package/dist/kern.min.css /tmp/kern-pack/package/LICENSE.md portal/static/vendor/kern/
	cp /tmp/kern-pack/package/dist/fonts/fira-sans.css portal/static/vendor/kern/fonts/
	# Only the font files that fira-sans.css references.
	for font in $$(grep -o 'fira-sans/[A-Za-z-]*\.woff2' /tmp/kern-pack/package/dist/fonts/fira-sans.css | sort -u); do \
		cp /tmp/kern-pack/package/dist/fonts/$$font portal/static/vendor/kern/fonts/$$font; done
	echo "$(KERN_VERSION)" > portal/static/vendor/kern/VERSION

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
