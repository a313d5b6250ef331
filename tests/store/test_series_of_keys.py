"""series_of_keys() reads a run's history once for several keys, decoding only the columns it needs
(``index=``), and gives what series() gives key by key."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pytest
from tests.store.conftest import MakeStore

from cairn.journal.records import History, Record, RunFinish, RunStart
from cairn.store import Store, history
from cairn.store.models import RunInfo
from cairn.store.series import series, series_of_keys

T0 = 1_700_000_000.0


@pytest.fixture
def store(make_store: MakeStore, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setattr(history, "SEAL_ROWS", 50)  # several segments, then a tail
    store = make_store()
    yield store
    store.close()


def messy_run(store: Store, finish: bool) -> RunInfo:
    """Steps that repeat and go backwards, across segments and the tail; sparse keys, NaN."""
    rng = np.random.default_rng(3)
    records: list[Record] = [RunStart(seq=1, run_id="r", project="p", name="n", created_at=T0)]
    steps = np.concatenate([np.arange(80), np.arange(40, 120), rng.integers(0, 150, 60)])
    for i, step in enumerate(steps.tolist()):
        values = {"loss": float(rng.normal())}
        if i % 3 == 0:
            values["acc"] = math.nan if i % 30 == 0 else i / 1000
        if i % 2 == 0:
            values["epoch"] = i / 7
        records.append(History(seq=len(records) + 1, step=step, ts=T0 + i * 0.5, values=values))
    if finish:
        records.append(RunFinish(seq=len(records) + 1, ts=T0 + 1000))
    for start in range(0, len(records), 37):
        store.apply("r", records[start : start + 37])
    return store.run("r")


def same(a: pa.ChunkedArray, b: pa.ChunkedArray) -> bool:
    """Equal values and nulls, NaN equal to NaN."""
    return a.is_null().equals(b.is_null()) and np.array_equal(
        a.to_numpy(), b.to_numpy(), equal_nan=a.type == pa.float64()
    )


@pytest.mark.parametrize("finish", [True, False])
def test_reading_fewer_index_columns_keeps_rows_and_order(store: Store, finish: bool) -> None:
    messy_run(store, finish)
    full = store.history("r", ["loss", "acc"])
    for index in (("_step",), ("_step", "_timestamp"), ("_timestamp",)):
        slim = store.history("r", ["loss", "acc"], index=index)
        assert slim.column_names == [*dict.fromkeys(("_step", *index)), "loss", "acc"]
        for name in slim.column_names:
            assert same(slim.column(name), full.column(name)), (index, name)
    ranged = store.history("r", ["loss"], min_step=30, max_step=90, index=("_step",))
    assert same(
        ranged.column("loss"),
        store.history("r", ["loss"], min_step=30, max_step=90).column("loss"),
    )


@pytest.mark.parametrize("x", ["_step", "_runtime", "_timestamp", "epoch", "acc"])
@pytest.mark.parametrize("max_points", [5, 40, 1500])
def test_same_as_series_key_by_key(store: Store, x: str, max_points: int) -> None:
    run = messy_run(store, finish=True)
    keys = ["loss", "acc", "epoch", "never"]
    found = series_of_keys(store, run, keys, x=x, max_points=max_points, x_min=20, x_max=200)
    assert list(found) == keys
    for key in keys:
        xs, ys = series(store, run, key, x=x, max_points=max_points, x_min=20, x_max=200)
        assert np.array_equal(found[key][0], xs)
        assert np.array_equal(found[key][1], ys, equal_nan=True)
        assert len(xs) <= max_points
    assert len(found["never"][0]) == 0


def test_huge_step_bounds_are_clamped(store: Store) -> None:
    run = messy_run(store, finish=True)
    xs, ys = series_of_keys(store, run, ["loss"], x_min=-1e300, x_max=1e300)["loss"]
    all_xs, all_ys = series(store, run, "loss")
    assert np.array_equal(xs, all_xs) and np.array_equal(ys, all_ys)
