"""What every media type shares: built (and copied) in the caller's thread, encoded in the writer's.

A media object checks and copies its input when it is constructed, so ``run.log`` only has to
enqueue it. The writer thread later calls ``encode(stage)``: it turns the object into bytes, stages
them (``stage(data) -> sha256``) and returns the JSON metadata the store keeps. ``stage`` writes
``runs/<id>/files/<sha256>``, which a syncer puts to the sink before the record that names it.
"""

from __future__ import annotations

import io
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import Any

Stage = Callable[[bytes], str]
"""Stages bytes for upload; returns their sha256 hex digest."""


class Media(ABC):
    """Base of every loggable media type (``Image``, ``Histogram``, ``Table``, ...)."""

    kind: str = "media"

    @abstractmethod
    def encode(self, stage: Stage) -> dict[str, Any]:
        """The metadata the store keeps; digests of staged bytes go under ``blob``/``blobs``."""


def array_of(data: Any, what: str) -> Any:
    """``data`` as a numpy array (a copy), from numpy, torch tensors, lists or PIL images."""
    import numpy as np

    detach = getattr(data, "detach", None)
    if callable(detach):  # torch
        data = detach().cpu().numpy()
    try:
        array = np.array(data, copy=True)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what}: cannot read {type(data).__name__} as an array ({exc})") from None
    if array.dtype == object:
        raise TypeError(
            f"{what}: the data is ragged or holds objects ({type(data).__name__}); "
            "pass a numeric array"
        )
    return array


def read_file(path: str | Path, what: str) -> bytes:
    """The bytes of a file the user named, or a clear error."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ValueError(f"{what}: cannot read {str(path)!r}: {exc.strerror or exc}") from None


def png_bytes(array: Any, mode: str | None = None) -> bytes:
    """PNG encoding of a uint8/uint16 array (Pillow); runs in the writer thread."""
    from PIL import Image as PILImage

    image = PILImage.fromarray(array, mode=mode) if mode else PILImage.fromarray(array)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()
