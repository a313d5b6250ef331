"""The journal file: a header, then frames of ``[u32 length][u32 crc32][msgpack payload]``.

A frame is only trusted when all its bytes are there, its CRC matches and its payload decodes. A
bad frame is one of two things:

- **the tail**: no good frame follows it. A process killed mid-write (torn) or a machine that lost
  power (zeros) leaves one. A reader stops there and says at which byte and why; a writer
  reopening the journal (resume) cuts it off, and appends after the last good frame.
- **damage**: good frames follow it (a flipped bit on disk, a bad copy). A reader skips to the next
  good frame, which it finds by trying every later offset (frames carry their length and CRC),
  warns (``JournalDamageWarning``: the file, the byte offset, how many bytes were skipped) and
  lists the skipped range in ``damaged``. Nothing after the damage is lost; resume keeps a copy of
  the damaged file aside before it writes to it (``keep_damaged_copy``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import struct
import time
import warnings
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import msgspec

from cairn.errors import RunLockedError
from cairn.journal.lock import JournalLock, fsync_dir, make_dirs
from cairn.journal.records import Record, decode, encode

MAGIC = b"CAIRNJNL"
FORMAT_VERSION = 1
HEADER = struct.Struct("<8sI")
FRAME = struct.Struct("<II")
READ_CHUNK = 8 * 1024 * 1024
MAX_PAYLOAD = 256 * 1024 * 1024
"""A frame claiming more than this is treated as corrupt rather than read into memory."""
TAG = b"\xa4type"
"""Every payload is a msgpack map whose first key is the record's tag field, ``"type"``: after
damage, only offsets where this follows a map header 8 bytes in are worth a CRC check."""
_MAP_HEADERS = ((1, range(0x80, 0x90)), (3, (0xDE,)), (5, (0xDF,)))
"""(size of a msgpack map header, the first bytes it may start with)."""
SCAN_WINDOW = 1024 * 1024


class JournalFormatError(Exception):
    """The file is not a Cairn journal, or was written by a newer Cairn."""


class JournalDamageWarning(UserWarning):
    """A journal had bad bytes between good frames: they were skipped (their records are lost)."""


@dataclass(frozen=True)
class Damage:
    """Bytes of a journal skipped because they hold no good frame, with good frames after them."""

    offset: int
    length: int
    reason: str
    """What was wrong with the frame at ``offset``, e.g. ``corrupt frame: CRC mismatch``."""


@dataclass
class ReadResult:
    """What a full read of a journal found."""

    records: list[Record] = field(default_factory=list)
    valid_bytes: int = 0
    """Offset just past the last good frame: where a writer may append."""
    stopped_at: int | None = None
    """Offset of the bad tail (see the module docstring), or None when reading reached the end."""
    problem: str | None = None
    """Why reading stopped before the end, in words, or None."""
    damaged: list[Damage] = field(default_factory=list)
    """Ranges skipped in the middle of the file; the good frames after each were read."""

    @property
    def clean(self) -> bool:
        return self.problem is None and not self.damaged


class JournalReader:
    """Reads the good records of a journal file, and remembers where and why it stopped.

    ``read()`` can be called again as the file grows (a live syncer tailing a journal): it resumes
    after the last good frame. A torn frame at the end may just be a write in progress, so it is
    retried on the next call; ``problem`` says what stopped the last read. Damage in the middle is
    skipped (see the module docstring) and added to ``damaged``.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.valid_bytes = 0
        self.stopped_at: int | None = None
        self.problem: str | None = None
        self.damaged: list[Damage] = []
        self.last_seq = 0
        """The seq of the last record read: a frame found after damage must carry a later one."""
        self._last_start = 0
        """Where the last record read starts (to hold it back for the next batch)."""

    def __iter__(self) -> Iterator[Record]:
        return iter(self.read())

    def read(self, max_records: int | None = None) -> list[Record]:
        """The next good records after the last read: at most ``max_records``, from about
        ``READ_CHUNK`` bytes. An empty list means the end, or a bad tail (see ``problem``).

        A batch never begins with the first record after skipped damage (unless ``max_records``
        is 1): its seq follows a gap, which a sink refuses at the start of a batch."""
        self.stopped_at = self.problem = None
        out: list[Record] = []
        with open(self.path, "rb") as f:
            if self.valid_bytes == 0:
                self._read_header(f.read(HEADER.size))
                if self.problem:
                    return []
            began = self.valid_bytes
            while max_records is None or len(out) < max_records:
                data, more = self._chunk(f)
                left = None if max_records is None else max_records - len(out)
                out += self._frames(memoryview(data), self.valid_bytes, left)
                if more and self.problem and self.problem.split(": ", 1)[1].startswith("torn"):
                    self.stopped_at = self.problem = None  # the chunk ended mid-frame, not the file
                if self.problem is None:
                    if not more:
                        break
                    # stop for the byte budget only where a good frame comes next (see below)
                    if out and self.valid_bytes - began >= READ_CHUNK and not self._bad_next(f):
                        break
                    continue
                if not self._skip_damage(f):
                    break  # nothing good after the bad frame: it is the tail
            if len(out) > 1 and self._bad_next(f):
                # A batch must not begin just after a gap in seqs (a sink would refuse it as
                # records missing): the record before the bad frame starts the next batch.
                out.pop()
                self.valid_bytes, self.last_seq = self._last_start, out[-1].seq
        return out

    def _bad_next(self, f: BinaryIO) -> bool:
        """Whether the frame at ``valid_bytes`` is bad (False at the end of the file)."""
        if self.problem is not None:
            return True
        return self._good_at(f, self.valid_bytes) is False

    def _good_at(self, f: BinaryIO, pos: int) -> bool | None:
        """Whether a whole, good frame starts at ``pos`` (None: the file ends there)."""
        f.seek(pos)
        head = f.read(FRAME.size)
        if not head:
            return None
        if len(head) < FRAME.size:
            return False
        length, crc = FRAME.unpack(head)
        if length > MAX_PAYLOAD:
            return False
        payload = f.read(length)
        if len(payload) < length or zlib.crc32(payload) != crc:
            return False
        try:
            decode(payload)
        except (msgspec.DecodeError, msgspec.ValidationError):
            return False
        return True

    def _chunk(self, f: BinaryIO) -> tuple[bytes, bool]:
        """Up to ``READ_CHUNK`` bytes from ``valid_bytes`` (more if its first frame is longer),
        and whether the file goes on after them."""
        f.seek(self.valid_bytes)
        data = f.read(READ_CHUNK)
        more = len(data) == READ_CHUNK
        if more and len(data) >= FRAME.size:  # make sure the first frame is whole
            length = FRAME.unpack_from(data, 0)[0]
            if FRAME.size + length > len(data) and length <= MAX_PAYLOAD:
                data += f.read(FRAME.size + length - len(data))
                more = len(data) == FRAME.size + length  # else the file ends inside it
        return data, more

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
        # The hot loop of reading a journal (a sync reads every record once): locals instead of
        # attribute lookups, and the last record's position and seq taken once at the end.
        out: list[Record] = []
        append, unpack, crc32, header = out.append, FRAME.unpack_from, zlib.crc32, FRAME.size
        self.stopped_at = self.problem = None
        pos, end = 0, len(view)
        limit = len(view) if max_records is None else max_records
        last_start = -1
        while pos < end and len(out) < limit:
            if end - pos < header:
                self._stop(base + pos, f"torn frame header: {end - pos} of {header} bytes present")
                break
            length, crc = unpack(view, pos)
            if length > MAX_PAYLOAD:
                self._stop(base + pos, f"corrupt frame: length {length} exceeds {MAX_PAYLOAD}")
                break
            start = pos + header
            if end - start < length:
                self._stop(
                    base + pos, f"torn frame: {end - start} of {length} payload bytes present"
                )
                break
            payload = view[start : start + length]
            if crc32(payload) != crc:
                self._stop(base + pos, "corrupt frame: CRC mismatch")
                break
            try:
                append(decode(payload))
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                self._stop(base + pos, f"corrupt frame: undecodable payload ({exc})")
                break
            last_start = pos
            pos = start + length
        if out:
            self.last_seq = out[-1].seq
            self._last_start = base + last_start
        self.valid_bytes = base + pos
        return out

    def _stop(self, pos: int, problem: str) -> None:
        self.stopped_at = pos
        self.problem = f"stopped at byte {pos}: {problem}"

    def _skip_damage(self, f: BinaryIO) -> bool:
        """The frame at ``stopped_at`` is bad: if a good frame follows, skip to it, note the
        damage and warn (True); else leave the bad tail as it is (False)."""
        bad, problem = self.stopped_at, self.problem
        assert bad is not None and problem is not None
        if self._good_at(f, bad):  # written in full since it was read (the writer is live)
            self.stopped_at = self.problem = None
            return True
        found = self._next_good_frame(f, bad + 1)
        if found is None:
            return False
        reason = problem.split(": ", 1)[1]
        damage = Damage(bad, found - bad, reason)
        self.damaged.append(damage)
        warnings.warn(
            JournalDamageWarning(
                f"{self.path}: {damage.length} bytes at byte {bad} hold no good frame ({reason}) "
                f"and were skipped: any records in them are lost; the good frames after them, "
                f"from byte {found}, were read"
            ),
            stacklevel=3,
        )
        self.valid_bytes = found
        self.stopped_at = self.problem = None
        return True

    def _next_good_frame(self, f: BinaryIO, pos: int) -> int | None:
        """The offset of the first good frame (whole, CRC matching, decoding, a later seq) at or
        after ``pos``, or None."""
        size = os.fstat(f.fileno()).st_size
        while pos + FRAME.size < size:
            f.seek(pos)
            window = f.read(SCAN_WINDOW)
            last_window = pos + len(window) >= size
            # a frame's tag ends at most 8 + 5 + 5 bytes in: stop where the next window takes over
            limit = len(window) if last_window else len(window) - FRAME.size - 5 - len(TAG)
            mark = window.find(TAG, FRAME.size + 1)
            while mark != -1:
                for header, firsts in _MAP_HEADERS:
                    at = mark - header - FRAME.size
                    if (
                        0 <= at < limit
                        and window[at + FRAME.size] in firsts
                        and self._good_frame_at(f, window, at, pos, size)
                    ):
                        return pos + at
                mark = window.find(TAG, mark + 1)
            if last_window:
                return None
            pos += limit
        return None

    def _good_frame_at(self, f: BinaryIO, window: bytes, at: int, base: int, size: int) -> bool:
        length, crc = FRAME.unpack_from(window, at)
        if length > MAX_PAYLOAD or base + at + FRAME.size + length > size:
            return False
        start = at + FRAME.size
        if start + length <= len(window):
            payload: bytes | memoryview = memoryview(window)[start : start + length]
        else:
            f.seek(base + start)
            payload = f.read(length)
        if zlib.crc32(payload) != crc:
            return False
        try:
            record = decode(payload)
        except (msgspec.DecodeError, msgspec.ValidationError):
            return False
        return record.seq > self.last_seq


