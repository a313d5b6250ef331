"""W&B's media classes with their keyword names, as Cairn media (the same objects ``cairn.log``
takes). A mask class id missing from ``class_labels`` is named ``class N``, as W&B shows it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cairn.compat.wandb import notices
from cairn.sdk.media import Audio
from cairn.sdk.media import Histogram as CairnHistogram
from cairn.sdk.media import Html as CairnHtml
from cairn.sdk.media import Image as CairnImage
from cairn.sdk.media import Object3D as CairnObject3D
from cairn.sdk.media import Table as CairnTable
from cairn.sdk.media import Video as CairnVideo

__all__ = ["Audio", "Histogram", "Html", "Image", "Object3D", "Table", "Video"]


class Image(CairnImage):
    """``wandb.Image(data_or_path, mode=, caption=, grouping=, classes=, boxes=, masks=,
    file_type=, normalize=)``."""

    def __init__(
        self,
        data_or_path: Any,
        mode: str | None = None,
        caption: str | None = None,
        grouping: int | None = None,
        classes: Any = None,
        boxes: Mapping[str, Mapping[str, Any]] | None = None,
        masks: Mapping[str, Mapping[str, Any]] | None = None,
        file_type: str | None = None,
        normalize: bool = True,
    ) -> None:
        if grouping is not None:
            notices.once("grouping", "Image(grouping=) is ignored")
        if file_type not in (None, "png"):
            notices.once("file_type", f"Image(file_type={file_type!r}): arrays are kept as PNG")
        super().__init__(
            data_or_path,
            caption=caption,
            masks=_named_masks(masks),
            boxes=boxes,
            classes=classes,
            mode=mode,
        )


def _named_masks(masks: Any) -> Any:
    """Each mask's ``class_labels`` completed with ``class N`` for ids its data holds."""
    if not isinstance(masks, Mapping):
        return masks
    import numpy as np

    out = {}
    for name, spec in masks.items():
        labels = spec.get("class_labels") if isinstance(spec, Mapping) else None
        if isinstance(labels, Mapping) and labels and "mask_data" in spec:
            ids = np.unique(np.asarray(spec["mask_data"])).tolist()
            known = {int(k) for k in labels}
            extra = {int(i): f"class {int(i)}" for i in ids if int(i) not in known and i != 0}
            spec = {**spec, "class_labels": {**{int(k): v for k, v in labels.items()}, **extra}}
        out[name] = spec
    return out


class Histogram(CairnHistogram):
    """``wandb.Histogram(sequence=, np_histogram=, num_bins=64)``."""

    def __init__(
        self,
        sequence: Any = None,
        np_histogram: tuple[Any, Any] | None = None,
        num_bins: int = 64,
    ) -> None:
        super().__init__(sequence, np_histogram=np_histogram, num_bins=num_bins)


class Table(CairnTable):
    """``wandb.Table(columns=, data=, rows=, dataframe=, dtype=, optional=, allow_mixed_types=)``."""

    def __init__(
        self,
        columns: Sequence[str] | None = None,
        data: Sequence[Sequence[Any]] | None = None,
        rows: Sequence[Sequence[Any]] | None = None,
        dataframe: Any = None,
        dtype: Any = None,
        optional: Any = True,
        allow_mixed_types: bool = False,
        log_mode: str | None = None,
    ) -> None:
        super().__init__(
            columns=columns, data=data if data is not None else rows, dataframe=dataframe
        )

    def get_column(self, name: str, convert_to: str | None = None) -> list[Any]:
        """The values of column ``name``, top to bottom."""
        index = self.columns.index(name)
        values = [row[index] for row in self.data]
        if convert_to == "numpy":
            import numpy as np

            return np.array(values)  # type: ignore[return-value]
        return values

    def iterrows(self) -> Any:
        """``(index, row)`` pairs."""
        return enumerate(self.data)


class Video(CairnVideo):
    """``wandb.Video(data_or_path, caption=, fps=, format=)``; arrays are kept as GIF."""

    def __init__(
        self,
        data_or_path: Any,
        caption: str | None = None,
        fps: int | None = None,
        format: str | None = None,
    ) -> None:
        if format not in (None, "gif") and not isinstance(data_or_path, str):
            notices.once("video-format", f"Video(format={format!r}): frames are kept as a GIF")
        super().__init__(data_or_path, fps=fps or 4, caption=caption)


class Html(CairnHtml):
    """``wandb.Html(data, inject=True)``: a string or an open file; the dashboard sanitizes it."""

    def __init__(self, data: Any, inject: bool = True, data_is_not_path: bool = False) -> None:
        super().__init__(data.read() if hasattr(data, "read") else str(data))


class Object3D(CairnObject3D):
    """``wandb.Object3D(data_or_path, caption=)``; W&B's other options (boxes, vectors) are
    accepted and warned once."""

    def __init__(self, data_or_path: Any, caption: str | None = None, **options: Any) -> None:
        if options:
            notices.once("object3d", f"Object3D({', '.join(options)}=...) is ignored")
        super().__init__(data_or_path, caption=caption)
