"""Reading a W&B transaction log (``run-<id>.wandb``) without the ``wandb`` package.

The file is a LevelDB-style log: a 7-byte header (``:W&B``, the magic ``0xBEE1`` little-endian,
version 0), then 32 KiB blocks (the first 7 bytes short) of chunks. A chunk is a 7-byte header
(CRC-32 of the type byte and the data, little-endian; the data's length, u16; the type: 1 full,
2 first, 3 middle, 4 last) and its data; a block's last 1-6 bytes are zeros when no header fits.
A record is one full chunk, or a first, middles and a last; each is a protobuf
``wandb_internal.Record``.

Records are decoded from the protobuf wire format by field number, with a small schema of the
fields an import needs (``SCHEMAS``, numbers from ``wandb/proto/wandb_internal.proto``); the rest
is skipped. A reader stops at the first torn or corrupt chunk and says where and why
(``LogReader.problem``): a run that crashed, or is still writing, ends in a torn record.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

BLOCK = 32 * 1024
HEADER = struct.Struct("<4sHB")
CHUNK = struct.Struct("<IHB")
MAGIC = (b":W&B", 0xBEE1, 0)
FULL, FIRST, MIDDLE, LAST = 1, 2, 3, 4
_TYPE_CRC = {t: zlib.crc32(bytes([t])) for t in (FULL, FIRST, MIDDLE, LAST)}


class WandbFormatError(ValueError):
    """A file that is not a W&B transaction log, or a record that is not a W&B record."""


class LogReader:
    """The records (protobuf bytes) of a ``.wandb`` file, with the byte offset each starts at.

    Iterating stops at the end of the file, or at the first chunk that is torn (the file ends
    inside it) or corrupt (a bad CRC, an impossible length or order); ``problem`` then says what
    and where, and ``problem_offset`` is where it starts. Nothing after it is read.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problem: str | None = None
        self.problem_offset: int | None = None
        self.records = 0

    def _stop(self, offset: int, why: str) -> None:
        self.problem_offset = offset
        self.problem = f"byte {offset:,}: {why}"

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        with open(self.path, "rb") as f:
            head = f.read(HEADER.size)
            if len(head) < HEADER.size or HEADER.unpack(head) != MAGIC:
                raise WandbFormatError(
                    f"{self.path} is not a W&B transaction log: it does not start with the "
                    f":W&B header (version 0){' (the file is empty)' if not head else ''}"
                )
            block_start, block = 0, head + f.read(BLOCK - HEADER.size)
            pos = HEADER.size
            parts: list[bytes] = []
            record_start = pos
            while True:
                if pos + CHUNK.size > len(block):
                    if len(block) < BLOCK:  # the last block
                        if parts or (pos < len(block) and any(block[pos:])):
                            self._stop(
                                block_start + (record_start if parts else pos), "torn record"
                            )
                        return
                    block_start += BLOCK
                    block, pos = f.read(BLOCK), 0
                    if parts:
                        record_start -= BLOCK
                    continue
                crc, length, kind = CHUNK.unpack_from(block, pos)
                end = pos + CHUNK.size + length
                if crc == 0 and length == 0 and kind == 0:  # zeros to the block's end
                    if len(block) == BLOCK:
                        pos = BLOCK
                        continue
                    if parts or any(block[pos:]):
                        self._stop(block_start + pos, "torn record (zeros where a chunk was)")
                    return
                if end > len(block):
                    if len(block) < BLOCK:
                        self._stop(block_start + (record_start if parts else pos), "torn record")
                    else:
                        self._stop(block_start + pos, f"corrupt chunk: {length} bytes long")
                    return
                data = block[pos + CHUNK.size : end]
                if zlib.crc32(data, _TYPE_CRC.get(kind, zlib.crc32(bytes([kind])))) != crc:
                    self._stop(block_start + pos, "corrupt chunk: CRC mismatch")
                    return
                if kind not in (FULL, FIRST, MIDDLE, LAST) or (kind in (FULL, FIRST)) == bool(
                    parts
                ):
                    self._stop(block_start + pos, f"corrupt chunk: type {kind} out of order")
                    return
                if kind in (FULL, FIRST):
                    record_start = pos
                parts.append(data)
                pos = end
                if kind in (FULL, LAST):
                    offset = block_start + record_start
                    payload = parts[0] if len(parts) == 1 else b"".join(parts)
                    parts = []
                    self.records += 1
                    yield offset, payload


# ---- protobuf wire format ---------------------------------------------------------------

Field = tuple[str, str, bool]
"""(name, kind, repeated): kind is ``str``, ``int``, ``sint`` (a signed int32/int64), ``bool``,
``double``, or the name of a message in ``SCHEMAS``."""

_ITEM = {1: ("key", "str", False), 2: ("nested_key", "str", True), 16: ("value_json", "str", False)}
_UPDATES = {1: ("update", "Item", True), 2: ("remove", "Item", True)}
_TIME = {1: ("seconds", "sint", False), 2: ("nanos", "sint", False)}
_OUTPUT = {
    1: ("output_type", "int", False),
    2: ("timestamp", "Timestamp", False),
    3: ("line", "str", False),
}

