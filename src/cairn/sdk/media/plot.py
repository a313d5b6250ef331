"""``cairn.plot``: charts that are a table plus a chart spec (line, scatter, bar, histogram,
confusion matrix, PR and ROC curves). The dashboard draws the spec from the table's columns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cairn.sdk.media.base import Media, Stage, array_of
from cairn.sdk.media.table import Table

MAX_CURVE_POINTS = 1000


class Plot(Media):
    """A chart: ``table`` holds the data, ``spec`` says how to draw it (``type``, the columns to
    use, ``title``). Made by the ``cairn.plot`` functions."""

    kind = "plot"

    def __init__(self, table: Table, spec: dict[str, Any]) -> None:
        if not isinstance(table, Table):
            raise TypeError(f"a plot needs a cairn.Table, not {type(table).__name__}")
        for role in ("x", "y", "label", "value", "actual", "predicted", "count", "series"):
            column = spec.get(role)
            if column is not None and column not in table.columns:
                raise ValueError(
                    f"plot {spec['type']}: {role}={column!r} is not a column of the table "
                    f"({', '.join(table.columns)})"
                )
        self.table = table
        self.spec = spec

    def encode(self, stage: Stage) -> dict[str, Any]:
        return {**self.table.encode(stage), "spec": self.spec}

    def __repr__(self) -> str:
        return f"<cairn.plot {self.spec['type']} of {self.table!r}>"


def line(table: Table, x: str, y: str, title: str | None = None) -> Plot:
    """A line of column ``y`` against column ``x``."""
    return Plot(table, {"type": "line", "x": x, "y": y, "title": title})


def scatter(table: Table, x: str, y: str, title: str | None = None) -> Plot:
    """Points of column ``y`` against column ``x``."""
    return Plot(table, {"type": "scatter", "x": x, "y": y, "title": title})


def bar(table: Table, label: str, value: str, title: str | None = None) -> Plot:
    """One bar per row: its ``label`` column and its ``value`` column."""
    return Plot(table, {"type": "bar", "label": label, "value": value, "title": title})


def histogram(table: Table, value: str, title: str | None = None) -> Plot:
    """The distribution of column ``value``, binned by the dashboard."""
    return Plot(table, {"type": "histogram", "value": value, "title": title})


def _labels(n: int, class_names: Sequence[str] | None) -> list[str]:
    if class_names is None:
        return [str(i) for i in range(n)]
    names = [str(c) for c in class_names]
    if len(names) < n:
        raise ValueError(f"{len(names)} class_names given for classes 0..{n - 1}; name every class")
    return names


def confusion_matrix(
    y_true: Any, preds: Any, class_names: Sequence[str] | None = None, title: str | None = None
) -> Plot:
    """Counts of each (actual, predicted) class pair, drawn as a heatmap. Classes are the ints
    0..n-1 (``class_names`` names them)."""
    import numpy as np

    actual = array_of(y_true, "confusion_matrix y_true").ravel()
    predicted = array_of(preds, "confusion_matrix preds").ravel()
    if actual.shape != predicted.shape:
        raise ValueError(
            f"confusion_matrix: {actual.size} labels but {predicted.size} predictions; "
            "give one prediction per label"
        )
    if actual.dtype.kind not in "iub" or predicted.dtype.kind not in "iub":
        raise TypeError("confusion_matrix y_true and preds must be integer class ids")
    if actual.size and min(actual.min(), predicted.min()) < 0:
        raise ValueError("confusion_matrix class ids must be 0 or more")
    n = int(max(actual.max(initial=-1), predicted.max(initial=-1))) + 1
    if class_names is not None:
        n = max(n, len(class_names))
    names = _labels(n, class_names)
    counts = np.zeros((n, n), dtype=np.int64)
    np.add.at(counts, (actual, predicted), 1)
    table = Table(columns=["Actual", "Predicted", "Count"])
    for i in range(n):
        for j in range(n):
            table.add_data(names[i], names[j], int(counts[i, j]))
    spec = {
        "type": "confusion_matrix",
        "actual": "Actual",
        "predicted": "Predicted",
        "count": "Count",
        "classes": names,
        "title": title,
    }
    return Plot(table, spec)


def _curves(
    kind: str, y_true: Any, y_probas: Any, labels: Sequence[str] | None, title: str | None
) -> Plot:
    import numpy as np
    from sklearn import metrics

    truth = array_of(y_true, f"{kind} y_true").ravel()
    probas = array_of(y_probas, f"{kind} y_probas")
    if probas.ndim == 1:
        probas = np.stack([1 - probas, probas], axis=1)
    if probas.ndim != 2 or probas.shape[0] != truth.size:
        raise ValueError(
            f"{kind}: y_probas has shape {tuple(probas.shape)}; give (N, classes) scores for "
            f"the {truth.size} labels"
        )
    names = _labels(probas.shape[1], labels)
    x_name, y_name = ("recall", "precision") if kind == "pr_curve" else ("fpr", "tpr")
    table = Table(columns=["class", x_name, y_name])
    for c in range(probas.shape[1]):
        positive = truth == c
        if not positive.any() or positive.all():
            continue  # a curve needs both classes present
        if kind == "pr_curve":
            ys, xs, _ = metrics.precision_recall_curve(positive, probas[:, c])
        else:
            xs, ys, _ = metrics.roc_curve(positive, probas[:, c])
        keep = np.unique(np.linspace(0, len(xs) - 1, min(len(xs), MAX_CURVE_POINTS)).astype(int))
        for i in keep:
            table.add_data(names[c], float(xs[i]), float(ys[i]))
    spec = {"type": kind, "x": x_name, "y": y_name, "series": "class", "title": title}
    return Plot(table, spec)


def pr_curve(
    y_true: Any, y_probas: Any, labels: Sequence[str] | None = None, title: str | None = None
) -> Plot:
    """Precision against recall, one curve per class (one-vs-rest); ``y_probas`` is (N, classes)."""
    return _curves("pr_curve", y_true, y_probas, labels, title)


def roc_curve(
    y_true: Any, y_probas: Any, labels: Sequence[str] | None = None, title: str | None = None
) -> Plot:
    """True against false positive rate, one curve per class; ``y_probas`` is (N, classes)."""
    return _curves("roc_curve", y_true, y_probas, labels, title)
