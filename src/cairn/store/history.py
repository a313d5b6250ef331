"""A run's metric history: a small SQL tail of recent rows, sealed into Parquet segments.

Rows arrive from the journal as ``History`` records. Each applied batch becomes one tail chunk (an
Arrow IPC stream) in ``history_tail``; once a run's tail holds ``SEAL_ROWS`` rows, or the run
finishes, the tail is sealed into one Parquet segment in the BlobStore, sorted by (step, seq) and
indexed by step range in ``history_segments``. A seal merges the newest segments of one size
class once there are more than ``COMPACT_OVER`` of them (``merge_count``), so reads stay a few
dozen files at most and a row is rewritten a few times, not once every few seals; the merged
blobs are deleted after a grace period (``store.drops``), so a reader that listed them a moment
before still finds them. Readers merge segments and tail.

Tables read back have ``_step`` (int64), ``_seq`` (int64, the logging order), ``_timestamp``
(float64, unix seconds) and one float64 column per key, null where a row did not log the key.
"""

from __future__ import annotations

import io
import time
from collections.abc import Sequence
from itertools import chain
from operator import itemgetter

import numpy as np
import pyarrow as pa
import pyarrow.ipc
import pyarrow.parquet as pq
from pyarrow._parquet import ParquetReader
from sqlalchemy import Connection, delete, func, insert, select

from cairn.journal.records import History
from cairn.store import drops
from cairn.store.arrow import as_numpy, numbers
from cairn.store.blobs import BlobStore, blob_digest
from cairn.store.footers import FOOTERS, Footer, parse_footer
from cairn.store.schema import INDEX_COLUMNS, history_segments, history_tail

SEAL_ROWS = 10_000
COMPACT_OVER = 16
THREADED_DECODE_ROWS = 100_000


def rows_table(rows: Sequence[History]) -> pa.Table:
    """One batch of history records as a table: index columns, then a column per key."""
    index = [
        numbers([r.step for r in rows], np.int64),
        numbers([r.seq for r in rows], np.int64),
        numbers([r.ts for r in rows], np.float64),
    ]
    values = [r.values for r in rows]
    same = _same_keys(values)
    if same is not None:
        keys, columns = same
    else:
        keys = list(dict.fromkeys(k for v in values for k in v))
        columns = [numbers([v.get(key) for v in values], np.float64) for key in keys]
    return pa.Table.from_arrays([*index, *columns], names=["_step", "_seq", "_timestamp", *keys])


def _same_keys(values: list[dict[str, float]]) -> tuple[list[str], list[pa.Array]] | None:
    """The keys and columns of rows that all logged the same keys (a training loop's usual
    rows), read in one pass into one numpy array; None when they did not, or a value is None or
    NaN, for the general path to handle."""
    if not values or not values[0]:
        return None
    keys = list(values[0])
    width = len(keys)
    if any(len(v) != width for v in values):
        return None
    get = itemgetter(*keys)
    try:
        flat = np.fromiter(
            chain.from_iterable(map(get, values)) if width > 1 else map(get, values),
            np.float64,
            len(values) * width,
        )
    except (KeyError, TypeError, ValueError, OverflowError):
        return None  # a row lacks a key the first has (so it has another), or a value is odd
    if np.isnan(flat).any():
        return None  # fromiter reads None (null) as NaN (a value): the general path tells them
    grid = flat.reshape(len(values), width)
    return keys, [numbers(np.ascontiguousarray(grid[:, i]), np.float64) for i in range(width)]


