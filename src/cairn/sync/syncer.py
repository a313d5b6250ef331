"""Shipping journal records to a sink: once over a whole journal (``cairn sync``), or continuously
from a background thread while a run logs (online mode)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cairn.journal.file import JournalReader
from cairn.journal.records import Record, RunStart
from cairn.sync.sink import Sink

BATCH = 5_000
log = logging.getLogger("cairn.sync")


@dataclass
class SyncResult:
    path: Path
    run_id: str | None
    records: int
    """Records read from the journal."""
    applied: int
    """Records the sink did not have before."""
    last_seq: int
    problem: str | None
    """Why reading stopped before the end of the file (a torn or corrupt frame), or None."""


def journal_run_id(records: list[Record], path: Path) -> str:
    """The run a journal belongs to: its start record's id, else its folder's name."""
    for record in records:
        if isinstance(record, RunStart):
            return record.run_id
    return path.parent.name


def sync_journal(
    path: str | Path,
    sink: Sink,
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> SyncResult:
    """Apply everything a journal holds that the sink lacks. Running it twice changes nothing.

    ``on_progress(done, total)`` is called after each batch, in records.
    """
    path = Path(path)
    reader = JournalReader(path)
    records = reader.read()
    if not records:
        return SyncResult(path, None, 0, 0, 0, reader.problem)
    run_id = journal_run_id(records, path)
    before = sink.last_seq(run_id)
    new = [r for r in records if r.seq > before]
    last = before
    for start in range(0, len(new), BATCH):
        last = sink.apply(run_id, new[start : start + BATCH])
        if on_progress:
            on_progress(start + len(new[start : start + BATCH]), len(new))
    if on_progress and not new:
        on_progress(0, 0)
    return SyncResult(path, run_id, len(records), len(new), last, reader.problem)


class LiveSyncer:
    """A background thread that tails a run's journal and applies new records to a sink.

    It never blocks the training loop: when the sink fails (a locked database, a dead server) it
    retries with backoff, and whatever it could not ship stays in the journal for ``cairn sync``.
    It also beats the run's heartbeat every ``heartbeat_interval`` seconds.
    """

    def __init__(
        self,
        path: Path,
        sink: Sink,
        run_id: str,
        *,
        interval: float = 0.5,
        heartbeat_interval: float = 15.0,
    ) -> None:
        self.path = path
        self.sink = sink
        self.run_id = run_id
        self.interval = interval
        self.heartbeat_interval = heartbeat_interval
        self.reader = JournalReader(path)
        self.last_seq = 0
        self.error: BaseException | None = None
        self._pending: list[Record] = []
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Condition()
        self._target_seq = 0
        self._thread = threading.Thread(target=self._loop, name="cairn-syncer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def notify(self) -> None:
        """Look at the journal now rather than at the next interval."""
        self._wake.set()

    def wait_synced(self, seq: int, timeout: float) -> bool:
        """Wait until records up to ``seq`` are applied; False if that took longer than timeout."""
        deadline = time.monotonic() + timeout
        with self._idle:
            self._target_seq = max(self._target_seq, seq)
            self._wake.set()
            while self.last_seq < seq:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._thread.is_alive():
                    return False
                self._idle.wait(min(remaining, 0.2))
        return True

    def stop(self, timeout: float) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        backoff = 0.0
        next_beat = time.monotonic() + self.heartbeat_interval
        while True:
            stopping = self._stop.is_set()
            try:
                self._ship()
                backoff = 0.0
                if time.monotonic() >= next_beat:
                    self.sink.heartbeat(self.run_id)
                    next_beat = time.monotonic() + self.heartbeat_interval
            except Exception as exc:  # keep going: the journal holds everything
                if self.error is None:
                    log.warning("cairn: cannot sync run %s yet (%s); will retry", self.run_id, exc)
                self.error = exc
                backoff = min(30.0, max(0.5, backoff * 2))
            if stopping:
                return
            self._wake.wait(backoff or self.interval)
            self._wake.clear()

    def _ship(self) -> None:
        while True:
            if not self._pending:
                self._pending = self.reader.read(max_records=BATCH)
            if not self._pending:
                return
            seq = self.sink.apply(self.run_id, self._pending)
            self._pending = []
            self.error = None
            with self._idle:
                self.last_seq = seq
                self._idle.notify_all()
