"""M4 downsampling: keep each x-bucket's first, last, min and max point, so the line a chart draws
at that resolution looks exactly like the full data (Jugel et al., VLDB 2014).

Min and max are over finite y only; a bucket holding NaN or ±Inf also keeps its first such point, so
the chart can draw a gap or a marker there. Fully vectorized: no Python loop over points or buckets.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

#: Indices one bucket can keep at most: first, last, min, max, first non-finite.
POINTS_PER_BUCKET = 5

_Int64Array = npt.NDArray[np.int64]


def m4_indices(
    x: np.ndarray,
    y: np.ndarray,
    max_points: int,
    x_min: float | None = None,
    x_max: float | None = None,
) -> np.ndarray:
    """Indices (sorted ascending, unique, int64) of the points to keep.

    ``x`` must be sorted non-decreasing (ties allowed); indices refer to the arrays as given, also
    when ``x_min``/``x_max`` restrict the range. At most ``max_points`` indices are returned.
    """
    if max_points < POINTS_PER_BUCKET:
        raise ValueError(
            f"max_points must be at least {POINTS_PER_BUCKET} (M4 keeps up to "
            f"{POINTS_PER_BUCKET} points per bucket); got {max_points}"
        )
    x = np.asarray(x)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(
            f"x and y must be 1-D arrays of the same length; got shapes {x.shape} and {y.shape}"
        )

    lo = 0 if x_min is None else int(np.searchsorted(x, x_min, side="left"))
    hi = len(x) if x_max is None else int(np.searchsorted(x, x_max, side="right"))
    if hi - lo <= max_points:
        return np.arange(lo, max(lo, hi), dtype=np.int64)

    starts = _bucket_starts(x[lo:hi], max_points // POINTS_PER_BUCKET)
    return _m4_in_buckets(y[lo:hi], starts) + lo


def _bucket_starts(x: np.ndarray, n_buckets: int) -> _Int64Array:
    """Start index of every non-empty bucket of ``n_buckets`` equal-width buckets over x's range.

    Bucket ``b`` holds the points with ``x0 + b * width <= x < x0 + (b + 1) * width``; the last
    bucket also holds ``x[-1]``. Found by binary search of the edges: O(n_buckets log n).
    """
    x0, x1 = float(x[0]), float(x[-1])
    span = x1 - x0
    if not np.isfinite(span):
        raise ValueError(f"x must be finite with a finite range to downsample; got {x0} to {x1}")
    if span == 0.0:
        return np.zeros(1, dtype=np.int64)
    edges = x0 + (span / n_buckets) * np.arange(1, n_buckets, dtype=np.float64)
    if np.issubdtype(x.dtype, np.integer):
        # For integer x, ``x >= e`` iff ``x >= ceil(e)``: search in x's dtype, with no float copy.
        edges = np.ceil(edges).astype(x.dtype)
    starts = np.unique(np.concatenate(([0], np.searchsorted(x, edges, side="left"))))
    # Repeated starts were empty buckets; a start at len(x) (an edge rounded past x[-1]) is one too.
    return starts[starts < len(x)].astype(np.int64, copy=False)


def _m4_in_buckets(y: np.ndarray, starts: _Int64Array) -> _Int64Array:
    """Each bucket's first, last, finite min, finite max and first non-finite index, deduplicated."""
    n = len(y)
    counts = np.diff(starts, append=n)
    finite = np.isfinite(y)
    all_finite = bool(finite.all())

    picks = [starts, starts + counts - 1]
    for reduce, fill in ((np.minimum, np.inf), (np.maximum, -np.inf)):
        values = y if all_finite else np.where(finite, y, fill)
        extreme = reduce.reduceat(values, starts)
        # A bucket whose extreme is finite has a finite point equal to it; take the first one.
        hits = np.flatnonzero(values == np.repeat(extreme, counts))
        has_finite = np.isfinite(extreme)
        picks.append(hits[np.searchsorted(hits, starts[has_finite])])
    if not all_finite:
        bad = np.flatnonzero(~finite)
        # The first non-finite point at or after a bucket's start is that bucket's marker or, if the
        # bucket has none, a later bucket's marker: either way it is one to keep.
        first_bad = np.searchsorted(bad, starts)
        picks.append(bad[first_bad[first_bad < len(bad)]])
    return np.unique(np.concatenate(picks)).astype(np.int64, copy=False)
