"""The 100,000-run project of issue 17, built through the journal and cached between bench runs.

Each run has 50 config paths (46 floats, an optimizer, a seed, ``model.width``, ``model.depth``),
30 summary keys set by the script (``val/acc``, ``val/loss``, ``metric_0`` … ``metric_27``) and
METRICS_PER_RUN metric keys drawn from 2,000 names (``section_<s>/metric_<m>``) with HISTORY_STEPS
steps each, so the project's metric catalogue has 2,000 names (and its summary keys too, as
logging a metric sets its summary).

The records are the journal's own (``RunStart``, ``History``, ``SummaryUpdate``, ``RunFinish``),
applied to the store as the syncer applies them (``bench_api.apply_many``), many runs per
transaction. The built ``.cairn`` folder is kept in ``benchmarks/.cache/`` under a name holding
GENERATOR_VERSION (bump it when the runs change), so a second ``make bench`` reuses it.

The same project is built into PostgreSQL by ``cached_pg_store``, through the same generator and
``Store``, in a throw-away cluster (``tests/fakes/postgres.py``) whose folder is kept in
``benchmarks/.cache/`` under a name holding GENERATOR_VERSION and PostgreSQL's major version (its
data folder is only readable by that version); a later run starts that cluster again (seconds)
and migrates the database to this Cairn's schema, as ``cached_store`` does the SQLite file.
The build runs the cluster with durability off (``fsync``, ``synchronous_commit`` and
``full_page_writes`` off), then ``CHECKPOINT`` and a clean stop; what a bench measures runs on the
cluster started again with PostgreSQL's default settings (durable). It applies PG_RUNS_PER_TXN
runs a transaction, not 1,000: each run counts its 84 keys up in ``project_keys``, and
PostgreSQL keeps every version of a row a transaction updated until it ends, so each upsert
walked a chain as long as the runs before it in the transaction (26 runs/s at 1,000 runs a
transaction, about 90 at 20, same machine under load). An interrupted build resumes: the runs
already in the database are a prefix of the generator's (whole transactions), skipped.

``python benchmarks/stores100k.py [RUNS] [--postgresql]`` builds (or finds) the store and prints
where it is.
"""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from bench_api import apply_many
from cached_stores import CACHE, cached_local_store

from cairn.journal.records import History, Record, RunFinish, RunStart, SummaryUpdate
from cairn.store import Store
from cairn.store.blobs import BlobStore

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.fakes import postgres

GENERATOR_VERSION = 1
PROJECT = "runs100k"
RUNS = 100_000
CONFIG_FLOATS = 46  # + optimizer, seed, model.width, model.depth = 50 config paths
SUMMARY_KEYS = 30
METRIC_NAMES = 2_000
METRICS_PER_RUN = 4
HISTORY_STEPS = 5
T0 = 1_700_000_000.0
OPTIMIZERS = ("adam", "sgd", "adamw", "lion")


def metric_name(m: int) -> str:
    """The m-th of the 2,000 metric names, in 20 sections of 100."""
    return f"section_{m // 100:02d}/metric_{m % 100:02d}"


def run_id(i: int) -> str:
    return f"r{i:07d}"


def project_runs(
    runs: int, rng: np.random.Generator, start: int = 0
) -> Iterator[tuple[str, list[Record]]]:
    """``runs`` finished runs of PROJECT, each as the journal records a script would write;
    ``start``: from the run of that index on (the same runs as without it, minus the first)."""
    for i in range(runs):
        values = rng.random(CONFIG_FLOATS + SUMMARY_KEYS + METRICS_PER_RUN * HISTORY_STEPS)
        if i < start:
            continue
        config: dict[str, Any] = {f"hp_{k}": float(values[k]) for k in range(CONFIG_FLOATS)}
        config.update(
            optimizer=OPTIMIZERS[i % 4],
            seed=i,
            model={"width": 2 ** (5 + i % 4), "depth": 1 + i % 6},
        )
        scalars = values[CONFIG_FLOATS : CONFIG_FLOATS + SUMMARY_KEYS].tolist()
        summary = {f"metric_{k}": scalars[k] for k in range(SUMMARY_KEYS - 2)}
        summary["val/acc"], summary["val/loss"] = scalars[-2], scalars[-1]
        # Consecutive runs take consecutive names, so every name is logged by some run.
        names = [
            metric_name((i * METRICS_PER_RUN + k) % METRIC_NAMES) for k in range(METRICS_PER_RUN)
        ]
        points = values[CONFIG_FLOATS + SUMMARY_KEYS :].reshape(HISTORY_STEPS, METRICS_PER_RUN)
        rid = run_id(i)
        created = T0 + i * 10
        records: list[Record] = [
            RunStart(
                seq=1,
                run_id=rid,
                project=PROJECT,
                name=f"run-{i}",
                created_at=created,
                config=config,
                tags=["bench", f"group{i % 10}"],
            )
        ]
        records += [
            History(
                seq=2 + s,
                step=s,
                ts=created + s,
                values=dict(zip(names, points[s].tolist(), strict=True)),
            )
            for s in range(HISTORY_STEPS)
        ]
        records += [
            SummaryUpdate(seq=2 + HISTORY_STEPS, set=summary),
            RunFinish(seq=3 + HISTORY_STEPS, ts=created + HISTORY_STEPS + 1),
        ]
        yield rid, records


