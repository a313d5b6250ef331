"""The ingest queue on both deployments: what the store holds counts queued batches, batches
apply once each and in seq order, gaps and runs of other projects are refused at the door, and a
batch that fails to apply stays queued, visibly, until it applies."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.fakes.journals import every_record
from tests.store.conftest import at_once, reopen

from cairn.errors import StoreGapError
from cairn.journal.batches import encode_batch
from cairn.journal.records import History, Record, RunStart
from cairn.store import Store
from cairn.store.ingest_queue import RETRY_SECONDS, IngestQueue, RunElsewhereError, queue_path
from cairn.store.schema import ingest_queue


def start(run_id: str, project: str = "p") -> list[Record]:
    return [
        RunStart(seq=1, run_id=run_id, project=project, name=run_id, created_at=1_700_000_000.0)
    ]


def rows(n: int, first_seq: int) -> list[Record]:
    """``n`` history rows from ``first_seq``, each at the step of its seq."""
    return [
        History(seq=seq, step=seq, ts=1_700_000_000.0 + seq, values={"loss": 1.0 / seq})
        for seq in range(first_seq, first_seq + n)
    ]


def put(queue: IngestQueue, run_id: str, records: list[Record], project: str = "p") -> int:
    return queue.enqueue(project, run_id, encode_batch(records), records)


def steps(store: Store, run_id: str) -> list[int]:
    return [int(s) for s in store.history(run_id, ["loss"]).column("_step").to_pylist()]


def drain(queue: IngestQueue) -> int:
    applied = 0
    while (n := queue.apply_next()) > 0:
        applied += n
    return applied


@pytest.fixture
def queue(store: Store) -> Iterator[IngestQueue]:
    made = IngestQueue(store)
    yield made
    made.close()


def test_a_queued_batch_counts_as_held_and_applies_once(store: Store, queue: IngestQueue) -> None:
    records = every_record("q1")
    assert put(queue, "q1", records) == records[-1].seq
    assert store.last_seq("q1") == 0  # acknowledged, not applied yet
    assert queue.held("p", "q1") == records[-1].seq
    assert put(queue, "q1", records) == records[-1].seq  # sent again while queued
    assert queue.status().queued == 1
    assert drain(queue) == 1
    assert store.last_seq("q1") == records[-1].seq
    assert queue.held("p", "q1") == records[-1].seq
    assert put(queue, "q1", records) == records[-1].seq  # and again once applied
    assert queue.status().queued == 0


def test_several_batches_of_a_run_apply_in_seq_order(store: Store, queue: IngestQueue) -> None:
    put(queue, "q2", start("q2"))
    first_seq = 2
    for _ in range(5):
        assert put(queue, "q2", rows(100, first_seq)) == first_seq + 99
        first_seq += 100
    assert drain(queue) == 6
    assert steps(store, "q2") == list(range(2, 502))
    assert queue.status().queued == 0


def test_a_gap_and_a_run_of_another_project_are_refused_at_the_door(
    store: Store, queue: IngestQueue
) -> None:
    with pytest.raises(StoreGapError, match="from its start"):
        put(queue, "q3", rows(3, 1))
    put(queue, "q3", start("q3"))
    with pytest.raises(StoreGapError, match=r"up to seq 1 .* seq 5 next"):
        put(queue, "q3", rows(3, 5))
    with pytest.raises(RunElsewhereError):  # queued only: its project is the queue's
        put(queue, "q3", rows(3, 2), project="other")
    with pytest.raises(RunElsewhereError):
        queue.held("other", "q3")
    drain(queue)
    with pytest.raises(RunElsewhereError):  # applied
        queue.held("other", "q3")
    assert queue.held("p", "q3") == 1 and queue.status().queued == 0


def queue_directly(queue: IngestQueue, run_id: str, records: list[Record]) -> None:
    """A row in the queue as a worker writes one, without enqueue's checks of the seq range."""
    with queue.engine.begin() as conn:
        conn.execute(
            ingest_queue.insert().values(
                run_id=run_id,
                project="p",
                first_seq=records[0].seq,
                last_seq=records[-1].seq,
                body=encode_batch(records),
                received_at=time.time(),
            )
        )