def encode_tail(table: pa.Table) -> bytes:
    """Arrow IPC stream bytes: written and read back without per-value Python work."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue())


def decode_tail(
    data: bytes, keys: Sequence[str] | None = None, index: Sequence[str] = INDEX_COLUMNS
) -> pa.Table:
    table = pa.ipc.open_stream(data).read_all()
    if keys is None:
        return table
    names = set(table.column_names)
    return table.select([*index, *(k for k in keys if k in names)])


def encode_segment(table: pa.Table) -> bytes:
    """Parquet bytes: delta-encoded integers, byte-stream-split floats, zstd."""
    encoding = {
        name: "DELTA_BINARY_PACKED" if pa.types.is_integer(t) else "BYTE_STREAM_SPLIT"
        for name, t in zip(table.column_names, table.schema.types, strict=True)
    }
    buf = io.BytesIO()
    # No Arrow schema in the footer: every column is int64 or float64, which Parquet's own schema
    # says, and a footer of 2,000 columns is then a third smaller and opens twice as fast.
    pq.write_table(
        table,
        buf,
        compression="zstd",
        use_dictionary=False,
        column_encoding=encoding,
        store_schema=False,
    )
    return buf.getvalue()


def decode_segment(
    data: bytes,
    keys: Sequence[str] | None = None,
    index: Sequence[str] = INDEX_COLUMNS,
    footer: Footer | None = None,
) -> pa.Table:
    """A segment's rows: every column, or ``index`` and those of ``keys`` it holds.

    ``footer``: the segment's parsed footer (``footers.FOOTERS``), so that a read of a few keys
    of a wide segment does not parse the description of every column again.
    """
    if footer is None:
        footer = parse_footer(data)
    # ParquetReader, not ParquetFile: ParquetFile walks every column's path on opening (5 ms at
    # 2,000 columns), which the footer's column indices make needless.
    reader = ParquetReader()
    # A BufferReader, not io.BytesIO: pyarrow reads it without calling back into Python (and
    # the GIL), which makes decoding faster and lets threads decode runs in parallel.
    reader.open(pa.BufferReader(data), metadata=footer.metadata)
    # Arrow's own threads pay off for a big segment; for a small one they cost more than they
    # save, and callers reading many runs at once already decode them in parallel.
    threads = footer.metadata.num_rows >= THREADED_DECODE_ROWS
    if keys is None:
        return reader.read_all(use_threads=threads)
    found = footer.columns
    columns = [found[name] for name in (*index, *keys) if name in found]
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


def _concat(
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
    conn: Connection,
    blobs: BlobStore,
    run_id: str,
    keys: Sequence[str] | None = None,
    min_step: int | None = None,
    max_step: int | None = None,
    index: Sequence[str] = INDEX_COLUMNS,
) -> pa.Table:
    """Every row of a run (optionally only ``keys`` and a step range), ordered by (step, seq).

    With ``keys``, ``index`` names the index columns to read (``_step`` always among them):
    a chart against steps decodes two columns instead of four.
    """
    if "_step" not in index:
        index = ("_step", *index)
    pieces: list[tuple[int, pa.Table]] = []
    for table_def, is_segment in ((history_segments, True), (history_tail, False)):
        query = select(table_def).where(table_def.c.run_id == run_id)
        if min_step is not None:
            query = query.where(table_def.c.max_step >= min_step)
        if max_step is not None:
            query = query.where(table_def.c.min_step <= max_step)
        for row in conn.execute(query):
            if is_segment:
                data = blobs.get(row.blob)
                footer = FOOTERS.get(row.blob, data) if keys is not None else None
                piece = decode_segment(data, keys, index, footer)
            else:
                piece = decode_tail(row.data, keys, index)
            pieces.append((row.first_seq, piece))
    pieces.sort(key=lambda p: p[0])
    table = sort_rows(_concat([p for _, p in pieces], keys, index))
    if min_step is not None or max_step is not None:
        steps = table.column("_step").to_numpy()
        lo = -(2**63) if min_step is None else min_step
        hi = 2**63 - 1 if max_step is None else max_step
        table = table.filter(pa.array((steps >= lo) & (steps <= hi)))
    return table


def append_tail(conn: Connection, run_id: str, table: pa.Table) -> None:
    """Store one batch (from ``rows_table``) as a tail chunk."""
    steps = as_numpy(table.column("_step"), np.int64)
    seqs = as_numpy(table.column("_seq"), np.int64)
    conn.execute(
        insert(history_tail).values(
            run_id=run_id,
            first_seq=int(seqs[0]),
            last_seq=int(seqs[-1]),
            rows=table.num_rows,
            min_step=int(steps.min()),
            max_step=int(steps.max()),
            data=encode_tail(table),
        )
    )


def tail_rows(conn: Connection, run_id: str) -> int:
    query = select(func.coalesce(func.sum(history_tail.c.rows), 0)).where(
        history_tail.c.run_id == run_id
    )
    return int(conn.execute(query).scalar_one())


def seal(conn: Connection, blobs: BlobStore, run_id: str) -> list[str]:
    """Seal the run's tail into a segment, merging it with the newest segments when
    ``merge_count`` says so.

    Returns the digests of segment blobs that compaction dropped. They are not deleted here: a
    reader may have listed them just before, so they are left to ``drops`` for its grace period.
    """
    chunks = conn.execute(
        select(history_tail.c.data)
        .where(history_tail.c.run_id == run_id)
        .order_by(history_tail.c.first_seq)
    ).all()
    if not chunks:
        return []
    table = sort_rows(_concat([decode_tail(c.data) for c in chunks], None))
    conn.execute(delete(history_tail).where(history_tail.c.run_id == run_id))
    segments = conn.execute(
        select(history_segments.c.first_seq, history_segments.c.blob, history_segments.c.rows)
        .where(history_segments.c.run_id == run_id)
        .order_by(history_segments.c.first_seq)
    ).all()
    merged = segments[
        len(segments) + 1 - merge_count([*(s.rows for s in segments), table.num_rows]) :
    ]
    if not merged:
        _insert_segment(conn, blobs, run_id, table)
        return []
    pieces = [decode_segment(blobs.get(s.blob)) for s in merged]
    table = sort_rows(_concat([*pieces, table], None))
    conn.execute(
        delete(history_segments).where(
            history_segments.c.run_id == run_id, history_segments.c.first_seq >= merged[0].first_seq
        )
    )
    _insert_segment(conn, blobs, run_id, table)
    dropped = [s.blob for s in merged]
    drops.defer(conn, dropped, time.time())
    return dropped


def merge_count(rows: Sequence[int]) -> int:
    """How many of the newest pieces of a run's history (its segments in logging order, then the
    rows being sealed; ``rows`` holds their row counts) to merge into one segment, 1 for none.

    Size-tiered: with F = ``COMPACT_OVER + 1``, a piece of fewer than ``SEAL_ROWS`` × F rows is
    of class 0, one of fewer than ``SEAL_ROWS`` × F² of class 1, and so on. Once more than
    ``COMPACT_OVER`` pieces of one class end the list they merge, and the merged piece may then
    complete a run of the class above. A row is so rewritten about once per class, where merging
    every segment each time rewrote the whole history every ``COMPACT_OVER`` seals; a run keeps
    at most ``COMPACT_OVER`` segments a class (34 at most for 10 million rows sealed 10,000 at a
    time, test_history).
    """
    pieces = [(r, 1) for r in rows]
    while pieces:
        size = _size_class(pieces[-1][0])
        first = len(pieces) - 1
        while first > 0 and _size_class(pieces[first - 1][0]) == size:
            first -= 1
        if len(pieces) - first <= COMPACT_OVER:
            break
        run = pieces[first:]
        pieces[first:] = [(sum(r for r, _ in run), sum(n for _, n in run))]
    return pieces[-1][1] if pieces else 1


def _size_class(rows: int) -> int:
    size, bound = 0, SEAL_ROWS * (COMPACT_OVER + 1)
    while rows >= bound:
        size, bound = size + 1, bound * (COMPACT_OVER + 1)
    return size


def _insert_segment(conn: Connection, blobs: BlobStore, run_id: str, table: pa.Table) -> None:
    data = encode_segment(table)
    digest = blob_digest(data)
    drops.reclaim(conn, digest)  # before the blob is found stored: see drops
    steps = as_numpy(table.column("_step"), np.int64)
    seqs = as_numpy(table.column("_seq"), np.int64)
    conn.execute(
        insert(history_segments).values(
            run_id=run_id,
            first_seq=int(seqs.min()),
            last_seq=int(seqs.max()),
            rows=table.num_rows,
            min_step=int(steps.min()),
            max_step=int(steps.max()),
            blob=blobs.put(data, digest),
            size=len(data),
        )
    )
