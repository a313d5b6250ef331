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

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
from sqlalchemy import select

from cairn.store.arrow import numbers
from cairn.store.columns import flatten_config
from cairn.store.history import decode_tail
from cairn.store.schema import history_segments, history_tail
from cairn.store.store import Store

if TYPE_CHECKING:
    import duckdb

READ_ONLY = ("SELECT", "EXPLAIN")


class SqlError(ValueError):
    """A query that cannot run: not a query, or DuckDB refused it (the message says why)."""


def _column(values: Sequence[Any]) -> pa.Array:
    """Numbers when every present value is one, else JSON text; None stays null."""
    present = [v for v in values if v is not None]
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return numbers([None if v is None else float(v) for v in values], np.float64)
    return pa.array([None if v is None else json.dumps(v) for v in values], pa.string())


def runs_table(store: Store) -> pa.Table:
    infos = store.runs()
    configs = [flatten_config(r.config) for r in infos]
    config_keys = sorted({k for c in configs for k in c})
    summary_keys = sorted({k for r in infos for k in r.summary})

    def times(values: Sequence[float | None]) -> pa.Array:
        seconds = [None if v is None else int(v * 1e6) for v in values]
        return pa.array(seconds, pa.int64()).cast(pa.timestamp("us", tz="UTC"))

    columns: dict[str, pa.Array] = {
        "id": pa.array([r.id for r in infos], pa.string()),
        "project": pa.array([r.project for r in infos], pa.string()),
        "name": pa.array([r.name for r in infos], pa.string()),
        "state": pa.array([r.state for r in infos], pa.string()),
        "created_at": times([r.created_at for r in infos]),
        "finished_at": times([r.finished_at for r in infos]),
        "runtime": pa.array(
            [((r.finished_at or r.heartbeat_at) - r.created_at) for r in infos], pa.float64()
        ),
        "tags": pa.array([r.tags for r in infos], pa.list_(pa.string())),
        "group": pa.array([r.group for r in infos], pa.string()),
        "job_type": pa.array([r.job_type for r in infos], pa.string()),
        "notes": pa.array([r.notes for r in infos], pa.string()),
    }
    for key in config_keys:
        columns[f"config.{key}"] = _column([c.get(key) for c in configs])
    for key in summary_keys:
        columns[f"summary.{key}"] = _column([r.summary.get(key) for r in infos])
    return pa.table(columns)


def connect(store: Store) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the store's ``runs`` and ``history`` views."""
    try:
        import duckdb
    except ImportError:
        raise SqlError(
            "cairn sql needs DuckDB: pip install 'cairn[sql]' (or pip install duckdb)"
        ) from None
    con = duckdb.connect(":memory:")
    con.register("runs", runs_table(store))
    with store._read() as conn:
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
        con.register("_segments", pa.concat_tables(decoded, promote_options="default"))
        parts.append("SELECT * EXCLUDE (_seq) FROM _segments")
    if tails:
        tail = pa.concat_tables(
            [_with_run(decode_tail(t.data), t.run_id) for t in tails], promote_options="default"
        )
        con.register("_tail", tail)
        parts.append("SELECT * EXCLUDE (_seq) FROM _tail")
    if not parts:
        parts.append(
            "SELECT NULL::VARCHAR AS run_id, NULL::BIGINT AS _step, NULL::DOUBLE AS _timestamp "
            "WHERE false"
        )
    con.execute("CREATE VIEW history AS " + " UNION ALL BY NAME ".join(parts))
    return con


def decode_segment_blob(store: Store, digest: str) -> pa.Table:
    from cairn.store.history import decode_segment

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
