"""A run's history: SQL tail plus sealed Parquet segments, read back ordered by (step, seq)."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from sqlalchemy import func, select
from tests.conftest import S3
from tests.fakes.journals import same
from tests.store.conftest import MakeStore

from cairn.journal.records import History, Record, RunFinish, RunStart
from cairn.store import Store, history, history_read
from cairn.store.blobs import BlobStore
from cairn.store.schema import history_segments, history_tail

T0 = 1_700_000_000.0


@pytest.fixture
def store(make_store: MakeStore, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("CAIRN_HEARTBEAT_TIMEOUT", "inf")
    store = make_store()
    yield store
    store.close()


def start(run_id: str = "r1") -> RunStart:
    return RunStart(seq=1, run_id=run_id, project="p", name="n", created_at=T0)


def rows(
    steps: list[int], keys: list[list[str]] | None = None, first_seq: int = 2
) -> list[History]:
    """History records at ``steps``; row i logs ``keys[i]`` (default ``["a"]``) as i + key index."""
    out = []
    for i, step in enumerate(steps):
        names = keys[i] if keys else ["a"]
        values = {k: float(i) + j / 10 for j, k in enumerate(names)}
        out.append(History(seq=first_seq + i, step=step, ts=T0 + i, values=values))
    return out


def expected(records: list[Record], keys: list[str] | None = None) -> dict[str, list[Any]]:
    """What a history read should return, computed straight from the records."""
    hist = sorted((r for r in records if isinstance(r, History)), key=lambda r: (r.step, r.seq))
    if keys is None:
        keys = sorted({k for r in hist for k in r.values})
    out: dict[str, list[Any]] = {
        "_step": [r.step for r in hist],
        "_seq": [r.seq for r in hist],
        "_timestamp": [r.ts for r in hist],
    }
    for key in keys:
        out[key] = [r.values.get(key) for r in hist]
    return out


def read(store: Store, run_id: str = "r1", **kwargs: Any) -> dict[str, list[Any]]:
    table = store.history(run_id, **kwargs)
    _check_types(table)
    return table.to_pydict()  # type: ignore[no-any-return]


def _check_types(table: pa.Table) -> None:
    assert table.schema.field("_step").type == pa.int64()
    assert table.schema.field("_seq").type == pa.int64()
    assert table.schema.field("_timestamp").type == pa.float64()
    for name in table.column_names[3:]:
        assert table.schema.field(name).type == pa.float64(), name


def count(store: Store, table: Any, run_id: str = "r1") -> int:
    with store.engine.connect() as conn:
        query = select(func.count()).select_from(table).where(table.c.run_id == run_id)
        return int(conn.execute(query).scalar_one())


def segment_blobs(store: Store) -> list[str]:
    with store.engine.connect() as conn:
        return sorted(conn.execute(select(history_segments.c.blob)).scalars())


def blob_files(store: Store) -> list[str]:
    return sorted(digest for digest, _size, _mtime in store.blobs.entries())


# ---- order and shape --------------------------------------------------------------------


def test_empty_history(store: Store) -> None:
    store.apply("r1", [start()])
    assert read(store) == {"_step": [], "_seq": [], "_timestamp": []}
    assert read(store, keys=["a"]) == {"_step": [], "_seq": [], "_timestamp": [], "a": []}


def test_ordered_by_step_then_logging_order(store: Store) -> None:
    records: list[Record] = [start(), *rows([3, 1, 1, 5, 0, 3, 3, 2, 1])]
    store.apply("r1", records[:4])
    store.apply("r1", records[4:])
    got = read(store)
    assert got == expected(records)
    assert got["_step"] == [0, 1, 1, 1, 2, 3, 3, 3, 5]
    assert got["_seq"] == [6, 3, 4, 10, 9, 2, 7, 8, 5]


def test_keys_in_only_some_rows_read_as_null(store: Store) -> None:
    records: list[Record] = [start(), *rows([0, 1, 2], [["a"], ["b"], ["a", "c"]])]
    store.apply("r1", records)
    got = read(store)
    assert got["a"] == [0.0, None, 2.0]
    assert got["b"] == [None, 1.0, None]
    assert got["c"] == [None, None, 2.1]


def test_without_keys_every_logged_key_is_a_column_sorted_for_any_range(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "SEAL_ROWS", 2)
    records: list[Record] = [start(), *rows([0, 1, 2, 3, 4], [["z"], ["z"], ["b"], ["b"], ["a"]])]
    for i in range(0, len(records), 2):  # "z" only in the first segment, "a" only in the last
        store.apply("r1", records[i : i + 2])
    columns = ["_step", "_seq", "_timestamp", "a", "b", "z"]
    assert store.history("r1").column_names == columns
    assert store.history("r1", min_step=4).column_names == columns
    assert store.history("r1", max_step=0).column_names == columns
    empty = store.history("r1", min_step=10).to_pydict()
    assert empty == {c: [] for c in columns}
    assert read(store, min_step=3)["z"] == [None, None]


def test_history_of_an_unknown_run_is_empty(store: Store) -> None:
    assert read(store, "nope") == {"_step": [], "_seq": [], "_timestamp": []}


def test_key_selection_keeps_order_and_fills_unknown_keys(store: Store) -> None:
    records: list[Record] = [start(), *rows([0, 1], [["a", "b"], ["b"]])]
    store.apply("r1", records)
    table = store.history("r1", ["b", "never", "a"])
    assert table.column_names == ["_step", "_seq", "_timestamp", "b", "never", "a"]
    got = table.to_pydict()
    assert got["never"] == [None, None]
    assert got["a"] == [0.0, None]
    assert got["b"] == [0.1, 1.0]
    _check_types(table)


def test_nan_and_infinities_are_values_not_nulls(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "SHORT_TAIL_BYTES", 0)  # the finish seals even 2 rows
    records: list[Record] = [
        start(),
        History(seq=2, step=0, ts=T0, values={"a": math.nan}),
        History(seq=3, step=1, ts=T0, values={"a": math.inf, "b": -math.inf}),
    ]
    store.apply("r1", records)
    for _ in range(2):  # from the tail, then sealed
        got = store.history("r1").to_pydict()
        assert math.isnan(got["a"][0]) and got["a"][1] == math.inf
        assert got["b"] == [None, -math.inf]
        store.apply("r1", [RunFinish(seq=4, ts=T0 + 1)])
    assert count(store, history_segments) == 1


@pytest.mark.parametrize(
    ("lo", "hi"), [(None, None), (3, None), (None, 3), (2, 4), (4, 4), (7, 9), (-5, -1), (6, 2)]
)
def test_step_ranges(store: Store, monkeypatch: pytest.MonkeyPatch, lo: Any, hi: Any) -> None:
    monkeypatch.setattr(history, "SEAL_ROWS", 4)
    steps = [0, 1, 2, 2, 3, 4, 4, 5, 6, 1, 7, 3]
    records: list[Record] = [start(), *rows(steps)]
    for i in range(0, len(records), 3):  # some rows sealed into segments, the rest in the tail
        store.apply("r1", records[i : i + 3])
    assert count(store, history_segments) >= 2 and count(store, history_tail) >= 1
    want = expected(records)
    keep = [
        i
        for i, s in enumerate(want["_step"])
        if (lo is None or s >= lo) and (hi is None or s <= hi)
    ]
    got = read(store, min_step=lo, max_step=hi)
    assert got == {k: [v[i] for i in keep] for k, v in want.items()}
    got_a = read(store, keys=["a"], min_step=lo, max_step=hi)
    assert got_a == {k: [v[i] for i in keep] for k, v in want.items()}


def _no_whole_blob(digest: str) -> bytes:
    raise AssertionError(f"blob {digest} read whole for a step range")


def test_a_step_range_decodes_only_the_row_groups_it_overlaps(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "ROW_GROUP_ROWS", 10)
    monkeypatch.setattr(history, "SEAL_ROWS", 100)
    monkeypatch.setattr(history_read, "RANGED_READ_ROWS", 50)
    steps = [i // 2 for i in range(100)]  # two rows a step: a step may straddle two groups
    random.Random(3).shuffle(steps)
    records: list[Record] = [start(), *rows(steps)]
    store.apply("r1", records)  # 100 rows in the tail: sealed into one segment of 10 groups
    assert (count(store, history_segments), count(store, history_tail)) == (1, 0)
    want = expected(records)
    for lo, hi in [
        (0, 0),
        (4, 5),
        (24, 26),
        (49, 49),
        (45, None),
        (None, 3),
        (60, 90),
        (None, None),
    ]:
        keep = [
            i
            for i, step in enumerate(want["_step"])
            if (lo is None or step >= lo) and (hi is None or step <= hi)
        ]
        wanted = {k: [v[i] for i in keep] for k, v in want.items()}
        if lo is None and hi is None:
            assert read(store, keys=["a"]) == read(store) == wanted
            continue
        with monkeypatch.context() as patch:  # a range reads the segment's file, not its blob
            patch.setattr(store.blobs, "get", _no_whole_blob)
            assert read(store, keys=["a"], min_step=lo, max_step=hi) == wanted
            assert read(store, min_step=lo, max_step=hi) == wanted
    [digest] = segment_blobs(store)
    data = store.blobs.get(digest)
    assert history_read.decode_segment(data, ["a"]).num_rows == 100
    # steps 24 to 26 are rows 48 to 53 of the sorted segment: groups 4 and 5, 20 rows
    part = history_read.decode_segment(data, ["a"], min_step=24, max_step=26)
    assert part.num_rows == 20
    assert history_read.decode_segment(data, None, min_step=60, max_step=90).num_rows == 0


def test_a_step_range_of_a_segment_in_s3_reads_the_same_rows(
    s3: S3, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "ROW_GROUP_ROWS", 10)
    steps = list(range(100))
    table = history.rows_table(rows(steps))
    data = history.encode_segment(table)
    blobs = BlobStore(s3.bucket())
    digest = blobs.put(data)
    got = history_read._decode_range(blobs, digest, ["a"], ("_step",), 24, 26)
    assert got.column("_step").to_pylist() == list(range(20, 30))  # its row group, from S3
    assert got.equals(history_read.decode_segment(data, ["a"], ("_step",), None, 24, 26))


# ---- tail and segments ------------------------------------------------------------------


def _random_records(n: int, seed: int = 1) -> list[Record]:
    rng = random.Random(seed)
    records: list[Record] = [start()]
    step = 0
    for i in range(n):
        step = max(0, step + rng.choice([-2, 0, 1, 1, 1]))
        values = {k: rng.uniform(-1, 1) for k in ("a", "b", "c") if rng.random() < 0.7}
        values["x"] = math.nan if i % 97 == 0 else float(i)
        records.append(History(seq=i + 2, step=step, ts=T0 + i / 10, values=values))
    return records


def test_more_than_seal_rows_are_sealed_and_read_the_same(store: Store) -> None:
    records = _random_records(history.SEAL_ROWS + 2_500)
    for i in range(0, len(records), 1_000):
        store.apply("r1", records[i : i + 1_000])
    assert count(store, history_segments) == 1
    assert count(store, history_tail) >= 1
    with store.engine.connect() as conn:
        sealed = conn.execute(select(func.sum(history_segments.c.rows))).scalar_one()
        tail = conn.execute(select(func.sum(history_tail.c.rows))).scalar_one()
    assert sealed >= history.SEAL_ROWS and sealed + tail == len(records) - 1
    want = expected(records)
    assert same(read(store), want)
    assert same(
        read(store, keys=["x", "a"]),
        {k: want[k] for k in ("_step", "_seq", "_timestamp", "x", "a")},
    )
    assert store.run("r1").history_rows == len(records) - 1


def test_tail_and_segments_give_identical_reads(
    make_store: MakeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAIRN_HEARTBEAT_TIMEOUT", "inf")
    records = _random_records(600, seed=3)
    tail_only = make_store("tail")
    for i in range(0, len(records), 50):
        tail_only.apply("r1", records[i : i + 50])
    assert count(tail_only, history_segments) == 0
    monkeypatch.setattr(history, "SEAL_ROWS", 64)
    sealed = make_store("sealed")
    for i in range(0, len(records), 50):
        sealed.apply("r1", records[i : i + 50])
    assert count(sealed, history_segments) >= 5
    for kwargs in ({}, {"keys": ["c", "x", "zzz"]}, {"min_step": 40, "max_step": 90}):
        a = tail_only.history("r1", **kwargs)
        b = sealed.history("r1", **kwargs)
        assert a.column_names == b.column_names
        assert same(a.to_pydict(), b.to_pydict()), kwargs


def test_finishing_a_short_run_keeps_its_rows_in_the_tail(store: Store) -> None:
    """No Parquet encode and no blob at finish for a few rows: the SQL tail is as durable."""
    records: list[Record] = [start(), *rows([0, 1, 2])]
    store.apply("r1", records)
    before = read(store)
    store.apply("r1", [RunFinish(seq=5, ts=T0 + 9)])
    assert (count(store, history_tail), count(store, history_segments)) == (1, 0)
    assert blob_files(store) == []
    assert read(store) == before == expected(records)
    assert read(store, keys=["a"], min_step=1) == {
        k: v[1:] for k, v in expected(records, ["a"]).items()
    }


def test_finishing_seals_a_tail_over_short_tail_bytes(store: Store) -> None:
    many = rows(list(range(200)), keys=[["a", "b", "c", "d"]] * 200)  # about 7 KB a chunk
    store.apply("r1", [start(), *many[:100]])
    store.apply("r1", many[100:])
    with store.engine.connect() as conn:
        size = conn.execute(select(func.sum(func.length(history_tail.c.data)))).scalar_one()
    assert size > history.SHORT_TAIL_BYTES
    before = read(store)
    store.apply("r1", [RunFinish(seq=202, ts=T0 + 200)])
    assert (count(store, history_tail), count(store, history_segments)) == (0, 1)
    assert read(store) == before
    [digest] = segment_blobs(store)
    assert store.blobs.exists(digest)


def test_a_short_run_with_a_segment_seals_at_finish(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a run whose every row is in the tail keeps them there."""
    monkeypatch.setattr(history, "SEAL_ROWS", 3)
    records: list[Record] = [start(), *rows([0, 1, 2]), *rows([3], first_seq=5)]
    store.apply("r1", records[:4])
    assert count(store, history_segments) == 1
    store.apply("r1", [*records[4:], RunFinish(seq=6, ts=T0 + 9)])
    assert (count(store, history_tail), count(store, history_segments)) == (0, 2)
    assert read(store) == expected(records)


