"""Syncing journals into sinks: once over a whole journal, and live from a background thread."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from tests.fakes.journals import every_record, history_rows, write_journal
from tests.fakes.sinks import FlakySink, MemorySink, RecordingSink, SinkDown
from tests.fakes.waiting import wait_for

from cairn.errors import ServerBusyError, StoreGapError
from cairn.journal.file import HEADER, JournalFormatError, JournalWriter
from cairn.journal.records import Record, RunFinish, RunStart
from cairn.sdk.session import HEARTBEAT_INTERVAL
from cairn.store import engine
from cairn.store.store import HEARTBEAT_TIMEOUT, Store
from cairn.sync import syncer as syncer_module
from cairn.sync.syncer import LiveSyncer, sync_journal


def start_record(run_id: str = "run1") -> RunStart:
    return RunStart(seq=1, run_id=run_id, project="p", name="n", created_at=1_700_000_000.0)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.local(tmp_path / "store")
    yield store
    store.close()


def snapshot(store: Store, run_id: str) -> tuple[str, str]:
    """The run's metadata and history as text (NaN-safe to compare)."""
    return repr(store.run(run_id)), repr(store.history(run_id).to_pylist())


# ---- sync_journal ---------------------------------------------------------------------------


def test_sync_journal_applies_into_a_store(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "runs" / "run1" / "journal"
    write_journal(path, every_record("run1"))
    result = sync_journal(path, store)
    assert (result.path, result.run_id, result.problem) == (path, "run1", None)
    assert (result.records, result.applied, result.last_seq) == (9, 9, 9)
    info = store.run("run1")
    assert (info.project, info.name, info.state, info.exit_code) == (
        "p",
        "brisk-heron-1",
        "failed",
        1,
    )
    assert info.config == {"lr": 5e-4, "nothing": None, "flag": True}
    assert info.tags == ["baseline", "ünïcode"]
    assert info.history_rows == 2 and info.last_step == 1 and info.last_seq == 9
    assert info.summary["best"] == 0.9 and info.summary["val/acc"] == 0.75
    rows = store.history("run1").to_pylist()
    assert [r["_step"] for r in rows] == [0, 1]
    assert rows[0]["up"] == float("inf") and rows[0]["down"] == float("-inf")


def test_syncing_twice_changes_nothing(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "journal"
    write_journal(path, [start_record(), *history_rows(50)])
    first = sync_journal(path, store)
    before = snapshot(store, "run1")
    second = sync_journal(path, store)
    assert (first.records, first.applied, first.last_seq) == (51, 51, 51)
    assert (second.records, second.applied, second.last_seq) == (51, 0, 51)
    assert snapshot(store, "run1") == before
    assert store.count_runs() == 1 and store.run("run1").history_rows == 50


def test_progress_is_reported_per_batch(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In bytes of the journal: a journal is streamed, so its record count is not known ahead."""
    monkeypatch.setattr(syncer_module, "BATCH", 4)
    path = tmp_path / "journal"
    ends = write_journal(path, [start_record(), *history_rows(9)])
    size = path.stat().st_size
    calls: list[tuple[int, int]] = []
    sync_journal(path, store, on_progress=lambda done, total: calls.append((done, total)))
    assert calls == [(ends[3], size), (ends[7], size), (ends[9], size)]
    calls.clear()
    empty = tmp_path / "empty"
    JournalWriter(empty).close()
    sync_journal(empty, store, on_progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 0)]


def test_only_what_the_sink_lacks_is_sent(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    records = [start_record(), *history_rows(5)]
    write_journal(path, records)
    memory = MemorySink()
    memory.apply("run1", records[:3])
    sink = RecordingSink(memory)
    result = sync_journal(path, sink)
    assert sink.applied_seqs() == [4, 5, 6]
    assert (result.applied, result.last_seq) == (3, 6)
    assert memory.seqs("run1") == [1, 2, 3, 4, 5, 6]


def test_a_torn_journal_syncs_everything_before_the_tear(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "journal"
    ends = write_journal(path, [start_record(), *history_rows(10), RunFinish(seq=12, ts=2e9)])
    with open(path, "r+b") as f:
        f.truncate(ends[-1] - 2)
    result = sync_journal(path, store)
    assert (result.records, result.applied, result.last_seq) == (11, 11, 11)
    assert result.problem is not None
    assert "torn" in result.problem and f"at byte {ends[-2]}" in result.problem
    info = store.run("run1")
    assert info.history_rows == 10 and info.last_seq == 11
    assert info.state == "crashed"  # no finish record, and its last sign of life is long ago


def test_a_journal_with_only_a_header_syncs_nothing(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "journal"
    JournalWriter(path).close()
    assert path.stat().st_size == HEADER.size
    result = sync_journal(path, store)
    assert (result.run_id, result.records, result.applied, result.problem) == (None, 0, 0, None)
    assert store.count_runs() == 0


def test_without_a_start_record_the_run_is_named_by_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "runs" / "abc123" / "journal"
    write_journal(path, history_rows(3))
    sink = MemorySink()
    result = sync_journal(path, sink)
    assert result.run_id == "abc123" and sink.seqs("abc123") == [2, 3, 4]


def test_a_file_that_is_not_a_journal_raises(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "journal"
    path.write_text("definitely not a journal\n")
    with pytest.raises(JournalFormatError):
        sync_journal(path, store)


# ---- LiveSyncer -----------------------------------------------------------------------------


def test_live_syncer_retries_a_failing_sink_until_everything_arrives(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    writer = JournalWriter(path)
    writer.append([start_record(), *history_rows(20)])
    memory = MemorySink()
    sink = FlakySink(memory, failures=2)
    syncer = LiveSyncer(path, sink, "run1", interval=0.01)
    syncer.start()
    try:
        assert syncer.wait_synced(21, timeout=30)
        assert memory.seqs("run1") == list(range(1, 22))
        assert sink.attempts >= 3 and syncer.error is None
        writer.append(history_rows(5, first_seq=22))
        syncer.notify()
        assert syncer.wait_synced(26, timeout=30)
        assert memory.seqs("run1") == list(range(1, 27))
        assert syncer.last_seq == 26
    finally:
        syncer.stop(timeout=10)
        writer.close()
    assert not syncer._thread.is_alive()


def test_live_syncer_ships_a_half_written_frame_once_it_is_complete(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    writer = JournalWriter(path)
    writer.append([start_record()])
    memory = MemorySink()
    syncer = LiveSyncer(path, memory, "run1", interval=0.01)
    syncer.start()
    try:
        assert syncer.wait_synced(1, timeout=30)
        whole = tmp_path / "whole"
        write_journal(whole, history_rows(1))
        frame = whole.read_bytes()[HEADER.size :]
        with open(path, "ab") as f:
            f.write(frame[:5])
            f.flush()
            assert not syncer.wait_synced(2, timeout=0.2)
            f.write(frame[5:])
        assert syncer.wait_synced(2, timeout=30)
        assert memory.seqs("run1") == [1, 2]
    finally:
        syncer.stop(timeout=10)
        writer.close()


def test_live_syncer_against_a_dead_sink_gives_up_waiting_in_time(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    write_journal(path, [start_record(), *history_rows(3)])
    sink = FlakySink(MemorySink(), failures=None)
    syncer = LiveSyncer(path, sink, "run1", interval=0.01)
    syncer.start()
    began = time.monotonic()
    assert not syncer.wait_synced(4, timeout=0.5)
    assert time.monotonic() - began < 3.0
    assert isinstance(syncer.error, SinkDown) and syncer.last_seq == 0
    began = time.monotonic()
    syncer.stop(timeout=10)
    assert not syncer._thread.is_alive()
    assert time.monotonic() - began < 5.0


def test_live_syncer_beats_the_heartbeat(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    write_journal(path, [start_record()])
    memory = MemorySink()
    syncer = LiveSyncer(path, memory, "run1", interval=0.01, heartbeat_interval=0.0)
    syncer.start()
    try:
        assert wait_for(lambda: len(memory.heartbeats) >= 2)
        assert {run_id for run_id, _ in memory.heartbeats} == {"run1"}
    finally:
        syncer.stop(timeout=10)


def test_live_syncer_into_a_store(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "journal"
    write_journal(path, every_record("run1"))
    syncer = LiveSyncer(path, store, "run1", interval=0.01)
    syncer.start()
    try:
        assert syncer.wait_synced(9, timeout=30)
    finally:
        syncer.stop(timeout=10)
    assert store.run("run1").last_seq == 9 and store.run("run1").state == "failed"


def test_waiting_on_a_syncer_that_never_started_returns_false(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    write_journal(path, [start_record()])
    syncer = LiveSyncer(path, MemorySink(), "run1")
    assert syncer.wait_synced(0, timeout=5)
    began = time.monotonic()
    assert not syncer.wait_synced(1, timeout=5)
    assert time.monotonic() - began < 1.0


# ---- gaps: the sink lacks records before those offered ---------------------------------------


def test_records_offered_after_a_gap_are_filled_in_from_the_journal(
    tmp_path: Path, store: Store
) -> None:
    """In memory mode, a store behind the journal refuses the batch; the syncer reads the journal."""
    path = tmp_path / "journal"
    writer = JournalWriter(path)
    records = [start_record(), *history_rows(99)]
    writer.append(records)
    store.apply("run1", records[:20])
    syncer = LiveSyncer(path, store, "run1", from_writer=True, interval=0.01)
    syncer.start()
    try:
        syncer.offer(records[60:])
        syncer.notify()
        assert syncer.wait_synced(100, timeout=30)
    finally:
        syncer.stop(timeout=10)
        writer.close()
    assert store.last_seq("run1") == 100
    assert store.history("run1").column("_seq").to_pylist() == list(range(2, 101))


class GapOnceSink(MemorySink):
    """Refuses its first apply as if earlier records were missing, then works."""

    refused = False

    def apply(self, run_id: str, records: Sequence[Record]) -> int:
        if not self.refused:
            self.refused = True
            raise StoreGapError("records missing")
        return super().apply(run_id, records)


class BusySink(MemorySink):
    """Refuses its first ``busy`` applies as a busy server does (come back in ``wait`` s)."""

    def __init__(self, busy: int, wait: float) -> None:
        super().__init__()
        self.busy, self.wait = busy, wait
        self.tries: list[float] = []

    def apply(self, run_id: str, records: Sequence[Record]) -> int:
        self.tries.append(time.monotonic())
        if len(self.tries) <= self.busy:
            raise ServerBusyError("busy", self.wait)
        return super().apply(run_id, records)


def test_a_busy_sink_is_sent_again_when_it_says_without_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Not the back-off of a failure (0.5 s and up, and a warning): the wait the server asked
    for, then the same batch again."""
    path = tmp_path / "journal"
    write_journal(path, [start_record(), *history_rows(10)])
    sink = BusySink(busy=3, wait=0.1)
    syncer = LiveSyncer(path, sink, "run1", interval=5.0)
    syncer.start()
    try:
        assert syncer.wait_synced(11, timeout=30)
    finally:
        syncer.stop(timeout=10)
    assert sink.seqs("run1") == list(range(1, 12))
    gaps = [b - a for a, b in zip(sink.tries, sink.tries[1:], strict=False)]
    assert len(gaps) == 3 and all(0.08 <= gap < 0.4 for gap in gaps)
    assert syncer.error is None and "cannot sync" not in caplog.text


def test_sync_journal_waits_for_a_busy_sink(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    write_journal(path, [start_record(), *history_rows(10)])
    sink = BusySink(busy=2, wait=0.05)
    result = sync_journal(path, sink)
    assert (result.applied, result.last_seq) == (11, 11)
    assert sink.seqs("run1") == list(range(1, 12)) and len(sink.tries) == 3


def test_a_gap_while_reading_the_journal_reads_it_again_from_the_start(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    writer = JournalWriter(path)
    writer.append([start_record(), *history_rows(30)])
    sink = GapOnceSink()
    syncer = LiveSyncer(path, sink, "run1", interval=0.01)
    syncer.start()
    try:
        assert syncer.wait_synced(31, timeout=30)
    finally:
        syncer.stop(timeout=10)
        writer.close()
    assert sink.refused
    assert sink.seqs("run1") == list(range(1, 32))


def test_live_syncer_beats_at_once_so_a_resumed_run_does_not_read_as_crashed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "journal"
    JournalWriter(path).close()
    memory = MemorySink()
    syncer = LiveSyncer(path, memory, "run1", interval=0.01, heartbeat_interval=3600)
    syncer.start()
    try:
        assert wait_for(lambda: len(memory.heartbeats) >= 1)
    finally:
        syncer.stop(timeout=10)


# ---- heartbeats: not behind a batch, not behind a lock ---------------------------------------


class StuckSink(MemorySink):
    """Its ``apply`` waits until released, as an apply waiting on a database lock does."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()

    def apply(self, run_id: str, records: Sequence[Record]) -> int:
        self.entered.set()
        self.release.wait(30)
        return super().apply(run_id, records)


def test_heartbeats_go_on_while_a_batch_is_stuck(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    write_journal(path, [start_record(), *history_rows(3)])
    sink = StuckSink()
    syncer = LiveSyncer(path, sink, "run1", interval=0.01, heartbeat_interval=0.02)
    syncer.start()
    try:
        assert sink.entered.wait(10)
        beats = len(sink.heartbeats)
        assert wait_for(lambda: len(sink.heartbeats) >= beats + 3), "no beats while stuck"
    finally:
        sink.release.set()
        syncer.stop(timeout=10)
    assert sink.seqs("run1") == [1, 2, 3, 4]


def test_heartbeats_go_on_while_the_sink_keeps_failing(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    write_journal(path, [start_record()])
    memory = MemorySink()
    syncer = LiveSyncer(
        path, FlakySink(memory, failures=None), "run1", interval=0.01, heartbeat_interval=0.02
    )
    syncer.start()
    try:
        assert wait_for(lambda: len(memory.heartbeats) >= 3), "a failing apply stopped the beats"
    finally:
        syncer.stop(timeout=10)
    assert memory.seqs("run1") == []


HOLD_LOCK = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
con.execute("COMMIT")
"""


def test_a_run_waiting_on_a_locked_store_does_not_read_as_crashed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holds the SQLite write lock for 1.5 busy timeouts: the syncer's batch and
    its beats wait (and the batch fails once, and is retried), yet a reader never sees the run
    as crashed. Time is scaled down: a busy timeout of 2 s stands for the real 120 s, and the
    heartbeat timeout and interval keep their real ratios to it."""
    busy = 2.0
    scale = busy / (engine.BUSY_TIMEOUT_MS / 1000)
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", int(busy * 1000))
    store = Store.local(tmp_path / "store")
    store.heartbeat_timeout = HEARTBEAT_TIMEOUT * scale
    path = tmp_path / "journal"
    writer = JournalWriter(path)
    writer.append([start_record(), *history_rows(5)])
    syncer = LiveSyncer(
        path, store, "run1", interval=0.01, heartbeat_interval=HEARTBEAT_INTERVAL * scale
    )
    syncer.start()
    holder = None
    try:
        assert syncer.wait_synced(6, timeout=30)
        assert wait_for(lambda: store.run("run1").state == "running"), "never beat"
        holder = subprocess.Popen(
            [
                sys.executable,
                "-c",
                HOLD_LOCK,
                str(tmp_path / "store" / "cairn.db"),
                str(1.5 * busy),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        writer.append(history_rows(5, first_seq=7))  # a batch that must wait for the lock
        syncer.notify()
        states = set()
        while holder.poll() is None:
            states.add(store.run("run1").state)
            time.sleep(0.02)
        assert holder.returncode == 0
        assert states == {"running"}, f"a live run waiting on the lock read as {states}"
        assert syncer.wait_synced(11, timeout=30), "the waiting batch was applied after the lock"
    finally:
        if holder is not None and holder.poll() is None:
            holder.kill()
        syncer.stop(timeout=10)
        writer.close()
        store.close()


@pytest.mark.parametrize("shipped_before", [False, True])
def test_a_short_run_after_the_first_is_applied_in_one_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shipped_before: bool
) -> None:
    """The process's first run sends its start at once (the store's code loads while the script
    runs); a later run's start waits for the interval or finish(), so a run shorter than the
    interval (a sweep's trial) costs the store one write transaction, not two."""
    monkeypatch.setattr(syncer_module, "_shipped_before", shipped_before)
    path = tmp_path / "journal"
    write_journal(path, [start_record(), *history_rows(3, first_seq=2)])
    sink = RecordingSink(MemorySink())
    syncer = LiveSyncer(path, sink, "run1", from_writer=True, interval=3600)
    syncer.start()
    try:
        syncer.offer([start_record()])
        if shipped_before:
            time.sleep(0.3)  # the start would have been applied by now
            assert [c for c in sink.calls if c.method == "apply"] == []
        else:
            assert wait_for(lambda: any(c.method == "apply" for c in sink.calls))
        syncer.offer(history_rows(3, first_seq=2))
        assert syncer.wait_synced(4, timeout=30)
    finally:
        syncer.stop(timeout=10)
    applies = [c.seqs for c in sink.calls if c.method == "apply"]
    assert applies == ([[1, 2, 3, 4]] if shipped_before else [[1], [2, 3, 4]])
