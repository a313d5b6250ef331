"""The writer thread on its own: seq order, barriers, back-pressure, and a journal that fails."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import cairn
from cairn.errors import CairnError, ConfigError
from cairn.journal.file import JournalWriter, read_journal
from cairn.journal.records import (
    ConfigUpdate,
    DefineMetric,
    History,
    MediaLog,
    Record,
    RunFinish,
    RunStart,
    SummaryUpdate,
)
from cairn.sdk import writer as writer_module
from cairn.sdk.writer import Writer

_QUIET = cairn.Settings(
    capture_git=False,
    save_code=False,
    capture_env=False,
    capture_console=False,
    system_metrics=False,
)
WAIT = 10.0
"""Upper bound for waiting on the writer thread; tests normally finish far sooner."""


def _row(step: int, **values: float) -> dict[str, Any]:
    """A history row as ``Run.log`` queues it: the values plus its step and wall time."""
    return {**values, "_step": step, "_ts": time.time()}


def _start(seq: int = 0) -> RunStart:
    return RunStart(seq=seq, run_id="r1", project="p", name="n", created_at=time.time())


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "runs" / "r1" / "journal"


@pytest.fixture
def make_writer(path: Path) -> Iterator[Any]:
    made: list[Writer] = []

    def make(**kwargs: Any) -> Writer:
        kwargs.setdefault("next_seq", 1)
        writer = Writer(JournalWriter(path), **kwargs)
        made.append(writer)
        return writer

    yield make
    for writer in made:
        if writer.error is None and writer._thread.is_alive():
            writer.close(timeout=WAIT)


def test_seq_follows_the_order_of_the_calls(make_writer: Any, path: Path) -> None:
    writer = make_writer()
    writer.put(_start())
    writer.queue.append(_row(0, loss=1.0))
    writer.put(ConfigUpdate(seq=0, config={"a": 1}))
    writer.queue.append(_row(1, loss=0.5))
    writer.put(DefineMetric(seq=0, name="loss", summary="min"))
    writer.put(SummaryUpdate(seq=0, set={"x": 1}))
    writer.queue.append(_row(0, loss=0.25))
    writer.put(RunFinish(seq=0, ts=time.time()))
    writer.barrier(sync=True, timeout=WAIT)
    records = read_journal(path).records
    assert [r.seq for r in records] == list(range(1, 9))
    assert [type(r) for r in records] == [
        RunStart,
        History,
        ConfigUpdate,
        History,
        DefineMetric,
        SummaryUpdate,
        History,
        RunFinish,
    ]
    rows = [r for r in records if isinstance(r, History)]
    assert [(r.step, r.values) for r in rows] == [
        (0, {"loss": 1.0}),
        (1, {"loss": 0.5}),
        (0, {"loss": 0.25}),
    ]
    assert writer.written_seq == 8
    assert writer.next_seq == 9


def test_seq_continues_from_next_seq(make_writer: Any, path: Path) -> None:
    writer = make_writer(next_seq=41)
    assert writer.written_seq == 40
    writer.put(_start())
    writer.queue.append(_row(7, x=1.0))
    writer.barrier(sync=False, timeout=WAIT)
    assert [r.seq for r in read_journal(path).records] == [41, 42]
    assert writer.written_seq == 42


def test_many_rows_keep_their_order(make_writer: Any, path: Path) -> None:
    writer = make_writer()
    count = 3 * writer_module.DRAIN + 17  # more than one drain's worth
    for i in range(count):
        writer.queue.append(_row(i, v=float(i)))
    writer.barrier(sync=False, timeout=WAIT)
    records = read_journal(path).records
    assert [r.seq for r in records] == list(range(1, count + 1))
    assert all(isinstance(r, History) and r.step == r.seq - 1 for r in records)


def test_barrier_returns_once_written(make_writer: Any, path: Path) -> None:
    writer = make_writer()
    for step in range(100):
        writer.queue.append(_row(step, v=1.0))
        if step % 10 == 9:
            writer.barrier(sync=False, timeout=WAIT)
            assert len(read_journal(path).records) == step + 1


def test_sync_barrier_fsyncs_and_plain_barrier_does_not(
    make_writer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    syncs: list[int] = []
    real_sync = JournalWriter.sync

    def counting_sync(self: JournalWriter) -> None:
        syncs.append(1)
        real_sync(self)

    monkeypatch.setattr(JournalWriter, "sync", counting_sync)
    writer = make_writer()
    writer.queue.append(_row(0, v=1.0))
    writer.barrier(sync=False, timeout=WAIT)
    assert syncs == []
    writer.queue.append(_row(1, v=1.0))
    writer.barrier(sync=True, timeout=WAIT)
    assert syncs == [1]


def test_empty_barrier_returns(make_writer: Any) -> None:
    writer = make_writer()
    writer.barrier(sync=True, timeout=WAIT)
    assert writer.written_seq == 0


def test_on_written_sees_every_batch_in_order(make_writer: Any) -> None:
    batches: list[list[Record]] = []
    writer = make_writer(on_written=batches.append)
    writer.put(_start())
    for i in range(1000):
        writer.queue.append(_row(i, v=float(i)))
    writer.barrier(sync=False, timeout=WAIT)
    seqs = [r.seq for batch in batches for r in batch]
    assert seqs == list(range(1, 1002))
    assert all(batches)


def test_close_writes_everything_and_stops(make_writer: Any, path: Path) -> None:
    writer = make_writer()
    writer.put(_start())
    for i in range(10):
        writer.queue.append(_row(i, v=float(i)))
    writer.close(timeout=WAIT)
    assert len(read_journal(path).records) == 11
    assert writer.journal._f.closed
    with pytest.raises(CairnError, match="stopped"):
        writer.barrier(sync=False, timeout=WAIT)


def test_back_pressure_waits_for_room_and_loses_nothing(
    make_writer: Any, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entered, gate = threading.Event(), threading.Event()
    real_append = JournalWriter.append

    def gated_append(self: JournalWriter, records: Any) -> None:
        entered.set()
        assert gate.wait(WAIT), "the test never opened the gate"
        real_append(self, records)

    monkeypatch.setattr(JournalWriter, "append", gated_append)
    writer = make_writer(max_queue=4)
    writer.queue.append(_row(0, v=0.0))
    assert entered.wait(WAIT), "the writer never took the first row"
    for i in range(1, 5):  # the writer is stuck appending row 0: the queue fills up
        writer.queue.append(_row(i, v=float(i)))
    waiter = threading.Thread(target=writer.wait_for_room)
    waiter.start()
    waiter.join(0.3)
    assert waiter.is_alive(), "wait_for_room returned while the queue was full"
    gate.set()
    waiter.join(WAIT)
    assert not waiter.is_alive()

    total = 5_000
    for i in range(5, total):
        if len(writer.queue) >= writer.max_queue:
            writer.wait_for_room()
        assert len(writer.queue) <= writer.max_queue
        writer.queue.append(_row(i, v=float(i)))
    writer.barrier(sync=True, timeout=WAIT)
    records = read_journal(path).records
    assert [r.step for r in records if isinstance(r, History)] == list(range(total))


def test_max_queue_default_is_read_when_the_writer_is_made(
    make_writer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer_module, "MAX_QUEUE", 3)
    first = make_writer()
    assert first.max_queue == 3
    first.close(timeout=WAIT)  # one writer at a time holds the journal's lock
    assert make_writer(max_queue=9).max_queue == 9


def _failing_append(self: JournalWriter, records: Any) -> None:
    raise OSError(28, "No space left on device")


def test_a_failing_journal_makes_barrier_raise(
    make_writer: Any, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(JournalWriter, "append", _failing_append)
    writer = make_writer()
    writer.put(_start())
    with pytest.raises(CairnError, match="No space left") as caught:
        writer.barrier(sync=True, timeout=WAIT)
    assert str(path) in str(caught.value)
    assert "journal" in str(caught.value)
    assert isinstance(caught.value.__cause__, OSError)
    with pytest.raises(CairnError, match="journal"):  # and it keeps saying so
        writer.barrier(sync=False, timeout=WAIT)


def test_a_failing_journal_makes_wait_for_room_raise(
    make_writer: Any, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(JournalWriter, "append", _failing_append)
    writer = make_writer(max_queue=2)
    writer.put(_start())
    writer._thread.join(WAIT)  # the writer thread ends when the journal fails
    assert writer.error is not None
    writer.queue.append(_row(0, v=1.0))
    writer.queue.append(_row(1, v=1.0))  # nothing drains the queue any more: it stays full
    with pytest.raises(CairnError, match="No space left") as caught:
        writer.wait_for_room()
    assert str(path) in str(caught.value)


def test_barrier_times_out_with_the_journal_path(
    make_writer: Any, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    real_append = JournalWriter.append

    def stuck_append(self: JournalWriter, records: Any) -> None:
        gate.wait(WAIT)
        real_append(self, records)

    monkeypatch.setattr(JournalWriter, "append", stuck_append)
    writer = make_writer()
    writer.put(_start())
    try:
        with pytest.raises(CairnError, match="did not catch up") as caught:
            writer.barrier(sync=False, timeout=0.3)
        assert str(path) in str(caught.value)
    finally:
        gate.set()
    writer.barrier(sync=False, timeout=WAIT)
    assert len(read_journal(path).records) == 1


def test_a_failing_journal_makes_the_next_log_raise_at_once(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not only once the queue has filled: the first log() after the failure says so."""
    run = cairn.init(project="w", mode="offline")
    monkeypatch.setattr(JournalWriter, "append", _failing_append)
    run.log({"x": 1.0})
    writer = run._writer
    assert writer is not None
    deadline = time.monotonic() + WAIT
    while writer.error is None and time.monotonic() < deadline:
        time.sleep(0.01)  # waiting on a condition, with a timeout
    assert writer.error is not None
    with pytest.raises(CairnError, match="No space left"):
        run.log({"x": 2.0})
    with pytest.raises(CairnError, match="journal"):
        run.finish(quiet=True)


