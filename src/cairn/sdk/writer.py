"""The writer thread: drains the run's queue, stamps ``seq``, appends to the journal.

``log()`` appends a row dict (with its step and time under the reserved keys ``_step`` and ``_ts``)
to a deque (thread-safe, no lock, no wake-up call); other records are appended as journal records
whose ``seq`` the writer assigns, so the journal order is the order of the calls.

What ``kill -9`` can lose is what has been queued but not yet handed to the OS: the queue plus the
batch the writer is encoding. The writer bounds that sum by time, not only by count: it measures
its own cost per item and keeps ``limit`` (the queue length at which ``log()`` waits) at about
``MAX_LAG`` seconds of its work, between ``MIN_QUEUE`` and ``max_queue`` items, minus the batch in
hand. Past it ``log()`` waits for room: back-pressure, never loss.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from cairn.errors import CairnError, ConfigError
from cairn.journal.file import JournalWriter
from cairn.journal.records import History, Record
from cairn.reused_threads import THREADS, Job
from cairn.sdk.capture.stager import Stager
from cairn.sdk.media.pending import PendingMedia
from cairn.sdk.settings import BYTES, env_int

MAX_QUEUE = 100_000
"""The most items ever queued or in hand (``$CAIRN_MAX_QUEUE``): the bound a fast writer reaches."""
MIN_QUEUE = 100
"""The least: a writer slower than ``MAX_LAG / MIN_QUEUE`` per item lags by more than ``MAX_LAG``."""
START_QUEUE = 10_000
"""The bound before the writer has measured itself."""
MAX_LAG = 0.05
"""Seconds of the writer's work that may wait in the queue (what ``kill -9`` can lose)."""
MEDIA_BYTES = 256 * 1024 * 1024
"""Bytes of media that may wait for encoding (``$CAIRN_MEDIA_QUEUE_BYTES``); past it log() waits."""
IDLE_WAIT = 0.02
DRAIN = 20_000
WINDOW = 0.5
"""Seconds over which the writer measures its cost per item (an exponentially weighted sum)."""


class _Barrier:
    """Put in the queue; set once everything before it is written (and fsynced, if ``sync``)."""

    __slots__ = ("done", "sync")

    def __init__(self, sync: bool) -> None:
        self.sync = sync
        self.done = threading.Event()


