# Every target installs what it needs into .venv (and node_modules) from the project's own files.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NPM_TEST := tests/e2e/node_modules/.installed
NPM_MANIFEST := manifest/node_modules/.installed
NPM_DEPLOY := tests/deploy/node_modules/.installed
CHECKS := .venv-checks
CHECKS_STAMP := $(CHECKS)/.installed
PYTEST_ARGS ?=
# make test runs the suite in this many worker processes (pytest-xdist), each taking whole test files, as the
# browser journeys and the Playground tests go in order inside a file; PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= 2
BENCH_ARGS ?=

# The container test (make test-container): podman builds the image on a local Debian base; these flags are
# what this kind of machine needs (runc, as crun refuses its hybrid cgroups; limits no higher than its own).
CONTAINER_ENGINE ?= podman
CONTAINER_IMAGE ?= localhost/vertaisbotti:test
CONTAINER_BASE ?= localhost/vertaisbotti-base:bookworm
CONTAINER_RUN_FLAGS ?= --runtime runc --ulimit nofile=$(shell ulimit -Hn):$(shell ulimit -Hn) --ulimit nproc=4096:4096

.PHONY: run doctor playground test check-deploy test-container image bench lint package venv clean chromium

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

# The Agents Toolkit CLI: --ignore-scripts, since its keytar dependency would download a prebuilt binary.
$(NPM_DEPLOY): tests/deploy/package.json tests/deploy/package-lock.json
	cd tests/deploy && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

$(CHECKS_STAMP): pyproject.toml $(STAMP)
	test -x $(CHECKS)/bin/python || $(PYTHON) -m venv $(CHECKS)
	$(PY) -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['checks']))" > $(CHECKS)/requirements.txt
	$(CHECKS)/bin/python -m pip install --quiet --requirement $(CHECKS)/requirements.txt
	touch $@

# hadolint and checkov on the Dockerfile and the Bicep: any finding fails (suppressions carry their reason).
check-deploy: $(CHECKS_STAMP)
	tests/deploy/static-checks.sh $(CHECKS)/bin

run: $(STAMP)
	$(PY) -m bot

# Checks the configured credentials and every Graph permission the bot needs (exit 1 when one is missing).
doctor: $(STAMP)
	$(PY) -m bot doctor

playground: $(STAMP) $(NPM_TEST)
	$(PY) -m devtools.playground

CHROMIUM := /usr/bin/chromium

test: $(STAMP) $(NPM_TEST) $(NPM_MANIFEST) $(NPM_DEPLOY) check-deploy
	$(VENV)/bin/ruff check .
	$(PY) -m mypy
	@test -x $(CHROMIUM) || echo "*** $(CHROMIUM) is missing: the browser suite (tests/e2e/journeys) is SKIPPED. \
	Install Debian's chromium to run it: sudo make chromium ***"
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Builds the service image on a debootstrapped Debian 12 base (no image registry needed) and runs it.
image:
	tests/container/base-image.sh $(CONTAINER_BASE)
	$(CONTAINER_ENGINE) build --format docker --network host $(CONTAINER_RUN_FLAGS) \
		--build-arg BASE_IMAGE=$(CONTAINER_BASE) --build-arg REVISION=$$(git rev-parse --short HEAD) \
		-t $(CONTAINER_IMAGE) .

test-container: $(STAMP) image
	VERTAISBOTTI_IMAGE=$(CONTAINER_IMAGE) CONTAINER_ENGINE=$(CONTAINER_ENGINE) \
		CONTAINER_RUN_FLAGS="$(CONTAINER_RUN_FLAGS)" $(PY) -m pytest -m container tests/container $(PYTEST_ARGS)

# Debian's chromium for the browser suite (Playwright drives it; no browser download is possible here).
chromium:
	@test -x $(CHROMIUM) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# BENCH_ARGS: part names to run only those, and --full for the survey spike at its full size.
bench: $(STAMP)
	$(PY) -m tests.bench $(BENCH_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(PY) -m mypy

package: $(STAMP) $(NPM_MANIFEST)
	$(PY) -m manifest

clean:
	rm -rf $(VENV) $(CHECKS) build var tests/e2e/node_modules manifest/node_modules tests/deploy/node_modules
