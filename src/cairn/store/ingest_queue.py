"""The ingest queue: batches of journal records that a server acknowledged once they were durably
queued, and that its applier applies to the store a moment later.

A request only checks a batch and inserts its bytes (still compressed) here, so its latency no
longer includes applying it, nor waiting for the store's write lock. The applier
(``cairn.server.applier``) drains the queue: one run at a time, its queued batches in seq order,
several in one transaction.

Where it lives: on PostgreSQL, the ``ingest_queue`` table of the store's database; an applier
claims a run with a transaction-scoped advisory lock (``pg_try_advisory_xact_lock``), so several
server processes apply different runs at once and a run's batches in order, and it deletes the
batches in the transaction that applies them. On SQLite, a database file of its own beside the
store's (``cairn.db`` → ``cairn.ingest.db``), so that queueing never waits on the write lock an
apply holds; the applier deletes the batches right after the apply commits. A kill in between
leaves batches the store already holds: applying them again changes nothing (idempotent by seq).

Contract: what the store "holds" of a run is what it applied or queued; ``held`` answers that,
and ``enqueue`` refuses a batch that would leave a gap after it (StoreGapError). A batch that
fails to apply stays queued, with its error, and is tried again later (``RETRY_SECONDS``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, event, func, select, text, update

from cairn.errors import StoreError, StoreGapError
from cairn.journal.batches import decode_batch
from cairn.journal.records import Record, RunStart
from cairn.store.engine import create_store_engine
from cairn.store.schema import ingest_queue, projects, runs
from cairn.store.store import Store, finishes_a_run
from cairn.store.write_turns import WriteTurns, sqlite_path, write_transaction

log = logging.getLogger("cairn.ingest")

DRAIN_RECORDS = 50_000
"""At most this many records (about ten full batches) apply in one transaction."""
CANDIDATES = 8
"""Runs an applier takes from one look at the queue (the ones waiting longest)."""
RETRY_SECONDS = (1.0, 5.0, 30.0, 60.0)
"""How long a batch that failed to apply waits before its next try (the last, for ever after)."""


class RunElsewhereError(StoreError):
    """The run belongs to another project than the one the batch was sent to."""


@dataclass(frozen=True)
class QueueStatus:
    """What the queue holds: batches waiting, those whose last apply failed, the oldest's age."""

    queued: int
    failing: int
    oldest_seconds: float


_QUEUED = select(func.max(ingest_queue.c.last_seq), func.min(ingest_queue.c.project)).where(
    ingest_queue.c.run_id == bindparam("run")
)
"""A run's last queued seq and its project (every batch request asks: built once)."""
_APPLIED = (
    select(runs.c.last_seq, projects.c.name)
    .join(projects, projects.c.id == runs.c.project_id)
    .where(runs.c.id == bindparam("run"))
)
"""A run's last applied seq and its project."""


