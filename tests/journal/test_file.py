"""The journal file: header, framing, and a reader that stops at the first torn or corrupt frame."""

from __future__ import annotations

import itertools
import math
import os
import struct
import warnings
import zlib
from pathlib import Path

import msgspec
import pytest
from tests.fakes.journals import every_record, history_rows, same, write_journal

from cairn.errors import RunLockedError
from cairn.journal import file as file_module
from cairn.journal.file import (
    FORMAT_VERSION,
    FRAME,
    HEADER,
    MAGIC,
    MAX_PAYLOAD,
    Damage,
    JournalDamageWarning,
    JournalFormatError,
    JournalReader,
    JournalWriter,
    read_journal,
    remove_applied_journal,
)
from cairn.journal.lock import JournalLock, lock_path
from cairn.journal.records import History, Record, RunFinish, RunStart, encode


class _Contains(str):
    """Equal to any string containing it."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and str(self) in other

    __hash__ = str.__hash__


ANY_CRC = _Contains("CRC mismatch")


def frame(record: Record) -> bytes:
    payload = encode(record)
    return FRAME.pack(len(payload), zlib.crc32(payload)) + payload


def assert_same_records(got: list[Record], want: list[Record]) -> None:
    assert len(got) == len(want)
    for a, b in zip(got, want, strict=True):
        assert same(a, b), (a, b)


def record_fsyncs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths fsynced from now on, in order (each fsync still done)."""
    synced: list[str] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return synced


# ---- header and round trip ------------------------------------------------------------------