class Writer:
    """Owns the journal file; one per run."""

    def __init__(
        self,
        journal: JournalWriter,
        *,
        next_seq: int,
        max_queue: int | None = None,
        max_media_bytes: int | None = None,
        on_written: Callable[[list[Record]], None] | None = None,
        direct_blobs: bool = False,
    ) -> None:
        self.journal = journal
        self.queue: deque[Any] = deque()
        try:
            self.max_queue = (
                env_int("CAIRN_MAX_QUEUE", MAX_QUEUE, 1) if max_queue is None else max_queue
            )
            self.max_media_bytes = (
                env_int("CAIRN_MEDIA_QUEUE_BYTES", MEDIA_BYTES, 0, BYTES)
                if max_media_bytes is None
                else max_media_bytes
            )
        except ConfigError:
            journal.close()  # and so release the run's lock: fixing the setting and retrying works
            raise
        self.bound = min(self.max_queue, START_QUEUE)
        """Items that may be queued or in hand: about ``MAX_LAG`` seconds of this writer's work."""
        self.limit = self.bound
        """The queue length at which ``log()`` waits: ``bound`` less the batch in hand (0 once
        writing failed). Read without a lock; only the writer thread sets it."""
        self.media_queued = 0
        """Bytes of media ever queued (under ``_media_lock``)."""
        self.media_written = 0
        """Bytes of media ever written (by the writer thread alone)."""
        self._media_lock = threading.Lock()
        self.on_written = on_written
        self.next_seq = next_seq
        self.written_seq = next_seq - 1
        self.rows_written = 0
        """History rows this writer has written (this process's part of the run)."""
        self.error: BaseException | None = None
        self._cost_time = 0.0
        self._cost_items = 0.0
        self._busy_since: float | None = None
        """When the batch being measured began: the end of the last batch if the queue was not
        empty then (the writer's time includes waiting for the GIL and for log()), else now."""
        self._wake = threading.Event()
        self._room = threading.Condition()
        self._stop = False
        self._stager: Stager | None = None
        self._direct_blobs = direct_blobs
        """Media bytes go straight into the local store's blob folder (an online run), not staged."""
        self._thread = Job(self._loop, "cairn-writer")
        THREADS.start(self._thread)

    # ---- called from the user's threads --------------------------------------------------

    def put(self, record: Record) -> None:
        """Queue a record (raises once writing has failed, rather than queue it for nobody)."""
        if self.error is not None:
            self._check_alive()
        self.queue.append(record)
        self._wake.set()

    def wait_for_room(self) -> None:
        """Back-pressure: block until the queue drains below its bound (raises if writing failed)."""
        self._check_alive()
        with self._room:
            while len(self.queue) >= self.limit:
                self._check_alive()
                self._wake.set()
                self._room.wait(0.1)

    def put_media(self, media: PendingMedia) -> None:
        """Queue a media value, first waiting while more than ``max_media_bytes`` of media wait
        for encoding (one value bigger than that waits for an empty queue, and goes alone)."""
        size = media.nbytes
        if self.media_queued - self.media_written + size > self.max_media_bytes:
            self._wait_for_media_room(size)
        with self._media_lock:
            self.media_queued += size
        self.queue.append(media)
        self._wake.set()

    def _wait_for_media_room(self, size: int) -> None:
        self._check_alive()
        with self._room:
            while True:
                waiting = self.media_queued - self.media_written
                if waiting == 0 or waiting + size <= self.max_media_bytes:
                    return
                self._check_alive()
                self._wake.set()
                self._room.wait(0.1)

    def barrier(self, *, sync: bool, timeout: float = 60.0) -> None:
        """Block until everything queued so far is written (and fsynced if ``sync``)."""
        marker = _Barrier(sync)
        self.queue.append(marker)
        self._wake.set()
        deadline = time.monotonic() + timeout
        while not marker.done.wait(0.1):
            self._check_alive()
            if time.monotonic() > deadline:
                raise CairnError(
                    f"the journal writer did not catch up within {timeout:.0f} s; "
                    f"the journal is at {self.journal.path}"
                )

    def close(self, timeout: float = 60.0, *, release: bool = True) -> None:
        """Write what is queued, fsync, and stop the thread; the journal's lock stays held if
        not ``release`` (see ``JournalWriter.close``)."""
        try:
            self.barrier(sync=True, timeout=timeout)
        finally:
            self._stop = True
            self._wake.set()
            self._thread.join(timeout)
            if not self._thread.is_alive():
                self.journal.close(release=release)

    def release_journal(self) -> None:
        """Release the journal's lock that ``close(release=False)`` kept (a no-op once released,
        or while the thread still runs: it could still write)."""
        if not self._thread.is_alive():
            self.journal.lock.release()

    def _check_alive(self) -> None:
        if self.error is not None:
            raise CairnError(
                f"cannot write the journal {self.journal.path}: {self.error}"
            ) from self.error
        if not self._thread.is_alive():
            raise CairnError("the journal writer thread has stopped; the run was finished")

    # ---- the writer thread --------------------------------------------------------------

    def _loop(self) -> None:
        queue = self.queue
        while True:
            if not queue:
                if self._stop:
                    return
                self._wake.wait(IDLE_WAIT)
                self._wake.clear()
                continue
            try:
                self._drain(queue)
            except BaseException as exc:  # a full disk, a closed file: make log() say so
                self.error = exc
                self.limit = 0
                self.queue.clear()  # nobody will write them: do not hold them
                with self._room:
                    self._room.notify_all()
                return

    def _stage(self, data: bytes) -> str:
        """Stage media bytes as ``runs/<id>/files/<sha256>`` beside the journal, for the syncer."""
        if self._stager is None:
            run_dir = self.journal.path.parent
            store_blobs = run_dir.parent.parent / "blobs" if run_dir.parent.name == "runs" else None
            self._stager = Stager(run_dir / "files", store_blobs, direct=self._direct_blobs)
        return self._stager.stage(data)

    def _drain(self, queue: deque[Any]) -> None:
        records: list[Record] = []
        barriers: list[_Barrier] = []
        seq = self.next_seq
        rows = media_bytes = 0
        popleft = queue.popleft
        began = self._busy_since or time.perf_counter()
        # What is in hand still counts against the bound: log() may fill only the rest.
        take = min(len(queue), DRAIN, max(1, self.bound // 2))
        self.limit = self.bound - take
        for _ in range(take):
            item = popleft()
            if type(item) is dict:
                step = item.pop("_step")
                ts = item.pop("_ts")
                records.append(History(seq=seq, step=step, ts=ts, values=item))
                seq += 1
                rows += 1
            elif type(item) is _Barrier:
                barriers.append(item)
            elif type(item) is PendingMedia:
                records.append(item.record(seq, self._stage))
                media_bytes += item.nbytes
                seq += 1
            else:
                item.seq = seq
                seq += 1
                records.append(item)
        self.journal.append(records)
        if self.on_written is not None and records:
            self.on_written(records)
        self.next_seq = seq
        self.written_seq = seq - 1
        self.rows_written += rows
        self.media_written += media_bytes
        if any(b.sync for b in barriers):
            self.journal.sync()
        for barrier in barriers:
            barrier.done.set()
        ended = time.perf_counter()
        self._busy_since = ended if queue else None
        self._measure(len(records), ended - began)
        with self._room:
            self._room.notify_all()

    def _measure(self, items: int, seconds: float) -> None:
        """Fold a batch of ``items`` records into the running cost per item (wall time while
        there was work: what a queued item waits), and set the bound to ``MAX_LAG`` of it."""
        past = math.exp(-seconds / WINDOW)
        self._cost_time = self._cost_time * past + seconds
        self._cost_items = self._cost_items * past + items
        per_item = self._cost_time / max(self._cost_items, 1e-9)
        bound = int(MAX_LAG / per_item) if per_item > 0 else self.max_queue
        self.bound = max(min(MIN_QUEUE, self.max_queue), min(bound, self.max_queue))
        self.limit = self.bound