class IngestQueue:
    """The ingest queue of ``store`` (see the module's docstring)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        path = sqlite_path(store.url)
        self.same_database = path is None
        if path is None:
            self.engine: Engine = store.engine
            self._turns = store._turns
        else:
            self.engine = create_store_engine(f"sqlite:///{queue_path(path)}")
            event.listen(self.engine, "connect", _no_autocheckpoint)
            self._turns = WriteTurns(queue_path(path))
            with self._write() as conn:  # the workers and the applier open it at once
                ingest_queue.create(conn, checkfirst=True)

    def close(self) -> None:
        if not self.same_database:
            self.engine.dispose()
            self._turns.close()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with write_transaction(self.engine, self._turns) as conn:
            yield conn

    # ---- the request's side --------------------------------------------------------------

    def held(self, project: str, run_id: str) -> int:
        """The last seq of the run that the store applied or queued; 0 when it has neither.
        RunElsewhereError when the run is of another project."""
        with self.engine.connect() as conn, conn.begin():
            return self._held(conn, project, run_id)

    def enqueue(
        self,
        project: str,
        run_id: str,
        body: bytes,
        records: list[Record],
        mark: Callable[[str], None] = lambda phase: None,
    ) -> int:
        """Queue the batch ``body`` (whose decoded ``records`` the caller checked); returns the
        last seq the store now holds. A batch whose records the store holds already is not
        queued again; one that starts after a seq the store lacks raises StoreGapError, and one
        for a run it does not know that does not start the run too. ``mark(phase)`` is called
        as the check (``held``), the wait for the write lock (``lock``) and the insert
        (``insert``) end (``server.timing``)."""
        first, last = records[0].seq, records[-1].seq
        # Checked outside the write: what the store holds of a run only grows, so a batch that
        # leaves no gap now leaves none later, and one queued twice (a retry racing its first
        # send) applies once, by seq. The write holds the queue's lock for the insert alone.
        held = self.held(project, run_id)
        mark("held")
        if last <= held:
            return held
        if held == 0 and not isinstance(records[0], RunStart):
            raise StoreGapError(
                f"the store has no run {run_id!r} yet; send the journal from its start"
            )
        if first > held + 1:
            raise StoreGapError(
                f"run {run_id}: the store holds records up to seq {held} but was offered "
                f"seq {first} next; sync the run's journal (`cairn sync`) to fill the gap"
            )
        with self._write() as conn:
            mark("lock")  # waiting for the queue's write lock (SQLite: the applier's deletes)
            conn.execute(
                ingest_queue.insert().values(
                    run_id=run_id,
                    project=project,
                    first_seq=first,
                    last_seq=last,
                    body=body,
                    received_at=time.time(),
                )
            )
        mark("insert")  # and its commit
        return last

    def _held(self, conn: Connection, project: str, run_id: str) -> int:
        # the queue first: a batch leaves it only once applied, so none is missed in between
        queued = conn.execute(_QUEUED, {"run": run_id}).first()
        if self.same_database:  # PostgreSQL: the same connection (and no second checkout)
            applied = conn.execute(_APPLIED, {"run": run_id}).first()
        else:
            with self.store.engine.connect() as store_conn:
                applied = store_conn.execute(_APPLIED, {"run": run_id}).first()
        owner = applied[1] if applied else queued[1] if queued else None
        if owner is not None and owner != project:
            raise RunElsewhereError(f"run {run_id!r} belongs to another project")
        return max(int(applied[0]) if applied else 0, int(queued[0] or 0) if queued else 0)

    # ---- the applier's side --------------------------------------------------------------

    def status(self, now: float | None = None) -> QueueStatus:
        """How many batches wait, how many of them failed to apply, the oldest one's age."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(
                    func.count(),
                    func.count(ingest_queue.c.error),
                    func.min(ingest_queue.c.received_at),
                )
            ).one()
        oldest = 0.0 if row[2] is None else max(0.0, (now or time.time()) - row[2])
        return QueueStatus(queued=int(row[0]), failing=int(row[1]), oldest_seconds=oldest)

    def apply_next(self, now: float | None = None) -> int:
        """Apply the queued batches of the runs waiting longest (up to ``CANDIDATES``) that no
        other applier holds, each run in a transaction of its own; returns how many batches
        left the queue (0: nothing to do now). One look at the queue serves several runs: with
        many short runs queued, a look before each left the applier further behind."""
        now = time.time() if now is None else now
        with self.engine.connect() as conn:
            candidates = conn.execute(
                select(ingest_queue.c.run_id)
                .where(ingest_queue.c.retry_at <= now)
                .group_by(ingest_queue.c.run_id)
                .order_by(func.min(ingest_queue.c.id))
                .limit(CANDIDATES)
            ).all()
        return sum(self._apply_run(run_id, now) for (run_id,) in candidates)

    def _apply_run(self, run_id: str, now: float) -> int:
        """Apply ``run_id``'s queued batches; how many left the queue (0 when another applier
        holds the run or took them, or they failed and wait for their retry)."""
        from cairn.store.apply import apply_records

        store = self.store
        try:
            if self.same_database:  # PostgreSQL: claim, apply and delete in one transaction
                with store._write() as conn:
                    if not _claim(conn, run_id):
                        return 0
                    batches = self._batches(conn, run_id)
                    if not batches:  # another applier took them since the look at the queue
                        return 0
                    records = [r for _, _, body in batches for r in decode_batch(body)]
                    _, dropped = apply_records(conn, store.blobs, run_id, records)
                    ids = [batch_id for batch_id, _, _ in batches]
                    conn.execute(delete(ingest_queue).where(ingest_queue.c.id.in_(ids)))
            else:  # SQLite: read and decode before taking the store's write lock
                with self.engine.connect() as queue:
                    batches = self._batches(queue, run_id)
                if not batches:
                    return 0
                records = [r for _, _, body in batches for r in decode_batch(body)]
                with store._write() as conn:
                    _, dropped = apply_records(conn, store.blobs, run_id, records)
                ids = [batch_id for batch_id, _, _ in batches]
                with self._write() as queue:  # a kill before this: applied again, a no-op
                    queue.execute(delete(ingest_queue).where(ingest_queue.c.id.in_(ids)))
                self.checkpoint()
        except Exception as exc:  # keep the batches, say why, try again later
            self._failed(run_id, now, exc)
            return 0
        store._after_write(dropped, freed=finishes_a_run(records))
        return len(ids)

    def checkpoint(self) -> None:
        """On SQLite, copy the queue file's write-ahead log into the file, as far as readers
        allow, without holding the write lock (``PASSIVE``): no connection of the queue does it
        on its own (``_no_autocheckpoint``), so that a request's insert never pays for one."""
        if not self.same_database:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    def _batches(self, conn: Connection, run_id: str) -> list[tuple[int, int, bytes]]:
        """The run's queued batches in seq order, up to ``DRAIN_RECORDS`` records (always one)."""
        rows = conn.execute(
            select(
                ingest_queue.c.id,
                ingest_queue.c.last_seq,
                ingest_queue.c.first_seq,
                ingest_queue.c.body,
            )
            .where(ingest_queue.c.run_id == run_id)
            .order_by(ingest_queue.c.first_seq, ingest_queue.c.id)
        ).all()
        picked: list[tuple[int, int, bytes]] = []
        total = high = 0
        for batch_id, last, first, body in rows:
            if picked and (total + last - first + 1 > DRAIN_RECORDS or first > high + 1):
                break  # enough for one transaction, or a gap: the next batch applies alone
            picked.append((batch_id, last, body))
            total, high = total + last - first + 1, max(high, last)
        return picked

    def _failed(self, run_id: str, now: float, exc: Exception) -> None:
        message = f"{type(exc).__name__}: {exc}"
        log.error(
            "cairn: applying the queued batches of run %s failed (kept, retried): %s",
            run_id,
            message,
        )
        with self._write() as conn:
            attempts = (
                conn.execute(
                    select(func.max(ingest_queue.c.attempts)).where(ingest_queue.c.run_id == run_id)
                ).scalar()
                or 0
            )
            wait = RETRY_SECONDS[min(attempts, len(RETRY_SECONDS) - 1)]
            conn.execute(
                update(ingest_queue)
                .where(ingest_queue.c.run_id == run_id)
                .values(attempts=attempts + 1, retry_at=now + wait, error=message[:2000])
            )


def queue_path(database: Path) -> Path:
    """The queue file beside a SQLite store's database: ``cairn.db`` → ``cairn.ingest.db``."""
    return database.with_name(f"{database.stem}.ingest{database.suffix or '.db'}")


def _no_autocheckpoint(dbapi_conn: Any, _record: Any) -> None:
    """SQLite's own checkpoint runs inside the commit that fills the log past 1,000 pages: a
    queued batch is about 120 of them, so one insert in eight would copy megabytes into the
    file while holding the queue's write lock. The applier checkpoints instead
    (``IngestQueue.checkpoint``)."""
    dbapi_conn.execute("PRAGMA wal_autocheckpoint=0")


def _claim(conn: Connection, run_id: str) -> bool:
    """Hold ``run_id`` for this transaction on PostgreSQL, unless another applier holds it."""
    return bool(
        conn.execute(
            text("SELECT pg_try_advisory_xact_lock(hashtextextended(:run, 0))"), {"run": run_id}
        ).scalar()
    )