def test_a_batch_that_fails_to_apply_stays_queued_and_is_retried(
    store: Store, queue: IngestQueue
) -> None:
    put(queue, "q4", start("q4"))
    drain(queue)
    # a queue row that cannot apply (a gap, as a bug would leave one), written past enqueue
    queue_directly(queue, "q4", rows(3, 10))
    now = time.time()
    assert queue.apply_next(now) == 0
    status = queue.status()
    assert (status.queued, status.failing) == (1, 1)
    with queue.engine.connect() as conn:
        error = conn.execute(ingest_queue.select()).one().error
    assert "StoreGapError" in error and "seq 10" in error
    assert store.last_seq("q4") == 1  # nothing of it applied
    assert queue.apply_next(now + RETRY_SECONDS[0] / 2) == 0  # not before its retry time
    # the missing records arrive (directly, as enqueue counts seq 12 as held): both apply
    queue_directly(queue, "q4", rows(8, 2))
    assert queue.apply_next(now + RETRY_SECONDS[0] + 1) == 2
    assert store.last_seq("q4") == 12 and queue.status().queued == 0


def test_a_batch_applied_before_a_kill_but_still_queued_applies_once(
    store: Store, queue: IngestQueue
) -> None:
    """On SQLite the queue is a file of its own: a kill between the apply's commit and the
    queue's delete leaves applied batches queued. Applying them again changes nothing."""
    batch = [*start("q5"), *rows(50, 2)]
    put(queue, "q5", batch)
    store.apply("q5", batch)  # as the applier's transaction did before the kill
    assert drain(queue) == 1
    assert len(steps(store, "q5")) == 50 and store.last_seq("q5") == 51


def test_appliers_at_once_apply_every_batch_once(store: Store, queue: IngestQueue) -> None:
    for run in range(4):
        run_id = f"many{run}"
        put(queue, run_id, start(run_id))
        for first in range(2, 402, 100):
            put(queue, run_id, rows(100, first))

    def applier(own: Store, _i: int) -> int:
        mine = IngestQueue(own)
        try:
            return drain(mine)
        finally:
            mine.close()

    at_once(store, applier, workers=3)
    assert queue.status().queued == 0
    for run in range(4):
        assert store.last_seq(f"many{run}") == 401
        assert store.run(f"many{run}").history_rows == 400


def test_on_sqlite_the_queue_is_a_file_beside_the_database(
    store: Store, queue: IngestQueue
) -> None:
    put(queue, "q6", start("q6"))
    if not store.url.startswith("sqlite:///"):  # PostgreSQL: the store's own table
        assert queue.same_database
        with store.engine.connect() as conn:
            assert conn.execute(ingest_queue.select()).one().run_id == "q6"
        return
    database = Path(store.url.removeprefix("sqlite:///"))
    assert not queue.same_database and queue_path(database) == database.parent / "cairn.ingest.db"
    with store.engine.connect() as conn:  # the store's database holds no queued batch
        assert conn.execute(ingest_queue.select()).first() is None
    other = IngestQueue(reopen(store))  # another process finds it there
    assert other.held("p", "q6") == 1
    other.close()


def test_many_processes_opening_a_new_queue_at_once_all_get_it(store: Store) -> None:
    """A new server's workers and applier open the queue (on SQLite: make its file) at once."""

    def open_queue(own: Store, _i: int) -> int:
        mine = IngestQueue(own)
        try:
            return mine.status().queued
        finally:
            mine.close()

    assert at_once(store, open_queue, workers=8) == [0] * 8


def test_on_sqlite_inserts_never_checkpoint_the_queue_and_the_applier_does(
    tmp_path: Path,
) -> None:
    """A checkpoint copies the log into the file while its writer holds the queue's write lock:
    the requests' inserts leave it to the applier, which checkpoints after it applied."""
    store = Store.local(tmp_path)
    queue = IngestQueue(store)
    database = queue_path(Path(store.url.removeprefix("sqlite:///")))
    rng = random.Random(7)
    put(queue, "q7", start("q7"))
    for i in range(12):  # about 6 MB through the log: SQLite alone checkpoints at 4 MB
        batch = [
            History(seq=seq, step=seq, ts=1.0, values={f"k{j}": rng.random() for j in range(10)})
            for seq in range(2 + i * 5_000, 2 + (i + 1) * 5_000)
        ]
        put(queue, "q7", batch)
    log = database.with_name(database.name + "-wal")
    assert log.stat().st_size > 5_500_000  # never checkpointed: the log was never reused
    assert database.stat().st_size < 1_000_000  # and the file holds none of it yet
    assert drain(queue) == 13
    assert database.stat().st_size > 5_500_000  # the applier's checkpoint copied it over
    assert store.last_seq("q7") == 60_001
    queue.close()
    store.close()
