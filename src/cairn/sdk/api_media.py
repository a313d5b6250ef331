"""Reading a run's logged media back in Python: ``ApiRun.media_keys()``, ``media(key)``,
``table(key, step=None)`` and ``histograms(key)``, through the Api's ``Reader``
(a store, or a team server).

A gallery (a list of media logged under one key at one step) gives one entry per item, numbered by
``index``. A value that failed to encode is an entry whose ``error`` says why, and has no bytes.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cairn.errors import MediaNotFoundError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from PIL import Image as PILImage

    from cairn.store import media as media_sql
    from cairn.store.models import RunInfo
    from cairn.store.reader import BlobReader, Reader

_PLAIN_COLUMNS = ("number", "bool", "string")


@dataclass(frozen=True)
class MediaKey:
    """A media key of a run: its ``kind`` (image, table, histogram...) and how many values."""

    key: str
    kind: str
    count: int


@dataclass(frozen=True)
class MediaEntry:
    """One logged media value: ``key``, ``step``, ``kind``, ``index`` (its place in a gallery, else
    0) and ``meta``, the metadata kept for it (``caption``, ``width``, ``masks``, ``boxes``...)."""

    key: str
    step: int
    kind: str
    index: int
    meta: dict[str, Any]
    _blobs: BlobReader = field(repr=False, compare=False)

    @property
    def caption(self) -> str | None:
        """The caption it was logged with, or None."""
        caption = self.meta.get("caption")
        return None if caption is None else str(caption)

    @property
    def error(self) -> str | None:
        """Why the value could not be encoded when it was logged, or None."""
        error = self.meta.get("error")
        return None if error is None else str(error)

    @property
    def blob(self) -> str | None:
        """The sha256 of its main bytes (PNG, Parquet, WAV...), or None (a histogram has none)."""
        blob = self.meta.get("blob")
        return blob if isinstance(blob, str) else None

    def bytes(self) -> bytes:
        """Its main bytes as logged: the PNG/JPEG of an image, the Parquet of a table..."""
        if self.blob is None:
            why = f"it failed to encode ({self.error})" if self.error else "it is kept inline"
            raise MediaNotFoundError(
                f"the {self.kind} {self.key!r} at step {self.step} has no bytes: {why}; "
                "read its values from .meta"
            )
        return self._blobs.get(self.blob)

    def image(self) -> PILImage.Image:
        """The image as a loaded PIL image."""
        if self.kind != "image":
            raise MediaNotFoundError(
                f"{self.key!r} at step {self.step} is a {self.kind}, not an image; "
                "use .bytes() for its raw bytes"
            )
        return _open_image(self.bytes())

    def mask(self, name: str) -> np.ndarray:
        """The class ids of the image's mask ``name`` as an (H, W) array."""
        import numpy as np

        masks = self.meta.get("masks") or {}
        if name not in masks:
            have = ", ".join(sorted(masks)) or "none"
            raise MediaNotFoundError(
                f"the {self.kind} {self.key!r} at step {self.step} has no mask {name!r}; "
                f"its masks: {have}"
            )
        return np.array(_open_image(self._blobs.get(masks[name]["blob"])))


@dataclass(frozen=True)
class HistogramStep:
    """A histogram logged at ``step``: ``counts`` per bin between ``edges`` (one more edge than
    counts), and the NaN, +Inf and -Inf values left out of the bins."""

    step: int
    counts: list[float]
    edges: list[float]
    nan: int = 0
    inf: int = 0
    ninf: int = 0


def _open_image(data: bytes) -> PILImage.Image:
    from PIL import Image as PILImage

    image = PILImage.open(io.BytesIO(data))
    image.load()
    return image


def media_keys(reader: Reader, run: RunInfo) -> list[MediaKey]:
    """The run's media keys, sorted."""
    found = reader.media_keys(run)
    return [MediaKey(k["key"], k["kind"], k["count"]) for k in found]


def _rows(reader: Reader, run: RunInfo, key: str, kind: str | None) -> list[media_sql.MediaEntry]:
    rows = reader.media_entries(run, key)
    if not rows:
        keys = media_keys(reader, run)
        have = ", ".join(f"{k.key} ({k.kind})" for k in keys) or "none: it logged no media"
        raise MediaNotFoundError(f"the run has no media key {key!r}; its media keys: {have}")
    if kind is not None and rows[0].kind != kind:
        raise MediaNotFoundError(
            f"{key!r} holds {rows[0].kind} values, not {kind}s; read it with run.media({key!r})"
        )
    return rows


def media(reader: Reader, run: RunInfo, key: str) -> list[MediaEntry]:
    """Every value logged under ``key``, by step, a gallery's items in order."""
    entries = []
    for row in _rows(reader, run, key, None):
        items = row.meta.get("items")
        metas = items if isinstance(items, list) else [row.meta]
        entries += [
            MediaEntry(row.key, row.step, row.kind, i, meta, reader.blobs)
            for i, meta in enumerate(metas)
        ]
    return entries


def table(reader: Reader, run: RunInfo, key: str, step: int | None = None) -> pd.DataFrame:
    """The table logged under ``key`` (the last version, or the one logged at ``step``) as a
    DataFrame; JSON and media cells come back as the dicts and lists they were stored as."""
    import pandas as pd

    from cairn.store.media_tables import read_table

    rows = _rows(reader, run, key, "table")
    if step is not None:
        at = [r for r in rows if r.step == step]
        if not at:
            steps = ", ".join(str(s) for s in dict.fromkeys(r.step for r in rows))
            raise MediaNotFoundError(
                f"no table {key!r} was logged at step {step}; it was logged at steps {steps}"
            )
        rows = at
    row = rows[-1]
    if not row.blob:
        raise MediaNotFoundError(
            f"the table {key!r} at step {row.step} has no data: "
            f"{row.meta.get('error', 'it was not stored')}"
        )
    arrow = read_table(reader.blobs, row.blob)
    frame: pd.DataFrame = arrow.to_pandas()
    for name, kind in (row.meta.get("types") or {}).items():
        if kind not in _PLAIN_COLUMNS and name in frame.columns:
            cells = arrow.column(name).to_pylist()
            frame[name] = pd.Series(
                [None if v is None else json.loads(v) for v in cells], dtype=object
            )
    return frame


def histograms(reader: Reader, run: RunInfo, key: str) -> list[HistogramStep]:
    """Every histogram logged under ``key``, by step, with its own bins."""
    return [
        HistogramStep(
            step=row.step,
            counts=list(row.meta["counts"]),
            edges=list(row.meta["edges"]),
            nan=int(row.meta.get("nan", 0)),
            inf=int(row.meta.get("inf", 0)),
            ninf=int(row.meta.get("ninf", 0)),
        )
        for row in _rows(reader, run, key, "histogram")
        if "counts" in row.meta
    ]
