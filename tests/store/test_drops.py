"""Dropped segment blobs outlive the readers that listed them, then go: ``store.drops``."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select
from tests.store.conftest import MakeStore, reopen

from cairn.errors import StoreError
from cairn.journal.records import History, Record, RunFinish, RunStart
from cairn.store import Store, gc, history, history_read
from cairn.store.local_reader import LocalReader
from cairn.store.reader import BlobReader
from cairn.store.schema import dropped_blobs, history_segments
from cairn.store.store import sql_query

T0 = 1_700_000_000.0


@pytest.fixture
def store(make_store: MakeStore, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """A seal every 5 rows, each merging the run's segments into one."""
    monkeypatch.setenv("CAIRN_HEARTBEAT_TIMEOUT", "inf")
    monkeypatch.setattr(history, "SEAL_ROWS", 5)
    monkeypatch.setattr(history, "merge_count", len)
    store = make_store()
    yield store
    store.close()


def log(store: Store, first: int, count: int, run_id: str = "r1") -> None:
    """Apply ``count`` rows of run ``run_id`` from row ``first`` (starting the run at 0)."""
    records: list[Record] = []
    if first == 0:
        records.append(RunStart(seq=1, run_id=run_id, project="p", name="n", created_at=T0))
    for i in range(first, first + count):
        records.append(History(seq=2 + i, step=i, ts=T0 + i, values={"a": float(i)}))
    store.apply(run_id, records)


def seqs(table: Any) -> list[int]:
    return list(table.column("_seq").to_pylist())


def segment_blobs(store: Store, run_id: str = "r1") -> set[str]:
    with store._read() as conn:
        query = select(history_segments.c.blob).where(history_segments.c.run_id == run_id)
        return set(conn.execute(query).scalars())


def files(store: Store) -> set[str]:
    return {digest for digest, _size, _mtime in store.blobs.entries()}


def later(store: Store) -> float:
    """A time after every drop made so far has expired."""
    return time.time() + store.drop_grace + 1


def test_a_read_that_listed_segments_before_a_compaction_finds_every_blob(store: Store) -> None:
    """The reader's snapshot lists the old segments; the writer merges them and commits before
    the reader fetches one. Deleting the merged blobs at once failed here."""
    log(store, 0, 10)  # one segment, then merged with the next batch
    log(store, 10, 5)
    listed = segment_blobs(store)
    get = store.blobs.get
    compacted: list[bool] = []

    def get_after_compaction(digest: str) -> bytes:
        if not compacted:
            compacted.append(True)
            log(store, 15, 5)  # merged with the listed segment, which is dropped
            assert not segment_blobs(store) & listed, "the listed segments were replaced"
        return get(digest)

    store.blobs.get = get_after_compaction  # type: ignore[method-assign]
    with store._snapshot() as conn:
        table = history_read.read_history(sql_query(conn), store.blobs, "r1", ["a"])
    assert compacted
    assert seqs(table) == list(range(2, 17)), "the rows as they were when the read began"
    assert seqs(store.history("r1", ["a"])) == list(range(2, 22))


def test_a_compaction_during_every_read_attempt_does_not_fail_the_read(store: Store) -> None:
    """A reader slower than the compactions (a big run over S3): retrying from a fresh list
    alone never caught up; with the drops kept, the first attempt succeeds."""
    log(store, 0, 5)
    get = store.blobs.get
    attempts: list[int] = []
    compacting: list[bool] = []

    def get_during_compaction(digest: str) -> bytes:
        if compacting:  # the compaction's own read of the segments it merges
            return get(digest)
        attempts.append(1)  # one segment a read: a get is an attempt
        compacting.append(True)
        log(store, 5 * len(attempts), 5)  # merged with the one being read, which is dropped
        compacting.clear()
        return get(digest)

    store.blobs.get = get_during_compaction  # type: ignore[method-assign]
    table = store.history("r1", ["a"])
    store.blobs.get = get  # type: ignore[method-assign]
    assert len(attempts) == 1, "read in one attempt"
    assert seqs(table) == list(range(2, 7))


