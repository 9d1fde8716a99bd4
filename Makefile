# Two commands on a fresh machine:
#   make run    set up, build the index of the bundled corpus if needed, open the app
#   make test   set up and run the checks and the test suite
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 7860

.PHONY: setup run test lint bench

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

run: setup
	$(PY) -m rag serve --host $(HOST) --port $(PORT)

lint: setup
	$(PY) -m ruff check rag ui tests bench
	$(PY) -m mypy

test: lint
	$(PY) -m pytest -m "not slow" -q

$(VENV)/.bench-installed: $(VENV)/.installed bench/requirements.txt
	$(PY) -m pip install --quiet -r bench/requirements.txt
	touch $@

bench: setup $(VENV)/.bench-installed
	$(PY) bench/run_all.py