SCHEMAS: dict[str, dict[int, Field]] = {
    "Record": {
        1: ("num", "sint", False),
        2: ("history", "History", False),
        3: ("summary", "Updates", False),
        4: ("output", "Output", False),
        5: ("config", "Updates", False),
        6: ("files", "Files", False),
        12: ("metric", "Metric", False),
        13: ("output_raw", "Output", False),
        17: ("run", "Run", False),
        18: ("exit", "Exit", False),
        26: ("environment", "Environment", False),
    },
    "History": {1: ("item", "Item", True), 2: ("step", "Step", False)},
    "Step": {1: ("num", "sint", False)},
    "Item": _ITEM,
    "Updates": _UPDATES,
    "Timestamp": _TIME,
    "Output": _OUTPUT,
    "Files": {1: ("files", "FilesItem", True)},
    "FilesItem": {
        1: ("path", "str", False),
        2: ("policy", "int", False),
        3: ("type", "int", False),
    },
    "Run": {
        1: ("run_id", "str", False),
        2: ("entity", "str", False),
        3: ("project", "str", False),
        4: ("config", "Updates", False),
        5: ("summary", "Updates", False),
        6: ("run_group", "str", False),
        7: ("job_type", "str", False),
        8: ("display_name", "str", False),
        9: ("notes", "str", False),
        10: ("tags", "str", True),
        12: ("sweep_id", "str", False),
        13: ("host", "str", False),
        14: ("starting_step", "sint", False),
        17: ("start_time", "Timestamp", False),
        18: ("resumed", "bool", False),
    },
    "Metric": {
        1: ("name", "str", False),
        2: ("glob_name", "str", False),
        4: ("step_metric", "str", False),
        6: ("options", "MetricOptions", False),
        7: ("summary", "MetricSummary", False),
        8: ("goal", "int", False),
        10: ("expanded_from_glob", "bool", False),
    },
    "MetricOptions": {2: ("hidden", "bool", False)},
    "MetricSummary": {
        number: (name, "bool", False)
        for number, name in enumerate(
            ("min", "max", "mean", "best", "last", "none", "copy", "first"), 1
        )
    },
    "Exit": {1: ("exit_code", "sint", False), 2: ("runtime", "sint", False)},
    "Environment": {
        5: ("args", "str", True),
        6: ("program", "str", False),
        7: ("code_path", "str", False),
        12: ("host", "str", False),
    },
}
"""The messages of ``wandb_internal.proto`` an import reads, by field number (only these)."""
_WIRE = {"int": 0, "sint": 0, "bool": 0, "double": 1}
"""The wire type of each scalar kind; strings and messages are 2 (length-delimited)."""


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise WandbFormatError("a varint runs past the end of its message")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise WandbFormatError("a varint is longer than 10 bytes")


def decode(
    data: bytes, schema: str = "Record", only: Collection[str] | None = None
) -> dict[str, Any]:
    """The fields of one message that ``SCHEMAS[schema]`` names (of those, ``only`` these when
    given), as a dict: absent fields absent, repeated ones lists. Raises ``WandbFormatError`` on
    bytes that are not protobuf."""
    fields = SCHEMAS[schema]
    out: dict[str, Any] = {}
    pos, end = 0, len(data)
    while pos < end:
        tag = data[pos]  # one byte for every field number below 16
        if tag < 0x80:
            pos += 1
        else:
            tag, pos = _varint(data, pos)
        number, wire = tag >> 3, tag & 7
        if wire == 2:
            if pos < end and data[pos] < 0x80:
                length = data[pos]
                pos += 1
            else:
                length, pos = _varint(data, pos)
            start, pos = pos, pos + length
            if pos > end:
                raise WandbFormatError(f"field {number} runs past the end of its {schema}")
        elif wire == 0:
            start = pos
            value, pos = _varint(data, pos)
        elif wire in (1, 5):
            start, pos = pos, pos + (8 if wire == 1 else 4)
            if pos > end:
                raise WandbFormatError(f"field {number} runs past the end of its {schema}")
        else:
            raise WandbFormatError(f"field {number} of a {schema} has wire type {wire}")
        known = fields.get(number)
        if known is None or (only is not None and known[0] not in only):
            continue
        name, kind, repeated = known
        if wire != _WIRE.get(kind, 2):
            raise WandbFormatError(f"field {number} of a {schema} has wire type {wire}")
        if kind == "str":
            try:
                found: Any = data[start:pos].decode()
            except UnicodeDecodeError:
                raise WandbFormatError(f"field {number} of a {schema} is not UTF-8") from None
        elif kind == "int":
            found = value
        elif kind == "sint":
            found = value - (1 << 64) if value >= 1 << 63 else value
        elif kind == "bool":
            found = bool(value)
        elif kind == "double":
            found = struct.unpack_from("<d", data, start)[0]
        else:
            found = decode(data[start:pos], kind)
        if repeated:
            out.setdefault(name, []).append(found)
        else:
            out[name] = found
    return out
