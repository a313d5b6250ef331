"""``cairn.plot``: each helper's table and spec, and bad input."""

from __future__ import annotations

import hashlib
import io

import numpy as np
import pyarrow.parquet as pq
import pytest

import cairn


def _data(plot: cairn.sdk.media.plot.Plot) -> tuple[dict[str, object], dict[str, list[object]]]:
    staged: dict[str, bytes] = {}

    def stage(data: bytes) -> str:
        staged[hashlib.sha256(data).hexdigest()] = data
        return hashlib.sha256(data).hexdigest()

    meta = plot.encode(stage)
    return meta, pq.read_table(io.BytesIO(staged[str(meta["blob"])])).to_pydict()


def test_confusion_matrix_counts_every_pair() -> None:
    meta, data = _data(cairn.plot.confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], ["a", "b", "c"]))
    assert meta["spec"]["type"] == "confusion_matrix" and meta["spec"]["classes"] == ["a", "b", "c"]
    pairs = dict(
        zip(zip(data["Actual"], data["Predicted"], strict=True), data["Count"], strict=True)
    )
    assert len(pairs) == 9 and pairs[("b", "c")] == 1 and pairs[("b", "b")] == 1
    assert pairs[("a", "b")] == 0


def test_roc_and_pr_curves_per_class() -> None:
    truth = np.array([0, 1, 1, 0, 2, 2])
    probas = np.eye(3)[truth] * 0.8 + 0.05
    meta, data = _data(cairn.plot.roc_curve(truth, probas, labels=["x", "y", "z"]))
    assert meta["spec"] == {
        "type": "roc_curve",
        "x": "fpr",
        "y": "tpr",
        "series": "class",
        "title": None,
    }
    assert set(data["class"]) == {"x", "y", "z"} and max(data["tpr"]) == 1.0
    meta, data = _data(cairn.plot.pr_curve(truth, probas))
    assert meta["spec"]["x"] == "recall" and set(data["class"]) == {"0", "1", "2"}


def test_line_scatter_bar_histogram_name_columns() -> None:
    table = cairn.Table(columns=["x", "y"], data=[[0, 1.0], [1, 2.0]])
    for plot in (cairn.plot.line(table, "x", "y"), cairn.plot.scatter(table, "x", "y", "t")):
        assert plot.spec["x"] == "x"
    assert cairn.plot.bar(table, "x", "y").spec["type"] == "bar"
    assert cairn.plot.histogram(table, "y").spec == {
        "type": "histogram",
        "value": "y",
        "title": None,
    }


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: cairn.plot.line(cairn.Table(columns=["x"]), "x", "nope"),
            "y='nope' is not a column",
        ),
        (lambda: cairn.plot.confusion_matrix([0, 1], [0]), "2 labels but 1 predictions"),
        (lambda: cairn.plot.confusion_matrix([0.5], [1.0]), "integer class ids"),
        (lambda: cairn.plot.confusion_matrix([0, 3], [0, 1], ["a"]), "name every class"),
        (lambda: cairn.plot.roc_curve([0, 1], np.zeros((3, 2))), r"shape \(3, 2\)"),
    ],
)
def test_bad_input_says_what_to_fix(build: object, message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        build()  # type: ignore[operator]
