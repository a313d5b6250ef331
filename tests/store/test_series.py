"""series(): one key of one run as chart-ready (x, y) arrays, exact when small, M4 when large."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from tests.store.conftest import MakeStore

from cairn.journal.records import History, Record, RunFinish, RunStart
from cairn.store import Store, history
from cairn.store.models import RunInfo
from cairn.store.series import series, series_of_keys

T0 = 1_700_000_000.0


@pytest.fixture
def store(make_store: MakeStore) -> Iterator[Store]:
    store = make_store()
    yield store
    store.close()


def apply_rows(store: Store, rows: list[tuple[int, float, dict[str, float]]]) -> RunInfo:
    """A finished run of ``(step, seconds after start, values)`` rows."""
    records: list[Record] = [RunStart(seq=1, run_id="r", project="p", name="n", created_at=T0)]
    for step, dt, values in rows:
        records.append(History(seq=len(records) + 1, step=step, ts=T0 + dt, values=values))
    records.append(RunFinish(seq=len(records) + 1, ts=T0 + 1_000))
    store.apply("r", records)
    return store.run("r")


def assert_equal(got: np.ndarray, want: list[float]) -> None:
    assert np.array_equal(got, np.asarray(want, dtype=float), equal_nan=True), (got, want)


ROWS: list[tuple[int, float, dict[str, float]]] = [
    (0, 0.5, {"loss": 4.0, "epoch": 0.0}),
    (1, 1.0, {"acc": 0.1}),  # no loss: skipped for loss
    (2, 2.0, {"loss": math.nan, "epoch": 1.0}),
    (3, 3.0, {"loss": 2.0}),  # no epoch: skipped when epoch is x
    (4, 2.5, {"loss": math.inf, "epoch": 0.5}),  # logged with an earlier clock than step 3
    (5, 5.0, {"loss": 1.0, "epoch": 2.0}),
]


def test_against_step_rows_without_the_key_are_skipped_and_nan_kept(store: Store) -> None:
    run = apply_rows(store, ROWS)
    x, y = series(store, run, "loss")
    assert x.tolist() == [0, 2, 3, 4, 5]
    assert_equal(y, [4.0, math.nan, 2.0, math.inf, 1.0])
    assert y.dtype == np.float64


def test_against_runtime_and_timestamp_sorted_by_time(store: Store) -> None:
    run = apply_rows(store, ROWS)
    x, y = series(store, run, "loss", x="_runtime")
    assert_equal(x, [0.5, 2.0, 2.5, 3.0, 5.0])
    assert_equal(y, [4.0, math.nan, math.inf, 2.0, 1.0])
    x, y = series(store, run, "loss", x="_timestamp")
    assert_equal(x, [T0 + 0.5, T0 + 2.0, T0 + 2.5, T0 + 3.0, T0 + 5.0])
    assert_equal(y, [4.0, math.nan, math.inf, 2.0, 1.0])


def test_against_another_metric(store: Store) -> None:
    run = apply_rows(store, ROWS)
    x, y = series(store, run, "loss", x="epoch")
    assert_equal(x, [0.0, 0.5, 1.0, 2.0])  # sorted by x; step 3 lacks epoch
    assert_equal(y, [4.0, math.inf, math.nan, 1.0])


def test_against_another_metric_drops_non_finite_x_and_keeps_ties_in_order(store: Store) -> None:
    run = apply_rows(
        store,
        [
            (0, 0, {"y": 1.0, "x": 1.0}),
            (1, 1, {"y": 2.0, "x": math.nan}),
            (2, 2, {"y": 3.0, "x": 0.0}),
            (3, 3, {"y": 4.0, "x": 1.0}),
            (4, 4, {"y": 5.0, "x": math.inf}),
        ],
    )
    x, y = series(store, run, "y", x="x")
    assert_equal(x, [0.0, 1.0, 1.0])
    assert_equal(y, [3.0, 1.0, 4.0])


def test_a_key_against_itself(store: Store) -> None:
    run = apply_rows(store, ROWS)
    x, y = series(store, run, "epoch", x="epoch")
    assert_equal(x, [0.0, 0.5, 1.0, 2.0])
    assert_equal(y, x.tolist())


def test_unknown_keys_give_empty_series(store: Store) -> None:
    run = apply_rows(store, ROWS)
    for x_axis in ("_step", "_runtime", "epoch", "nope"):
        x, y = series(store, run, "never", x=x_axis)
        assert len(x) == len(y) == 0
    x, y = series(store, run, "loss", x="nope")
    assert len(x) == len(y) == 0


@pytest.mark.parametrize(
    ("x_axis", "lo", "hi", "want_x"),
    [
        ("_step", 2, 4, [2, 3, 4]),
        ("_step", 1.5, 3.5, [2, 3]),
        ("_step", None, 2, [0, 2]),
        ("_step", 4, None, [4, 5]),
        ("_step", 10, 20, []),
        ("_runtime", 1.0, 2.75, [2.0, 2.5]),
        ("_timestamp", T0 + 2.5, None, [T0 + 2.5, T0 + 3.0, T0 + 5.0]),
        ("epoch", 0.25, 1.0, [0.5, 1.0]),
    ],
)
def test_x_range(
    store: Store, x_axis: str, lo: float | None, hi: float | None, want_x: list[float]
) -> None:
    run = apply_rows(store, ROWS)
    x, y = series(store, run, "loss", x=x_axis, x_min=lo, x_max=hi)
    assert_equal(x, want_x)
    full_x, full_y = series(store, run, "loss", x=x_axis)
    picked = [full_y[full_x.tolist().index(v)] for v in want_x]
    assert_equal(y, picked)


def test_small_data_is_exact(store: Store) -> None:
    rows = [(i, float(i), {"y": float(np.sin(i))}) for i in range(300)]
    run = apply_rows(store, rows)
    x, y = series(store, run, "y", max_points=300)
    assert x.tolist() == list(range(300))
    assert y.tolist() == [float(np.sin(i)) for i in range(300)]


def test_large_data_is_bounded_and_keeps_the_extremes(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "SEAL_ROWS", 3_000)  # read across segments
    n = 20_000
    rng = np.random.default_rng(1)
    values = np.cumsum(rng.normal(size=n))
    values[7_777] = math.nan
    rows = [(i, i / 10, {"y": float(values[i])}) for i in range(n)]
    run = apply_rows(store, rows)
    for max_points in (5, 100, 1_500):
        x, y = series(store, run, "y", max_points=max_points)
        assert 0 < len(x) <= max_points
        assert np.all(np.diff(x) > 0)
        assert x[0] == 0 and x[-1] == n - 1
        assert_equal(y, values[x].tolist())
    x, y = series(store, run, "y", max_points=1_500)
    assert np.nanmax(y) == np.nanmax(values) and np.nanmin(y) == np.nanmin(values)
    assert 7_777 in x.tolist(), "a NaN is kept as a marker"
    x, y = series(store, run, "y", x="_runtime", max_points=1_000, x_min=100.0, x_max=200.0)
    assert len(x) <= 1_000 and x.min() >= 100.0 and x.max() <= 200.0
    inside = values[1_000:2_001]
    assert np.nanmax(y) == np.nanmax(inside) and np.nanmin(y) == np.nanmin(inside)


def test_too_few_points_is_refused(store: Store) -> None:
    run = apply_rows(store, ROWS)
    with pytest.raises(ValueError, match="max_points"):
        series(store, run, "loss", max_points=2)


def test_huge_step_bounds_select_everything(store: Store) -> None:
    run = apply_rows(store, ROWS)
    for lo, hi in ((-1e300, 1e300), (-math.inf, math.inf), (-(2.0**70), None)):
        x, _ = series(store, run, "loss", x_min=lo, x_max=hi)
        assert x.tolist() == [0, 2, 3, 4, 5], (lo, hi)


def test_several_keys_read_the_history_once(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    run = apply_rows(store, ROWS)
    want = {key: series(store, run, key, x="epoch") for key in ("loss", "acc", "epoch", "never")}
    reads: list[Any] = []
    real = store.history

    def counted(*args: Any, **kwargs: Any) -> Any:
        reads.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "history", counted)
    got = series_of_keys(store, run, list(want), x="epoch")
    assert len(reads) == 1
    assert list(got) == list(want)
    for key, (x, y) in want.items():
        assert_equal(got[key][0], x.tolist())
        assert_equal(got[key][1], y.tolist())
