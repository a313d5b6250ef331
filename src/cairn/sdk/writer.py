"""The writer thread: drains the run's queue, stamps ``seq``, appends to the journal.

``log()`` appends a row dict (with its step and time under the reserved keys ``_step`` and ``_ts``)
to a deque (thread-safe, no lock, no wake-up call); other records are appended as journal records whose ``seq`` the writer assigns, so the journal
order is the order of the calls. When the queue passes ``max_queue`` items, ``log()`` waits for
room: back-pressure, never loss.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from cairn.errors import CairnError
from cairn.journal.file import JournalWriter
from cairn.journal.records import History, Record
from cairn.sdk.capture.code import Stager
from cairn.sdk.media.pending import PendingMedia

MAX_QUEUE = 100_000
IDLE_WAIT = 0.02
DRAIN = 20_000


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
        on_written: Callable[[list[Record]], None] | None = None,
        direct_blobs: bool = False,
    ) -> None:
        self.journal = journal
        self.queue: deque[Any] = deque()
        self.max_queue = MAX_QUEUE if max_queue is None else max_queue
        self.on_written = on_written
        self.on_error: Callable[[], None] | None = None
        """Called (from the writer thread) once writing has failed."""
        self.next_seq = next_seq
        self.written_seq = next_seq - 1
        self.rows_written = 0
        """History rows this writer has written (this process's part of the run)."""
        self.error: BaseException | None = None
        self._wake = threading.Event()
        self._room = threading.Condition()
        self._stop = False
        self._stager: Stager | None = None
        self._direct_blobs = direct_blobs
        """Media bytes go straight into the local store's blob folder (an online run), not staged."""
        self._thread = threading.Thread(target=self._loop, name="cairn-writer", daemon=True)
        self._thread.start()

    # ---- called from the user's threads --------------------------------------------------

    def put(self, record: Record) -> None:
        self.queue.append(record)
        self._wake.set()

    def wait_for_room(self) -> None:
        """Back-pressure: block until the queue drains below its bound (raises if writing failed)."""
        self._check_alive()
        with self._room:
            while len(self.queue) >= self.max_queue:
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

    def close(self, timeout: float = 60.0) -> None:
        """Write what is queued, fsync, and stop the thread."""
        try:
            self.barrier(sync=True, timeout=timeout)
        finally:
            self._stop = True
            self._wake.set()
            self._thread.join(timeout)
            if not self._thread.is_alive():
                self.journal.close()

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
                if self.on_error is not None:
                    self.on_error()
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
        rows = 0
        popleft = queue.popleft
        for _ in range(min(len(queue), DRAIN)):
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
        if any(b.sync for b in barriers):
            self.journal.sync()
        for barrier in barriers:
            barrier.done.set()
        if len(queue) < self.max_queue:
            with self._room:
                self._room.notify_all()
