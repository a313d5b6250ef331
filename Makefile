# Everything installs itself on a fresh clone: `make demo`, `make test`, `make bench`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
WEB_BUILD := src/cairn/server/static/index.html
WEB_SOURCES := $(shell find web/src -type f 2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json
DEMO_DIR ?= $(CURDIR)/.cairn-demo
PORT ?= 8080

.PHONY: demo test lint typecheck web-check bench install web chromium postgresql texlive clean \
	mlflow-venv wandb-venv

install: $(STAMP)

# torch comes first, pinned to the CPU build this machine ships; an unpinned `torch` would pull the
# CUDA build from the registry.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev,torch,lightning,transformers,keras,xgboost,lightgbm,hydra]'
	touch $(STAMP)

# The real MLflow client, in a virtualenv of its own (never in the project's): tests log into
# Cairn's MLflow API with it (tests/server/mlflow), and write the file and SQLite stores that
# `cairn import mlflow` reads (tests/importers/test_mlflow.py; SQLAlchemy and Alembic for SQLite).
MLFLOW_VENV := .venv-mlflow
MLFLOW_STAMP := $(MLFLOW_VENV)/.installed
mlflow-venv: $(MLFLOW_STAMP)
$(MLFLOW_STAMP):
	test -x $(MLFLOW_VENV)/bin/python || $(PYTHON) -m venv $(MLFLOW_VENV)
	$(MLFLOW_VENV)/bin/python -m pip install -q mlflow-skinny==3.18.0 scikit-learn==1.9.1 pandas==3.1.1 \
		sqlalchemy==2.1.9 alembic==1.20.1
	touch $(MLFLOW_STAMP)

# The real W&B client, in a virtualenv of its own (Cairn never depends on it): it writes the
# offline runs (transaction logs, media files) that `cairn import wandb` reads
# (tests/importers/test_wandb.py).
WANDB_VENV := .venv-wandb
WANDB_STAMP := $(WANDB_VENV)/.installed
wandb-venv: $(WANDB_STAMP)
$(WANDB_STAMP):
	test -x $(WANDB_VENV)/bin/python || $(PYTHON) -m venv $(WANDB_VENV)
	$(WANDB_VENV)/bin/python -m pip install -q wandb==0.31.0 numpy==2.4.6 pillow==13.0.0
	touch $(WANDB_STAMP)

# Cairn's peers, for `make bench-peers` only, in a virtualenv of their own (never in Cairn's).
PEERS_VENV := .venv-peers
PEERS_STAMP := $(PEERS_VENV)/.installed
$(PEERS_STAMP):
	test -x $(PEERS_VENV)/bin/python || $(PYTHON) -m venv $(PEERS_VENV)
	$(PEERS_VENV)/bin/python -m pip install -q wandb==0.31.0 mlflow-skinny==3.18.0 \
		sqlalchemy==2.1.9 alembic==1.20.1 aim==3.29.1 tensorboardX==2.6.5 orjson==3.13.0
	touch $(PEERS_STAMP)

web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund

# The dashboard, built into the Python package (never committed).
web: $(WEB_BUILD)
$(WEB_BUILD): web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run build

# Browser tests drive Debian's Chromium; install it when it is missing (CI runs as root).
chromium:
	@command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

# The store and server tests run a throw-away PostgreSQL cluster (tests/fakes/postgres.py) from
# Debian's binaries; install them when missing.
postgresql:
	@command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		(apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql)

# The LaTeX export of reports is compiled by the tests (tests/reports/test_latex.py): pdflatex and
# bibtex (texlive-binaries), amsmath/graphicx (base), booktabs/hyperref (recommended), the AMS
# fonts (fonts-recommended), and pdftotext to read the PDF back (poppler-utils). About 172 MB.
texlive:
	@command -v pdflatex >/dev/null && command -v pdftotext >/dev/null || (apt-get update && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		texlive-latex-base texlive-latex-recommended texlive-fonts-recommended poppler-utils)

# A demo run lasts about a second, so the system metrics are sampled every 0.2 s (default 10 s)
# for its System tab to have something to show. digits_reproduce.py re-runs the fastest run with
# `cairn reproduce` (about 10 s; its code is a git worktree in $(DEMO_DIR)/reproduce/, which
# `git worktree remove` deletes), once: the report shows that verdict.
demo: $(STAMP) web texlive
	CAIRN_DIR=$(DEMO_DIR) CAIRN_SYSTEM_INTERVAL=0.2 CAIRN_UI_URL=http://127.0.0.1:$(PORT) $(PY) examples/digits.py
	CAIRN_DIR=$(DEMO_DIR) $(PY) examples/digits_sweep.py
	CAIRN_DIR=$(DEMO_DIR) $(PY) examples/digits_reproduce.py
	CAIRN_DIR=$(DEMO_DIR) $(PY) examples/digits_report.py --out $(DEMO_DIR)/digits-report
	CAIRN_DIR=$(DEMO_DIR) $(VENV)/bin/cairn runs ls --project digits
	$(VENV)/bin/cairn ui --dir $(DEMO_DIR) --port $(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks examples
	$(VENV)/bin/ruff format --check src tests benchmarks examples

typecheck: $(STAMP)
	$(VENV)/bin/mypy

web-check: web/node_modules/.package-lock.json
	cd web && npm run typecheck && npx vitest run

# The suite runs in TEST_WORKERS processes (pytest-xdist): most tests wait on servers, browsers,
# PostgreSQL and subprocesses, so more workers than cores pays. A test file runs whole in one
# worker (--dist loadfile), so a module's fixtures are built once. `make test TEST_WORKERS=0` runs
# it in one process. The rules a test must follow for this are in tests/conftest.py.
# Measured 2026-12-07 on the 2-core machine, nothing else running, 3,470 tests with four workers,
# two runs: pytest 16 min 54 s and 18 min 9 s, the whole `make test` (lint, type checks, web
# build, vitest) 17 min 38 s and 18 min 49 s.
# (2026-12-05, 2,760 tests: one process 16 min 42 s, four workers 10 min 26 s. A 4-worker run
# once failed on a test that renamed a run of the shared demo store, which another file of the
# same worker looked up: e2e tests must leave the session's demo store as they found it.)
TEST_WORKERS ?= 4

# The sources are byte-compiled first: the suite starts hundreds of interpreters (servers, the
# CLI, training scripts), and where PYTHONDONTWRITEBYTECODE is set (as on the development machine)
# each would compile every module of Cairn it imports again (about 0.35 s of CPU a server).
test: lint typecheck web-check web chromium postgresql texlive mlflow-venv wandb-venv
	$(PY) -m compileall -q src tests > /dev/null
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile

bench-peers: $(STAMP) $(PEERS_STAMP)
	$(PY) benchmarks/bench_peers.py $(PEERS_VENV)/bin/python

bench: $(STAMP) web chromium postgresql texlive
	$(PY) benchmarks/bench_logging.py
	$(PY) benchmarks/bench_startup.py
	$(PY) benchmarks/bench_cold_read.py
	$(PY) benchmarks/bench_kill.py
	$(PY) benchmarks/bench_sync.py
	$(PY) benchmarks/bench_sync_rate.py
	$(PY) benchmarks/bench_store_writers.py
	$(PY) benchmarks/bench_export.py
	$(PY) benchmarks/bench_api.py
	$(PY) benchmarks/bench_chart_series.py
	$(PY) benchmarks/bench_series10m.py
	$(PY) benchmarks/bench_runs100k.py
	$(PY) benchmarks/bench_runs_pages.py
	$(PY) benchmarks/bench_memory.py
	$(PY) benchmarks/bench_workspace.py
	$(PY) benchmarks/bench_value_panels.py
	$(PY) benchmarks/bench_report_page.py
	$(PY) benchmarks/bench_compat.py
	$(PY) benchmarks/bench_sweeps.py
	$(PY) benchmarks/bench_server.py
	$(PY) benchmarks/bench_run_creation.py
	$(PY) benchmarks/bench_short_runs.py
	$(PY) benchmarks/bench_sql.py
	$(PY) benchmarks/bench_importance.py
	$(PY) benchmarks/bench_artifacts.py
	$(PY) benchmarks/bench_watch.py
	$(PY) benchmarks/bench_reports.py
	$(PY) benchmarks/bench_report_images.py
	$(PY) benchmarks/bench_report_plots.py
	$(PY) benchmarks/bench_report_code.py
	$(PY) benchmarks/bench_blob_access.py
	$(PY) benchmarks/bench_uploads.py
	$(PY) benchmarks/bench_compare_panel.py

clean:
	rm -rf $(VENV) $(MLFLOW_VENV) $(WANDB_VENV) $(DEMO_DIR) web/node_modules src/cairn/server/static .pytest_cache .mypy_cache .ruff_cache
