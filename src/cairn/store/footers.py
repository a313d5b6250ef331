"""Parsed footers of history segments, kept in memory by blob digest.

A segment's Parquet footer describes every column: parsing the footer of a run with 2,000 metric
keys took about 10 ms, paid again by every read of any of its keys (a chart of 20 runs x 2 keys
parsed 20 footers). Segments never change (a blob is named by its content), so a footer parsed once
serves every later read of that blob; the read itself still decodes only the columns asked for.

The cache is bounded by an estimate of the parsed footers' memory, least recently used first out,
and is safe to use from the threads that read several runs at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from pyarrow._parquet import FileMetaData, ParquetReader

MAX_BYTES = 128 * 1024 * 1024
"""The memory the cached footers may take, as estimated by ``Footer.weight``: 30 or so footers of
2,000 columns, or thousands of a few dozen columns."""

PARSED_PER_SERIALIZED = 14
"""How much memory a parsed footer (with its column index) takes per byte of the serialized one:
3.7 MB for a 0.27 MB footer of 2,003 columns (pyarrow 26, measured by RSS); older segments, whose
footers also hold an Arrow schema, take less per byte, so their estimate errs high."""


@dataclass(frozen=True)
class Footer:
    """A segment's parsed Parquet footer and where each column is in it."""

    metadata: FileMetaData
    columns: dict[str, int]
    """Column name to its index, as ``ParquetReader.read_all`` takes them."""
    step_ranges: tuple[tuple[int, int] | None, ...] = ()
    """Each row group's lowest and highest ``_step`` (None: no statistics), from the footer."""

    def row_groups(self, min_step: int | None, max_step: int | None) -> list[int] | None:
        """The row groups that may hold steps in ``[min_step, max_step]``; None when that is
        every one of them (read the whole segment)."""
        lo = -(2**63) if min_step is None else min_step
        hi = 2**63 - 1 if max_step is None else max_step
        groups = [
            g
            for g, found in enumerate(self.step_ranges)
            if found is None or (found[1] >= lo and found[0] <= hi)
        ]
        return None if len(groups) == len(self.step_ranges) else groups

    @property
    def weight(self) -> int:
        """Estimated bytes of memory the parsed footer holds."""
        serialized: int = self.metadata.serialized_size
        return serialized * PARSED_PER_SERIALIZED


def parse_footer(data: bytes | pa.NativeFile) -> Footer:
    """The footer of a segment's Parquet bytes (or of an open segment file), parsed."""
    # pyarrow._parquet's reader, not pyarrow.parquet.read_metadata: the latter's module loads
    # pyarrow.fs and ssl (about 15 ms of a cold read's imports) for file systems never used here.
    reader = ParquetReader()
    reader.open(data if isinstance(data, pa.NativeFile) else pa.BufferReader(data))
    metadata: FileMetaData = reader.metadata
    names = metadata.schema.names
    columns = {name: i for i, name in enumerate(names)}
    step = columns.get("_step")
    ranges = tuple(
        None if step is None else _step_range(metadata.row_group(g).column(step).statistics)
        for g in range(metadata.num_row_groups)
    )
    return Footer(metadata, columns, ranges)


def _step_range(statistics: Any) -> tuple[int, int] | None:
    if statistics is None or not statistics.has_min_max:
        return None
    return int(statistics.min), int(statistics.max)


class FooterCache:
    """Footers by blob digest, least recently used evicted past ``max_bytes`` (a footer larger
    than the whole budget is parsed for its read and not kept)."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._footers: OrderedDict[str, Footer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, digest: str, data: bytes | pa.NativeFile) -> Footer:
        """The footer of the segment ``data`` (its bytes or its open file) stored under
        ``digest``, parsed once."""
        with self._lock:
            found = self._footers.get(digest)
            if found is not None:
                self._footers.move_to_end(digest)
                return found
        footer = parse_footer(data)  # outside the lock: other threads parse theirs meanwhile
        with self._lock:
            if digest not in self._footers and footer.weight <= self.max_bytes:
                self._footers[digest] = footer
                self._bytes += footer.weight
                while self._bytes > self.max_bytes:
                    _, dropped = self._footers.popitem(last=False)
                    self._bytes -= dropped.weight
        return footer

    def clear(self) -> None:
        """Forget every footer."""
        with self._lock:
            self._footers.clear()
            self._bytes = 0

    def __contains__(self, digest: object) -> bool:
        with self._lock:
            return digest in self._footers

    def __len__(self) -> int:
        with self._lock:
            return len(self._footers)

    @property
    def bytes(self) -> int:
        """The estimated memory of the footers held."""
        with self._lock:
            return self._bytes


FOOTERS = FooterCache()
"""The process's cache: every store of the process shares it (digests name contents, not stores)."""