def cached_store(runs: int = RUNS) -> tuple[Path, float | None]:
    """The ``.cairn`` folder of the project with ``runs`` runs, and how many seconds building it
    took (None: found in the cache, built by an earlier run)."""
    return cached_local_store(
        f"runs{runs}-v{GENERATOR_VERSION}",
        lambda store: apply_many(store, project_runs(runs, np.random.default_rng(0)), per_txn=1000),
    )


PG_DATABASE = "cairn_bench"
PG_RUNS_PER_TXN = 20
PROGRESS_EVERY = 2_000


@contextmanager
def cached_pg_store(runs: int = RUNS) -> Iterator[tuple[str, Path, float | None]]:
    """The project with ``runs`` runs in a PostgreSQL database, on a cluster running with
    PostgreSQL's default settings while the context lasts: (database URL, blob folder, seconds
    building took or None if found in the cache)."""
    programs = postgres.bin_dir()
    version = programs.parent.name if programs is not None else "none"
    folder = CACHE / f"pg-runs{runs}-v{GENERATOR_VERSION}-pg{version}"
    blobs = folder / "blobs"
    seconds = None
    if not (folder / "complete").exists():
        seconds = _build_pg(folder / "cluster", blobs, runs)
        (folder / "complete").write_text(f"{seconds:.1f} s to build\n")
    cluster = postgres.start(folder / "cluster", durable=True)
    try:
        url = cluster.database_url(PG_DATABASE)
        Store(url, BlobStore(blobs)).close()  # migrated to this Cairn's schema
        yield url, blobs, seconds
    finally:
        cluster.stop(keep=True)


def _build_pg(root: Path, blobs: Path, runs: int) -> float:
    """Build (or finish building) the project in the cluster at ``root``, durability off, and
    stop the cluster after a checkpoint; the seconds this call took."""
    from sqlalchemy import create_engine, text

    started = time.perf_counter()
    cluster = postgres.start(root)
    try:
        admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": PG_DATABASE}
            ).first()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{PG_DATABASE}"'))
        url = cluster.database_url(PG_DATABASE)
        store = Store(url, BlobStore(blobs))
        try:
            with store.engine.connect() as conn:
                done = conn.execute(text("SELECT count(*) FROM runs")).scalar_one()
            if done:
                print(f"resuming the build at {done:,} runs", file=sys.stderr)
            _apply_with_progress(store, runs, done)
        finally:
            store.close()
        with admin.connect() as conn:
            conn.execute(text("CHECKPOINT"))
        admin.dispose()
    finally:
        cluster.stop(keep=True)
    return time.perf_counter() - started


def _apply_with_progress(store: Store, runs: int, done: int) -> None:
    """Apply runs ``done`` … ``runs`` PG_RUNS_PER_TXN a transaction, printing the rate every
    PROGRESS_EVERY runs."""
    started = time.perf_counter()
    generated = project_runs(runs, np.random.default_rng(0), start=done)
    for first in range(done, runs, PROGRESS_EVERY):
        chunk = itertools.islice(generated, min(PROGRESS_EVERY, runs - first))
        apply_many(store, chunk, per_txn=PG_RUNS_PER_TXN)
        applied = min(first + PROGRESS_EVERY, runs) - done
        rate = applied / (time.perf_counter() - started)
        print(
            f"{done + applied:,} runs ({rate:.0f} runs/s; {runs:,} in about "
            f"{(runs - done - applied) / rate / 60:.0f} min more)",
            file=sys.stderr,
        )


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else RUNS
    if "--postgresql" in sys.argv:
        with cached_pg_store(size) as (url, blobs, seconds):
            built = "found in the cache" if seconds is None else f"built in {seconds:.1f} s"
            print(f"{url} (blobs {blobs}): {built}")
    else:
        store_dir, seconds = cached_store(size)
        built = "found in the cache" if seconds is None else f"built in {seconds:.1f} s"
        print(f"{store_dir}: {built}")
