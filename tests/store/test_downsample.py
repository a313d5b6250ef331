"""M4 downsampling, checked against a plain-Python reference on small random series."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pytest

from cairn.store.downsample import m4_indices

SEEDS = [0, 1, 2, 3, 4]


def reference_m4(
    x: list[float] | list[int],
    y: list[float],
    max_points: int,
    x_min: float | None = None,
    x_max: float | None = None,
) -> list[int]:
    """M4 written out point by point; ties pick the first index, as m4_indices does."""
    in_range = [
        i
        for i in range(len(x))
        if (x_min is None or x[i] >= x_min) and (x_max is None or x[i] <= x_max)
    ]
    if len(in_range) <= max_points:
        return in_range
    n_buckets = max_points // 5
    x0, x1 = float(x[in_range[0]]), float(x[in_range[-1]])
    span = x1 - x0
    edges = [x0 + (span / n_buckets) * j for j in range(1, n_buckets)] if span else []
    buckets: dict[int, list[int]] = defaultdict(list)
    for i in in_range:
        buckets[sum(1 for e in edges if x[i] >= e)].append(i)
    keep: set[int] = set()
    for members in buckets.values():
        keep.update((members[0], members[-1]))
        finite = [i for i in members if math.isfinite(y[i])]
        if finite:
            keep.add(min(finite, key=lambda i: (y[i], i)))
            keep.add(min(finite, key=lambda i: (-y[i], i)))
        non_finite = [i for i in members if not math.isfinite(y[i])]
        if non_finite:
            keep.add(non_finite[0])
    return sorted(keep)


def random_series(
    rng: np.random.Generator, n: int, *, int_x: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted x with many duplicates, y from few distinct values (ties) plus NaN and ±Inf."""
    x = np.sort(rng.integers(0, max(2, n // 2), size=n))
    y = rng.integers(-3, 4, size=n).astype(np.float64)
    special = rng.random(n)
    y[special < 0.05] = np.nan
    y[(special >= 0.05) & (special < 0.08)] = np.inf
    y[(special >= 0.08) & (special < 0.10)] = -np.inf
    if int_x:
        return x.astype(np.int64), y
    return x.astype(np.float64) * 0.37, y


def assert_valid(result: np.ndarray, n: int, max_points: int) -> None:
    assert result.dtype == np.int64
    assert len(result) <= max_points
    assert np.all(np.diff(result) > 0), "indices must be sorted and unique"
    assert len(result) == 0 or (result[0] >= 0 and result[-1] < n)


def test_short_series_is_returned_whole() -> None:
    x = np.arange(10, dtype=np.float64)
    y = np.array([1.0, np.nan, 3.0, np.inf, 5.0, 6.0, -np.inf, 8.0, 9.0, 10.0])
    result = m4_indices(x, y, max_points=10)
    assert result.dtype == np.int64
    assert result.tolist() == list(range(10))


def test_empty_series() -> None:
    result = m4_indices(np.array([], dtype=np.float64), np.array([], dtype=np.float64), 5)
    assert result.dtype == np.int64
    assert result.tolist() == []


@pytest.mark.parametrize("max_points", [-1, 0, 4])
def test_max_points_below_five_is_rejected(max_points: int) -> None:
    with pytest.raises(ValueError, match="max_points must be at least 5"):
        m4_indices(np.arange(3.0), np.arange(3.0), max_points)


def test_mismatched_lengths_are_rejected() -> None:
    with pytest.raises(ValueError, match="same length"):
        m4_indices(np.arange(3.0), np.arange(4.0), 5)


def test_non_finite_x_is_rejected() -> None:
    x = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, np.inf])
    with pytest.raises(ValueError, match="x must be finite"):
        m4_indices(x, np.zeros(7), 5)


@pytest.mark.parametrize("seed", SEEDS)
def test_result_never_exceeds_max_points(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(40):
        n = int(rng.integers(0, 5000))
        max_points = int(rng.integers(5, 400))
        x = np.sort(rng.normal(size=n)) * 10.0 ** int(rng.integers(-3, 6))
        y = rng.normal(size=n)
        y[rng.random(n) < 0.1] = np.nan
        result = m4_indices(x, y, max_points)
        assert_valid(result, n, max_points)
        if n <= max_points:
            assert len(result) == n


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("int_x", [False, True])
def test_matches_reference(seed: int, int_x: bool) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(60):
        n = int(rng.integers(1, 300))
        max_points = int(rng.integers(5, 60))
        x, y = random_series(rng, n, int_x=int_x)
        expected = reference_m4(x.tolist(), y.tolist(), max_points)
        result = m4_indices(x, y, max_points)
        assert result.tolist() == expected
        assert_valid(result, n, max_points)


@pytest.mark.parametrize("seed", SEEDS)
def test_matches_reference_in_x_range(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(60):
        n = int(rng.integers(1, 300))
        max_points = int(rng.integers(5, 40))
        x, y = random_series(rng, n)
        lo, hi = sorted(rng.uniform(-5.0, float(x[-1]) + 5.0, size=2).tolist())
        x_min = None if rng.random() < 0.2 else lo
        x_max = None if rng.random() < 0.2 else hi
        expected = reference_m4(x.tolist(), y.tolist(), max_points, x_min, x_max)
        assert m4_indices(x, y, max_points, x_min, x_max).tolist() == expected


@pytest.mark.parametrize("seed", SEEDS)
def test_global_extremes_and_ends_are_kept(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 20_000
    x = np.cumsum(rng.exponential(size=n))
    y = np.cumsum(rng.normal(size=n))
    y[rng.random(n) < 0.01] = np.nan
    y[int(rng.integers(n))] = np.inf
    kept = set(m4_indices(x, y, 100).tolist())
    assert {0, n - 1} <= kept
    assert int(np.nanargmin(np.where(np.isinf(y), np.nan, y))) in kept
    assert int(np.nanargmax(np.where(np.isinf(y), np.nan, y))) in kept


def test_non_finite_points_leave_one_marker_per_bucket() -> None:
    # 4 buckets of 25 points: [0, 25), [25, 50), [50, 75), [75, 100).
    x = np.arange(100, dtype=np.float64)
    y = np.sin(x)
    y[[10, 12]] = np.nan
    y[[30, 40]] = np.inf
    y[[60, 61]] = -np.inf
    kept = m4_indices(x, y, max_points=20, x_max=99.0)
    kept_set = set(kept.tolist())
    assert {10, 30, 60} <= kept_set
    assert not {12, 40, 61} & kept_set
    finite_kept = kept[np.isfinite(y[kept])]
    assert len(finite_kept) == len(kept) - 3
    assert set(np.flatnonzero(~np.isfinite(y))) & kept_set == {10, 30, 60}


def test_infinities_do_not_count_as_min_or_max() -> None:
    x = np.arange(50, dtype=np.float64)
    y = np.full(50, 2.0)
    y[[5, 45]] = [-1.0, 7.0]
    y[[20, 21]] = [np.inf, -np.inf]
    kept = m4_indices(x, y, max_points=5).tolist()  # one bucket
    assert kept == [0, 5, 20, 45, 49]


def test_all_nan_series_keeps_ends_and_first_nan_per_bucket() -> None:
    n = 1000
    x = np.arange(n, dtype=np.float64)
    y = np.full(n, np.nan)
    result = m4_indices(x, y, max_points=50)  # 10 buckets of 100 points
    assert_valid(result, n, 50)
    starts = list(range(0, n, 100))
    assert result.tolist() == sorted({*starts, *(s + 99 for s in starts)})


def test_all_x_equal_is_one_bucket() -> None:
    x = np.full(100, 3.0)
    y = np.linspace(1.0, -1.0, 100)
    y[50] = 9.0
    assert m4_indices(x, y, max_points=50).tolist() == [0, 50, 99]


def test_x_range_indices_refer_to_original_arrays() -> None:
    x = np.arange(1000, dtype=np.float64)
    y = np.cos(x / 7.0)
    result = m4_indices(x, y, max_points=20, x_min=300.0, x_max=700.0)
    assert_valid(result, len(x), 20)
    assert result[0] == 300 and result[-1] == 700
    kept = m4_indices(x, y, max_points=500, x_min=300.5, x_max=310.0)
    assert kept.tolist() == list(range(301, 311))


def test_x_range_keeps_ties_at_both_bounds() -> None:
    x = np.array([0.0, 1.0, 1.0, 2.0, 3.0, 3.0, 4.0])
    y = np.arange(7.0)
    assert m4_indices(x, y, 10, x_min=1.0, x_max=3.0).tolist() == [1, 2, 3, 4, 5]


def test_empty_x_range() -> None:
    x = np.arange(100, dtype=np.float64)
    y = np.zeros(100)
    assert m4_indices(x, y, 10, x_min=200.0).tolist() == []
    assert m4_indices(x, y, 10, x_min=50.0, x_max=40.0).tolist() == []


def test_int64_x() -> None:
    x = np.arange(0, 10_000_000, 1000, dtype=np.int64) + 2**40
    y = np.cumsum(np.random.default_rng(7).normal(size=len(x)))
    result = m4_indices(x, y, max_points=100, x_min=2**40 + 1, x_max=2**40 + 5_000_000)
    assert_valid(result, len(x), 100)
    assert result[0] == 1 and result[-1] == 5000
    expected = reference_m4(x.tolist(), y.tolist(), 100, 2**40 + 1, 2**40 + 5_000_000)
    assert result.tolist() == expected


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_monotone_line_stays_monotone(sign: float) -> None:
    rng = np.random.default_rng(11)
    x = np.sort(rng.uniform(0.0, 1.0, size=10_000))
    y = sign * np.cumsum(rng.exponential(size=10_000))
    result = m4_indices(x, y, max_points=60)
    assert_valid(result, len(x), 60)
    assert result[0] == 0 and result[-1] == len(x) - 1
    steps = np.diff(y[result]) * sign
    assert np.all(steps > 0)
