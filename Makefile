# Every target installs what it needs into .venv (and node_modules) from the project's own files.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NPM_TEST := tests/e2e/node_modules/.installed
NPM_MANIFEST := manifest/node_modules/.installed
PYTEST_ARGS ?=

.PHONY: run playground test bench lint package venv clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(STAMP)

$(NPM_TEST): tests/e2e/package.json tests/e2e/package-lock.json
	cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(NPM_MANIFEST): manifest/package.json manifest/package-lock.json
	cd manifest && npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: $(STAMP)
	$(PY) -m bot

playground: $(STAMP) $(NPM_TEST)
	$(PY) -m bot.playground

test: $(STAMP) $(NPM_TEST) $(NPM_MANIFEST)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) -m tests.bench

lint: $(STAMP)
	$(VENV)/bin/ruff check .

package: $(STAMP) $(NPM_MANIFEST)
	$(PY) -m manifest

clean:
	rm -rf $(VENV) build var tests/e2e/node_modules manifest/node_modules