def read_journal(path: str | os.PathLike[str]) -> ReadResult:
    """Read every good record of a journal, and where and why reading stopped if it did."""
    reader = JournalReader(path)
    records: list[Record] = []
    while batch := reader.read():
        records.extend(batch)
    return ReadResult(
        records, reader.valid_bytes, reader.stopped_at, reader.problem, reader.damaged
    )


def keep_damaged_copy(path: str | os.PathLike[str]) -> Path:
    """Copy a damaged journal to ``<name>.damaged-<UTC time>`` beside it, before anything writes
    to it, so the bytes a reader skipped can still be looked at; returns the copy's path."""
    path = Path(path)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    copy = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while copy.exists():
        n += 1
        copy = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    shutil.copy2(path, copy)
    return copy


def remove_applied_journal(path: str | os.PathLike[str], size: int) -> bool:
    """Delete a journal whose every record the store has applied (the caller knows: its writer
    wrote ``size`` bytes and the store confirmed the last seq). Done under the journal's lock, and
    only if the file is still ``size`` bytes: a process that resumed the run since keeps it.
    The run's folder goes too if nothing else is left in it. Returns whether it was removed."""
    path = Path(path)
    try:
        lock = JournalLock.acquire(path)
    except RunLockedError:
        return False
    try:
        if path.stat().st_size != size:
            return False
        # Not fsynced: should a power cut bring the journal back, applying it again changes
        # nothing (and restores what the store's last commits may have lost with it).
        path.unlink()
    except FileNotFoundError:
        return False
    finally:
        lock.release()
    with contextlib.suppress(OSError):  # not empty (staged files), or already gone
        path.parent.rmdir()
    return True