def test_dropped_blobs_stay_for_the_grace_then_a_write_deletes_them(store: Store) -> None:
    log(store, 0, 5)
    first = segment_blobs(store)
    log(store, 5, 5)  # merged with the first segment, which is dropped
    assert first <= files(store)
    with store._read() as conn:
        assert first <= set(conn.execute(select(dropped_blobs.c.digest)).scalars())
    store.drop_grace = 0.0  # the next write finds the drops expired
    log(store, 10, 5)
    assert files(store) == segment_blobs(store), "every dropped blob deleted, the live one kept"
    with store._read() as conn:
        assert conn.execute(select(dropped_blobs.c.digest)).first() is None


def test_another_process_purges_drops_left_by_a_process_that_exited(store: Store) -> None:
    log(store, 0, 5)
    log(store, 5, 5)
    dropped = files(store) - segment_blobs(store)
    assert len(dropped) == 1
    with store._write() as conn:  # dropped long ago by a process gone since
        conn.execute(dropped_blobs.update().values(dropped_at=time.time() - 2 * store.drop_grace))
    other = reopen(store)
    try:
        log(other, 0, 3, run_id="r2")  # its first write looks for expired drops
        assert not dropped & files(other)
        assert seqs(other.history("r1", ["a"])) == list(range(2, 12))
    finally:
        other.close()


def test_a_dropped_blob_sealed_again_is_not_deleted(store: Store) -> None:
    """Identical rows in two runs make identical segment bytes: one blob. r1's compaction drops
    it, then r2 seals the same bytes: r2's segment must survive the purge."""
    log(store, 0, 5)
    [shared] = segment_blobs(store)
    log(store, 5, 5)  # r1 compacts: ``shared`` dropped
    with store._read() as conn:
        assert shared in set(conn.execute(select(dropped_blobs.c.digest)).scalars())
    log(store, 0, 5, run_id="r2")  # the same rows, the same bytes: reclaimed
    assert segment_blobs(store, "r2") == {shared}
    with store._read() as conn:
        assert shared not in set(conn.execute(select(dropped_blobs.c.digest)).scalars())
    store.purge_dropped(later(store))
    assert store.blobs.exists(shared)
    assert seqs(store.history("r2", ["a"])) == list(range(2, 7))


def test_a_purge_keeps_a_dropped_blob_a_segment_still_refers_to(store: Store) -> None:
    log(store, 0, 5)
    [digest] = segment_blobs(store)
    with store._write() as conn:  # recorded as dropped, but still r1's segment
        conn.execute(insert(dropped_blobs).values(digest=digest, dropped_at=0.0))
    assert store.purge_dropped(later(store)).deleted == 0
    assert store.blobs.exists(digest)
    with store._read() as conn:
        assert conn.execute(select(dropped_blobs.c.digest)).first() is None


def test_gc_keeps_drops_within_the_grace_and_deletes_expired_ones(store: Store) -> None:
    log(store, 0, 5)
    log(store, 5, 5)
    log(store, 10, 5)
    dropped = files(store) - segment_blobs(store)
    assert len(dropped) == 2  # the first segment, then its merge with the second batch
    result = gc.collect(store, grace=0)  # every file old enough: only the drops' grace keeps
    assert result.removed == 0 and files(store) >= dropped, "dropped a moment ago: kept"
    with store._write() as conn:
        conn.execute(dropped_blobs.update().values(dropped_at=time.time() - 2 * store.drop_grace))
    # The files are minutes old, younger than gc's grace: an expired drop goes all the same.
    assert gc.collect(store, dry_run=True).removed == len(dropped)
    result = gc.collect(store)
    assert result.removed == len(dropped) and result.freed > 0
    assert files(store) == segment_blobs(store)
    assert seqs(store.history("r1", ["a"])) == list(range(2, 17))


