"""Reading a run's history while its writer seals and compacts segments: a reader never fails
and never sees a point twice or a gap, whether it shares the writer's process or not, and however
slowly it fetches segment blobs (S3, a busy disk)."""

from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.fakes.waiting import wait_for
from tests.store.conftest import MakeStore, reopen

from cairn.journal.records import History, Record, RunStart
from cairn.store import Store, history, history_read
from cairn.store.local_reader import LocalReader

T0 = 1_700_000_000.0
BATCH = 5
SLOW_GET = 0.02
"""Seconds a slow reader takes to fetch a blob: longer than the writer takes to compact, so a
reader that only retried from a fresh list of segments would fail every attempt."""


def check(store: Store) -> int:
    """The run's rows as read now: every seq once, in order, from the first, at its step;
    their count."""
    table = store.history("r1", ["a"])
    seqs = np.asarray(table.column("_seq"))
    steps = np.asarray(table.column("_step"))
    assert np.array_equal(seqs, np.arange(2, 2 + len(seqs))), "a point twice or a gap"
    assert np.array_equal(steps, seqs - 2), "steps out of order"
    return len(seqs)


READER = (
    textwrap.dedent(
        """
        import sys, time
        from pathlib import Path
        import numpy as np
        from cairn.store import Store, history_read
        from cairn.store.blobs import BlobStore

        history_read.READ_RETRIES = 0

        class SlowBlobs(BlobStore):
            def get(self, digest):
                time.sleep(float(sys.argv[4]))
                return super().get(digest)

        store = Store(sys.argv[1], SlowBlobs(sys.argv[2]), migrate=False)
        stop = Path(sys.argv[3])
        reads = errors = last = 0
        """
    )
    + inspect.getsource(check).replace("store: Store", "store").replace(" -> int", "")
    + textwrap.dedent(
        """
        while not stop.exists():
            try:
                count = check(store)
                if count < last:
                    raise AssertionError(f"{count} points after {last}")
                last = count
                reads += 1
            except Exception as exc:  # counted, not raised: the parent asserts on the count
                print(type(exc).__name__, exc, file=sys.stderr)
                errors += 1
        print(reads, errors)
        """
    )
)


def records(batches: int) -> list[Record]:
    out: list[Record] = [RunStart(seq=1, run_id="r1", project="p", name="n", created_at=T0)]
    for i in range(batches * BATCH):
        out.append(History(seq=2 + i, step=i, ts=T0 + i, values={"a": float(i)}))
    return out


def slowed(store: Store) -> Store:
    """``store`` opened again, fetching each blob ``SLOW_GET`` seconds late."""
    other = reopen(store)
    get = other.blobs.get

    def slow_get(digest: str) -> bytes:
        time.sleep(SLOW_GET)
        return get(digest)

    other.blobs.get = slow_get  # type: ignore[method-assign]
    return other


class LocalHistory:
    """A ``LocalReader`` of ``store``'s folder (sqlite3, the cold read of ``Api(dir)``), read as
    ``Store.history`` is and fetching each blob ``SLOW_GET`` seconds late."""

    def __init__(self, store: Store) -> None:
        self.reader = LocalReader(Path(store.url.removeprefix("sqlite:///")).parent)
        get = self.reader.blobs.get

        def slow_get(digest: str) -> bytes:
            time.sleep(SLOW_GET)
            return get(digest)

        self.reader.blobs.get = slow_get  # type: ignore[method-assign]

    def history(self, run_id: str, keys: list[str]) -> Any:
        return self.reader.history(self.reader.find_run(run_id), keys)


def test_readers_never_fail_while_segments_are_compacted(
    make_store: MakeStore, backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three readers loop while a run logs: one in the writer's thread's store, one slow in
    another thread, one slow in another process. On SQLite with a blob folder and on PostgreSQL
    with S3 blobs (fewer batches there: each read fetches every segment from S3). On SQLite, a
    fourth, slow too, reads through ``LocalReader`` (sqlite3 instead of SQLAlchemy)."""
    batches = 120 if backend == "sqlite" else 30
    monkeypatch.setenv("CAIRN_HEARTBEAT_TIMEOUT", "inf")
    monkeypatch.setattr(history, "SEAL_ROWS", BATCH)  # a segment per batch
    monkeypatch.setattr(history, "COMPACT_OVER", 3)  # and a compaction every few batches
    # Kept drops alone keep every read whole: the retry (for reads slower than the drops' grace,
    # test_drops) is off, here and in the other process.
    monkeypatch.setattr(history_read, "READ_RETRIES", 0)
    store = make_store()
    log = records(batches)
    store.apply("r1", log[:1])
    stop_file = tmp_path / "stop"
    other = subprocess.Popen(
        [sys.executable, "-c", READER, store.url, store.blobs.url, str(stop_file), str(SLOW_GET)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    slow = slowed(store)
    done = threading.Event()
    errors: list[BaseException] = []
    looping: list[Any] = [store, slow, *([LocalHistory(store)] if backend == "sqlite" else [])]
    counts: list[list[int]] = [[] for _ in looping]

    def read(reader: Store, into: list[int]) -> None:
        while not done.is_set():
            try:
                into.append(check(reader))
            except BaseException as exc:  # reported below
                errors.append(exc)
                return

    readers = [
        threading.Thread(target=read, args=(reader, seen))
        for reader, seen in zip(looping, counts, strict=True)
    ]
    for thread in readers:
        thread.start()
    try:
        assert wait_for(lambda: all(counts), timeout=10), "the readers started"
        for i in range(1, len(log), BATCH):
            store.apply("r1", log[i : i + BATCH])
        wait_for(  # asserted below
            lambda: bool(errors) or all(seen[-1] == batches * BATCH for seen in counts[1:])
        )
    finally:
        done.set()
        for thread in readers:
            thread.join()
        stop_file.touch()
        out, err = other.communicate(timeout=60)
        slow.close()
    assert not errors, errors[0]
    for seen in counts:
        assert seen and seen == sorted(seen), "a later read returned fewer points"
        assert seen[-1] == batches * BATCH, "the reader saw every batch"
    reads, failed = (int(v) for v in out.split())
    assert reads > 0 and failed == 0, err
    assert check(store) == batches * BATCH