class JournalWriter:
    """Appends framed records to a journal file. Not thread-safe: one writer thread owns it.

    ``append`` hands bytes to the OS (they survive the process dying, even ``kill -9``);
    ``sync`` also fsyncs them (they survive the machine dying). The first ``sync`` also fsyncs
    the journal's folder and the folders above it that hold new names (the journal's, the run
    folder's, any folder created for it), so that the synced bytes can be found after a power
    cut; opening the journal fsyncs nothing, so a run pays for its folders once, not at every
    step of creating them.

    While it is open it holds the journal's lock (``JournalLock``): a second writer, in this
    process or any other, gets ``RunLockedError`` instead of interleaving its records. ``lock``
    is one already taken (``cairn.init`` takes it before reading where the run stands); the
    writer releases it on ``close``.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        truncate_at: int | None = None,
        lock: JournalLock | None = None,
    ) -> None:
        self.path = Path(path)
        self.lock = lock or JournalLock.acquire(self.path)
        try:
            self._f = self._open(truncate_at)
        except BaseException:
            self.lock.release()
            raise
        self.bytes_written = self._f.tell()
        self._synced: int | None = None
        """``bytes_written`` at the last ``sync`` (None before the first)."""
        folders = [self.path.parent, self.path.parent.parent, *(m.parent for m in self.lock.made)]
        self._new_names = list(dict.fromkeys(folders))
        """Folders holding names that the first ``sync`` makes durable, the journal's own first."""

    def _open(self, truncate_at: int | None) -> BinaryIO:
        make_dirs(self.path.parent, sync=False)  # fsynced by the first sync()
        exists = self.path.exists() and self.path.stat().st_size > 0
        f = open(self.path, "r+b" if exists else "wb")  # noqa: SIM115 - held open
        if exists:
            if truncate_at is not None:
                f.truncate(truncate_at)
            f.seek(0, os.SEEK_END)
        if f.tell() < HEADER.size:  # a new file, or not even a whole header survived
            f.truncate(0)
            f.seek(0)
            f.write(HEADER.pack(MAGIC, FORMAT_VERSION))
            f.flush()
        return f

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
        """Make everything appended so far durable on disk (a no-op when nothing was appended
        since the last sync)."""
        if self._synced == self.bytes_written:
            return
        self._f.flush()
        os.fsync(self._f.fileno())
        for folder in self._new_names:  # after the file: a name must not point at lost bytes
            fsync_dir(folder)
        self._new_names = []
        self._synced = self.bytes_written

    def close(self, *, release: bool = True) -> None:
        """Fsync and close the file, and release the journal's lock (unless ``release`` is
        False: the caller keeps the run locked, then calls ``remove`` or ``lock.release``)."""
        try:
            if not self._f.closed:
                self.sync()
                self._f.close()
        finally:
            if release:
                self.lock.release()

    def remove(self) -> bool:
        """Delete the closed journal, whose every record the store has applied, and release its
        lock; the run's folder goes too if nothing else is left in it. The lock was held since
        the journal was written, so no other process can have continued the run meanwhile (no
        second lock, as ``remove_applied_journal`` needs). Not fsynced, for the reason given
        there. Returns whether it was removed: not while the file is still open (its writer
        thread did not stop), nor once the lock is released."""
        if not self._f.closed or not self.lock.held:
            return False
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        finally:
            self.lock.release(keep_folders=True)  # runs/ stays: other runs are made in it
        with contextlib.suppress(OSError):  # not empty (staged files), or already gone
            self.path.parent.rmdir()
        return True
