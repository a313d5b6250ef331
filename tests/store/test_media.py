"""The media table: applying records idempotently, keys, entries, referenced blobs, and histogram
series rebinned for a heatmap."""

from __future__ import annotations

import pytest
from tests.store.conftest import MakeStore

from cairn.journal.records import MediaLog, RunStart
from cairn.store.blob_refs import referenced
from cairn.store.media import (
    histogram_series,
    media_entries,
    media_entry,
    media_keys,
)
from cairn.store.store import Store

A, B = "a" * 64, "b" * 64


def _records() -> list[MediaLog | RunStart]:
    hist = [
        MediaLog(
            seq=2,
            step=0,
            ts=1.0,
            key="h",
            kind="histogram",
            data={"counts": [1, 3], "edges": [0.0, 1.0, 2.0]},
        ),
        MediaLog(
            seq=3,
            step=1,
            ts=2.0,
            key="h",
            kind="histogram",
            data={"counts": [2, 2], "edges": [2.0, 3.0, 4.0], "nan": 1, "inf": 2},
        ),
    ]
    image = MediaLog(
        seq=4,
        step=1,
        ts=2.0,
        key="img",
        kind="image",
        data={"blob": A, "masks": {"p": {"blob": B}}},
        blob=A,
        blobs=[A, B],
    )
    return [RunStart(seq=1, run_id="r1", project="p", name="one", created_at=0.0), *hist, image]


@pytest.fixture
def store(make_store: MakeStore) -> Store:
    store = make_store()
    store.apply("r1", _records())
    return store


def test_records_apply_once(store: Store) -> None:
    store.apply("r1", _records())
    assert [e.step for e in media_entries(store, "r1", "h")] == [0, 1]
    assert [k["key"] for k in media_keys(store, ["r1", "nope"])] == ["h", "img"]
    assert media_keys(store, []) == []


def test_entries_and_the_latest(store: Store) -> None:
    (image,) = media_entries(store, "r1", "img")
    assert image.blob == A and image.meta["blobs"] == [A, B]
    assert media_entry(store, "r1", "h", None).step == 1  # type: ignore[union-attr]
    assert media_entry(store, "r1", "h", 7) is None


def test_every_digest_a_row_names_is_referenced(store: Store) -> None:
    with store._read() as conn:
        assert referenced(conn) == {A, B}


def test_histogram_series_share_one_range(store: Store) -> None:
    series = histogram_series(store, "r1", "h", bins=4)
    assert series["steps"] == [0, 1] and series["edges"] == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert series["counts"] == [[1.0, 3.0, 0.0, 0.0], [0.0, 0.0, 2.0, 2.0]]
    assert series["nan"] == [0, 3]
    assert histogram_series(store, "r1", "img")["steps"] == []
