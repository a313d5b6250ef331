"""``cairn.Table``: building rows and columns, dataframes, media cells, Parquet, and bad input."""

from __future__ import annotations

import hashlib
import io
import json

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import cairn
from cairn.sdk.media import table as table_module


class Staged(dict[str, bytes]):
    def __call__(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        self[digest] = data
        return digest


def _read(table: cairn.Table) -> tuple[dict[str, object], dict[str, list[object]], Staged]:
    staged = Staged()
    meta = table.encode(staged)
    return meta, pq.read_table(io.BytesIO(staged[meta["blob"]])).to_pydict(), staged


def test_rows_columns_and_types() -> None:
    table = cairn.Table(columns=["id", "score", "label", "ok"], data=[[1, 0.5, "cat", True]])
    table.add_data(np.int64(2), np.float32(0.25), "dog", False)
    table.add_column("extra", [{"a": 1}, None])
    meta, data, _ = _read(table)
    assert meta["rows"] == 2 and meta["columns"] == ["id", "score", "label", "ok", "extra"]
    assert meta["types"] == {
        "id": "number",
        "score": "number",
        "label": "string",
        "ok": "bool",
        "extra": "json",
    }
    assert data["id"] == [1, 2] and data["score"] == [0.5, 0.25] and data["ok"] == [True, False]
    assert data["extra"] == ['{"a": 1}', None]


def test_dataframe() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0], "name": ["a", "b"]})
    meta, data, _ = _read(cairn.Table(dataframe=frame))
    assert meta["columns"] == ["x", "name"] and data == {"x": [1.0, 2.0], "name": ["a", "b"]}


def test_image_cells_are_staged_and_named() -> None:
    table = cairn.Table(columns=["img", "label"])
    table.add_data(cairn.Image(np.zeros((2, 2), dtype=np.uint8)), "zero")
    meta, data, staged = _read(table)
    assert meta["types"]["img"] == "image"
    cell = json.loads(str(data["img"][0]))
    assert cell["_type"] == "image" and cell["blob"] in staged and cell["width"] == 2


def test_row_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(table_module, "MAX_ROWS", 2)
    table = cairn.Table(columns=["a"], data=[[1], [2]])
    with pytest.raises(ValueError, match="the limit"):
        table.add_data(3)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: cairn.Table(columns=["a", "a"]), "appears twice"),
        (lambda: cairn.Table(columns=["a"], data=[[1, 2]]), "has 2 values but the table has 1"),
        (lambda: cairn.Table(columns=[""]), "non-empty string"),
        (
            lambda: cairn.Table(columns=["a"]).add_column("b", [1]),
            "has 1 values but the table has 0",
        ),
        (lambda: cairn.Table(columns=["a"], dataframe=pd.DataFrame()), "dataframe= alone"),
    ],
)
def test_bad_input_says_what_to_fix(build: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build()  # type: ignore[operator]
