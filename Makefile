# chinhquyen — `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY_VERSION ?= 3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
UV_VERSION := 0.13.9
export DJANGO_SETTINGS_MODULE := chinhquyen.config.settings

# Debian packages the project needs; only the missing ones are installed (apt-get update first).
DEB_RUN := gettext nodejs npm fonts-noto-core python3-venv libpango-1.0-0 libpangoft2-1.0-0 tesseract-ocr tesseract-ocr-vie ghostscript softhsm2 openssl
DEB_TEST := $(DEB_RUN) postgresql postgresql-contrib chromium poppler-utils xmlsec1 libnss3-tools clamav-daemon

.PHONY: soak help run test lint typecheck schema messages bench docs setup setup-test clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

run: setup ## Install what is missing, migrate, load the demo province, serve on 127.0.0.1:$(PORT) with the worker
	@scripts/run-demo.sh $(PORT)

test: setup-test ## Lint, types, migrations, API drift, the suite on SQLite and PostgreSQL, and the browser tests
	@scripts/test-all.sh

soak: setup ## Reliability soak: 10,000 packages at 3/s, two deployments and a hub, kill -9 every 5-30 s (about 1 hour)
	RELIABILITY_PACKAGES=$${RELIABILITY_PACKAGES:-10000} RELIABILITY_RATE=$${RELIABILITY_RATE:-3} RELIABILITY_KILL_EVERY=5-30 RELIABILITY_MIN_KILLS=20 $(BIN)/pytest tests/reliability -m reliability -p no:xdist -s -q

lint: setup ## ruff (lint and format check) and the import rules between apps
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	TESTING=1 $(BIN)/lint-imports

typecheck: setup ## mypy with django-stubs
	TESTING=1 $(BIN)/mypy src/chinhquyen

schema: setup ## Regenerate the committed OpenAPI file docs/openapi.yaml
	TESTING=1 $(BIN)/chinhquyen spectacular --lang en --file docs/openapi.yaml --validate

messages: setup ## Update the Vietnamese catalogue and compile it
	cd src/chinhquyen && TESTING=1 ../../$(BIN)/chinhquyen makemessages -l vi --no-obsolete --no-location
	cd src/chinhquyen && TESTING=1 ../../$(BIN)/chinhquyen compilemessages -l vi

bench: setup ## Run the benchmarks under bench/ (BENCHMARKS.md); results in bench/results/
	@for b in bench/bench_*.py; do [ -e "$$b" ] || continue; echo "== $$b"; TESTING=1 $(BIN)/python "$$b" || exit 1; done

docs: ## Where the documentation lives
	@ls docs docs/adr

setup: $(VENV)/.installed frontend/node_modules/.installed src/chinhquyen/locale/vi/LC_MESSAGES/django.mo

setup-test: setup var/.deb-test

# The package lists live in this Makefile: a change to it re-checks them (apt-ensure installs only what is missing).
var/.deb-run: Makefile
	@scripts/apt-ensure.sh $(DEB_RUN)
	@mkdir -p var && touch $@

var/.deb-test: var/.deb-run Makefile
	@scripts/apt-ensure.sh $(DEB_TEST)
	@touch $@

$(VENV)/.installed: pyproject.toml requirements.lock | var/.deb-run
	@test -x $(BIN)/python || python$(PY_VERSION) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install -q "uv==$(UV_VERSION)"
	$(BIN)/uv pip sync -q --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	@touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json | var/.deb-run
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

src/chinhquyen/locale/vi/LC_MESSAGES/django.mo: $(VENV)/.installed src/chinhquyen/locale/vi/LC_MESSAGES/django.po
	cd src/chinhquyen && TESTING=1 ../../$(BIN)/chinhquyen compilemessages -l vi -v0
	@touch $@

lock: ## Re-resolve requirements.lock from pyproject.toml
	$(BIN)/uv pip compile -q pyproject.toml --extra dev -o requirements.lock --python-version $(PY_VERSION)

clean: ## Remove the virtualenv, node_modules and var/
	rm -rf $(VENV) frontend/node_modules var
