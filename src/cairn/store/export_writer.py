"""The files of ``cairn export``, written so that a reader never sees a part of one: each is
written as ``NAME.partial`` beside its target and renamed over it once complete (an interrupted
export leaves the previous file, or none, and a ``.partial`` the next export overwrites).

``HistoryWriter`` takes runs' histories one run at a time and writes them ROW_GROUP_ROWS rows at
a time (a Parquet row group holds many runs): memory holds the buffered rows, not runs × metric
names. The buffered runs are joined by ``stack``: a metric a run did not log is a slice of one
shared all-null array, so a wide schema costs no memory for the runs that leave most of it empty.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from cairn.store.stack import null_chunks, stack

ROW_GROUP_ROWS = 65_536
"""History rows buffered before they are written (a Parquet row group)."""
CSV_CELLS = 4_000_000
"""CSV is written in slices of at most this many cells (rows × columns), made contiguous."""
INDEX = ("_step", "_timestamp")


@contextmanager
def replaced_on_success(target: Path) -> Iterator[Path]:
    """A path to write ``target``'s new content to; on success it is synced to disk and renamed
    over ``target``, on an error removed."""
    partial = target.with_name(target.name + ".partial")
    try:
        yield partial
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    descriptor = os.open(partial, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    os.replace(partial, target)


def csv_safe(table: pa.Table) -> pa.Table:
    """Lists (tags) as JSON text: CSV has no lists."""
    import json

    for i, field in enumerate(table.schema):
        if pa.types.is_list(field.type):
            values = table.column(i).to_pylist()
            text = pa.array([None if v is None else json.dumps(v) for v in values], pa.string())
            table = table.set_column(i, field.name, text)
    return table


def history_schema(keys: list[str], format: str) -> pa.Schema:
    """``run_id``, ``_step``, ``_timestamp``, then a float64 column per metric key."""
    # run_id as a dictionary column in Parquet: one small index a row, written dictionary-encoded
    run_id = pa.dictionary(pa.int32(), pa.string()) if format == "parquet" else pa.string()
    return pa.schema(
        [("run_id", run_id), ("_step", pa.int64()), ("_timestamp", pa.float64())]
        + [(k, pa.float64()) for k in keys]
    )


class HistoryWriter:
    """Appends runs' histories to a Parquet or CSV file with one schema, a row group at a time."""

    def __init__(self, path: Path, schema: pa.Schema, format: str) -> None:
        self.schema, self.format = schema, format
        self._runs: list[str] = []
        self._tables: list[pa.Table] = []
        self._rows = 0
        self._file: Any
        if format == "parquet":
            import pyarrow.parquet as pq

            self._file = pq.ParquetWriter(path, schema, compression="zstd")
        else:
            import pyarrow.csv as pacsv

            self._file = pacsv.CSVWriter(path, schema)

    def add(self, run_id: str, table: pa.Table) -> None:
        """Buffers one run's history (``_step``, ``_timestamp`` and metric columns of the
        schema); writes a row group when ROW_GROUP_ROWS rows are buffered."""
        if not table.num_rows:
            return
        self._runs.append(run_id)
        self._tables.append(table)
        self._rows += table.num_rows
        if self._rows >= ROW_GROUP_ROWS:
            self.flush()

    def flush(self) -> None:
        """Writes the buffered rows."""
        if not self._rows:
            return
        table = self._row_group()
        self._runs, self._tables, self._rows = [], [], 0
        if self.format == "parquet":
            self._file.write_table(table, row_group_size=table.num_rows)
            return
        step = max(1, CSV_CELLS // len(self.schema))
        for start in range(0, table.num_rows, step):
            self._file.write_table(table.slice(start, step).combine_chunks())

    def close(self) -> None:
        """Writes what is buffered and completes the file."""
        self.flush()
        self._file.close()

    def _row_group(self) -> pa.Table:
        counts = [t.num_rows for t in self._tables]
        indices = pa.array(np.repeat(np.arange(len(counts), dtype=np.int32), counts))
        run_id: pa.Array = pa.DictionaryArray.from_arrays(
            indices, pa.array(self._runs, pa.string())
        )
        if not pa.types.is_dictionary(self.schema.field("run_id").type):
            run_id = run_id.cast(pa.string())
        stacked = stack(self._tables)
        have = set(stacked.column_names)
        columns = [pa.chunked_array([run_id])]
        for field in list(self.schema)[1:]:
            if field.name in have:
                columns.append(stacked.column(field.name).cast(field.type))
            else:
                columns.append(pa.chunked_array(null_chunks(len(run_id), field.type), field.type))
        return pa.Table.from_arrays(columns, schema=self.schema)
