"""Rich values for ``run.log``: images, histograms, tables, plots, text, audio, video, 3-D points.

Each type loads at its first use (``cairn.Image``, ``from cairn.sdk.media import Table``): a
run that logs numbers, and ``cairn.init()`` itself, load none of them (``Media``, their base
class, is all that ``log()`` needs to tell them from numbers)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cairn.sdk.media import plot
    from cairn.sdk.media.base import Media
    from cairn.sdk.media.histogram import Histogram
    from cairn.sdk.media.image import Image
    from cairn.sdk.media.other import Audio, Html, Object3D, Text, Video
    from cairn.sdk.media.table import Table

_MODULES = {
    "Audio": "other",
    "Histogram": "histogram",
    "Html": "other",
    "Image": "image",
    "Media": "base",
    "Object3D": "other",
    "Table": "table",
    "Text": "other",
    "Video": "other",
}


def __getattr__(name: str) -> Any:
    if name == "plot":
        return importlib.import_module(f"{__name__}.plot")
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = [
    "Audio",
    "Histogram",
    "Html",
    "Image",
    "Media",
    "Object3D",
    "Table",
    "Text",
    "Video",
    "plot",
]
