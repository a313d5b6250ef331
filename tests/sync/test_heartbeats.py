"""One heartbeat thread per process beats every live run: kept across runs, first beat of a new
run after one interval, no beat once a run has stopped."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from tests.fakes.journals import write_journal
from tests.fakes.sinks import MemorySink
from tests.fakes.waiting import wait_for

import cairn
from cairn.journal.records import RunStart
from cairn.sync.heartbeats import HEARTBEATS
from cairn.sync.syncer import LiveSyncer


def start_record() -> RunStart:
    return RunStart(seq=1, run_id="run1", project="p", name="n", created_at=1.0)


def heartbeat_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == "cairn-heartbeat"}


def test_runs_created_in_a_loop_share_one_heartbeat_thread(store_dir: Path) -> None:
    """A sweep agent or a grid of short jobs creates runs one after another in one process:
    they are beaten by one thread, not one started (and joined) per run."""
    seen: set[threading.Thread] = set()  # held, so a finished thread's object is not reused
    for _ in range(20):
        run = cairn.init(project="p")
        seen |= heartbeat_threads()
        run.log({"a": 1.0})
        run.finish(quiet=True)
    assert len(seen) == 1, f"{len(seen)} heartbeat threads for 20 runs"
    assert all(t.is_alive() for t in seen)


def test_a_new_run_beats_after_one_interval_not_at_once(tmp_path: Path) -> None:
    """A new run's start record carries its first beat: beating at once would add a write
    transaction to every run created."""
    path = tmp_path / "journal"
    write_journal(path, [start_record()])
    memory = MemorySink()
    syncer = LiveSyncer(
        path, memory, "run1", interval=0.01, heartbeat_interval=0.3, beat_at_start=False
    )
    began = time.monotonic()
    syncer.start()
    try:
        assert syncer.wait_synced(1, timeout=30)
        assert wait_for(lambda: len(memory.heartbeats) >= 1)
        assert time.monotonic() - began >= 0.3 * 0.9, "the first beat came before its interval"
    finally:
        syncer.stop(timeout=10)


def test_no_beat_once_a_run_is_removed() -> None:
    memory = MemorySink()
    beat = HEARTBEATS.add("run1", memory, 0.0, at_once=True)
    assert wait_for(lambda: len(memory.heartbeats) >= 3)
    HEARTBEATS.remove(beat, timeout=10)
    after = len(memory.heartbeats)
    time.sleep(0.2)  # a beat every 10 ms would have come meanwhile
    assert len(memory.heartbeats) == after


def test_a_stuck_beat_of_one_run_does_not_stop_removing_another() -> None:
    """Removing waits for a round of beats under way, but no longer than its timeout."""
    release = threading.Event()

    class Stuck(MemorySink):
        def heartbeat(self, run_id: str, at: float | None = None) -> None:
            release.wait(30)
            super().heartbeat(run_id, at)

    stuck = HEARTBEATS.add("stuck", Stuck(), 3600, at_once=True)
    other = HEARTBEATS.add("other", MemorySink(), 3600, at_once=False)
    try:
        time.sleep(0.1)
        began = time.monotonic()
        HEARTBEATS.remove(other, timeout=0.2)
        assert time.monotonic() - began < 5
    finally:
        release.set()
        HEARTBEATS.remove(stuck, timeout=10)
