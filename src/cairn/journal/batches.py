"""A batch of one run's journal records as it travels to a server: one msgpack array of records,
gzip-compressed (``application/x-cairn-records``). The HTTP sink encodes it; the server decodes
it once when it arrives (to refuse a malformed batch before acknowledging it) and again when its
applier applies it from the ingest queue."""

from __future__ import annotations

import gzip
import itertools
import zlib
from collections.abc import Sequence

import msgspec

from cairn.journal.records import Record

RECORDS_TYPE = "application/x-cairn-records"
RETRY_AFTER = "Cairn-Retry-After"
"""The header of a batch the server refused while busy (429): the seconds after which to send
it again, with a fraction (``Retry-After`` has whole seconds only)."""
NEXT_AFTER = "Cairn-Next-After"
"""The header of a batch the server took while others wait in line: the seconds after which to
send the next one."""
MAX_RECORDS_BYTES = 256 * 1024 * 1024
"""The most a batch may inflate to (a gzip bomb is refused, not decompressed)."""
_decode = msgspec.msgpack.Decoder(list[Record]).decode


class BatchError(ValueError):
    """The bytes are not a batch of journal records; the message says what is wrong."""


class BatchTooLargeError(BatchError):
    """The batch inflates to more than ``MAX_RECORDS_BYTES``."""


def encode_batch(records: Sequence[Record]) -> bytes:
    """The body of a request that sends ``records``."""
    return gzip.compress(msgspec.msgpack.encode(list(records)), compresslevel=5)


def decode_batch(body: bytes) -> list[Record]:
    """The records of a gzip-compressed msgpack batch, in seq order as sent; BatchError when
    it is not one, is empty, or its seqs do not increase."""
    try:
        raw = zlib.decompressobj(wbits=31).decompress(body, MAX_RECORDS_BYTES)
    except zlib.error:
        raise BatchError(f"the body must be gzip-compressed ({RECORDS_TYPE})") from None
    if len(raw) >= MAX_RECORDS_BYTES:
        raise BatchTooLargeError(f"a batch may inflate to at most {MAX_RECORDS_BYTES} bytes")
    try:
        batch = _decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise BatchError(f"the body is not a batch of journal records: {exc}") from None
    if not batch:
        raise BatchError("an empty batch")
    for before, after in itertools.pairwise(batch):
        if after.seq <= before.seq:
            raise BatchError(
                f"seq {after.seq} follows seq {before.seq}: a batch's seqs must increase"
            )
    return batch