# ---- media: bounded by bytes ---------------------------------------------------------------


def test_queued_media_are_bounded_by_bytes_and_log_waits_rather_than_drops(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mib = 1024 * 1024
    monkeypatch.setenv("CAIRN_MEDIA_QUEUE_BYTES", str(3 * mib))
    entered, gate = threading.Event(), threading.Event()
    real_append = JournalWriter.append

    def gated_append(self: JournalWriter, records: Any) -> None:
        if any(isinstance(r, MediaLog) for r in records):
            entered.set()
            assert gate.wait(WAIT), "the test never opened the gate"
        real_append(self, records)

    monkeypatch.setattr(JournalWriter, "append", gated_append)
    run = cairn.init(project="w", mode="offline", settings=_QUIET)
    writer = run._writer
    assert writer is not None
    pixels = np.zeros((512, 512, 4), dtype=np.uint8)  # 1 MiB each
    run.log({"img": cairn.Image(pixels)})
    assert entered.wait(WAIT), "the writer never took the first image"
    logged = []

    def log_more() -> None:
        for i in range(1, 8):
            run.log({"img": cairn.Image(pixels + i)})
            logged.append(i)

    logger = threading.Thread(target=log_more)
    logger.start()
    logger.join(0.5)
    assert logger.is_alive(), "log() never waited although 7 MiB of images were queued"
    waiting = writer.media_queued - writer.media_written
    assert len(logged) < 7 and waiting <= 3 * mib + 64 * 1024
    gate.set()
    logger.join(WAIT)
    assert not logger.is_alive() and logged == list(range(1, 8))
    run.finish(quiet=True)
    records = read_journal(run.journal).records  # type: ignore[arg-type]
    media = [r for r in records if isinstance(r, MediaLog)]
    assert [r.step for r in media] == list(range(8)), "every image is kept, none dropped"
    assert writer.media_queued == writer.media_written


def test_a_slow_writer_lowers_the_bound_to_its_time_budget(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The queue follows the writer's measured speed: at >= 0.5 ms per record (sleep never
    returns early), MAX_LAG seconds is at most MAX_LAG / 0.5 ms records waiting at any time."""
    per_record = 0.0005
    real_append = JournalWriter.append

    def slow_append(self: JournalWriter, records: Any) -> None:
        records = list(records)
        time.sleep(per_record * len(records))
        real_append(self, records)

    monkeypatch.setattr(JournalWriter, "append", slow_append)
    run = cairn.init(project="w", mode="offline", settings=_QUIET)
    writer = run._writer
    assert writer is not None
    run.flush()  # the writer has measured itself at least once
    most = int(writer_module.MAX_LAG / per_record)
    assert writer_module.MIN_QUEUE <= most < writer.max_queue
    longest = 0
    for i in range(1_000):
        run.log({"i": float(i)})
        longest = max(longest, len(writer.queue))
    assert longest <= most, f"{longest} rows waited; {most} is {writer_module.MAX_LAG} s of work"
    run.finish(quiet=True)
    rows = [r for r in read_journal(run.journal).records if isinstance(r, History)]  # type: ignore[arg-type]
    assert [r.values["i"] for r in rows] == [float(i) for i in range(1_000)]


def test_the_bounds_come_from_the_environment_and_bad_values_say_so(
    make_writer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAIRN_MAX_QUEUE", "500")
    monkeypatch.setenv("CAIRN_MEDIA_QUEUE_BYTES", "1000")
    writer = make_writer()
    assert (writer.max_queue, writer.bound, writer.max_media_bytes) == (500, 500, 1000)
    writer.close(timeout=WAIT)  # one writer at a time holds the journal's lock
    monkeypatch.setenv("CAIRN_MAX_QUEUE", "0")
    with pytest.raises(
        ConfigError, match=r"\$CAIRN_MAX_QUEUE='0': give a whole number of at least 1"
    ):
        make_writer()
    monkeypatch.setenv("CAIRN_MAX_QUEUE", "lots")
    with pytest.raises(ConfigError, match="CAIRN_MAX_QUEUE"):
        make_writer()
    monkeypatch.delenv("CAIRN_MAX_QUEUE")
    assert make_writer().max_queue == 100_000  # a refused writer left the journal's lock free
