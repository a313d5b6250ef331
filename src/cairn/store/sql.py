"""``cairn sql``: DuckDB over a store, read-only, with two views.

- ``runs``: one row per run: ``id``, ``project``, ``name``, ``state``, ``created_at``,
  ``finished_at`` (timestamps), ``runtime`` (seconds), ``tags``, ``group``, ``job_type``, ``notes``,
  then a column per config path (``"config.model.width"``) and per summary key
  (``"summary.val/acc"``): numbers where every run that has the key holds a number, else text
  (JSON).
- ``history``: every logged row of every run: ``run_id``, ``_step``, ``_timestamp`` and a column per
  metric key. Sealed segments are read by DuckDB straight from their Parquet files; the rows not
  sealed yet come from the store's tail.

Only queries run (``SELECT``, ``WITH``, ``EXPLAIN``...): anything that would write is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa
from sqlalchemy import select

from cairn.store.export import runs_table
from cairn.store.history_read import decode_segment, decode_tail
from cairn.store.schema import history_segments, history_tail
from cairn.store.stack import stack
from cairn.store.store import Store

if TYPE_CHECKING:
    import duckdb

READ_ONLY = ("SELECT", "EXPLAIN")


class SqlError(ValueError):
    """A query that cannot run: not a query, or DuckDB refused it (the message says why)."""


def connect(store: Store) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the store's ``runs`` and ``history`` views."""
    try:
        import duckdb
    except ImportError:
        raise SqlError(
            "cairn sql needs DuckDB: pip install 'cairn[sql]' (or pip install duckdb)"
        ) from None
    con = duckdb.connect(":memory:")
    con.register("runs", runs_table(store.runs()))
    with store._snapshot() as conn:  # the segments and the tail as of one moment
        segments = conn.execute(select(history_segments.c.run_id, history_segments.c.blob)).all()
        tails = conn.execute(
            select(history_tail.c.run_id, history_tail.c.data).order_by(history_tail.c.first_seq)
        ).all()
    parts: list[str] = []
    paths = [store.blobs.local_path(s.blob) for s in segments]
    if segments and all(paths):
        files = pa.table({"file": [str(p) for p in paths], "run_id": [s.run_id for s in segments]})
        con.register("_segment_files", files)
        listed = ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths)
        parts.append(
            "SELECT f.run_id, s.* EXCLUDE (filename, _seq) FROM read_parquet(["
            f"{listed}], union_by_name = true, filename = true) s "
            "JOIN _segment_files f ON s.filename = f.file"
        )
    elif segments:  # a blob store that is not a local folder: decode here
        decoded = [_with_run(decode_segment_blob(store, s.blob), s.run_id) for s in segments]
        con.register("_segments", stack(decoded))
        parts.append("SELECT * EXCLUDE (_seq) FROM _segments")
    if tails:
        con.register("_tail", stack([_with_run(decode_tail(t.data), t.run_id) for t in tails]))
        parts.append("SELECT * EXCLUDE (_seq) FROM _tail")
    if not parts:
        parts.append(
            "SELECT NULL::VARCHAR AS run_id, NULL::BIGINT AS _step, NULL::DOUBLE AS _timestamp "
            "WHERE false"
        )
    con.execute("CREATE VIEW history AS " + " UNION ALL BY NAME ".join(parts))
    return con


def decode_segment_blob(store: Store, digest: str) -> pa.Table:
    return decode_segment(store.blobs.get(digest))


def _with_run(table: pa.Table, run_id: str) -> pa.Table:
    return table.add_column(0, "run_id", pa.array([run_id] * table.num_rows, pa.string()))


def query(store: Store, sql: str) -> pa.Table:
    """The result of one read-only statement as an Arrow table; SqlError otherwise."""
    con = connect(store)
    try:
        import duckdb

        statements = con.extract_statements(sql)
        if len(statements) != 1:
            raise SqlError(f"give exactly one statement (got {len(statements)})")
        kind = statements[0].type.name
        if kind not in READ_ONLY:
            raise SqlError(
                f"cairn sql only reads: this is a {kind} statement. Query the views "
                "`runs` and `history` with SELECT; change runs with `cairn runs` or the API"
            )
        try:
            return con.sql(sql).to_arrow_table()
        except duckdb.Error as exc:
            raise SqlError(str(exc)) from None
    finally:
        con.close()