def test_every_record_type_round_trips_through_a_file(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    records = every_record()
    ends = write_journal(path, records)
    result = read_journal(path)
    assert_same_records(result.records, records)
    assert result.clean and result.problem is None and result.stopped_at is None
    assert result.valid_bytes == ends[-1] == path.stat().st_size
    history = result.records[2]
    assert isinstance(history, History)
    assert math.isnan(history.values["loss"])
    assert history.values["up"] == math.inf and history.values["down"] == -math.inf


def test_a_new_journal_is_just_the_header(tmp_path: Path) -> None:
    path = tmp_path / "runs" / "r" / "journal"  # folders are created
    JournalWriter(path).close()
    data = path.read_bytes()
    assert data == MAGIC + struct.pack("<I", FORMAT_VERSION)
    assert data[:8] == b"CAIRNJNL" and len(data) == HEADER.size == 12
    result = read_journal(path)
    assert result.records == [] and result.clean and result.valid_bytes == 12


def test_frames_are_length_crc_payload(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    record = every_record()[0]
    write_journal(path, [record])
    payload = encode(record)
    assert path.read_bytes()[HEADER.size :] == (
        struct.pack("<II", len(payload), zlib.crc32(payload)) + payload
    )


def test_one_append_of_many_records_writes_a_frame_each(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    writer = JournalWriter(path)
    writer.append(every_record())
    writer.append([])
    writer.close()
    assert writer.bytes_written == path.stat().st_size
    assert_same_records(read_journal(path).records, every_record())


def test_a_newer_format_version_asks_for_an_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    path.write_bytes(HEADER.pack(MAGIC, FORMAT_VERSION + 1) + frame(every_record()[0]))
    with pytest.raises(JournalFormatError) as info:
        read_journal(path)
    message = str(info.value)
    assert "upgrade" in message.lower()
    assert f"format {FORMAT_VERSION + 1}" in message and str(path) in message


@pytest.mark.parametrize(
    "content",
    [b"print('hello')\n# not a journal at all", b"\x00" * 64, b"CAIRNJNX\x01\x00\x00\x00"],
    ids=["text", "zeros", "near-miss-magic"],
)
def test_a_file_that_is_not_a_journal_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "journal"
    path.write_bytes(content)
    with pytest.raises(JournalFormatError, match="not a Cairn journal"):
        read_journal(path)


@pytest.mark.parametrize("size", range(HEADER.size))
def test_a_torn_header_reads_as_empty_and_says_so(tmp_path: Path, size: int) -> None:
    path = tmp_path / "journal"
    path.write_bytes((MAGIC + struct.pack("<I", FORMAT_VERSION))[:size])
    result = read_journal(path)
    assert result.records == []
    assert result.valid_bytes == 0 and result.stopped_at == 0
    assert result.problem is not None and "header" in result.problem


# ---- torn and corrupt frames ----------------------------------------------------------------


@pytest.mark.parametrize("chunk", [file_module.READ_CHUNK, 16, 100], ids=lambda c: f"chunk{c}")
def test_torn_tail_at_every_byte_of_the_last_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(file_module, "READ_CHUNK", chunk)  # frames larger and smaller than a read
    full = tmp_path / "full"
    records = [
        *every_record(),
        History(
            seq=8, step=2, ts=3.0, values={"big": 1.0} | {f"k{i}": float(i) for i in range(20)}
        ),
    ]
    ends = write_journal(full, records)
    data = full.read_bytes()
    good_end = ends[-2]
    assert len(data) == ends[-1]
    path = tmp_path / "journal"
    for cut in range(good_end + 1, len(data)):
        path.write_bytes(data[:cut])
        result = read_journal(path)
        assert_same_records(result.records, records[:-1])
        assert result.valid_bytes == good_end, cut
        assert result.stopped_at == good_end, cut
        assert result.problem is not None
        assert "torn" in result.problem and f"at byte {good_end}" in result.problem, result.problem
        assert not result.clean
    for cut, count in ((good_end, len(records) - 1), (len(data), len(records))):
        path.write_bytes(data[:cut])
        result = read_journal(path)
        assert result.clean and len(result.records) == count and result.valid_bytes == cut


def test_a_flipped_byte_in_the_middle_skips_that_frame_and_reads_on(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    records = every_record()
    ends = write_journal(path, records)
    bad = 3  # the fourth frame, from ends[2] to ends[3]
    data = bytearray(path.read_bytes())
    data[(ends[bad - 1] + FRAME.size + ends[bad]) // 2] ^= 0x40
    path.write_bytes(bytes(data))
    with pytest.warns(JournalDamageWarning) as warned:
        result = read_journal(path)
    assert_same_records(result.records, records[:bad] + records[bad + 1 :])
    assert result.damaged == [Damage(ends[bad - 1], ends[bad] - ends[bad - 1], ANY_CRC)]
    assert result.problem is None and result.stopped_at is None and not result.clean
    assert result.valid_bytes == len(data)
    message = str(warned[0].message)
    assert str(path) in message and f"byte {ends[bad - 1]}" in message
    assert f"{ends[bad] - ends[bad - 1]} bytes" in message and "CRC mismatch" in message


def test_a_flipped_crc_field_skips_that_frame(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    ends = write_journal(path, every_record())
    data = bytearray(path.read_bytes())
    data[ends[0] + 4] ^= 0x01  # the second frame's crc
    path.write_bytes(bytes(data))
    with pytest.warns(JournalDamageWarning, match="CRC mismatch"):
        result = read_journal(path)
    assert [r.seq for r in result.records] == [1, *range(3, 10)]
    assert [(d.offset, d.length) for d in result.damaged] == [(ends[0], ends[1] - ends[0])]


def test_a_flipped_crc_field_in_the_last_frame_is_a_corrupt_tail(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    ends = write_journal(path, every_record())
    data = bytearray(path.read_bytes())
    data[ends[-2] + 4] ^= 0x01
    path.write_bytes(bytes(data))
    result = read_journal(path)
    assert len(result.records) == 8 and result.stopped_at == result.valid_bytes == ends[-2]
    assert result.problem is not None and "CRC mismatch" in result.problem
    assert result.damaged == []


@pytest.mark.parametrize("length", [MAX_PAYLOAD + 1, 0xFFFFFFFF])
def test_an_absurd_length_is_corrupt_not_read(tmp_path: Path, length: int) -> None:
    path = tmp_path / "journal"
    records = every_record()[:2]
    ends = write_journal(path, records)
    with open(path, "ab") as f:
        f.write(FRAME.pack(length, 0) + b"x" * 100)
    result = read_journal(path)
    assert_same_records(result.records, records)
    assert result.stopped_at == result.valid_bytes == ends[-1]
    assert result.problem is not None
    assert "corrupt" in result.problem and str(length) in result.problem


def test_a_frame_with_a_good_crc_but_no_record_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    ends = write_journal(path, every_record()[:1])
    payload = msgspec.msgpack.encode({"type": "unknown", "seq": 2})
    with open(path, "ab") as f:
        f.write(FRAME.pack(len(payload), zlib.crc32(payload)) + payload)
    result = read_journal(path)
    assert len(result.records) == 1 and result.stopped_at == ends[0]
    assert result.problem is not None and "undecodable" in result.problem


def _damage_in_the_middle(data: bytearray, ends: list[int], how: str) -> tuple[int, int, set[int]]:
    """Damage seq 501 (and 502) of 1,000 frames one way: the damaged range, the seqs lost."""
    start, end = ends[499], ends[501]  # seq 501 is from ends[499] to ends[500], 502 after it
    one = (start, ends[500] - start, {501})
    if how == "flipped payload byte":
        data[ends[501] - 2] ^= 0xFF
        return ends[500], ends[501] - ends[500], {502}
    if how == "length too large":
        data[start : start + 4] = struct.pack("<I", 10_000)  # points past the next frame
        return one
    if how == "length past the end":
        data[start : start + 4] = struct.pack("<I", MAX_PAYLOAD - 1)
        return one
    if how == "absurd length":
        data[start : start + 4] = struct.pack("<I", 0xFFFFFFFF)
        return one
    if how == "zeroed":
        data[start + 3 : end - 3] = bytes(end - start - 6)
        return start, end - start, {501, 502}
    garbage = b"\x85\xa4type garbage \x00\x01 that is not a frame"
    data[end:end] = garbage
    return end, len(garbage), set()


HOW = [
    "flipped payload byte",
    "length too large",
    "length past the end",
    "absurd length",
    "zeroed",
    "garbage inserted",
]


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("chunk", [file_module.READ_CHUNK, 64], ids=lambda c: f"chunk{c}")
def test_damage_in_the_middle_is_skipped_and_every_good_frame_after_it_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str, chunk: int
) -> None:
    monkeypatch.setattr(file_module, "READ_CHUNK", chunk)
    path = tmp_path / "journal"
    records = history_rows(1000, first_seq=1)
    ends = write_journal(path, records)
    data = bytearray(path.read_bytes())
    offset, length, lost = _damage_in_the_middle(data, ends, how)
    path.write_bytes(bytes(data))
    with pytest.warns(JournalDamageWarning, match=f"byte {offset}"):
        result = read_journal(path)
    assert [r.seq for r in result.records] == [s for s in range(1, 1001) if s not in lost]
    assert [(d.offset, d.length) for d in result.damaged] == [(offset, length)]
    assert result.problem is None and result.valid_bytes == len(data)


def test_a_frame_found_after_damage_must_carry_a_later_seq(tmp_path: Path) -> None:
    """Old bytes in the damage that happen to hold a whole frame (seq 2, again) are not a record."""
    path = tmp_path / "journal"
    records = history_rows(6, first_seq=1)
    ends = write_journal(path, records)
    data = bytearray(path.read_bytes())
    data[ends[2] - 1] ^= 0xFF  # the third frame's last byte
    stale = frame(records[1])
    data[ends[2] : ends[2]] = stale
    path.write_bytes(bytes(data))
    with pytest.warns(JournalDamageWarning):
        result = read_journal(path)
    assert [r.seq for r in result.records] == [1, 2, 4, 5, 6]
    assert [(d.offset, d.length) for d in result.damaged] == [
        (ends[1], ends[2] - ends[1] + len(stale))
    ]


def test_damage_then_a_torn_tail(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    ends = write_journal(path, history_rows(10, first_seq=1))
    data = bytearray(path.read_bytes()[: ends[-1] - 3])
    data[ends[3] - 1] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.warns(JournalDamageWarning):
        result = read_journal(path)
    assert [r.seq for r in result.records] == [1, 2, 3, 5, 6, 7, 8, 9]
    assert result.valid_bytes == result.stopped_at == ends[-2]
    assert result.problem is not None and "torn" in result.problem
    assert len(result.damaged) == 1


def test_batches_of_max_records_read_across_damage(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    ends = write_journal(path, history_rows(10, first_seq=1))
    data = bytearray(path.read_bytes())
    data[ends[4] - 1] ^= 0xFF  # seq 5
    path.write_bytes(bytes(data))
    reader = JournalReader(path)
    batches = []
    with pytest.warns(JournalDamageWarning):
        while batch := reader.read(max_records=3):
            batches.append([r.seq for r in batch])
    assert batches == [[1, 2, 3], [4, 6, 7], [8, 9, 10]]
    assert len(reader.damaged) == 1 and reader.problem is None


def test_every_payload_is_a_map_whose_first_key_is_the_type_tag() -> None:
    """Resynchronising after damage looks for frames at this mark (``file.TAG``)."""
    for record in every_record():
        payload = encode(record)
        header = 1 if 0x80 <= payload[0] <= 0x8F else 3 if payload[0] == 0xDE else 5
        assert payload[0] in (*range(0x80, 0x90), 0xDE, 0xDF)
        assert payload[header : header + len(file_module.TAG)] == file_module.TAG == b"\xa4type"


# ---- reading as the file grows --------------------------------------------------------------


def test_read_returns_only_new_records_as_the_file_grows(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    writer = JournalWriter(path)
    reader = JournalReader(path)
    assert reader.read() == [] and reader.problem is None
    first, second = history_rows(3, first_seq=1), history_rows(4, first_seq=4)
    writer.append(first)
    assert_same_records(reader.read(), first)
    assert reader.read() == []
    writer.append(second)
    assert_same_records(reader.read(), second)
    assert reader.read() == []
    assert reader.valid_bytes == writer.bytes_written and reader.problem is None
    writer.close()


def test_a_half_written_frame_is_retried_then_returned_once_complete(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    write_journal(path, history_rows(2, first_seq=1))
    reader = JournalReader(path)
    assert [r.seq for r in reader.read()] == [1, 2]
    good = reader.valid_bytes
    raw = frame(RunFinish(seq=3, ts=5.0))
    with open(path, "ab") as f:
        for part in (raw[:3], raw[3 : FRAME.size + 2], raw[FRAME.size + 2 : -1]):
            f.write(part)
            f.flush()
            assert reader.read() == []
            assert reader.stopped_at == good and reader.valid_bytes == good
            assert reader.problem is not None and "torn" in reader.problem
        f.write(raw[-1:])
    again = reader.read()
    assert len(again) == 1 and isinstance(again[0], RunFinish) and again[0].seq == 3
    assert reader.problem is None and reader.stopped_at is None
    assert reader.read() == []


def test_a_frame_completed_while_read_is_not_taken_for_damage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader reads a frame half written, then, before it looks past it, the writer finishes
    that frame and appends more: the frame is read, not skipped as damage (a live syncer
    reading the journal would otherwise lose its record)."""
    path = tmp_path / "journal"
    rows = history_rows(4, first_seq=1)
    write_journal(path, rows)
    whole = path.read_bytes()
    third = len(whole) - len(frame(rows[3])) - len(frame(rows[2]))
    read_chunk = file_module.JournalReader._chunk

    torn = [True]

    def read_mid_write(self: JournalReader, f: object) -> tuple[bytes, bool]:
        data, more = read_chunk(self, f)  # type: ignore[arg-type]
        if torn.pop() if torn else False:  # the first read: while the third frame was written
            return data[: third + 5 - self.valid_bytes], False
        return data, more

    monkeypatch.setattr(file_module.JournalReader, "_chunk", read_mid_write)
    reader = JournalReader(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", JournalDamageWarning)
        got = reader.read()
        got += reader.read()
    assert [r.seq for r in got] == [1, 2, 3, 4]
    assert reader.damaged == []


def test_a_header_written_in_pieces_is_retried(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    header = MAGIC + struct.pack("<I", FORMAT_VERSION)
    path.write_bytes(header[:5])
    reader = JournalReader(path)
    assert reader.read() == [] and reader.problem is not None
    record = history_rows(1, first_seq=1)[0]
    path.write_bytes(header + frame(record))
    got = reader.read()
    assert reader.problem is None
    assert_same_records(got, [record])


@pytest.mark.parametrize("chunk", [8, 40, 1000])
def test_a_journal_larger_than_a_read_chunk_reads_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(file_module, "READ_CHUNK", chunk)
    path = tmp_path / "journal"
    records = [*every_record(), *history_rows(50, first_seq=8)]
    write_journal(path, records)
    result = read_journal(path)
    assert result.clean and result.valid_bytes == path.stat().st_size
    assert_same_records(result.records, records)


def test_max_records_reads_in_batches(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    write_journal(path, history_rows(7, first_seq=1))
    reader = JournalReader(path)
    batches = []
    while batch := reader.read(max_records=3):
        batches.append([r.seq for r in batch])
    assert batches == [[1, 2, 3], [4, 5, 6], [7]]
    assert reader.problem is None


def test_a_reader_iterates_over_its_records(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    write_journal(path, every_record())
    assert [r.seq for r in JournalReader(path)] == list(range(1, 10))


# ---- the writer -----------------------------------------------------------------------------


def test_a_writer_reopening_a_journal_appends(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    write_journal(path, history_rows(2, first_seq=1))
    writer = JournalWriter(path)
    writer.append(history_rows(2, first_seq=3))
    writer.close()
    result = read_journal(path)
    assert [r.seq for r in result.records] == [1, 2, 3, 4] and result.clean


def test_truncate_at_cuts_a_torn_tail_and_appends_after_it(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    records = history_rows(5, first_seq=1)
    ends = write_journal(path, records)
    with open(path, "r+b") as f:
        f.truncate(ends[-1] - 3)
    torn = read_journal(path)
    assert torn.valid_bytes == ends[-2] and not torn.clean
    writer = JournalWriter(path, truncate_at=torn.valid_bytes)
    assert writer.bytes_written == ends[-2]
    writer.append(history_rows(2, first_seq=5))
    writer.close()
    result = read_journal(path)
    assert result.clean
    assert [r.seq for r in result.records] == [1, 2, 3, 4, 5, 6]
    assert result.valid_bytes == path.stat().st_size


@pytest.mark.parametrize("truncate_at", [None, 0])
def test_reopening_a_journal_with_a_torn_header_starts_it_again(
    tmp_path: Path, truncate_at: int | None
) -> None:
    path = tmp_path / "journal"
    path.write_bytes(MAGIC[:5])
    writer = JournalWriter(path, truncate_at=truncate_at)
    writer.append(history_rows(1, first_seq=1))
    writer.close()
    result = read_journal(path)
    assert result.clean and [r.seq for r in result.records] == [1]


def test_a_new_journal_and_its_folders_are_fsynced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced = record_fsyncs(monkeypatch)
    path = tmp_path / "runs" / "r" / "journal"
    (tmp_path / "runs").mkdir()
    JournalWriter(path).close()
    assert str(path) in synced
    assert str(path.parent) in synced, "the new journal's name in its folder"
    assert str(tmp_path / "runs") in synced, "the new run folder's name in runs/"
    last_dir_sync = len(synced) - 1 - synced[::-1].index(str(path.parent))
    assert synced.index(str(path)) < last_dir_sync, "the folder after the file's header"


@pytest.mark.parametrize("max_records", [2, 3, 5, 1000])
@pytest.mark.parametrize("chunk", [file_module.READ_CHUNK, 64, 200], ids=lambda c: f"chunk{c}")
@pytest.mark.parametrize("bad", [3, 4, 6, 10, 11])
def test_no_batch_starts_right_after_damage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, max_records: int, chunk: int, bad: int
) -> None:
    """A sink refuses a batch whose first seq is not its last + 1 (``StoreGapError``): a batch
    that began just after skipped damage could never be applied. The record before the damage
    is held back to start the next batch instead."""
    monkeypatch.setattr(file_module, "READ_CHUNK", chunk)
    path = tmp_path / "journal"
    ends = write_journal(path, history_rows(12, first_seq=1))
    data = bytearray(path.read_bytes())
    data[ends[bad - 1] - 1] ^= 0xFF  # seq `bad`
    path.write_bytes(bytes(data))
    reader = JournalReader(path)
    batches = []
    with pytest.warns(JournalDamageWarning):
        while batch := reader.read(max_records=max_records):
            batches.append([r.seq for r in batch])
    assert [s for b in batches for s in b] == [s for s in range(1, 13) if s != bad]
    assert all(len(b) <= max_records for b in batches)
    for before, after in itertools.pairwise(batches):
        assert after[0] == before[-1] + 1, batches


def test_an_applied_journal_is_removed_with_its_empty_folder(tmp_path: Path) -> None:
    path = tmp_path / "runs" / "r1" / "journal"
    writer = JournalWriter(path)
    writer.append([RunStart(seq=1, run_id="r1", project="p", name="n", created_at=0.0)])
    size = writer.bytes_written
    writer.close()
    assert remove_applied_journal(path, size)
    assert not path.parent.exists()


def test_a_journal_closed_under_its_lock_is_removed_with_it(tmp_path: Path) -> None:
    path = tmp_path / "runs" / "r1" / "journal"
    writer = JournalWriter(path)
    writer.append([RunStart(seq=1, run_id="r1", project="p", name="n", created_at=0.0)])
    assert not writer.remove()  # still open: nothing is removed from under its writer
    writer.close(release=False)
    with pytest.raises(RunLockedError):  # closed, and still the run's writer
        JournalLock.acquire(path)
    assert writer.remove()
    assert not path.exists() and not lock_path(path).exists() and not path.parent.exists()
    assert path.parent.parent.is_dir()  # made with the journal, but other runs' folders go there
    assert not writer.lock.held
    assert not writer.remove()


def test_a_journal_resumed_or_grown_since_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "runs" / "r1" / "journal"
    writer = JournalWriter(path)
    writer.append([RunStart(seq=1, run_id="r1", project="p", name="n", created_at=0.0)])
    size = writer.bytes_written
    writer.close()
    again = JournalWriter(path)  # another process continues the run: it holds the lock
    assert not remove_applied_journal(path, size)
    again.append([RunStart(seq=2, run_id="r1", project="p", name="n", created_at=0.0)])
    again.close()
    assert not remove_applied_journal(path, size)  # it grew: the store lacks the rest
    assert len(read_journal(path).records) == 2


def test_a_journal_fsyncs_its_folders_once_at_its_first_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Creating a run's folder, its lock and its journal fsyncs nothing; the first sync makes
    the file and every new name on its path durable at once; later syncs fsync the file alone,
    and only when something was appended since."""
    synced = record_fsyncs(monkeypatch)
    path = tmp_path / "store" / "runs" / "r" / "journal"
    writer = JournalWriter(path)
    writer.append(history_rows(2, first_seq=1))
    assert synced == []
    writer.sync()
    assert synced[0] == str(path)
    assert set(synced[1:]) == {
        str(path.parent),
        str(tmp_path / "store" / "runs"),
        str(tmp_path / "store"),
        str(tmp_path),
    }
    synced.clear()
    writer.sync()
    assert synced == []
    writer.append(history_rows(1, first_seq=3))
    writer.close()
    assert synced == [str(path)]
