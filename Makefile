# Everything installs itself on a fresh clone: `make demo`, `make test`, `make bench`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_DIR ?= $(CURDIR)/.cairn-demo

.PHONY: demo test lint typecheck bench install clean

install: $(STAMP)

# torch comes first, pinned to the CPU build this machine ships; an unpinned `torch` would pull the
# CUDA build from the registry.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev,torch]'
	touch $(STAMP)

demo: $(STAMP)
	CAIRN_DIR=$(DEMO_DIR) $(PY) examples/digits.py
	CAIRN_DIR=$(DEMO_DIR) $(VENV)/bin/cairn runs ls --project digits

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks examples
	$(VENV)/bin/ruff format --check src tests benchmarks examples

typecheck: $(STAMP)
	$(VENV)/bin/mypy

test: lint typecheck
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) benchmarks/bench_logging.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
