# kohtaanto: two commands do everything. `make run` and `make test` build .venv when it is missing.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# A Python 3.12 or 3.13 interpreter (Mesa >= 3.4 needs 3.12; Hydra 1.3 breaks on 3.14).
PYTHON ?= $(shell for p in python3.12 python3.13 $$HOME/.pyenv/versions/3.12*/bin/python3.12 \
	/root/.pyenv/versions/3.12*/bin/python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3.13 \
	/usr/bin/python3.12 /usr/bin/python3.13 python3; do \
	$$p -c 'import sys; sys.exit(0 if (3,12) <= sys.version_info[:2] < (3,14) else 1)' \
	>/dev/null 2>&1 && { echo $$p; break; }; done)

.PHONY: run test setup lint bench clean browser dashboard

setup: $(STAMP)

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "error: no Python 3.12 or 3.13 found; install python3.12" >&2; exit 1; fi
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/kohtaanto compare

test: $(STAMP) browser
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q

# Debian's Chromium for the dashboard's browser test (skipped with a message if it cannot be had).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	  >/dev/null 2>&1; } || echo "note: no Chromium could be installed; the browser test will skip"

dashboard: $(STAMP)
	$(VENV)/bin/kohtaanto dashboard

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff format --check .

bench: $(STAMP)
	$(PY) benchmarks/bench_run.py --scenarios te_office kuntakokeilu

clean:
	rm -rf $(VENV) outputs multirun .pytest_cache .ruff_cache .import_linter_cache
