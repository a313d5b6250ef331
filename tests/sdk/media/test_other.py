"""``Text``, ``Html``, ``Audio`` (WAV), ``Video`` (GIF or a file as it is), ``Object3D``."""

from __future__ import annotations

import hashlib
import io
import json
import wave
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage

import cairn


class Staged(dict[str, bytes]):
    def __call__(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        self[digest] = data
        return digest


def test_text_and_html_are_inline() -> None:
    assert cairn.Text("hi").encode(Staged()) == {"text": "hi"}
    assert cairn.Html("<b>x</b>").encode(Staged()) == {"html": "<b>x</b>"}


def test_audio_array_becomes_wav() -> None:
    staged = Staged()
    meta = cairn.Audio(np.array([0.0, 1.0, -1.0, 0.5]), sample_rate=8000).encode(staged)
    with wave.open(io.BytesIO(staged[meta["blob"]])) as w:
        assert (w.getframerate(), w.getnchannels(), w.getnframes()) == (8000, 1, 4)
        frames = np.frombuffer(w.readframes(4), dtype="<i2")
    assert frames.tolist() == [0, 32767, -32767, 16384]
    assert meta["seconds"] == 4 / 8000 and meta["format"] == "wav"


def test_video_array_becomes_an_animated_gif() -> None:
    staged = Staged()
    frames = np.zeros((3, 3, 4, 5), dtype=np.uint8)  # T, C, H, W
    frames[1] = 255
    meta = cairn.Video(frames, fps=5).encode(staged)
    gif = PILImage.open(io.BytesIO(staged[meta["blob"]]))
    assert gif.format == "GIF" and gif.n_frames == 3 and gif.size == (5, 4)
    assert (meta["frames"], meta["fps"]) == (3, 5)


def test_files_are_kept_as_they_are(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42")
    staged = Staged()
    meta = cairn.Video(path).encode(staged)
    assert staged[meta["blob"]] == path.read_bytes() and meta["format"] == "mp4"


def test_object3d_points() -> None:
    staged = Staged()
    meta = cairn.Object3D(np.ones((4, 6))).encode(staged)
    assert meta["points"] == 4 and json.loads(staged[meta["blob"]])[0] == [1.0] * 6


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: cairn.Text(3), "takes a str"),
        (lambda: cairn.Audio(np.zeros(4)), "needs sample_rate="),
        (lambda: cairn.Audio(np.zeros((2, 2, 2)), 8000), "pass \\(samples,\\)"),
        (lambda: cairn.Video(np.zeros((2, 2, 2))), r"\(T, C, H, W\)"),
        (lambda: cairn.Video(np.zeros((2, 3, 2, 2)), fps=0), "fps=0"),
        (lambda: cairn.Object3D(np.zeros((4, 5))), r"\(N, 3\), \(N, 4\) or \(N, 6\)"),
        (lambda: cairn.Object3D(np.full((1, 3), np.nan)), "finite"),
        (lambda: cairn.Audio("/no/such.wav"), "cannot read"),
    ],
)
def test_bad_input_says_what_to_fix(build: object, message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        build()  # type: ignore[operator]
