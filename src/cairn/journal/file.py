"""The journal file: a header, then frames of ``[u32 length][u32 crc32][msgpack payload]``.

A frame is only trusted when all its bytes are there and its CRC matches; a reader stops at the first
frame that is torn (the process died mid-write) or corrupt, keeps everything before it, and says at
which byte it stopped and why. A writer reopening a journal (resume) first cuts such a tail off.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from cairn.journal.records import Record, decode, encode

MAGIC = b"CAIRNJNL"
FORMAT_VERSION = 1
HEADER = struct.Struct("<8sI")
FRAME = struct.Struct("<II")
READ_CHUNK = 8 * 1024 * 1024
MAX_PAYLOAD = 256 * 1024 * 1024
"""A frame claiming more than this is treated as corrupt rather than read into memory."""


class JournalFormatError(Exception):
    """The file is not a Cairn journal, or was written by a newer Cairn."""


@dataclass
class ReadResult:
    """What a full read of a journal found."""

    records: list[Record] = field(default_factory=list)
    valid_bytes: int = 0
    """Offset just past the last good frame: where a writer may append."""
    stopped_at: int | None = None
    """Offset of the first bad frame, or None when the whole file was read cleanly."""
    problem: str | None = None
    """Why reading stopped early, in words, or None."""

    @property
    def clean(self) -> bool:
        return self.problem is None


class JournalReader:
    """Reads the good records of a journal file, and remembers where and why it stopped.

    ``read()`` can be called again as the file grows (a live syncer tailing a journal): it resumes
    after the last good frame. A torn frame at the end may just be a write in progress, so it is
    retried on the next call; ``problem`` says what stopped the last read.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.valid_bytes = 0
        self.stopped_at: int | None = None
        self.problem: str | None = None

    def __iter__(self) -> Iterator[Record]:
        return iter(self.read())

    def read(self, max_records: int | None = None) -> list[Record]:
        """The next good records after the last read: at most ``max_records``, from at most about
        ``READ_CHUNK`` bytes. An empty list means the end, or a bad frame (see ``problem``)."""
        self.stopped_at = self.problem = None
        with open(self.path, "rb") as f:
            if self.valid_bytes == 0:
                self._read_header(f.read(HEADER.size))
                if self.problem:
                    return []
            f.seek(self.valid_bytes)
            data = f.read(READ_CHUNK)
            more = len(data) == READ_CHUNK
            if more and len(data) >= FRAME.size:  # make sure the first frame is whole
                length = FRAME.unpack_from(data, 0)[0]
                if FRAME.size + length > len(data) and length <= MAX_PAYLOAD:
                    data += f.read(FRAME.size + length - len(data))
                    more = len(data) == FRAME.size + length  # else the file ends inside it
        records = self._frames(memoryview(data), self.valid_bytes, max_records)
        if more and self.problem and self.problem.split(": ", 1)[1].startswith("torn"):
            self.stopped_at = self.problem = None  # the chunk ended mid-frame, not the file
        return records

    def _read_header(self, head: bytes) -> None:
        if len(head) < HEADER.size:
            self._stop(0, f"file is {len(head)} bytes, shorter than the {HEADER.size}-byte header")
            return
        magic, version = HEADER.unpack(head)
        if magic != MAGIC:
            raise JournalFormatError(f"{self.path} is not a Cairn journal (bad magic bytes)")
        if version > FORMAT_VERSION:
            raise JournalFormatError(
                f"{self.path} has journal format {version}; this Cairn reads up to "
                f"{FORMAT_VERSION}: upgrade Cairn (pip install -U cairn) to read it"
            )
        self.valid_bytes = HEADER.size

    def _frames(self, view: memoryview, base: int, max_records: int | None) -> list[Record]:
        out: list[Record] = []
        self.stopped_at = self.problem = None
        pos, end = 0, len(view)
        while pos < end and (max_records is None or len(out) < max_records):
            if end - pos < FRAME.size:
                self._stop(
                    base + pos, f"torn frame header: {end - pos} of {FRAME.size} bytes present"
                )
                break
            length, crc = FRAME.unpack_from(view, pos)
            if length > MAX_PAYLOAD:
                self._stop(base + pos, f"corrupt frame: length {length} exceeds {MAX_PAYLOAD}")
                break
            start = pos + FRAME.size
            if end - start < length:
                self._stop(
                    base + pos, f"torn frame: {end - start} of {length} payload bytes present"
                )
                break
            payload = view[start : start + length]
            if zlib.crc32(payload) != crc:
                self._stop(base + pos, "corrupt frame: CRC mismatch")
                break
            try:
                record = decode(payload)
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                self._stop(base + pos, f"corrupt frame: undecodable payload ({exc})")
                break
            out.append(record)
            pos = start + length
        self.valid_bytes = base + pos
        return out

    def _stop(self, pos: int, problem: str) -> None:
        self.stopped_at = pos
        self.problem = f"stopped at byte {pos}: {problem}"


def read_journal(path: str | os.PathLike[str]) -> ReadResult:
    """Read every good record of a journal, and where and why reading stopped if it did."""
    reader = JournalReader(path)
    records: list[Record] = []
    while batch := reader.read():
        records.extend(batch)
    return ReadResult(records, reader.valid_bytes, reader.stopped_at, reader.problem)


class JournalWriter:
    """Appends framed records to a journal file. Not thread-safe: one writer thread owns it.

    ``append`` hands bytes to the OS (they survive the process dying, even ``kill -9``);
    ``sync`` also fsyncs them (they survive the machine dying).
    """

    def __init__(self, path: str | os.PathLike[str], *, truncate_at: int | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        exists = self.path.exists() and self.path.stat().st_size > 0
        self._f = open(self.path, "r+b" if exists else "wb")  # noqa: SIM115 - held open
        if exists:
            if truncate_at is not None:
                self._f.truncate(truncate_at)
            self._f.seek(0, os.SEEK_END)
        if self._f.tell() < HEADER.size:  # a new file, or not even a whole header survived
            self._f.truncate(0)
            self._f.seek(0)
            self._f.write(HEADER.pack(MAGIC, FORMAT_VERSION))
            self._f.flush()
        self.bytes_written = self._f.tell()

    def append(self, records: Iterable[Record]) -> None:
        """Frame and write records, then flush them to the OS in one write."""
        parts: list[bytes] = []
        pack = FRAME.pack
        crc32 = zlib.crc32
        for record in records:
            payload = encode(record)
            parts.append(pack(len(payload), crc32(payload)))
            parts.append(payload)
        if parts:
            chunk = b"".join(parts)
            self._f.write(chunk)
            self._f.flush()
            self.bytes_written += len(chunk)

    def sync(self) -> None:
        """Make everything appended so far durable on disk."""
        self._f.flush()
        os.fsync(self._f.fileno())

    def close(self) -> None:
        if not self._f.closed:
            self.sync()
            self._f.close()