def test_a_resumed_short_run_seals_every_row_once_past_seal_rows(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "SEAL_ROWS", 10)
    first: list[Record] = [start(), *rows([0, 1, 2]), RunFinish(seq=5, ts=T0 + 3)]
    store.apply("r1", first)
    assert (count(store, history_tail), count(store, history_segments)) == (1, 0)
    resumed: list[Record] = [
        RunStart(seq=6, run_id="r1", project="p", name="n", created_at=T0 + 4),
        *rows(list(range(3, 28)), first_seq=7),
        RunFinish(seq=32, ts=T0 + 40),
    ]
    body = resumed[:-1]
    for i in range(0, len(body), 4):  # batches of 4: seals while running
        store.apply("r1", body[i : i + 4])
        assert store.run("r1").state == "running"
        assert count(store, history_segments) >= 1 or i == 0
    store.apply("r1", resumed[-1:])
    assert count(store, history_tail) == 0
    with store.engine.connect() as conn:
        assert conn.execute(select(func.sum(history_segments.c.rows))).scalar_one() == 28
    assert read(store) == expected([*first, *resumed])


def test_rows_after_a_finish_stay_in_a_short_runs_tail(store: Store) -> None:
    records: list[Record] = [start(), *rows([0, 1]), RunFinish(seq=4, ts=T0 + 2, state="failed")]
    store.apply("r1", records)
    late = rows([2], first_seq=5)
    store.apply("r1", late)
    assert (count(store, history_tail), count(store, history_segments)) == (2, 0)
    assert read(store) == expected([*records, *late])


