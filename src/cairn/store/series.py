"""Keys of one run as chart-ready ``(x, y)`` arrays: history read once, x chosen, M4-downsampled."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cairn.store.downsample import m4_indices
from cairn.store.models import RunInfo
from cairn.store.store import Store

X_AXES = ("_step", "_runtime", "_timestamp")


def series(
    store: Store,
    run: RunInfo,
    key: str,
    *,
    x: str = "_step",
    max_points: int = 1500,
    x_min: float | None = None,
    x_max: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The points of ``key`` against ``x`` (``_step``, ``_runtime``, ``_timestamp`` or another
    key), at most ``max_points`` of them, chosen by M4 so the line draws as the full data does.

    Rows that did not log ``key`` (or the x key) are left out; NaN and ±Inf are kept.
    """
    found = series_of_keys(store, run, [key], x=x, max_points=max_points, x_min=x_min, x_max=x_max)
    return found[key]


def series_of_keys(
    store: Store,
    run: RunInfo,
    keys: Sequence[str],
    *,
    x: str = "_step",
    max_points: int = 1500,
    x_min: float | None = None,
    x_max: float | None = None,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``series()`` of several keys of one run, reading its history once."""
    wanted = list(dict.fromkeys([*keys, *([] if x in X_AXES else [x])]))
    min_step = max_step = None
    if x == "_step":
        # Clamped to int64, which is what steps are: a huge bound selects everything.
        min_step = None if x_min is None else _int64(np.ceil(x_min))
        max_step = None if x_max is None else _int64(np.floor(x_max))
    index = ("_step", "_timestamp") if x in ("_runtime", "_timestamp") else ("_step",)
    table = store.history(run.id, wanted, min_step=min_step, max_step=max_step, index=index)
    table = table.combine_chunks()  # one copy here; every column below is then zero-copy numpy
    return {key: _one(table, run, key, x, max_points, x_min, x_max) for key in keys}


def _one(
    table: pa.Table,
    run: RunInfo,
    key: str,
    x: str,
    max_points: int,
    x_min: float | None,
    x_max: float | None,
) -> tuple[np.ndarray, np.ndarray]:
    needed = [key] if x in X_AXES or x == key else [key, x]
    if any(table.column(k).null_count for k in needed):
        mask = pc.is_valid(table.column(key))
        if len(needed) > 1:
            mask = pc.and_(mask, pc.is_valid(table.column(x)))
        table = table.filter(mask)
    y = _floats(table.column(key))
    if x == "_step":
        xs: np.ndarray = table.column("_step").to_numpy()
    elif x == "_timestamp":
        xs = table.column("_timestamp").to_numpy()
    elif x == "_runtime":
        xs = table.column("_timestamp").to_numpy() - run.created_at
    else:
        xs = _floats(table.column(x))
        finite = np.isfinite(xs)
        xs, y = xs[finite], y[finite]
        order = np.argsort(xs, kind="stable")
        xs, y = xs[order], y[order]
    if x in ("_timestamp", "_runtime") and len(xs) > 1 and np.any(xs[1:] < xs[:-1]):
        order = np.argsort(xs, kind="stable")
        xs, y = xs[order], y[order]
    keep = m4_indices(xs, y, max_points, x_min, x_max)
    return xs[keep], y[keep]


def _int64(value: float) -> int:
    return int(min(max(value, -(2.0**63)), 2.0**63 - 1024))


def _floats(column: pa.ChunkedArray) -> np.ndarray:
    return np.asarray(column.to_numpy(), dtype=np.float64)
