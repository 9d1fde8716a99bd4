# Two commands on a fresh machine:
#   make run    set up, build the index of the bundled corpus if needed, open the app
#   make test   set up (Chromium for the browser tests included) and run the checks and the tests
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 7860
CHROMIUM := /usr/bin/chromium

.PHONY: setup run test lint chromium axe bench

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# The browser tests drive Debian's Chromium through Playwright (never `playwright install`).
chromium:
	@sh scripts/need_package.sh chromium $(CHROMIUM) "the browser tests"

# axe-core, which the browser tests inject for the accessibility run (pinned in package-lock.json).
axe: node_modules/axe-core/axe.min.js

node_modules/axe-core/axe.min.js: package.json package-lock.json
	@sh scripts/need_package.sh npm npm "the accessibility test"
	npm ci --no-audit --no-fund --silent
	touch $@

# English questions: the 30,000 most frequent English words are embedded once per machine, in
# a background process at the lowest priority (a few minutes the first time, then a second).
run: setup
	@nice -n 19 $(PY) -m rag words --quiet >/dev/null 2>&1 &
	$(PY) -m rag serve --host $(HOST) --port $(PORT)

lint: setup
	$(PY) -m ruff check rag ui tests bench
	$(PY) -m mypy

test: lint chromium axe
	$(PY) -m pytest -m "not slow" -q

$(VENV)/.bench-installed: $(VENV)/.installed bench/requirements.txt
	$(PY) -m pip install --quiet -r bench/requirements.txt
	touch $@

bench: setup $(VENV)/.bench-installed
	$(PY) bench/run_all.py
