"""Runs and their full history out of the store: ``cairn export`` and ``Api().runs().to_arrow()``.

An export is a folder: ``runs.parquet`` (or ``.csv``), a row per run with its fields and a column
per config path and summary key, and ``history.parquet`` (or ``.csv``), every logged row of every
run with ``run_id``, ``_step``, ``_timestamp`` and a column per metric key (null where a row did
not log it; NaN and infinities kept). History is written one run at a time, so memory holds one
run's history, not the project's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from cairn.store.arrow import numbers
from cairn.store.columns import flatten_config
from cairn.store.models import RunInfo
from cairn.store.store import Store

FORMATS = ("parquet", "csv")


@dataclass(frozen=True)
class Exported:
    runs: int
    points: int
    """history rows written"""
    bytes: int
    """size of the files written"""


def _column(values: Sequence[Any]) -> pa.Array:
    """Numbers when every present value is one, else JSON text; None stays null."""
    present = [v for v in values if v is not None]
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return numbers([None if v is None else float(v) for v in values], np.float64)
    return pa.array([None if v is None else json.dumps(v) for v in values], pa.string())


def runs_table(infos: Sequence[RunInfo]) -> pa.Table:
    """Runs as a table: their fields, then a column per config path and per summary key (the
    ``runs`` view of ``cairn sql``, ``cairn export`` and ``Api().runs().to_arrow()``)."""
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


def export_project(
    store: Store,
    project: str,
    out: Path,
    format: str = "parquet",
    filter: str | None = None,
    on_run: Callable[[RunInfo, int], None] | None = None,
) -> Exported:
    """Write ``project``'s runs (those matching ``filter``) and their full history into ``out``.
    ``on_run(run, rows)`` is called after each run's history is written (progress)."""
    if format not in FORMATS:
        raise ValueError(f"format={format!r}: use parquet or csv")
    infos = store.runs(project, filter=filter, order="created_at")
    out.mkdir(parents=True, exist_ok=True)
    runs_path, history_path = out / f"runs.{format}", out / f"history.{format}"
    _write_whole(runs_table(infos), runs_path, format)
    keys = sorted({k for info in infos for k in info.history_keys})
    # run_id as a dictionary column: one small index a row, written dictionary-encoded
    run_id = pa.dictionary(pa.int32(), pa.string()) if format == "parquet" else pa.string()
    schema = pa.schema(
        [("run_id", run_id), ("_step", pa.int64()), ("_timestamp", pa.float64())]
        + [(k, pa.float64()) for k in keys]
    )
    points = 0
    with _writer(history_path, schema, format) as write:
        for info in infos:
            table = store.history(info.id, keys=info.history_keys, index=("_step", "_timestamp"))
            if table.num_rows:
                write(_conform(table, info.id, schema))
            points += table.num_rows
            if on_run is not None:
                on_run(info, table.num_rows)
    size = runs_path.stat().st_size + history_path.stat().st_size
    return Exported(len(infos), points, size)


def _conform(table: pa.Table, run_id: str, schema: pa.Schema) -> pa.Table:
    """``table`` with ``run_id`` first and every column of ``schema`` (nulls where missing)."""
    rows = table.num_rows
    have = set(table.column_names)
    if pa.types.is_dictionary(schema.field("run_id").type):
        indices = pa.Array.from_buffers(
            pa.int32(), rows, [None, pa.py_buffer(np.zeros(rows, np.int32))]
        )
        first = pa.DictionaryArray.from_arrays(indices, pa.array([run_id], pa.string()))
    else:
        first = pa.repeat(pa.scalar(run_id, pa.string()), rows)
    columns: list[pa.Array | pa.ChunkedArray] = [first]
    for field in list(schema)[1:]:
        if field.name in have:
            columns.append(table.column(field.name))
        else:
            columns.append(pa.nulls(rows, field.type))
    return pa.Table.from_arrays(columns, schema=schema)


def _write_whole(table: pa.Table, path: Path, format: str) -> None:
    if format == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, path, compression="zstd")
    else:
        import pyarrow.csv as pacsv

        pacsv.write_csv(_csv_safe(table), path)


class _writer:
    """Appends tables with one schema to a Parquet or CSV file."""

    def __init__(self, path: Path, schema: pa.Schema, format: str) -> None:
        self.path, self.schema, self.format = path, schema, format

    def __enter__(self) -> Callable[[pa.Table], None]:
        if self.format == "parquet":
            import pyarrow.parquet as pq

            self._file: Any = pq.ParquetWriter(self.path, self.schema, compression="zstd")
        else:
            import pyarrow.csv as pacsv

            self._file = pacsv.CSVWriter(self.path, self.schema)
        return self._file.write_table  # type: ignore[no-any-return]

    def __exit__(self, *exc: object) -> None:
        self._file.close()


def _csv_safe(table: pa.Table) -> pa.Table:
    """Lists (tags) as JSON text: CSV has no lists."""
    for i, field in enumerate(table.schema):
        if pa.types.is_list(field.type):
            text = pa.array(
                [None if v is None else json.dumps(v) for v in table.column(i).to_pylist()]
            )
            table = table.set_column(i, field.name, text)
    return table
