"""The Store: one interface over a Cairn store's SQL metadata and BlobStore bytes."""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    case,
    delete,
    func,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.exc import OperationalError

from cairn.errors import ProjectNotFoundError, RunNotFoundError, StoreError
from cairn.journal.records import Record, RunFinish
from cairn.store import catalogue, cursor, drops, run_lookup, run_query
from cairn.store.blobs import BlobStore
from cairn.store.engine import check_schema, create_store_engine, describe, ensure_schema
from cairn.store.models import DROP_GRACE, INDEX_COLUMNS, ProjectInfo, RunInfo, RunPage
from cairn.store.numbering import DB_NAME as DB_NAME
from cairn.store.numbering import LOCK_NAME
from cairn.store.projects import ensure_project, project_id
from cairn.store.run_lookup import HEARTBEAT_TIMEOUT as HEARTBEAT_TIMEOUT
from cairn.store.run_lookup import heartbeat_timeout, run_info
from cairn.store.schema import history_segments, history_tail, projects, run_tags, runs
from cairn.store.sql_text import Query
from cairn.store.summary import SummaryState
from cairn.store.write_turns import WriteTurns, sqlite_path, write_transaction

if TYPE_CHECKING:
    import pyarrow as pa


class Store:
    """Runs, their config, summary and history, in SQL (SQLite or PostgreSQL) plus a BlobStore.

    Contract: safe to share between threads and between processes on one database. ``apply`` is
    idempotent: a record whose ``seq`` is at or below the run's last applied seq changes nothing,
    and the last seq moves in the same transaction as the data, so a batch applies wholly or not
    at all. Readers see committed batches only.
    """

    def __init__(
        self,
        url: str,
        blobs: BlobStore,
        *,
        lock_path: Path | None = None,
        migrate: bool = True,
    ) -> None:
        """Open the store at database ``url`` with ``blobs``. ``migrate``: bring an empty or
        older database to the current schema (the local store); else refuse it with the command
        that does (a team server: ``cairn db upgrade``)."""
        self.url = url
        self.engine = create_store_engine(url)
        self.blobs = blobs
        self._turns = WriteTurns(sqlite_path(url))
        try:
            if migrate:
                ensure_schema(self.engine, lock_path)
            else:
                check_schema(self.engine)
        except OperationalError as exc:
            self.engine.dispose()
            raise StoreError(
                f"cannot open the store at {describe(self.engine)}: {exc.orig}"
            ) from exc
        except StoreError:
            self.engine.dispose()
            raise
        self.heartbeat_timeout = heartbeat_timeout()
        self.drop_grace = DROP_GRACE
        """Seconds a dropped segment blob stays readable (``store.drops``)."""
        self._purge_due = 0.0  # when a dropped blob may next expire; 0: look on the first write

    @classmethod
    def local(cls, root: str | os.PathLike[str]) -> Store:
        """The embedded store in a ``.cairn`` folder: SQLite plus a local blob folder."""
        root = Path(root)
        root.mkdir(parents=True, exist_ok=True)
        return cls(
            f"sqlite:///{root / DB_NAME}",
            BlobStore(root / "blobs"),
            lock_path=root / LOCK_NAME,
        )

    def close(self) -> None:
        self.engine.dispose()
        self._turns.close()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with write_transaction(self.engine, self._turns) as conn:
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def _lookup(self) -> Iterator[Connection]:
        """A connection for reads of one statement each (every request's access check): on
        PostgreSQL outside a transaction, whose BEGIN and COMMIT are a round trip each (at READ
        COMMITTED a statement sees a snapshot of its own either way); on SQLite as ``_read``."""
        if self.engine.dialect.name != "postgresql":
            with self._read() as conn:
                yield conn
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            yield conn

    @contextmanager
    def _snapshot(self) -> Iterator[Connection]:
        """A read transaction whose queries all see one snapshot: SQLite's always do; PostgreSQL's
        READ COMMITTED would let a seal commit between listing the segments and the tail."""
        conn = self.engine.connect()
        if self.engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn, conn.begin():
            yield conn

    @contextmanager
    def _snapshot_query(self) -> Iterator[Query]:
        """``_snapshot`` as a ``sql_text.Query``: for the statements shared with a local read."""
        with self._snapshot() as conn:
            yield sql_query(conn)

    # ---- writes -------------------------------------------------------------------------

    def apply(self, run_id: str, records: Sequence[Record]) -> int:
        """Apply the journal records of one run that the store lacks; returns the last seq."""
        # Imported here: applying loads pyarrow, which a training script's own thread never
        # needs (the syncer thread applies).
        from cairn.store.apply import apply_records

        with self._write() as conn:
            last, dropped = apply_records(conn, self.blobs, run_id, records)
        self._after_write(dropped, freed=finishes_a_run(records))
        return last

    def append(
        self, run_id: str, make: Callable[[int, Mapping[str, Any] | None], Sequence[Record]]
    ) -> int:
        """Apply the records ``make(next_seq, config)`` returns, numbered from the run's next seq,
        in one write transaction (``config``: the run's, None for a new run): for writers that
        keep no journal, such as the MLflow API, so concurrent requests never reuse a seq."""
        from cairn.store.apply import apply_records

        with self._write() as conn:
            row = conn.execute(
                select(runs.c.last_seq, runs.c.config).where(runs.c.id == run_id)
            ).first()
            records = make(row.last_seq + 1 if row else 1, dict(row.config) if row else None)
            last, dropped = apply_records(conn, self.blobs, run_id, records)
        self._after_write(dropped, freed=finishes_a_run(records))
        return last

    def put_blob(self, data: bytes) -> str:
        """Store bytes a record refers to (a code file...); returns their sha256."""
        return self.blobs.put(data)

    def put_blob_file(
        self, path: str | os.PathLike[str], advance: Callable[[int], None] | None = None
    ) -> str:
        """Store a file's bytes without reading it into memory (large artifact files);
        ``advance(n)`` is told of its size once it is stored."""
        digest = self.blobs.put_file(path)
        if advance is not None:
            advance(os.path.getsize(path))
        return digest

    def has_blob(self, digest: str) -> bool:
        """Whether the store holds the bytes with this sha256."""
        return self.blobs.exists(digest)

    def reserve_run_number(self, project: str) -> int:
        """The next number of a project's run counter (for display names like ``brisk-heron-12``)."""
        with self._write() as conn:
            project_id = ensure_project(conn, project, time.time())
            # An UPDATE locks the row: concurrent reservations queue instead of reading one value.
            number = conn.execute(
                update(projects)
                .where(projects.c.id == project_id)
                .values(run_counter=projects.c.run_counter + 1)
                .returning(projects.c.run_counter)
            ).scalar_one()
            return int(number)

    def heartbeat(self, run_id: str, at: float | None = None) -> None:
        """Record that a running run is alive."""
        now = at or time.time()
        with self._write() as conn:
            conn.execute(
                update(runs)
                .where(runs.c.id == run_id)
                .values(
                    heartbeat_at=case((runs.c.heartbeat_at < now, now), else_=runs.c.heartbeat_at)
                )
            )

    def update_run(
        self,
        run_id: str,
        *,
        name: str | None = None,
        notes: str | None = None,
        tags: Sequence[str] | None = None,
    ) -> RunInfo:
        """Edit a run's display name, notes or tags (None leaves a field as it is)."""
        with self._write() as conn:
            self._require(conn, run_id)
            values: dict[str, Any] = {}
            if name is not None:
                values["name"] = name
            if notes is not None:
                values["notes"] = notes
            if values:
                conn.execute(update(runs).where(runs.c.id == run_id).values(**values))
            if tags is not None:
                conn.execute(delete(run_tags).where(run_tags.c.run_id == run_id))
                rows = [{"run_id": run_id, "tag": t} for t in dict.fromkeys(tags)]
                if rows:
                    conn.execute(run_tags.insert(), rows)
        return self.run(run_id)

    def delete_run(self, run_id: str) -> None:
        """Delete a run, its tags and history, and the history blobs nothing else uses."""
        with self._write() as conn:
            self._require(conn, run_id)
            row = conn.execute(
                select(runs.c.project_id, runs.c.config, runs.c.summary, runs.c.history_keys).where(
                    runs.c.id == run_id
                )
            ).one()
            before = catalogue.run_keys(row.config, row.summary, row.history_keys)
            catalogue.change(conn, row.project_id, before, {})
            blobs = (
                conn.execute(
                    select(history_segments.c.blob).where(history_segments.c.run_id == run_id)
                )
                .scalars()
                .all()
            )
            for table in (history_segments, history_tail, run_tags, runs):
                column = table.c.id if table is runs else table.c.run_id
                conn.execute(delete(table).where(column == run_id))
            drops.defer(conn, blobs, time.time())
        self._after_write(blobs, freed=True)

    def purge_dropped(self, now: float | None = None) -> drops.Purged:
        """Delete the segment blobs dropped (by compaction or a deleted run) more than
        ``drop_grace`` seconds before ``now`` that nothing refers to.

        Writes call it themselves once a drop has expired; ``cairn gc`` calls it too.
        """
        now = time.time() if now is None else now
        with self._write() as conn:
            purged = drops.purge(conn, self.blobs, now - self.drop_grace)
        oldest = purged.oldest
        self._purge_due = math.inf if oldest is None else oldest + self.drop_grace
        return purged

    def _after_write(self, dropped: Sequence[str], *, freed: bool = False) -> None:
        """``dropped``: segment blobs the write dropped; ``freed``: it finished or deleted a run,
        whose tail rows or rows left pages of the SQLite file free."""
        now = time.time()
        if dropped:
            self._purge_due = min(self._purge_due, now + self.drop_grace)
        if now >= self._purge_due:
            self.purge_dropped(now)
        if freed:
            self.give_back_free_pages()

    def give_back_free_pages(self) -> int:
        """Shrink a SQLite store's file by the pages nothing uses any more (the history tail of
        a finished run, once sealed; a deleted run's rows) and return how many. Only a file made
        with incremental auto-vacuum (stores made since 2026-12-06, ``numbering.
        keep_file_settings``) can; an older one, and PostgreSQL, reuse free pages for new rows
        instead: 0. Runs after a run finishes or is deleted, in a write turn of its own."""
        if self.engine.dialect.name != "sqlite":
            return 0
        with self.engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None  # a live pooled connection
            if raw.execute("PRAGMA auto_vacuum").fetchone()[0] != INCREMENTAL_VACUUM:
                return 0
            free = int(raw.execute("PRAGMA freelist_count").fetchone()[0])
            if free:
                with self._turns.turn():
                    # executescript, not execute: the pragma frees one page a step, and the
                    # sqlite3 module steps a statement that returns no rows only once.
                    raw.executescript("BEGIN IMMEDIATE; PRAGMA incremental_vacuum; COMMIT;")
        return free

    # ---- reads --------------------------------------------------------------------------

    def last_seq(self, run_id: str) -> int:
        """The last journal seq applied for a run; 0 when the store has never seen it."""
        with self._read() as conn:
            found = conn.execute(select(runs.c.last_seq).where(runs.c.id == run_id)).scalar()
        return int(found or 0)

    def state_column(self, now: float | None = None) -> ColumnElement[str]:
        """The run state as SQL: a running run without a recent heartbeat reads as crashed."""
        cutoff = (now or time.time()) - self.heartbeat_timeout
        return case(
            (and_(runs.c.state == "running", runs.c.heartbeat_at < cutoff), literal("crashed")),
            else_=runs.c.state,
        )

    def projects(self) -> list[ProjectInfo]:
        """Every project, with its run count and the time of its latest activity."""
        query = run_query.project_select().order_by(projects.c.name)
        with self._read() as conn:
            return [
                ProjectInfo(r.name, r.run_count, r.created_at, r.last_activity)
                for r in conn.execute(query)
            ]

    def project(self, name: str) -> ProjectInfo:
        """One project by name; raises ProjectNotFoundError."""
        with self._read() as conn:
            r = conn.execute(run_query.project_select().where(projects.c.name == name)).first()
        if r is None:
            raise ProjectNotFoundError(
                f"no project named {name!r}: log a run to it with cairn.init(project={name!r})"
            )
        return ProjectInfo(r.name, r.run_count, r.created_at, r.last_activity)

    def runs(
        self,
        project: str | None = None,
        *,
        filter: str | None = None,
        order: str | None = None,
        search: str | None = None,
        ids: Sequence[str] | None = None,
        limit: int | None = None,
        offset: int = 0,
        within: Collection[str] | None = None,
    ) -> list[RunInfo]:
        """Runs of a project (or of all), filtered and ordered by expressions (see docs/).

        ``search`` keeps runs whose name, id or a tag holds it, ignoring case (a quick search box);
        ``ids`` keeps only those runs (ids not found are left out); ``within`` only the runs of
        those projects (a server: the projects the caller may read).
        """
        return self.runs_page(
            project,
            filter=filter,
            order=order,
            search=search,
            ids=ids,
            limit=limit,
            offset=offset,
            within=within,
            count=False,
        ).runs

    def runs_page(
        self,
        project: str | None = None,
        *,
        filter: str | None = None,
        order: str | None = None,
        search: str | None = None,
        ids: Sequence[str] | None = None,
        limit: int | None = None,
        offset: int = 0,
        after: str | None = None,
        within: Collection[str] | None = None,
        count: bool = True,
    ) -> RunPage:
        """``runs()`` and, with ``count``, how many runs match in all (else the page's length).

        ``after`` is the ``next`` cursor of the previous page (same order): the page starts
        right after that page's last run, found by its sort keys and id rather than by counting
        ``offset`` rows past (``store.cursor``).
        The matching runs are ordered by their ids and sort keys alone, and only the page's rows
        are read whole, so a page of a 100,000-run project does not sort every run's JSON; under
        a filter or a search the total comes from the same query, not from a second scan.
        """
        state = self.state_column()
        with self._read() as conn:
            where = run_query.conditions(conn, state, project, filter, search, ids, within)
            # With a filter or a search, the matches are gathered once (ids and sort values, each
            # JSON value read once), then counted and sorted; without, the page is the head of an
            # index and the count that index's length.
            gathered = count and bool(filter or search or ids is not None or within is not None)
            query, keys, sorted_by = run_query.ordered(conn, state, where, order, gathered)
            query = query.offset(offset)
            if after is not None:
                pg = conn.dialect.name == "postgresql"
                values, last_id = cursor.decode(after, order, [v.type for v, _ in keys], pg)
                id_column = sorted_by[-1][0]
                query = query.where(cursor.after(sorted_by[:-1], values, id_column, last_id, pg))
            if limit is not None:
                query = query.limit(limit)
            found = conn.execute(query).all()
            page = [row[0] for row in found]
            total = len(found)
            if gathered and found:
                total = found[0][1]
            elif (
                count
                and after is None
                and (limit is None or len(found) < limit)
                and (found or offset == 0)
            ):
                total = offset + len(found)  # this page holds the last match: nothing to count
            elif count:
                total = self._count(conn, where)
            following = None
            if limit is not None and len(found) == limit:
                following = cursor.encode(order, list(found[-1][2:]), found[-1][0])
            infos = self._infos(conn, state, page)
        return RunPage(infos, total, following)

    def run_ids(
        self,
        project: str | None = None,
        *,
        filter: str | None = None,
        order: str | None = None,
        limit: int | None = None,
    ) -> list[str]:
        """The ids of the runs ``runs()`` returns, in its order: a loop over many runs reads
        them first, then ``runs_by_id`` a page at a time, so a filter and a sort on JSON values
        run once, not once a page (no index serves them: a keyset page re-scans the matches)."""
        state = self.state_column()
        with self._read() as conn:
            where = run_query.conditions(conn, state, project, filter, None, None, None)
            query = run_query.ordered(conn, state, where, order, False)[0].limit(limit)
            return [row[0] for row in conn.execute(query)]

    def runs_by_id(
        self, ids: Sequence[str], numbers: Mapping[str, int] | None = None
    ) -> list[RunInfo]:
        """The runs of ``ids``, in that order; ids not found are left out. ``numbers``: their
        run numbers, known (``run_numbers``), else each page ranks the runs it spans."""
        with self._read() as conn:
            return self._infos(conn, self.state_column(), list(ids), numbers)

    def run_numbers(self, project: str | None = None) -> dict[str, int]:
        """Every run's number (its rank by creation in its project) in one pass over the
        ``(project_id, created_at, id)`` index: a loop over pages of runs sorted by a value
        would otherwise rank most of the project for each page."""
        number = func.row_number().over(
            partition_by=runs.c.project_id, order_by=(runs.c.created_at, runs.c.id)
        )
        with self._read() as conn:
            query = select(runs.c.id, number)
            if project is not None:
                query = query.where(runs.c.project_id == project_id(conn, project))
            return {run_id: int(n) for run_id, n in conn.execute(query)}

    def _infos(
        self,
        conn: Connection,
        state: ColumnElement[str],
        page: list[str],
        numbers: Mapping[str, int] | None = None,
    ) -> list[RunInfo]:
        """The runs of ``page`` (ids) read whole, in that order."""
        rows: dict[str, Any] = {}
        for start in range(0, len(page), run_query.CHUNK):
            chunk = page[start : start + run_query.CHUNK]
            picked = run_query.run_select(state).where(runs.c.id.in_(chunk))
            rows.update((r["id"], r) for r in conn.execute(picked).mappings())
        if numbers is None or any(i not in numbers for i in rows):
            numbers = run_query.run_numbers(conn, list(rows.values()))
        tags = run_query.tags_of(conn, page)
        return [run_info(rows[i], tags.get(i, []), numbers[i]) for i in page if i in rows]

    def count_runs(
        self,
        project: str | None = None,
        *,
        filter: str | None = None,
        search: str | None = None,
        within: Collection[str] | None = None,
    ) -> int:
        """How many runs ``runs()`` would return without a limit."""
        with self._read() as conn:
            where = run_query.conditions(
                conn, self.state_column(), project, filter, search, None, within
            )
            return self._count(conn, where)

    @staticmethod
    def _count(conn: Connection, where: list[ColumnElement[bool]]) -> int:
        query = select(func.count()).select_from(run_query.RUNS).where(*where)
        return int(conn.execute(query).scalar_one())

    def run(self, run_id: str) -> RunInfo:
        """One run by id; raises RunNotFoundError."""
        state = self.state_column()
        with self._read() as conn:
            row = (
                conn.execute(run_query.run_select(state).where(runs.c.id == run_id))
                .mappings()
                .first()
            )
            if row is None:
                raise RunNotFoundError(
                    f"no run with id {run_id!r} in {self.url}: `cairn runs ls` lists the runs"
                )
            tags = run_query.tags_of(conn, [run_id])
            numbers = run_query.run_numbers(conn, [row])
        return run_info(row, tags.get(run_id, []), numbers[run_id])

    def summary_state(self, run_id: str) -> tuple[SummaryState, dict[str, Any]]:
        """A run's summary aggregates with its ``define_metric`` rules, and its explicit values:
        what a resumed run continues from when its journal is gone. Raises RunNotFoundError."""
        query = select(runs.c.summary_state, runs.c.metric_defs, runs.c.summary_explicit)
        with self._read() as conn:
            row = conn.execute(query.where(runs.c.id == run_id)).first()
        if row is None:
            raise RunNotFoundError(f"no run with id {run_id!r} in {self.url}")
        return SummaryState(row.summary_state, row.metric_defs), dict(row.summary_explicit)

    def find_run(self, ref: str) -> RunInfo:
        """A run by ``project/id``, ``id``, or a unique display name; raises RunNotFoundError."""
        cutoff = time.time() - self.heartbeat_timeout
        with self._snapshot_query() as query:
            return run_lookup.find_run(query, ref, cutoff)

    def history(
        self,
        run_id: str,
        keys: Sequence[str] | None = None,
        *,
        min_step: int | None = None,
        max_step: int | None = None,
        index: Sequence[str] = INDEX_COLUMNS,
    ) -> pa.Table:
        """A run's history as an Arrow table ordered by (step, logging order); see store.history.

        Without ``keys``: a column for every key the run logged, sorted, whatever the step range.
        ``index``: which of ``_step``, ``_seq``, ``_timestamp`` to read (``_step`` always is).
        """
        from cairn.store import history_read

        return history_read.read(
            self._snapshot_query,
            self.blobs,
            run_id,
            keys,
            min_step=min_step,
            max_step=max_step,
            index=index,
            grace=self.drop_grace,
        )

    def _require(self, conn: Connection, run_id: str) -> None:
        if conn.execute(select(runs.c.id).where(runs.c.id == run_id)).first() is None:
            raise RunNotFoundError(f"no run with id {run_id!r}: `cairn runs ls` lists the runs")


def sql_query(conn: Connection) -> Query:
    """SQL text with named parameters, run on ``conn``: what ``run_lookup`` and
    ``history_read`` run, here as through ``sqlite3`` in ``local_reader``."""

    def query(sql: str, params: Mapping[str, Any]) -> list[Any]:
        return list(conn.execute(text(sql), dict(params)).mappings())

    return query


INCREMENTAL_VACUUM = 2
"""``PRAGMA auto_vacuum``'s answer for a file made with ``auto_vacuum=INCREMENTAL``."""


def finishes_a_run(records: Sequence[Record]) -> bool:
    """Whether ``records`` end a run (then its sealed tail leaves pages free)."""
    return any(isinstance(record, RunFinish) for record in records)
