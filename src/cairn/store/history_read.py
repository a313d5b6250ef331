"""Reading a run's history back: its sealed segments and its SQL tail, merged in logging order.

The same code serves the ``Store`` (SQLAlchemy, SQLite or PostgreSQL) and a cold read of a local
store through the stdlib's ``sqlite3`` (``cairn.store.local_reader``): the queries are SQL text
with named parameters, which both run (``sql_text.Query``), and nothing here imports SQLAlchemy
or fsspec. Tables read back are described in ``cairn.store.history``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.ipc
from pyarrow._parquet import ParquetReader

from cairn.errors import StoreError
from cairn.store.arrow import as_numpy, numbers
from cairn.store.footers import FOOTERS, Footer, parse_footer
from cairn.store.models import DROP_GRACE, INDEX_COLUMNS
from cairn.store.sql_text import Query, json_value

if TYPE_CHECKING:
    from cairn.store.reader import BlobReader

THREADED_DECODE_ROWS = 100_000

RANGED_READ_ROWS = 262_144
"""A segment of at least this many rows is read from its file a row group at a time when a
step range is asked (``decode_segment``'s ``min_step``/``max_step``): a zoom into a run of 10
million points then reads the few row groups it shows, not whole blobs of tens of MB."""

READ_RETRIES = 5
"""How many times a history read starts over when a segment it listed was deleted under it (a
read slower than ``models.DROP_GRACE``)."""


def decode_tail(
    data: bytes, keys: Sequence[str] | None = None, index: Sequence[str] = INDEX_COLUMNS
) -> pa.Table:
    table = pa.ipc.open_stream(data).read_all()
    if keys is None:
        return table
    names = set(table.column_names)
    return table.select([*index, *(k for k in keys if k in names)])


def decode_segment(
    data: bytes | pa.NativeFile,
    keys: Sequence[str] | None = None,
    index: Sequence[str] = INDEX_COLUMNS,
    footer: Footer | None = None,
    min_step: int | None = None,
    max_step: int | None = None,
) -> pa.Table:
    """A segment's rows (from its bytes, or its open file): every column, or ``index`` and
    those of ``keys`` it holds.

    ``footer``: the segment's parsed footer (``footers.FOOTERS``), so that a read of a few keys
    of a wide segment does not parse the description of every column again. ``min_step`` and
    ``max_step``: only the row groups whose steps may fall in that range are decoded (the rows
    returned may still hold steps outside it: the caller filters them).
    """
    if footer is None:
        footer = parse_footer(data)
    # ParquetReader, not ParquetFile: ParquetFile walks every column's path on opening (5 ms at
    # 2,000 columns), which the footer's column indices make needless.
    reader = ParquetReader()
    # A BufferReader, not io.BytesIO: pyarrow reads it without calling back into Python (and
    # the GIL), which makes decoding faster and lets threads decode runs in parallel.
    source = data if isinstance(data, pa.NativeFile) else pa.BufferReader(data)
    reader.open(source, metadata=footer.metadata)
    # Arrow's own threads pay off for a big segment; for a small one they cost more than they
    # save, and callers reading many runs at once already decode them in parallel.
    threads = footer.metadata.num_rows >= THREADED_DECODE_ROWS
    found = footer.columns
    columns = None if keys is None else [found[n] for n in (*index, *keys) if n in found]
    groups = footer.row_groups(min_step, max_step)
    if groups is not None:
        return reader.read_row_groups(groups, column_indices=columns, use_threads=threads)
    if columns is None:
        return reader.read_all(use_threads=threads)
    return reader.read_all(column_indices=columns, use_threads=threads)


def sort_rows(table: pa.Table) -> pa.Table:
    """Order rows by step, then logging order; skips the sort when already ordered.

    Without a ``_seq`` column the rows must arrive in logging order within each step, as pieces
    concatenated by ``first_seq`` do (pieces cover disjoint seq ranges; a segment is sorted by
    step then seq): a stable sort by step then gives the same order.
    """
    if table.num_rows < 2 or in_order(table):
        return table
    if "_seq" not in table.column_names:
        steps = as_numpy(table.column("_step"), np.int64)
        return table.take(numbers(np.argsort(steps, kind="stable"), np.int64))
    return table.sort_by([("_step", "ascending"), ("_seq", "ascending")])


def in_order(table: pa.Table) -> bool:
    """Whether the rows are ordered by step, then ``_seq`` (when there is one) within a step.

    Checked batch by batch on views of Arrow's buffers: a 10-million-row history is 80 MB a
    column, and copying ``_step`` and ``_seq`` into one array each only to look at them cost
    more than decoding the Parquet they came from.
    """
    with_seq = "_seq" in table.column_names
    index = table.select(["_step", "_seq"] if with_seq else ["_step"])
    last: tuple[int, int] | None = None
    for batch in index.to_batches():
        if not batch.num_rows:
            continue
        steps = as_numpy(batch.column(0), np.int64)
        seqs = as_numpy(batch.column(1), np.int64) if with_seq else None
        if last is not None and (
            steps[0] < last[0] or (seqs is not None and steps[0] == last[0] and seqs[0] <= last[1])
        ):
            return False
        if not np.all(steps[1:] >= steps[:-1]):
            return False
        if seqs is not None:
            ties = steps[1:] == steps[:-1]
            if ties.any() and not np.all(seqs[1:][ties] > seqs[:-1][ties]):
                return False
        last = (int(steps[-1]), int(seqs[-1]) if seqs is not None else 0)
    return True


def concat(
    tables: list[pa.Table], keys: Sequence[str] | None, index: Sequence[str] = INDEX_COLUMNS
) -> pa.Table:
    if tables:
        table = pa.concat_tables(tables, promote_options="default")
    else:
        table = pa.table(
            {
                "_step": pa.array([], pa.int64()),
                "_seq": pa.array([], pa.int64()),
                "_timestamp": pa.array([], pa.float64()),
            }
        )
    for key in keys or ():
        if key not in table.column_names:
            table = table.append_column(key, pa.nulls(table.num_rows, pa.float64()))
    if keys is not None:
        table = table.select([*index, *keys])
    return table


def read_history(
    query: Query,
    blobs: BlobReader,
    run_id: str,
    keys: Sequence[str] | None = None,
    min_step: int | None = None,
    max_step: int | None = None,
    index: Sequence[str] = INDEX_COLUMNS,
) -> pa.Table:
    """Every row of a run (optionally only ``keys`` and a step range), ordered by (step, seq).

    With ``keys``, ``index`` names the index columns to read (``_step`` always among them):
    a chart against steps decodes two columns instead of four. The queries must all see one
    snapshot (``read``), or a seal between them could hide rows or show them twice.
    """
    if "_step" not in index:
        index = ("_step", *index)
    where = "run_id = :run_id"
    params: dict[str, Any] = {"run_id": run_id}
    if min_step is not None:
        where += " AND max_step >= :min_step"
        params["min_step"] = min_step
    if max_step is not None:
        where += " AND min_step <= :max_step"
        params["max_step"] = max_step
    ranged = min_step is not None or max_step is not None
    pieces: list[tuple[int, pa.Table]] = []
    for row in query(f"SELECT first_seq, blob, rows FROM history_segments WHERE {where}", params):
        if ranged and row["rows"] >= RANGED_READ_ROWS:
            piece = _decode_range(blobs, row["blob"], keys, index, min_step, max_step)
        else:
            data = blobs.get(row["blob"])
            footer = FOOTERS.get(row["blob"], data) if keys is not None else None
            piece = decode_segment(data, keys, index, footer)
        pieces.append((row["first_seq"], piece))
    for row in query(f"SELECT first_seq, data FROM history_tail WHERE {where}", params):
        pieces.append((row["first_seq"], decode_tail(row["data"], keys, index)))
    pieces.sort(key=lambda p: p[0])
    table = sort_rows(concat([p for _, p in pieces], keys, index))
    if min_step is not None or max_step is not None:
        steps = table.column("_step").to_numpy()
        lo = -(2**63) if min_step is None else min_step
        hi = 2**63 - 1 if max_step is None else max_step
        table = table.filter(pa.array((steps >= lo) & (steps <= hi)))
    return table


def _decode_range(
    blobs: BlobReader,
    digest: str,
    keys: Sequence[str] | None,
    index: Sequence[str],
    min_step: int | None,
    max_step: int | None,
) -> pa.Table:
    """The row groups of a big segment that may hold steps in the range, read from its file
    (seekable: a local file or fsspec's, as the ``BlobStore`` and ``LocalBlobs`` that read
    history open)."""
    with blobs.open(digest) as stream:
        source = pa.PythonFile(stream, mode="r")
        footer = FOOTERS.get(digest, source)
        return decode_segment(source, keys, index, footer, min_step, max_step)


def read(
    snapshot: Callable[[], AbstractContextManager[Query]],
    blobs: BlobReader,
    run_id: str,
    keys: Sequence[str] | None = None,
    *,
    min_step: int | None = None,
    max_step: int | None = None,
    index: Sequence[str] = INDEX_COLUMNS,
    grace: float = DROP_GRACE,
) -> pa.Table:
    """``read_history`` in a read transaction of its own (``snapshot()``), started over when a
    segment blob it listed was deleted before it was read. Without ``keys``: a column for every
    key the run logged, sorted, whatever the step range.

    Compaction leaves the segment blobs it merged for ``grace`` seconds (``store.drops``); a read
    slower than that can find one gone: it reads again from the new list of segments, which holds
    the same rows.
    """
    for attempt in range(READ_RETRIES + 1):
        try:
            with snapshot() as query:
                if keys is None:
                    found = query(
                        "SELECT history_keys FROM runs WHERE id = :run_id", {"run_id": run_id}
                    )
                    keys = [str(k) for row in found for k in json_value(row["history_keys"])]
                return read_history(query, blobs, run_id, keys, min_step, max_step, index=index)
        except FileNotFoundError as exc:
            if attempt == READ_RETRIES:
                raise StoreError(
                    f"reading run {run_id}'s history failed {attempt + 1} time(s) in a row: "
                    f"a segment blob it listed was deleted before it was read "
                    f"({exc.filename or exc}), each read taking longer than the "
                    f"{grace:g} s such blobs are kept; read it again"
                ) from exc
    raise AssertionError("unreachable")
