"""Arrow arrays to and from numpy through their buffers, for the write path of history.

``pa.array`` and ``to_numpy`` import pandas the first time they run (about 0.2 s on this machine):
the syncer thread applying a run's rows, or ``finish()`` waiting for it, never needs pandas, so
the store's write path builds and reads its (int64 and float64) columns here instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa


def numbers(values: list[Any] | np.ndarray, dtype: type[np.generic]) -> pa.Array:
    """An int64 or float64 Arrow array of ``values`` (None in a list: null). A contiguous array
    of that dtype is shared, not copied: do not change it afterwards."""
    kind = pa.from_numpy_dtype(dtype)
    if isinstance(values, np.ndarray) or None not in values:
        data = np.ascontiguousarray(values, dtype)
        return pa.Array.from_buffers(kind, len(data), [None, pa.py_buffer(data)])
    missing = np.fromiter((v is None for v in values), bool, len(values))
    data = np.fromiter((0 if v is None else v for v in values), dtype, len(values))
    valid = np.packbits(~missing, bitorder="little")
    buffers = [pa.py_buffer(valid), pa.py_buffer(data)]
    return pa.Array.from_buffers(kind, len(data), buffers, null_count=int(missing.sum()))


def flags(values: np.ndarray) -> pa.Array:
    """A boolean Arrow array of a numpy bool array (for ``Table.filter``), without pandas."""
    bits = np.packbits(np.asarray(values, bool), bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(bits)])


def as_numpy(
    column: pa.Array | pa.ChunkedArray, dtype: type[np.generic], nulls: float | None = None
) -> np.ndarray:
    """The values of an int64 or float64 column as one array; nulls become ``nulls`` (NaN, say).
    A column with nulls and no ``nulls`` is an error: drop_null() it first, or say what they are."""
    if column.null_count and nulls is None:
        raise ValueError("the column has nulls: drop_null() it first, or pass nulls=")
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    parts = []
    for chunk in chunks:
        data = chunk.buffers()[1] if len(chunk) else None
        if data is not None:
            parts.append(np.frombuffer(data, dtype)[chunk.offset : chunk.offset + len(chunk)])
    if not parts:
        return np.empty(0, dtype)
    values = parts[0] if len(parts) == 1 else np.concatenate(parts)
    if column.null_count:
        values = values.copy()  # a view of Arrow's buffer is read-only
        values[~valid(column)] = nulls
    return values


def valid(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Whether each value of a column is set (not null), as a numpy bool array."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    parts = []
    for chunk in chunks:
        bitmap = chunk.buffers()[0] if chunk.null_count else None
        if bitmap is None:
            parts.append(np.ones(len(chunk), bool))
            continue
        bits = np.unpackbits(np.frombuffer(bitmap, np.uint8), bitorder="little")
        parts.append(bits[chunk.offset : chunk.offset + len(chunk)].astype(bool))
    if not parts:
        return np.empty(0, bool)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)
