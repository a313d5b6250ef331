"""Parameter importance: how much each config parameter explains a metric across runs.

A random forest (scikit-learn ``RandomForestRegressor``, fixed ``random_state``) learns the metric
from the parameters; a parameter's importance is its **permutation importance**: how much the fit's
R² drops when that parameter's column is shuffled, averaged over repeats, clipped at 0 and scaled so
the importances sum to 1. We use permutation importance rather than the forest's impurity
importance because impurity importance favours parameters with many distinct values: a continuous
noise parameter (a random seed, say) gets a large share of it, while shuffling it barely moves the
fit. Numeric parameters enter as numbers; strings, booleans and mixed values are ordinal-encoded (one
column per parameter, categories in sorted order, a missing value is its own category), so each
parameter keeps one importance rather than one per category. Pearson correlation with the metric is
given for numeric parameters (booleans as 0/1); it is None for other categoricals (their order is
arbitrary) and for parameters that never vary.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cairn.store.columns import flatten_config

MIN_RUNS = 5
"""Fewer runs with the metric than this and the numbers would mean nothing: we say so instead."""

N_ESTIMATORS = 100
N_REPEATS = 10
RANDOM_STATE = 0


@dataclass(frozen=True)
class ParameterImportance:
    """One parameter's row of the importance table."""

    name: str
    importance: float
    """Share of the explained variance, 0..1; the rows sum to 1 unless nothing is explained."""
    correlation: float | None
    """Pearson correlation with the metric; None for categoricals and constant parameters."""
    kind: str
    """"numeric" or "categorical" (ordinal-encoded)."""


@dataclass(frozen=True)
class Importance:
    """The importance of each parameter for a metric, most important first."""

    runs: int
    """How many runs had a finite metric value (the ones used)."""
    parameters: list[ParameterImportance]
    note: str | None = None
    """Why there are no numbers (too few runs, nothing varies), else None."""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _encode(values: Sequence[Any]) -> tuple[NDArray[np.float64], str]:
    """One parameter's column: numbers as they are (a missing one becomes the median), booleans as
    0/1, anything else ordinal-encoded in sorted order with a missing value as its own category."""
    present = [v for v in values if v is not None]
    if present and all(_is_number(v) for v in present):
        median = float(np.median(np.asarray(present, dtype=np.float64)))
        column = [float(v) if v is not None else median for v in values]
        return np.asarray(column, dtype=np.float64), "numeric"
    if present and all(isinstance(v, bool) for v in present) and len(present) == len(values):
        return np.asarray([float(v) for v in values], dtype=np.float64), "numeric"
    labels = [repr(v) for v in values]
    order = {label: i for i, label in enumerate(sorted(set(labels)))}
    return np.asarray([order[label] for label in labels], dtype=np.float64), "categorical"


def varying_keys(configs: Sequence[Mapping[str, Any]]) -> list[str]:
    """The keys with at least two distinct values (a missing value counts as one), sorted."""
    keys = sorted({key for config in configs for key in config})
    return [key for key in keys if len({repr(config.get(key)) for config in configs}) > 1]


def _correlation(x: NDArray[np.float64], y: NDArray[np.float64]) -> float | None:
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    r = float(np.corrcoef(x, y)[0, 1])
    return r if math.isfinite(r) else None


def parameter_importance(
    configs: Sequence[Mapping[str, Any]],
    metrics: Sequence[float | None],
    params: Sequence[str] | None = None,
) -> Importance:
    """The importance of ``params`` (default: the keys whose values vary across the runs) for the metric.

    ``configs[i]`` is run i's config, nested (``{"model": {"width": 64}}``) or flat
    (``{"model.width": 64}``; parameters are named the flat way), and ``metrics[i]`` its metric
    value; runs whose value is None or not finite are left out. Deterministic: the same input gives
    the same numbers.
    """
    if len(configs) != len(metrics):
        raise ValueError(
            f"{len(configs)} configs but {len(metrics)} metric values: pass one per run"
        )
    rows = [
        (flatten_config(config), float(value))
        for config, value in zip(configs, metrics, strict=True)
        if value is not None and _is_number(value)
    ]
    names = list(params) if params is not None else varying_keys([c for c, _ in rows])
    if len(rows) < MIN_RUNS:
        return Importance(
            len(rows),
            [],
            f"{len(rows)} run(s) have this metric; importance needs at least {MIN_RUNS}",
        )
    y = np.asarray([value for _, value in rows], dtype=np.float64)
    columns = {name: _encode([config.get(name) for config, _ in rows]) for name in names}
    varying = [name for name in names if np.ptp(columns[name][0]) > 0]
    if not varying:
        return Importance(len(rows), [], "no parameter varies across these runs")
    if np.ptp(y) == 0:
        return Importance(len(rows), [], "the metric has the same value in every run")
    x = np.column_stack([columns[name][0] for name in varying])
    scores = _permutation_importance(x, y)
    total = float(scores.sum())
    result = [
        ParameterImportance(
            name=name,
            importance=float(scores[i]) / total if total > 0 else 0.0,
            correlation=_correlation(columns[name][0], y)
            if columns[name][1] == "numeric"
            else None,
            kind=columns[name][1],
        )
        for i, name in enumerate(varying)
    ]
    result += [
        ParameterImportance(name, 0.0, None, columns[name][1])
        for name in names
        if name not in varying
    ]
    result.sort(key=lambda p: (-p.importance, p.name))
    return Importance(len(rows), result)


def _permutation_importance(x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
    """Mean drop in R² when each column is shuffled, clipped at 0.

    Every shuffled copy of ``x`` (``N_REPEATS`` per column) is stacked into one matrix and the
    forest predicts it in a single call: the forest's per-call overhead, not the trees, was most of
    the time when sklearn's ``permutation_importance`` predicted each copy separately (0.5 of 0.6 s
    for 100 runs; see benchmarks/bench_importance.py). sklearn is imported here: it is heavy and
    only this function needs it.
    """
    from sklearn.ensemble import RandomForestRegressor

    forest = RandomForestRegressor(n_estimators=N_ESTIMATORS, random_state=RANDOM_STATE, n_jobs=1)
    forest.fit(x, y)
    rows, cols = x.shape
    rng = np.random.default_rng(RANDOM_STATE)
    shuffled = np.repeat(x[np.newaxis], cols * N_REPEATS, axis=0)
    for col in range(cols):
        for repeat in range(N_REPEATS):
            shuffled[col * N_REPEATS + repeat, :, col] = x[rng.permutation(rows), col]
    predicted = forest.predict(np.vstack([x, shuffled.reshape(-1, cols)])).reshape(-1, rows)
    r2 = _r2(y, predicted)
    drops = r2[0] - r2[1:].reshape(cols, N_REPEATS).mean(axis=1)
    means: NDArray[np.float64] = np.clip(drops, 0, None)
    return means


def _r2(y: NDArray[np.float64], predicted: NDArray[np.float64]) -> NDArray[np.float64]:
    """R² of each row of ``predicted`` against ``y`` (y is not constant: the caller checked)."""
    residual = ((predicted - y) ** 2).sum(axis=1)
    total = float(((y - y.mean()) ** 2).sum())
    scores: NDArray[np.float64] = 1.0 - residual / total
    return scores
