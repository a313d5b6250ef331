"""Parsed segment footers kept by blob digest: bounded, least recently used out, shared by threads,
and reads through them give the same rows as reads without."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow as pa
import pytest
from sqlalchemy import select

from cairn.journal.records import History, RunFinish, RunStart
from cairn.store import Store
from cairn.store.blobs import blob_digest
from cairn.store.footers import FOOTERS, FooterCache, parse_footer
from cairn.store.history import encode_segment
from cairn.store.history_read import decode_segment
from cairn.store.schema import history_segments

INDEX = ("_step", "_seq", "_timestamp")


def segment(width: int, rows: int = 5, offset: float = 0.0) -> bytes:
    """A segment of ``rows`` rows and ``width`` keys ``k0000``..."""
    steps = np.arange(rows, dtype=np.int64)
    columns = {
        "_step": steps,
        "_seq": steps + 2,
        "_timestamp": steps.astype(np.float64),
        **{f"k{i:04d}": steps * 0.5 + i + offset for i in range(width)},
    }
    return encode_segment(pa.table(columns))


def test_a_footer_is_parsed_once_per_digest() -> None:
    cache = FooterCache()
    data = segment(50)
    first = cache.get(blob_digest(data), data)
    assert cache.get(blob_digest(data), data) is first
    assert len(cache) == 1 and cache.bytes == first.weight
    assert first.columns["k0049"] == 52 and first.metadata.num_rows == 5


def test_the_least_recently_used_footer_leaves_first_past_the_bound() -> None:
    blobs = [segment(200, offset=i) for i in range(3)]
    digests = [blob_digest(b) for b in blobs]
    weight = parse_footer(blobs[0]).weight
    cache = FooterCache(max_bytes=2 * weight + weight // 2)
    a = cache.get(digests[0], blobs[0])
    cache.get(digests[1], blobs[1])
    assert cache.get(digests[0], blobs[0]) is a  # 0 is now the most recent: 1 leaves next
    cache.get(digests[2], blobs[2])
    assert len(cache) == 2 and cache.bytes <= cache.max_bytes
    assert cache.get(digests[0], blobs[0]) is a
    assert cache.get(digests[1], blobs[1]) is not None and len(cache) == 2


def test_a_footer_larger_than_the_bound_is_read_but_not_kept() -> None:
    data = segment(300)
    cache = FooterCache(max_bytes=1000)
    footer = cache.get(blob_digest(data), data)
    assert footer.columns["k0299"] == 302
    assert len(cache) == 0 and cache.bytes == 0


def test_threads_share_one_cache() -> None:
    blobs = [segment(100, offset=i) for i in range(8)]
    cache = FooterCache()

    def read(i: int) -> float:
        data = blobs[i % len(blobs)]
        table = decode_segment(data, ["k0007"], INDEX, cache.get(blob_digest(data), data))
        return float(table.column("k0007")[0].as_py())

    with ThreadPoolExecutor(8) as pool:
        found = list(pool.map(read, range(200)))
    assert found == [7.0 + i % len(blobs) for i in range(200)]
    assert len(cache) == len(blobs)


@pytest.mark.parametrize("keys", [["k0003", "k0001"], ["k0001", "absent"], [], None])
def test_a_read_through_a_footer_equals_a_read_without(keys: list[str] | None) -> None:
    data = segment(20)
    footer = parse_footer(data)
    through = decode_segment(data, keys, INDEX, footer)
    assert through.equals(decode_segment(data, keys, INDEX))
    wanted = list(INDEX) + [k for k in keys or [] if k != "absent"] if keys is not None else None
    assert through.column_names == (wanted or [*INDEX, *(f"k{i:04d}" for i in range(20))])


def test_a_store_read_of_some_keys_keeps_the_footers_of_the_segments_it_read(store: Store) -> None:
    keys = [f"m{i}" for i in range(300)]
    base = uuid.uuid4().int % 10**6  # a segment no other test (or backend) has read
    store.apply(
        "r1",
        [
            RunStart(seq=1, run_id="r1", project="p", name="n", created_at=1.0),
            *(
                History(
                    seq=s + 2,
                    step=s,
                    ts=1.0 + s,
                    values={k: base + s + j for j, k in enumerate(keys)},
                )
                for s in range(10)
            ),
            RunFinish(seq=12, ts=20.0),
        ],
    )
    with store.engine.connect() as conn:
        (digest,) = conn.execute(select(history_segments.c.blob)).scalars()
    assert digest not in FOOTERS
    table = store.history("r1", ["m7", "m250"])
    assert digest in FOOTERS
    kept = FOOTERS.get(digest, b"not read: the footer is kept")
    again = store.history("r1", ["m250"])
    assert FOOTERS.get(digest, b"") is kept
    assert table.column("m7").to_pylist() == [base + s + 7.0 for s in range(10)]
    assert again.column("m250").to_pylist() == table.column("m250").to_pylist()
    assert again.column_names == ["_step", "_seq", "_timestamp", "m250"]