def seal_between_listing_segments_and_the_tail(store: Store, kind: str) -> None:
    """A read lists segments, then the tail; a seal moving the tail into a segment in between
    must not make its rows vanish (PostgreSQL's READ COMMITTED would: each query its own
    snapshot; so would sqlite3 outside a transaction)."""
    log(store, 0, 5)  # one segment
    log(store, 5, 3)  # and a tail of three rows
    read, _ = reading(store, kind)
    decode = history_read.decode_segment
    sealed: list[bool] = []

    def decode_then_seal(*args: Any, **kwargs: Any) -> Any:
        if not sealed:
            sealed.append(True)
            store.apply("r1", [RunFinish(seq=10, ts=T0 + 9)])  # the tail becomes a segment
        return decode(*args, **kwargs)

    history_read.decode_segment = decode_then_seal  # type: ignore[assignment]
    try:
        table = read()
    finally:
        history_read.decode_segment = decode  # type: ignore[assignment]
    assert sealed
    assert seqs(table) == list(range(2, 10))


def test_a_seal_between_listing_segments_and_the_tail_is_not_seen(store: Store) -> None:
    seal_between_listing_segments_and_the_tail(store, "store")


def test_a_local_read_sees_one_snapshot_too(local_store: Store) -> None:
    seal_between_listing_segments_and_the_tail(local_store, "local")


@pytest.fixture
def local_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """``store``'s settings on a local store, which a ``LocalReader`` also reads (SQLite only)."""
    monkeypatch.setenv("CAIRN_HEARTBEAT_TIMEOUT", "inf")
    monkeypatch.setattr(history, "SEAL_ROWS", 5)
    monkeypatch.setattr(history, "merge_count", len)
    store = Store.local(tmp_path / ".cairn")
    yield store
    store.close()


def reading(store: Store, kind: str) -> tuple[Callable[[], Any], BlobReader]:
    """A read of run r1's ``a`` and the blobs it fetches through: the ``Store``'s, or those of a
    ``LocalReader`` of the same folder (sqlite3, no SQLAlchemy), which retries by the same code."""
    if kind == "store":
        return lambda: store.history("r1", ["a"]), store.blobs
    reader = LocalReader(Path(store.url.removeprefix("sqlite:///")).parent)
    return lambda: reader.history(reader.find_run("p/r1"), ["a"]), reader.blobs


def read_slower_than_the_grace(store: Store, kind: str) -> None:
    log(store, 0, 5)
    read, blobs = reading(store, kind)
    get = blobs.get
    attempts: list[str] = []
    compacting: list[bool] = []

    def get_after_purge(digest: str) -> bytes:
        if compacting:  # the compaction's own read of the segments it merges
            return get(digest)
        attempts.append(digest)
        if len(attempts) == 1:  # the first attempt's blob is merged and then purged under it
            compacting.append(True)
            log(store, 5, 5)
            store.purge_dropped(later(store))
            compacting.clear()
        return get(digest)

    blobs.get = get_after_purge  # type: ignore[method-assign]
    assert seqs(read()) == list(range(2, 7)) + list(range(7, 12))
    assert len(attempts) == 2 and attempts[0] != attempts[1]


def test_a_read_slower_than_the_grace_starts_over_from_the_new_segments(store: Store) -> None:
    read_slower_than_the_grace(store, "store")


def test_a_local_read_slower_than_the_grace_starts_over_too(local_store: Store) -> None:
    read_slower_than_the_grace(local_store, "local")


def read_that_keeps_losing_its_blobs(store: Store, kind: str) -> None:
    log(store, 0, 5)
    read, blobs = reading(store, kind)
    get = blobs.get
    attempts: list[str] = []
    compacting: list[bool] = []

    def get_after_purge(digest: str) -> bytes:
        if not compacting:
            compacting.append(True)
            attempts.append(digest)
            log(store, 5 * len(attempts), 5)
            store.purge_dropped(later(store))
            compacting.clear()
        return get(digest)

    blobs.get = get_after_purge  # type: ignore[method-assign]
    with pytest.raises(StoreError, match=r"failed 3 time\(s\) in a row.*read it again"):
        read()
    assert len(attempts) == 3


def test_a_read_that_keeps_losing_its_blobs_says_so(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history_read, "READ_RETRIES", 2)
    read_that_keeps_losing_its_blobs(store, "store")


def test_a_local_read_that_keeps_losing_its_blobs_says_so_too(
    local_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history_read, "READ_RETRIES", 2)
    read_that_keeps_losing_its_blobs(local_store, "local")
