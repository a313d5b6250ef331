"""``runs.parquet`` (or ``.csv``) of ``cairn export``, a page of runs at a time.

Each page's ``runs_table`` has its own columns (the config paths and summary keys of its runs)
and types (numbers, or JSON text where a key holds other values), so the file's schema is known
only after the last page. The pages are spilled to Arrow files (zstd-compressed buffers: their
nulls take little room) in a hidden folder beside the target, then joined under one schema: a column missing from a page
is null there, and one that is numbers in a page and text in another is text in all. Memory
holds one page while reading, and at most RUNS_CELLS cells while joining.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from cairn.store.export_writer import csv_safe
from cairn.store.stack import null_chunks

RUNS_CELLS = 16_000_000
"""Cells (runs × columns) joined and written at a time."""
_SPILL = pa.ipc.IpcWriteOptions(compression="zstd")


class RunsWriter:
    """Collects ``runs_table`` pages; ``write(path)`` joins them into one Parquet or CSV file."""

    def __init__(self, folder: Path, format: str) -> None:
        self.format = format
        self._spill = Path(tempfile.mkdtemp(prefix=".runs-pages-", suffix=".partial", dir=folder))
        self._pages: list[tuple[Path, pa.Schema, int]] = []

    def add(self, page: pa.Table) -> None:
        """Spills one page of runs."""
        path = self._spill / f"{len(self._pages):06d}.arrow"
        with pa.ipc.new_file(path, page.schema, options=_SPILL) as spill:
            spill.write_table(page)
        self._pages.append((path, page.schema, page.num_rows))

    def write(self, path: Path, empty: pa.Table) -> None:
        """Joins the pages into ``path`` (``empty``: the table of no runs, when there was none)."""
        if not self._pages:
            self.add(empty)
        schema, mixed = _joined_schema([s for _, s, _ in self._pages])
        file_schema = csv_safe(schema.empty_table()).schema if self.format == "csv" else schema
        writer: Any
        if self.format == "parquet":
            writer = pq.ParquetWriter(path, schema, compression="zstd")
        else:
            import pyarrow.csv as pacsv

            writer = pacsv.CSVWriter(path, file_schema)
        with writer:
            group: list[pa.Table] = []
            cells = 0
            for page_path, _, rows in self._pages:
                with pa.ipc.open_file(page_path) as spilled:
                    group.append(_conform(spilled.read_all(), schema, mixed))
                cells += rows * len(schema)
                if cells >= RUNS_CELLS:
                    writer.write_table(self._joined(group))
                    group, cells = [], 0
            if group:
                writer.write_table(self._joined(group))

    def _joined(self, group: list[pa.Table]) -> pa.Table:
        table = pa.concat_tables(group)
        return csv_safe(table.combine_chunks()) if self.format == "csv" else table

    def close(self) -> None:
        """Removes the spilled pages."""
        shutil.rmtree(self._spill, ignore_errors=True)


def joined_pages(pages: list[pa.Table]) -> pa.Table:
    """``runs_table`` pages as one table under their joined schema (``Api().runs().to_arrow()``:
    the pages in memory, not the runs they were made from)."""
    schema, mixed = _joined_schema([page.schema for page in pages])
    return pa.concat_tables([_conform(page, schema, mixed) for page in pages])


def _joined_schema(schemas: list[pa.Schema]) -> tuple[pa.Schema, set[str]]:
    """The fields of every page (the run's own fields, then config paths and summary keys,
    sorted) and the names that are numbers in one page and text in another."""
    types: dict[str, pa.DataType] = {}
    mixed: set[str] = set()
    for schema in schemas:
        for field in schema:
            seen = types.setdefault(field.name, field.type)
            if seen != field.type:
                mixed.add(field.name)
    names = list(types)
    fields = [n for n in names if not n.startswith(("config.", "summary."))]
    config = sorted(n for n in names if n.startswith("config."))
    summary = sorted(n for n in names if n.startswith("summary."))
    schema = pa.schema(
        [(n, pa.string() if n in mixed else types[n]) for n in fields + config + summary]
    )
    return schema, mixed


def _conform(page: pa.Table, schema: pa.Schema, mixed: set[str]) -> pa.Table:
    """``page`` with every column of ``schema``: nulls where it lacks one, JSON text where the
    column is text (a whole number as an integer: the page kept it as a float)."""
    have = dict(zip(page.column_names, page.columns, strict=True))
    columns: list[pa.ChunkedArray] = []
    for field in schema:
        column = have.get(field.name)
        if column is None:
            columns.append(pa.chunked_array(null_chunks(page.num_rows, field.type), field.type))
            continue
        if field.name in mixed and pa.types.is_floating(column.type):
            text = [None if v is None else _json_number(v) for v in column.to_pylist()]
            column = pa.chunked_array([pa.array(text, pa.string())])
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=schema)


def _json_number(value: float) -> str:
    return json.dumps(int(value) if value.is_integer() else value)
