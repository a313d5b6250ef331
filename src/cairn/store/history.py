"""A run's metric history: a small SQL tail of recent rows, sealed into Parquet segments.

Rows arrive from the journal as ``History`` records. Each applied batch becomes one tail chunk (an
Arrow IPC stream) in ``history_tail``; once a run's tail holds ``SEAL_ROWS`` rows, or the run
finishes (unless all its rows fit in a tail of ``SHORT_TAIL_BYTES``: ``seals_now``), the tail is
sealed into one Parquet segment in the BlobStore, sorted by (step, seq) and indexed by step range
in ``history_segments``. A seal merges the newest segments of one size class once there are more
than ``COMPACT_OVER`` of them (``merge_count``), so reads stay a few dozen files at most and a row
is rewritten a few times, not once every few seals; the merged blobs are deleted after a grace
period (``store.drops``), so a reader that listed them a moment before still finds them. Readers
merge segments and tail (``history_read``).

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
from sqlalchemy import Connection, bindparam, delete, func, insert, select

from cairn.journal.records import History
from cairn.store import drops
from cairn.store.arrow import as_numpy, numbers
from cairn.store.blobs import BlobStore, blob_digest
from cairn.store.history_read import concat, decode_segment, decode_tail, sort_rows
from cairn.store.schema import history_segments, history_tail

SEAL_ROWS = 10_000
ROW_GROUP_ROWS = 131_072
"""Rows per Parquet row group of a segment: a zoomed read decodes only the groups its step
range overlaps (their ``_step`` statistics), not a whole segment of millions of rows. Measured
on a 5.78-million-row segment: the same size and full-read time as pyarrow's default of
1,048,576 rows a group."""
COMPACT_OVER = 16
SHORT_TAIL_BYTES = 8_192
"""A finished run whose every row is still in a tail of at most this many bytes keeps them there
(``seals_now``): up to it, the tail takes at most about twice the room of a segment's own file
and reads as fast (measured in docs/performance.md)."""


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


def encode_segment(table: pa.Table) -> bytes:
    """Parquet bytes: delta-encoded integers, byte-stream-split floats, zstd, row groups of
    ``ROW_GROUP_ROWS``."""
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
        row_group_size=ROW_GROUP_ROWS,
    )
    return buf.getvalue()


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


def seals_now(conn: Connection, run_id: str, state: str, added: bool, run_rows: int) -> bool:
    """Whether a batch that left the run in ``state`` with ``run_rows`` rows in all (``added``:
    it brought rows) seals the tail: once the tail holds ``SEAL_ROWS`` rows, or when the run has
    ended, unless all its rows are still in a tail of at most ``SHORT_TAIL_BYTES``. Such a short
    run keeps its rows in the SQL tail, as durable and read as fast: sealing them cost a Parquet
    encode and a blob write at every finish, for a file of its own of at least a 4 KiB disk block
    (docs/performance.md, "Creating many runs")."""
    if state == "running":
        return added and tail_rows(conn, run_id) >= SEAL_ROWS
    rows, size = conn.execute(_TAIL_SIZE, {"run_id": run_id}).one()
    return not (rows == run_rows and rows < SEAL_ROWS and size <= SHORT_TAIL_BYTES)


def tail_rows(conn: Connection, run_id: str) -> int:
    return int(conn.execute(_TAIL_ROWS, {"run_id": run_id}).scalar_one())


# Built once: building them was a third of seals_now's time for a short run (profiled).
_TAIL_ROWS = select(func.coalesce(func.sum(history_tail.c.rows), 0)).where(
    history_tail.c.run_id == bindparam("run_id")
)
_TAIL_SIZE = select(
    func.coalesce(func.sum(history_tail.c.rows), 0),
    func.coalesce(func.sum(func.length(history_tail.c.data)), 0),
).where(history_tail.c.run_id == bindparam("run_id"))


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
    table = sort_rows(concat([decode_tail(c.data) for c in chunks], None))
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
    table = sort_rows(concat([*pieces, table], None))
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
