"""``cairn.Text``, ``Html``, ``Audio``, ``Video`` and ``Object3D``: the smaller media kinds.

Audio arrays become WAV (the stdlib ``wave`` module); video arrays become an animated GIF (Pillow:
there is no ffmpeg here), while a video file is stored as it is. Encoding runs in the writer thread.
"""

from __future__ import annotations

import io
import json
import wave
from pathlib import Path
from typing import Any

from cairn.sdk.media.base import Media, Stage, array_of, read_file

MAX_TEXT = 1_000_000


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} takes a str, not {type(value).__name__}")
    if len(value) > MAX_TEXT:
        raise ValueError(f"{what} is {len(value):,} characters; the limit is {MAX_TEXT:,}")
    return value


class Text(Media):
    """Plain text (kept inline, shown as is)."""

    kind = "text"

    def __init__(self, text: str) -> None:
        self.text = _text(text, "Text")

    def encode(self, stage: Stage) -> dict[str, Any]:
        return {"text": self.text}


class Html(Media):
    """An HTML fragment; the dashboard sanitizes it (DOMPurify) before showing it."""

    kind = "html"

    def __init__(self, html: str) -> None:
        self.html = _text(html, "Html")

    def encode(self, stage: Stage) -> dict[str, Any]:
        return {"html": self.html}


class Audio(Media):
    """Sound: an array of samples (1-D, or (samples, channels); floats in -1..1 or int16) with its
    ``sample_rate``, or an audio file's path (stored as it is)."""

    kind = "audio"

    def __init__(
        self, data: Any, sample_rate: int | None = None, caption: str | None = None
    ) -> None:
        import numpy as np

        self.caption = caption
        self._file: bytes | None = None
        self.samples: Any = None
        if isinstance(data, (str, Path)):
            self._file = read_file(data, "Audio")
            self.format = Path(data).suffix.lstrip(".").lower() or "bin"
            self.sample_rate = sample_rate
            return
        if isinstance(sample_rate, bool) or not isinstance(sample_rate, int) or sample_rate <= 0:
            raise ValueError("Audio from an array needs sample_rate=, a positive int (e.g. 16000)")
        array = array_of(data, "Audio")
        if array.ndim == 1:
            array = array[:, None]
        if array.ndim != 2 or array.shape[1] > 16:
            raise ValueError(
                f"Audio data has shape {tuple(array.shape)}; pass (samples,) or (samples, channels)"
            )
        if array.dtype.kind == "f":
            array = np.clip(np.nan_to_num(array), -1.0, 1.0)
            array = np.rint(array * 32767).astype("<i2")
        elif array.dtype.kind in "iu":
            array = array.astype("<i2")
        else:
            raise TypeError(f"Audio samples of type {array.dtype} are not numeric")
        self.samples = array
        self.sample_rate = sample_rate
        self.format = "wav"

    def encode(self, stage: Stage) -> dict[str, Any]:
        if self._file is not None:
            data = self._file
        else:
            out = io.BytesIO()
            with wave.open(out, "wb") as w:
                w.setnchannels(int(self.samples.shape[1]))
                w.setsampwidth(2)
                w.setframerate(int(self.sample_rate or 1))
                w.writeframes(self.samples.tobytes())
            data = out.getvalue()
        meta: dict[str, Any] = {"blob": stage(data), "format": self.format}
        if self.sample_rate:
            meta["sample_rate"] = self.sample_rate
        if self.samples is not None:
            meta["seconds"] = self.samples.shape[0] / self.sample_rate
        if self.caption:
            meta["caption"] = self.caption
        return meta


class Video(Media):
    """Frames as an array (T, C, H, W) (or (T, H, W, C)), uint8 or floats in 0..1, played at
    ``fps`` and stored as an animated GIF; or a video file's path, stored as it is."""

    kind = "video"

    def __init__(self, data: Any, fps: int = 4, caption: str | None = None) -> None:
        import numpy as np

        self.caption = caption
        self.fps = fps
        if isinstance(fps, bool) or not isinstance(fps, (int, float)) or not 0 < fps <= 100:
            raise ValueError(f"Video fps={fps!r}: use a number of frames per second in (0, 100]")
        self._file: bytes | None = None
        self.frames: Any = None
        if isinstance(data, (str, Path)):
            self._file = read_file(data, "Video")
            self.format = Path(data).suffix.lstrip(".").lower() or "bin"
            return
        array = array_of(data, "Video")
        if array.ndim != 4:
            raise ValueError(
                f"Video data has shape {tuple(array.shape)}; pass frames as (T, C, H, W)"
            )
        if array.shape[1] in (1, 3, 4) and array.shape[3] not in (1, 3, 4):
            array = np.transpose(array, (0, 2, 3, 1))
        if array.shape[3] not in (1, 3, 4):
            raise ValueError(f"Video frames have {array.shape[3]} channels; use 1, 3 or 4")
        if array.dtype.kind == "f":
            array = np.clip(np.rint(np.nan_to_num(array) * 255), 0, 255)
        self.frames = array.astype(np.uint8)
        self.format = "gif"

    def encode(self, stage: Stage) -> dict[str, Any]:
        if self._file is not None:
            data = self._file
            meta: dict[str, Any] = {"format": self.format}
        else:
            from PIL import Image as PILImage

            frames = [
                PILImage.fromarray(f[:, :, 0] if f.shape[2] == 1 else f).convert("RGB")
                for f in self.frames
            ]
            out = io.BytesIO()
            frames[0].save(
                out,
                format="GIF",
                save_all=True,
                append_images=frames[1:],
                duration=int(1000 / self.fps),
                loop=0,
            )
            data = out.getvalue()
            meta = {
                "format": "gif",
                "fps": self.fps,
                "frames": len(frames),
                "width": frames[0].width,
                "height": frames[0].height,
            }
        meta["blob"] = stage(data)
        if self.caption:
            meta["caption"] = self.caption
        return meta


class Object3D(Media):
    """A point cloud: an array (N, 3) of x, y, z, (N, 4) with a category, or (N, 6) with r, g, b;
    or a 3-D file's path (.obj, .glb, .gltf, .stl, .pts.json), stored as it is."""

    kind = "object3d"

    def __init__(self, data: Any, caption: str | None = None) -> None:
        import numpy as np

        self.caption = caption
        self._file: bytes | None = None
        self.points: Any = None
        if isinstance(data, (str, Path)):
            self._file = read_file(data, "Object3D")
            self.format = "".join(Path(data).suffixes).lstrip(".").lower() or "bin"
            return
        array = array_of(data, "Object3D")
        if array.ndim != 2 or array.shape[1] not in (3, 4, 6):
            raise ValueError(
                f"Object3D points have shape {tuple(array.shape)}; pass (N, 3), (N, 4) or (N, 6)"
            )
        if array.dtype.kind not in "biuf" or not np.isfinite(array).all():
            raise ValueError("Object3D points must be finite numbers")
        self.points = array.astype(np.float32)
        self.format = "pts.json"

    def encode(self, stage: Stage) -> dict[str, Any]:
        if self._file is not None:
            data = self._file
            meta: dict[str, Any] = {"format": self.format}
        else:
            data = json.dumps(self.points.round(5).tolist()).encode()
            meta = {"format": self.format, "points": int(self.points.shape[0])}
        meta["blob"] = stage(data)
        if self.caption:
            meta["caption"] = self.caption
        return meta
