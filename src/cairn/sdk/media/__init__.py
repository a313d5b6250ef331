"""Rich values for ``run.log``: images, histograms, tables, plots, text, audio, video, 3-D points."""

from __future__ import annotations

from cairn.sdk.media import plot
from cairn.sdk.media.base import Media
from cairn.sdk.media.histogram import Histogram
from cairn.sdk.media.image import Image
from cairn.sdk.media.other import Audio, Html, Object3D, Text, Video
from cairn.sdk.media.table import Table

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
