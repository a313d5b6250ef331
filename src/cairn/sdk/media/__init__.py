"""Rich values for ``run.log``: images, histograms, tables, plots, text, audio, video, 3-D points."""

from __future__ import annotations

from cairn.sdk.media.base import Media
from cairn.sdk.media.histogram import Histogram

__all__ = ["Histogram", "Media"]
