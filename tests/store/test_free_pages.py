"""A local store's file shrinks when a run's tail is sealed at its finish or a run is deleted."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cairn.journal.batches import encode_batch
from cairn.journal.records import History, Record, RunFinish, RunStart
from cairn.store import Store, history
from cairn.store.ingest_queue import IngestQueue
from cairn.store.numbering import DB_NAME, keep_file_settings, reserve_run_number

T0 = 1_700_000_000.0
KEYS = [f"metric_{k:02d}" for k in range(40)]


def _pragma(path: Path, name: str) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute(f"PRAGMA {name}").fetchone()[0])


def _records(run_id: str, steps: int) -> list[Record]:
    rows: list[Record] = [
        History(seq=2 + i, step=i, ts=T0 + i, values={k: i + j / 7 for j, k in enumerate(KEYS)})
        for i in range(steps)
    ]
    return [RunStart(seq=1, run_id=run_id, project="p", name=run_id, created_at=T0), *rows]


@pytest.mark.parametrize("made_by", ["store", "init"])
def test_a_new_store_file_is_made_with_incremental_auto_vacuum(
    tmp_path: Path, made_by: str
) -> None:
    if made_by == "store":
        Store.local(tmp_path).close()
    else:  # cairn.init() reserves a run number first, through the stdlib alone
        assert reserve_run_number(tmp_path, "p") == 1
    assert _pragma(tmp_path / DB_NAME, "auto_vacuum") == 2  # INCREMENTAL
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_finishing_a_run_gives_its_sealed_tail_pages_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "SEAL_ROWS", 10**9)  # every row stays in the tail until finish
    store = Store.local(tmp_path)
    try:
        records = _records("r1", 3000)
        for first in range(0, len(records), 500):
            store.apply("r1", records[first : first + 500])
        db = tmp_path / DB_NAME
        store.engine.dispose()  # the last connection closed: the WAL is checkpointed into the file
        grown = _pragma(db, "page_count")
        store.apply("r1", [RunFinish(seq=len(records) + 1, ts=T0 + 9)])
        store.engine.dispose()
        assert _pragma(db, "freelist_count") == 0
        shrunk = _pragma(db, "page_count")
        assert shrunk < grown / 2, (grown, shrunk)  # the tail was most of the file
        assert store.history("r1", ["metric_07"]).num_rows == 3000  # sealed into a segment
    finally:
        store.close()


def test_deleting_a_run_gives_its_pages_back(tmp_path: Path) -> None:
    store = Store.local(tmp_path)
    try:
        for run in ("keep", "gone"):
            records = _records(run, 2000)
            store.apply(run, [*records, RunFinish(seq=len(records) + 1, ts=T0 + 9)])
        store.update_run("gone", notes="x" * 2_000_000)  # two MB of rows the delete frees
        store.engine.dispose()
        db = tmp_path / DB_NAME
        grown = _pragma(db, "page_count")
        store.delete_run("gone")
        store.engine.dispose()
        assert _pragma(db, "freelist_count") == 0
        assert _pragma(db, "page_count") < grown - 400  # 4 KB pages: 1.6 MB or more given back
        assert store.history("keep", ["metric_00"]).num_rows == 2000
    finally:
        store.close()


def test_an_older_store_file_keeps_its_free_pages_for_new_rows(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / DB_NAME) as db:  # a store made before incremental vacuum
        db.execute("PRAGMA auto_vacuum=NONE")
        db.execute("CREATE TABLE made_before (x)")
    store = Store.local(tmp_path)  # migrated in place: the setting cannot change any more
    try:
        assert _pragma(tmp_path / DB_NAME, "auto_vacuum") == 0
        records = _records("r1", 1000)
        store.apply("r1", [*records, RunFinish(seq=len(records) + 1, ts=T0 + 9)])
        assert store.give_back_free_pages() == 0
        assert store.history("r1", ["metric_00"]).num_rows == 1000
    finally:
        store.close()


def test_a_connection_to_a_made_store_needs_no_lock_for_its_settings(tmp_path: Path) -> None:
    """Setting auto-vacuum on a file that has tables waits for the write lock: a new connection
    must not, or every connection would queue behind a long write."""
    Store.local(tmp_path).close()
    holder = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("UPDATE projects SET run_counter = run_counter")
        other = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None, timeout=0)
        try:
            keep_file_settings(other)  # with no busy timeout, any wait for a lock would raise
            assert other.execute("PRAGMA auto_vacuum").fetchone()[0] == 2
        finally:
            other.close()
    finally:
        holder.close()


def test_a_team_servers_applier_gives_the_pages_back_when_a_run_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "SEAL_ROWS", 10**9)
    store = Store.local(tmp_path)
    queue = IngestQueue(store)
    try:
        records = _records("r1", 3000)
        for first in range(0, len(records), 500):
            batch = records[first : first + 500]
            queue.enqueue("p", "r1", encode_batch(batch), batch)
        while queue.apply_next() > 0:
            pass
        store.engine.dispose()
        grown = _pragma(tmp_path / DB_NAME, "page_count")
        finish: list[Record] = [RunFinish(seq=len(records) + 1, ts=T0 + 9)]
        queue.enqueue("p", "r1", encode_batch(finish), finish)
        assert queue.apply_next() == 1
        store.engine.dispose()
        assert _pragma(tmp_path / DB_NAME, "freelist_count") == 0
        assert _pragma(tmp_path / DB_NAME, "page_count") < grown / 2
    finally:
        queue.close()
        store.close()