def test_rows_after_a_failed_finish_are_sealed_again(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A finished run that still receives rows (e.g. a late sync) keeps no tail, unless short."""
    monkeypatch.setattr(history, "SHORT_TAIL_BYTES", 0)
    records: list[Record] = [start(), *rows([0, 1]), RunFinish(seq=4, ts=T0 + 2, state="failed")]
    store.apply("r1", records)
    late = rows([2], first_seq=5)
    store.apply("r1", late)
    assert count(store, history_tail) == 0
    assert read(store) == expected([*records, *late])


def test_compaction_merges_segments_and_deletes_old_blobs(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "SEAL_ROWS", 5)
    monkeypatch.setattr(history, "COMPACT_OVER", 3)
    records: list[Record] = [start(), *rows([i % 7 for i in range(20)])]
    store.apply("r1", records[:6])
    seen: set[str] = set(segment_blobs(store))
    for i in range(6, 16, 5):
        store.apply("r1", records[i : i + 5])
        seen.update(segment_blobs(store))
    assert count(store, history_segments) == 3
    assert blob_files(store) == segment_blobs(store)

    store.apply("r1", records[16:])  # the fourth segment: more than COMPACT_OVER, so merge
    assert count(store, history_segments) == 1
    [merged] = segment_blobs(store)
    assert merged not in seen
    # The fourth batch's rows went straight into the merged segment, never a blob of their own.
    assert set(blob_files(store)) == seen | {merged}, "the three kept for readers for a while"
    assert store.purge_dropped(time.time() + store.drop_grace - 1).deleted == 0
    assert store.purge_dropped(time.time() + store.drop_grace + 1).deleted == 3
    assert blob_files(store) == [merged], "the merged segments' blobs are gone from disk"
    assert read(store) == expected(records)
    with store.engine.connect() as conn:
        row = conn.execute(select(history_segments)).one()
    assert (row.first_seq, row.last_seq, row.rows) == (2, 21, 20)
    assert (row.min_step, row.max_step) == (0, 6)


def test_compaction_keeps_blobs_another_run_references(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "SEAL_ROWS", 2)
    monkeypatch.setattr(history, "COMPACT_OVER", 2)
    for run_id in ("r1", "r2"):  # identical records: identical segment bytes
        store.apply(run_id, [start(run_id), *rows([0, 1])])
    with store.engine.connect() as conn:
        assert len(set(conn.execute(select(history_segments.c.blob)).scalars())) == 1
    store.apply("r1", rows([2, 3], first_seq=4))
    store.apply("r1", rows([4, 5], first_seq=6))  # r1 compacts its three segments
    assert count(store, history_segments, "r1") == 1
    assert count(store, history_segments, "r2") == 1
    store.purge_dropped(time.time() + store.drop_grace + 1)
    assert blob_files(store) == segment_blobs(store)
    assert read(store, "r2") == expected([*rows([0, 1])])


def test_sealed_random_walk_takes_few_bytes_per_point(store: Store) -> None:
    """20,000 steps × 10 keys of float64 random walks, sealed: bytes per (row, key) value."""
    n, k = 20_000, 10
    walk = np.cumsum(np.random.default_rng(0).normal(size=(n, k)), axis=0)
    records: list[Record] = [start()]
    for i in range(n):
        values = {f"k{j}": float(walk[i, j]) for j in range(k)}
        records.append(History(seq=i + 2, step=i, ts=T0 + i * 0.01, values=values))
    records.append(RunFinish(seq=n + 2, ts=T0 + 300))
    for i in range(0, len(records), 1_000):
        store.apply("r1", records[i : i + 1_000])
    assert count(store, history_tail) == 0
    with store.engine.connect() as conn:
        size = conn.execute(select(func.sum(history_segments.c.size))).scalar_one()
    per_point = size / (n * k)
    print(f"sealed history: {size} bytes, {per_point:.2f} bytes per point")
    assert per_point <= 10
    got = store.history("r1", ["k3"]).column("k3").to_numpy()
    assert np.array_equal(got, walk[:, 3])


@pytest.mark.parametrize(
    "values",
    [
        [{"a": 1.0, "b": 2}, {"b": 4.0, "a": True}, {"a": -math.inf, "b": 0.5}],
        [{"a": 1.0, "b": 2.0}, {"a": math.nan, "b": 3.0}],
        [{"only": 1.0}, {"only": 2.5}],
        [{"a": 1.0, "b": 2.0}, {"a": 3.0, "c": 4.0}],
        [{"a": 1.0}, {"a": 2.0, "b": 3.0}, {"b": 5.0}],
        [{"a": 1.0, "b": None}, {"a": 2.0, "b": 3.0}],
        [{}, {"a": 1.0}],
    ],
    ids=[
        "same keys any order",
        "NaN",
        "one key",
        "a key swapped",
        "keys grow",
        "None",
        "empty row",
    ],
)
def test_rows_table_is_the_same_whichever_keys_rows_share(values: list[dict[str, Any]]) -> None:
    rows = [History(seq=i + 1, step=i, ts=float(i), values=v) for i, v in enumerate(values)]
    keys = list(dict.fromkeys(k for v in values for k in v))
    expected = {
        "_step": list(range(len(values))),
        "_seq": [i + 1 for i in range(len(values))],
        "_timestamp": [float(i) for i in range(len(values))],
        **{k: [None if v.get(k) is None else float(v[k]) for v in values] for k in keys},
    }
    table = history.rows_table(rows)
    assert table.column_names == list(expected)
    assert _nan_as_text(table.to_pydict()) == _nan_as_text(expected)  # NaN is not null
    assert all(table.schema.field(k).type == pa.float64() for k in keys)


def _nan_as_text(columns: dict[str, list[Any]]) -> dict[str, list[Any]]:
    return {k: ["nan" if x is not None and x != x else x for x in c] for k, c in columns.items()}


@pytest.mark.parametrize(
    ("rows", "merged"),
    [
        ([5, 5, 5], 1),  # three of a class: not more than COMPACT_OVER
        ([5, 5, 5, 5], 4),  # four: merged
        ([20, 5, 5, 5], 1),  # a bigger class before them does not count
        ([20, 20, 20, 5, 5, 5, 5], 7),  # the merged four complete a run of four of 20
        ([80, 20, 20, 5, 5, 5, 5], 4),  # ...or three, and stop there
        ([5, 3], 1),  # a finished run's short last seal
    ],
)
def test_merge_count_merges_the_newest_pieces_of_one_size_class(
    monkeypatch: pytest.MonkeyPatch, rows: list[int], merged: int
) -> None:
    monkeypatch.setattr(history, "SEAL_ROWS", 5)
    monkeypatch.setattr(history, "COMPACT_OVER", 3)
    assert history.merge_count(rows) == merged


def test_ten_million_rows_are_rewritten_a_few_times_into_few_segments() -> None:
    """Issue 17's run, sealed 10,000 rows at a time with the real constants: merging every
    segment each time rewrote 313 million rows (the whole history every 16 seals); this, 18
    million, in at most 34 segments."""
    segments: list[int] = []
    rewritten = most = 0
    for _ in range(1_000):
        n = history.merge_count([*segments, history.SEAL_ROWS])
        pieces = [*segments[len(segments) + 1 - n :], history.SEAL_ROWS]
        segments[len(segments) + 1 - n :] = [sum(pieces)]
        rewritten += sum(pieces) if n > 1 else 0
        most = max(most, len(segments))
    assert sum(segments) == 10_000_000
    assert most <= 3 * history.COMPACT_OVER
    assert rewritten <= 3 * 10_000_000, rewritten


def chunked(pieces: list[tuple[list[int], list[int]]]) -> pa.Table:
    """A (step, seq) table with one chunk per piece, as segments concatenated are."""
    return pa.concat_tables(
        pa.table({"_step": pa.array(steps, pa.int64()), "_seq": pa.array(seqs, pa.int64())})
        for steps, seqs in pieces
    )


@pytest.mark.parametrize(
    ("pieces", "ordered"),
    [
        ([([0, 1], [1, 2]), ([2, 3], [3, 4])], True),
        ([([0, 1], [1, 2]), ([1, 2], [3, 4])], True),  # a tie across chunks, seq rising
        ([([0, 1], [1, 4]), ([1, 2], [3, 5])], False),  # a tie across chunks, seq falling
        ([([0, 5], [1, 2]), ([4, 6], [3, 4])], False),  # a step falling across chunks
        ([([0, 1], [1, 2]), ([], []), ([0, 3], [3, 4])], False),  # past an empty chunk
        ([([3, 1], [1, 2])], False),
        ([([1, 1], [2, 1])], False),
    ],
)
def test_sort_rows_checks_the_order_across_chunks(
    pieces: list[tuple[list[int], list[int]]], ordered: bool
) -> None:
    table = chunked(pieces)
    assert table.column("_step").num_chunks == len(pieces)
    assert history_read.in_order(table) is ordered
    result = history_read.sort_rows(table)
    assert (result is table) is ordered
    steps, seqs = result.column("_step").to_pylist(), result.column("_seq").to_pylist()
    pairs = list(zip(steps, seqs, strict=True))
    assert pairs == sorted(pairs)


def test_sort_rows_without_seq_keeps_the_order_of_ties() -> None:
    table = pa.concat_tables(
        [
            pa.table({"_step": pa.array([0, 2], pa.int64()), "v": [0.0, 1.0]}),
            pa.table({"_step": pa.array([2, 1], pa.int64()), "v": [2.0, 3.0]}),
        ]
    )
    result = history_read.sort_rows(table)
    assert result.column("_step").to_pylist() == [0, 1, 2, 2]
    assert result.column("v").to_pylist() == [0.0, 3.0, 1.0, 2.0]
    ties = table.slice(0, 3)  # 0, 2, 2: ordered, ties across chunks in logging order
    assert history_read.sort_rows(ties) is ties
