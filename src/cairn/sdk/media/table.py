"""``cairn.Table``: rows and columns (cells may hold images and other media), stored as Parquet.

Rows are copied when added; the writer thread encodes media cells (staging their bytes) and writes
the Parquet file. A media cell becomes a JSON string ``{"_type": "image", "blob": ..., ...}`` in a
column whose type the metadata names, so readers draw it as a thumbnail.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from typing import Any

from cairn.sdk.media.base import Media, Stage

MAX_ROWS = 200_000


def _cell(value: Any) -> Any:
    """A copy of one cell as a plain value (numbers from numpy/torch scalars), or a media object."""
    if value is None or isinstance(value, (str, bool, int, float, Media)):
        return value
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "shape", ()) in ((), (1,)):
        return item()
    if isinstance(value, (list, tuple, dict)):
        return json.loads(json.dumps(value, default=str))
    return str(value)


class Table(Media):
    """``Table(columns=[...], data=[[...], ...])`` or ``Table(dataframe=df)``; grow it with
    ``add_data(*row)`` and ``add_column(name, values)``."""

    kind = "table"

    def __init__(
        self,
        columns: Sequence[str] | None = None,
        data: Sequence[Sequence[Any]] | None = None,
        dataframe: Any = None,
    ) -> None:
        if dataframe is not None:
            if columns is not None or data is not None:
                raise ValueError("Table takes dataframe= alone, or columns= and data=")
            columns = [str(c) for c in dataframe.columns]
            data = dataframe.itertuples(index=False, name=None)
        rows = [list(r) for r in data] if data is not None else []
        if columns is None:
            width = len(rows[0]) if rows else 0
            columns = [f"col{i}" for i in range(width)]
        self.columns: list[str] = []
        for name in columns:
            self._new_column(name)
        self.data: list[list[Any]] = []
        for row in rows:
            self.add_data(*row)

    def _new_column(self, name: Any) -> str:
        if not isinstance(name, str) or not name:
            raise ValueError(f"Table column name {name!r} must be a non-empty string")
        if name in self.columns:
            raise ValueError(f"Table column {name!r} appears twice; column names must be unique")
        self.columns.append(name)
        return name

    def add_data(self, *row: Any) -> None:
        """Append one row, a value per column."""
        if len(row) != len(self.columns):
            raise ValueError(
                f"Table row {len(self.data)} has {len(row)} values but the table has "
                f"{len(self.columns)} columns ({', '.join(self.columns)})"
            )
        if len(self.data) >= MAX_ROWS:
            raise ValueError(f"Table has {MAX_ROWS:,} rows, the limit; log another table")
        self.data.append([_cell(v) for v in row])

    def add_column(self, name: str, values: Sequence[Any]) -> None:
        """Add a column; ``values`` has one value per existing row."""
        values = list(values)
        if len(values) != len(self.data):
            raise ValueError(
                f"Table column {name!r} has {len(values)} values but the table has "
                f"{len(self.data)} rows"
            )
        self._new_column(name)
        for row, value in zip(self.data, values, strict=True):
            row.append(_cell(value))

    # ---- encoding, in the writer thread -------------------------------------------------

    def parquet(self, stage: Stage) -> tuple[bytes, dict[str, str]]:
        """The Parquet bytes and the type of each column (number, bool, string, json, or a media
        kind such as image)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        arrays = []
        types: dict[str, str] = {}
        for i, name in enumerate(self.columns):
            values = [row[i] for row in self.data]
            kinds = {type(v) for v in values if v is not None}
            media_kinds = {v.kind for v in values if isinstance(v, Media)}
            if media_kinds:
                types[name] = media_kinds.pop() if len(media_kinds) == 1 else "media"
                cells = [
                    json.dumps({"_type": v.kind, **v.encode(stage)})
                    if isinstance(v, Media)
                    else (None if v is None else json.dumps(v))
                    for v in values
                ]
                arrays.append(pa.array(cells, pa.string()))
            elif kinds <= {bool}:
                types[name] = "bool"
                arrays.append(pa.array(values, pa.bool_()))
            elif kinds <= {int} and all(v is None or abs(v) < 2**63 for v in values):
                types[name] = "number"
                arrays.append(pa.array(values, pa.int64()))
            elif kinds <= {int, float}:
                types[name] = "number"
                arrays.append(
                    pa.array([None if v is None else float(v) for v in values], pa.float64())
                )
            elif kinds <= {str}:
                types[name] = "string"
                arrays.append(pa.array(values, pa.string()))
            else:
                types[name] = "json"
                arrays.append(
                    pa.array([None if v is None else json.dumps(v, default=str) for v in values])
                )
        table = pa.table(arrays, names=self.columns) if self.columns else pa.table({})
        out = io.BytesIO()
        pq.write_table(table, out, compression="zstd")
        return out.getvalue(), types

    def encode(self, stage: Stage) -> dict[str, Any]:
        data, types = self.parquet(stage)
        return {
            "blob": stage(data),
            "format": "parquet",
            "columns": self.columns,
            "types": types,
            "rows": len(self.data),
        }

    def __repr__(self) -> str:
        return f"<cairn.Table {len(self.data)} rows x {len(self.columns)} columns>"
