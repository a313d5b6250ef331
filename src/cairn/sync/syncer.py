"""Shipping journal records to a sink: once over a whole journal (``cairn sync``), or continuously
from a background thread while a run logs (online mode)."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cairn.errors import ServerBusyError, StoreGapError
from cairn.journal.file import JournalReader
from cairn.journal.records import Record, RunStart
from cairn.reused_threads import THREADS, Job
from cairn.server_client import ServerError
from cairn.sync.blobs import staged_blob_dirs, upload_blobs
from cairn.sync.heartbeats import HEARTBEATS, Beat
from cairn.sync.sink import Sink

BATCH = 5_000
log = logging.getLogger("cairn.sync")
_shipped_before = False
"""Whether a live syncer of this process has applied a batch (its sink's code is loaded)."""


def _note_shipped() -> None:
    global _shipped_before
    _shipped_before = True


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
    """Why reading stopped before the end of the file (a torn or corrupt frame), or None; what
    each read reported, joined by "; ", if there was more than one."""


def journal_run_id(records: list[Record], path: Path) -> str:
    """The run a journal belongs to: its start record's id (a journal begins with it), else its
    folder's name."""
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

    The journal is streamed: read a batch, apply what is new in it, read the next, so memory
    stays at about one batch whatever the journal's size. ``on_progress(done, total)`` is called
    after each batch, in bytes of the journal.
    """
    path = Path(path)
    total = path.stat().st_size
    reader = JournalReader(path)
    blob_dirs = staged_blob_dirs(path)
    run_id: str | None = None
    last = read = applied = 0
    problems: list[str] = []
    while True:
        batch = reader.read(max_records=BATCH)
        if reader.problem is not None and reader.problem not in problems:
            problems.append(reader.problem)
        if not batch:
            break
        read += len(batch)
        if run_id is None:
            run_id = journal_run_id(batch, path)
            last = sink.last_seq(run_id)
        new = [r for r in batch if r.seq > last]
        del batch
        if new:
            upload_blobs(new, blob_dirs, sink)
            last = _apply_when_taken(sink, run_id, new)
            applied += len(new)
        if on_progress:
            on_progress(reader.valid_bytes, total)
    if on_progress and not read:
        on_progress(0, 0)
    return SyncResult(path, run_id, read, applied, last, "; ".join(problems) or None)


def _apply_when_taken(sink: Sink, run_id: str, records: list[Record]) -> int:
    """``sink.apply``, sent again after the wait a busy server asks for."""
    while True:
        try:
            return sink.apply(run_id, records)
        except ServerBusyError as exc:
            time.sleep(exc.retry_after * random.uniform(0.9, 1.1))


class LiveSyncer:
    """A background thread that applies a live run's new records to a sink.

    With ``from_writer=True`` the run's writer hands each written batch over in memory
    (``offer``), so records are not read back and decoded again. If the sink falls behind by more
    than ``inbox_limit`` records, or refuses a batch because earlier records are missing, the
    syncer drops its in-memory copy and reads the journal instead, for the rest of the run.

    It never blocks the training loop: when the sink fails (a locked database, a dead server) it
    retries with backoff, and whatever it could not ship stays in the journal for ``cairn sync``.
    The process's heartbeat thread (``cairn.sync.heartbeats``) beats the run's heartbeat every
    ``heartbeat_interval`` seconds, so a batch stuck behind a lock, or a sink that keeps failing,
    does not stop the beats (a beat into a locked SQLite store waits for the lock too;
    ``Store.heartbeat_timeout`` is set well beyond the busy timeout for that). The first beat
    is at once when ``beat_at_start`` (a resumed run must not read as crashed), else after one
    interval: a new run's start record carries its first beat.
    """

    def __init__(
        self,
        path: Path,
        sink: Sink,
        run_id: str,
        *,
        from_writer: bool = False,
        interval: float = 0.5,
        heartbeat_interval: float = 15.0,
        beat_at_start: bool = True,
        inbox_limit: int = 200_000,
    ) -> None:
        self.path = path
        self.sink = sink
        self.run_id = run_id
        self.interval = interval
        self.heartbeat_interval = heartbeat_interval
        self.beat_at_start = beat_at_start
        self.inbox_limit = inbox_limit
        self.reader = JournalReader(path)
        self.blob_dirs = staged_blob_dirs(path)
        self.last_seq = 0
        self.error: BaseException | None = None
        self._from_writer = from_writer
        self._inbox: list[Record] = []
        self._offered = 0
        """Records the writer has handed over so far."""
        self._inbox_lock = threading.Lock()
        self._pending: list[Record] = []
        self._floor: int | None = None
        """Reading the journal, skip records at or below this seq (None: ask the sink)."""
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Condition()
        self._thread = Job(self._loop, "cairn-syncer")
        self._beat: Beat | None = None

    def start(self) -> None:
        THREADS.start(self._thread)
        self._beat = HEARTBEATS.add(
            self.run_id, self.sink, self.heartbeat_interval, at_once=self.beat_at_start
        )

    def offer(self, records: list[Record]) -> None:
        """Called by the writer thread with each batch it has appended to the journal."""
        with self._inbox_lock:
            if not self._from_writer:
                return
            if len(self._inbox) + len(records) > self.inbox_limit:
                self._read_journal_instead()
                return
            first = self._offered == 0
            self._offered += len(records)
            self._inbox.extend(records)
            full = len(self._inbox) >= BATCH
        # The first run of the process sends its first records (the run's start) at once, so
        # the store's code is loaded while the script runs. Later runs' starts wait for the
        # next interval (or finish()): a short run, as in a sweep, is applied in one
        # transaction rather than two. A full batch goes as soon as it is full, so that
        # finish() has little left to apply.
        if (first and not _shipped_before) or full:
            self._wake.set()

    def _read_journal_instead(self) -> None:
        self._from_writer = False
        self._inbox = []

    def notify(self) -> None:
        """Look for new records now rather than at the next interval."""
        self._wake.set()

    def wait_synced(self, seq: int, timeout: float) -> bool:
        """Wait until records up to ``seq`` are applied; False if that took longer than timeout."""
        deadline = time.monotonic() + timeout
        with self._idle:
            self._wake.set()
            while self.last_seq < seq:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._thread.is_alive() or self.refused() is not None:
                    return False
                self._idle.wait(min(remaining, 0.2))
        return True

    def refused(self) -> ServerError | None:
        """The server's refusal of the last batch (an unknown key, a role taken away...), which
        waiting does not end; None when the last try did not fail so. The syncer keeps trying
        (the key may be restored), but ``finish()`` does not wait for it."""
        error = self.error
        return error if isinstance(error, ServerError) and error.refused else None

    def stop(self, timeout: float) -> None:
        self._stop.set()
        self._wake.set()
        deadline = time.monotonic() + timeout
        self._thread.join(timeout)
        if self._beat is not None:
            HEARTBEATS.remove(self._beat, deadline - time.monotonic())

    def _loop(self) -> None:
        backoff = 0.0
        if _shipped_before:  # see offer(): a later run's start waits for the interval
            self._wake.wait(self.interval)
            self._wake.clear()
        while True:
            stopping = self._stop.is_set()
            try:
                self._ship()
                backoff = 0.0
            except ServerBusyError as exc:  # not a failure: the server said when to come back
                if stopping:
                    return  # the journal keeps the rest, for `cairn sync`
                self._stop.wait(exc.retry_after * random.uniform(0.9, 1.1))
                continue
            except StoreGapError:
                self._restart_from_journal()
            except Exception as exc:  # keep going: the journal holds everything
                if self.error is None:
                    refused = isinstance(exc, ServerError) and exc.refused
                    why = "the server refused its records" if refused else "cannot sync it yet"
                    log.warning("cairn: run %s: %s (%s); will retry", self.run_id, why, exc)
                self.error = exc
                backoff = min(30.0, max(0.5, backoff * 2))
            if stopping:
                return
            # jittered, so that many runs whose server came back do not all retry at once
            self._wake.wait(backoff * random.uniform(0.5, 1.0) if backoff else self.interval)
            self._wake.clear()

    def _restart_from_journal(self) -> None:
        """The sink lacks records before those offered: read the journal again from its start."""
        with self._inbox_lock:
            self._read_journal_instead()
        self._pending = []
        self.reader = JournalReader(self.path)
        self._floor = None

    def _next_batch(self) -> list[Record]:
        with self._inbox_lock:
            if self._from_writer:
                batch, self._inbox = self._inbox[:BATCH], self._inbox[BATCH:]
                return batch
        if self._floor is None:
            self._floor = self.sink.last_seq(self.run_id)
        while records := self.reader.read(max_records=BATCH):
            fresh = [r for r in records if r.seq > self._floor]
            if fresh:
                return fresh
        return []

    def _ship(self) -> None:
        """Ship what is new, a batch at a time, until nothing is left or ``stop()`` is called:
        a run whose ``finish()`` stopped waiting hands the rest to ``cairn.sync.afterwards``,
        which must not race this thread for the journal it removes."""
        while True:
            if not self._pending:
                self._pending = self._next_batch()
            if not self._pending:
                return
            upload_blobs(self._pending, self.blob_dirs, self.sink)
            seq = self.sink.apply(self.run_id, self._pending)
            _note_shipped()
            self._pending = []
            self._floor = seq
            self.error = None
            with self._idle:
                self.last_seq = seq
                self._idle.notify_all()
            if self._stop.is_set():
                return
