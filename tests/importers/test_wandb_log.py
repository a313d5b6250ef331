"""The ``.wandb`` reader: records framed as W&B's writer frames them (padding at a block's end,
an empty first chunk, records across blocks) read back whole; a file cut anywhere reads as a
prefix and says where; protobuf fields decode by number, and bad bytes are named."""

from __future__ import annotations

import random
import struct
import zlib
from pathlib import Path

import pytest

from cairn.importers.wandb_log import (
    BLOCK,
    FIRST,
    FULL,
    LAST,
    MIDDLE,
    LogReader,
    WandbFormatError,
    decode,
)


def frame(payloads: list[bytes]) -> bytes:
    """A ``.wandb`` file holding ``payloads``, framed as W&B's writer does."""
    out = bytearray(struct.pack("<4sHB", b":W&B", 0xBEE1, 0))
    for data in payloads:
        first = True
        while True:
            left = BLOCK - len(out) % BLOCK
            if left < 7:
                out += b"\0" * left
                left = BLOCK
            piece, data = data[: left - 7], data[left - 7 :]
            kind = (FULL if not data else FIRST) if first else (LAST if not data else MIDDLE)
            crc = zlib.crc32(bytes([kind]) + piece)
            out += struct.pack("<IHB", crc, len(piece), kind) + piece
            first = False
            if not data:
                break
    return bytes(out)


def read(path: Path) -> tuple[list[bytes], LogReader]:
    reader = LogReader(path)
    return [payload for _, payload in reader], reader


def payloads_at_the_edges() -> list[bytes]:
    """Records that leave 3 bytes of a block (padded), exactly 7 (an empty first chunk), and
    span several blocks, among small ones of random sizes."""
    rng = random.Random(7)
    found = [b"a" * (BLOCK - 7 - 7 - 3), b"b" * 10]  # 3 bytes left: padding
    found.append(b"c" * (BLOCK - 17 - 7 - 7))  # 7 bytes left: an empty FIRST
    found.append(bytes(rng.randrange(256) for _ in range(100_000)))
    found += [bytes([i % 256]) * rng.randrange(0, 3000) for i in range(60)]
    return found


def test_records_read_back_whole_across_blocks(tmp_path: Path) -> None:
    payloads = payloads_at_the_edges()
    data = frame(payloads)
    assert data[BLOCK - 3 : BLOCK] == b"\0\0\0"
    assert struct.unpack_from("<IHB", data, 2 * BLOCK - 7)[1:] == (0, FIRST)
    path = tmp_path / "run-x.wandb"
    path.write_bytes(data)
    found, reader = read(path)
    assert found == payloads and reader.problem is None and reader.records == len(payloads)


def test_a_file_cut_anywhere_reads_as_a_prefix_and_says_where(tmp_path: Path) -> None:
    payloads = [bytes([i]) * (i * 523 % 9000) for i in range(40)]
    data = frame(payloads)
    ends = {len(frame(payloads[:n])): n for n in range(len(payloads) + 1)}
    path = tmp_path / "run-x.wandb"
    for cut in sorted(set(range(7, len(data), 211)) | set(ends) | {e - 1 for e in ends} - {6}):
        path.write_bytes(data[:cut])
        found, reader = read(path)
        assert found == payloads[: len(found)], cut
        if cut in ends:
            assert reader.problem is None and len(found) == ends[cut], cut
        else:
            assert reader.problem is not None and "torn record" in reader.problem, cut
            assert reader.problem_offset is not None and reader.problem_offset < cut


def test_a_flipped_byte_stops_the_read_at_its_chunk(tmp_path: Path) -> None:
    payloads = [bytes([i]) * 1000 for i in range(10)]
    data = bytearray(frame(payloads))
    data[7 + 5 * 1007 + 500] ^= 1  # inside the sixth record
    path = tmp_path / "run-x.wandb"
    path.write_bytes(bytes(data))
    found, reader = read(path)
    assert found == payloads[:5]
    assert reader.problem == f"byte {7 + 5 * 1007:,}: corrupt chunk: CRC mismatch"


def test_what_is_not_a_log_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "run-x.wandb"
    for data in (b"", b":W&B\xe1\xbe\x01", b"PK\x03\x04..."):
        path.write_bytes(data)
        with pytest.raises(WandbFormatError, match="not a W&B transaction log"):
            read(path)


def varint(n: int) -> bytes:
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            return bytes(out)


def field(number: int, wire: int, value: bytes | int) -> bytes:
    tag = varint(number << 3 | wire)
    if wire == 0:
        return tag + varint(int(value))
    assert isinstance(value, bytes)
    return tag + (varint(len(value)) + value if wire == 2 else value)


def test_fields_decode_by_number_and_unknown_ones_are_skipped() -> None:
    item = field(2, 2, b"val") + field(2, 2, b"loss") + field(16, 2, b"0.5")
    history = field(1, 2, item) + field(2, 2, field(1, 0, 7))
    record = (
        field(1, 0, 12)
        + field(99, 0, 1)  # unknown fields of every wire type
        + field(98, 1, b"\0" * 8)
        + field(97, 5, b"\0" * 4)
        + field(2, 2, history)
        + field(200, 2, b"info")
    )
    assert decode(record) == {
        "num": 12,
        "history": {
            "item": [{"nested_key": ["val", "loss"], "value_json": "0.5"}],
            "step": {"num": 7},
        },
    }
    assert decode(field(18, 2, field(1, 0, -1))) == {
        "exit": {"exit_code": -1}
    }  # int32 -1: 10 bytes
    assert decode(field(2, 2, history), only=("run",)) == {}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (field(2, 2, b"\x0a\x05ab"), "runs past the end"),
        (b"\x08\xff\xff", "varint runs past the end"),
        (b"\x08" + b"\xff" * 11, "longer than 10 bytes"),
        (field(1, 2, b"x"), "field 1 of a Record has wire type 2"),
        (b"\x0b", "wire type 3"),
        (field(17, 2, field(1, 2, b"\xff\xfe")), "not UTF-8"),
    ],
)
def test_bytes_that_are_not_a_record_are_named(data: bytes, message: str) -> None:
    with pytest.raises(WandbFormatError, match=message):
        decode(data)
