"""Several appliers of one ``cairn server`` (``--appliers``) on a real PostgreSQL, with many
runs' batches queued and more arriving while they apply: they apply different runs at the same
moment, every batch once and a run's in seq order; appliers killed (SIGKILL) in the middle of
applying a run lose and double nothing, the others and their successors finish the work."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import pytest
from sqlalchemy import Connection, text
from tests.conftest import Postgres
from tests.fakes.server import Server, serve_command

from cairn.journal.batches import encode_batch
from cairn.journal.records import History, Record, RunStart
from cairn.store.blobs import BlobStore
from cairn.store.ingest_queue import IngestQueue
from cairn.store.store import Store

APPLIERS = 3
RUNS = 16
BATCHES = 10
"""Batches of each run queued before the server starts."""
LATE = 5
"""Batches of each run queued while the appliers apply the first ones."""
ROWS = 1_000
"""Rows per batch: a run's queued batches apply in one transaction (up to DRAIN_RECORDS)."""
KILLS = 3

HELD_RUNS = text(
    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)
"""The backends holding a run: an applier between its claim and its commit (nothing else of
Cairn takes an advisory lock once the schema is migrated)."""


@dataclass
class Deployment:
    db: str
    blobs: Path

    def store(self) -> Store:
        return Store(self.db, BlobStore(self.blobs), migrate=False)

    @property
    def env(self) -> dict[str, str]:
        return {"CAIRN_DB": self.db, "CAIRN_BLOBS": str(self.blobs)}


@pytest.fixture
def queued(postgres: Postgres, tmp_path: Path) -> Iterator[Deployment]:
    """A migrated database whose ingest queue holds RUNS runs x BATCHES batches x ROWS rows,
    as a server's workers would have queued them, and nothing applied yet."""
    deployment = Deployment(postgres.database(), tmp_path / "blobs")
    enqueue(deployment, range(BATCHES))
    yield deployment


def enqueue(deployment: Deployment, batches: range) -> None:
    """Queue batches ``batches`` of every run, batch by batch across the runs (as a server's
    workers do when the runs' clients send at once)."""
    store = deployment.store()
    queue = IngestQueue(store)
    try:
        for batch in batches:
            for run in range(RUNS):
                records = rows(f"r{run}", batch)
                queue.enqueue("p", f"r{run}", encode_batch(records), records)
    finally:
        queue.close()
        store.close()


@contextmanager
def arriving(deployment: Deployment) -> Iterator[threading.Thread]:
    """The LATE batches of every run queued from a thread, while the block runs."""
    thread = threading.Thread(target=enqueue, args=(deployment, range(BATCHES, BATCHES + LATE)))
    thread.start()
    try:
        yield thread
    finally:
        thread.join(120)


def rows(run_id: str, batch: int) -> list[Record]:
    """Batch ``batch`` of ``run_id``: ROWS history rows (the first batch starts the run), the
    value ``step`` in each so that a doubled or lost row shows."""
    first = 2 + batch * ROWS
    start: list[Record] = []
    if batch == 0:
        start = [RunStart(seq=1, run_id=run_id, project="p", name=run_id, created_at=1.7e9)]
    return start + [
        History(seq=seq, step=seq - 2, ts=1.7e9 + seq, values={"step_copy": float(seq - 2)})
        for seq in range(first, first + ROWS)
    ]


def appliers_of(server: Server) -> list[psutil.Process]:
    """The server's applier processes: its children that hold no listening socket (uvicorn's
    workers, when there are several, are spawned children too, but they listen)."""
    children = psutil.Process(server.process.pid).children(recursive=True)
    found = []
    for child in children:
        try:
            if "spawn_main" in " ".join(child.cmdline()) and not any(
                c.status == psutil.CONN_LISTEN for c in child.net_connections("tcp")
            ):
                found.append(child)
        except psutil.NoSuchProcess:
            continue
    return found


def queued_batches(server: Server) -> int:
    health = httpx.get(f"{server.url}/api/v1/health", timeout=10).json()["ingest"]
    assert health["failing"] == 0, f"a batch failed to apply: {health}\n{server.output()}"
    return int(health["queued"])


def assert_every_row_once(deployment: Deployment) -> None:
    total = (BATCHES + LATE) * ROWS
    store = deployment.store()
    try:
        for run in range(RUNS):
            steps = store.history(f"r{run}", ["step_copy"]).column("step_copy").to_pylist()
            assert steps == [float(s) for s in range(total)], f"r{run}: rows lost or doubled"
            assert store.last_seq(f"r{run}") == 1 + total
            assert store.run(f"r{run}").history_rows == total
    finally:
        store.close()
    with connection(deployment) as conn:
        assert conn.execute(text("SELECT count(*) FROM ingest_queue")).scalar() == 0


@contextmanager
def connection(deployment: Deployment) -> Iterator[Connection]:
    """A connection to the deployment's database, for the test's own queries."""
    store = deployment.store()
    try:
        with store.engine.connect() as conn:
            yield conn
    finally:
        store.close()


def test_several_appliers_apply_different_runs_at_once_each_batch_once(
    queued: Deployment,
) -> None:
    most_held = 0
    with (
        connection(queued) as conn,
        serve_command(["server", "--appliers", str(APPLIERS)], env=queued.env) as server,
        arriving(queued) as late,
    ):
        assert f"(1 worker(s), {APPLIERS} applier(s))" in server.output()
        assert len(appliers_of(server)) == APPLIERS
        deadline = time.monotonic() + 240
        while late.is_alive() or queued_batches(server):
            most_held = max(most_held, len(conn.execute(HELD_RUNS).all()))
            conn.rollback()
            assert time.monotonic() < deadline, server.output()
            time.sleep(0.005)
        output = server.output()
    assert most_held >= 2, "the appliers never held two runs at once"
    assert "failed" not in output, output  # a run out of seq order would have failed (a gap)
    assert_every_row_once(queued)


def test_appliers_killed_mid_apply_lose_and_double_nothing(queued: Deployment) -> None:
    killed: list[psutil.Process] = []
    with (
        connection(queued) as conn,
        serve_command(["server", "--appliers", str(APPLIERS)], env=queued.env) as server,
        arriving(queued) as late,
    ):
        deadline = time.monotonic() + 240
        while late.is_alive() or queued_batches(server):
            assert time.monotonic() < deadline, server.output()
            if len(killed) == KILLS:
                time.sleep(0.05)
                continue
            # an applier between claiming a run and committing it: kill it there
            holders = [pid for (pid,) in conn.execute(HELD_RUNS)]
            ports = {
                port
                for (port,) in conn.execute(
                    text("SELECT client_port FROM pg_stat_activity WHERE pid = ANY(:pids)"),
                    {"pids": holders},
                )
            }
            conn.rollback()
            for applier in appliers_of(server):
                if any(c.laddr.port in ports for c in applier.net_connections("tcp")):
                    applier.kill()  # SIGKILL: its transaction is cut, its run unclaimed
                    applier.wait(10)
                    killed.append(applier)
                    break
        output = server.output()
    assert killed, f"no applier was seen holding a run\n{output}"
    for applier in killed:
        assert f"the applier (pid {applier.pid}) exited with code -9; starting" in output
    assert_every_row_once(queued)
