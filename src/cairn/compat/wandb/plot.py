"""``wandb.plot``: W&B's chart helpers with their argument names, as ``cairn.plot`` charts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cairn.sdk.media.plot import Plot, bar, histogram, line, scatter
from cairn.sdk.media.plot import confusion_matrix as _confusion_matrix
from cairn.sdk.media.plot import pr_curve as _pr_curve
from cairn.sdk.media.plot import roc_curve as _roc_curve
from cairn.sdk.media.table import Table

__all__ = [
    "bar",
    "confusion_matrix",
    "histogram",
    "line",
    "line_series",
    "pr_curve",
    "roc_curve",
    "scatter",
]


def line_series(
    xs: Sequence[Any] | Sequence[Sequence[Any]],
    ys: Sequence[Sequence[Any]],
    keys: Sequence[str] | None = None,
    title: str | None = None,
    xname: str | None = None,
    split_table: bool = False,
) -> Plot:
    """Several lines on one chart: ``ys[i]`` against ``xs`` (or ``xs[i]``), named ``keys[i]``."""
    x_name = xname or "x"
    table = Table(columns=[x_name, "y", "key"])
    shared = not xs or not hasattr(xs[0], "__len__")
    for i, series in enumerate(ys):
        name = str(keys[i]) if keys is not None and i < len(keys) else f"key_{i}"
        these = xs if shared else xs[i]
        for x, y in zip(these, series, strict=False):
            table.add_data(float(x), float(y), name)
    return Plot(table, {"type": "line", "x": x_name, "y": "y", "series": "key", "title": title})


def confusion_matrix(
    probs: Any = None,
    y_true: Any = None,
    preds: Any = None,
    class_names: Sequence[str] | None = None,
    title: str | None = None,
) -> Plot:
    """Counts of (actual, predicted) pairs; ``probs`` (N, classes) stands for ``preds`` as its
    arg-max."""
    if probs is not None and preds is not None:
        raise ValueError("confusion_matrix takes probs= or preds=, not both")
    if probs is not None:
        import numpy as np

        preds = np.asarray(probs).argmax(axis=1)
    return _confusion_matrix(y_true, preds, class_names, title=title or "Confusion Matrix")


def pr_curve(
    y_true: Any,
    y_probas: Any,
    labels: Sequence[str] | None = None,
    classes_to_plot: Sequence[int] | None = None,
    title: str | None = None,
) -> Plot:
    """Precision against recall per class."""
    return _pr_curve(y_true, y_probas, labels, title)


def roc_curve(
    y_true: Any,
    y_probas: Any,
    labels: Sequence[str] | None = None,
    classes_to_plot: Sequence[int] | None = None,
    title: str | None = None,
) -> Plot:
    """True against false positive rate per class."""
    return _roc_curve(y_true, y_probas, labels, title)
