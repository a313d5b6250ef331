"""``cairn.Image``: every accepted input, masks and boxes in W&B's format, and bad input."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from PIL import Image as PILImage

import cairn


class Staged(dict[str, bytes]):
    """A stage function that keeps what it was given."""

    def __call__(self, data: bytes) -> str:
        import hashlib

        digest = hashlib.sha256(data).hexdigest()
        self[digest] = data
        return digest


def _decoded(image: cairn.Image) -> tuple[dict[str, Any], np.ndarray, Staged]:
    staged = Staged()
    meta = image.encode(staged)
    return meta, np.array(PILImage.open(io.BytesIO(staged[meta["blob"]]))), staged


def test_uint8_hwc_round_trips_exactly() -> None:
    pixels = np.random.default_rng(0).integers(0, 256, (5, 7, 3), dtype=np.uint8)
    meta, decoded, _ = _decoded(cairn.Image(pixels, caption="c"))
    assert (meta["width"], meta["height"], meta["caption"], meta["format"]) == (7, 5, "c", "png")
    assert np.array_equal(decoded, pixels)


def test_chw_floats_are_transposed_and_scaled() -> None:
    chw = np.zeros((3, 4, 6), dtype=np.float32)
    chw[0] = 1.0  # red
    meta, decoded, _ = _decoded(cairn.Image(chw))
    assert decoded.shape == (4, 6, 3) and (meta["width"], meta["height"]) == (6, 4)
    assert decoded[0, 0].tolist() == [255, 0, 0]


def test_floats_outside_unit_range_are_stretched_and_grayscale_kept() -> None:
    _, decoded, _ = _decoded(cairn.Image(np.array([[-1.0, 1.0]])))
    assert decoded.tolist() == [[0, 255]]


def test_torch_pil_and_path_inputs(tmp_path: Path) -> None:
    _, decoded, _ = _decoded(cairn.Image(torch.ones(1, 2, 3)))
    assert decoded.shape == (2, 3) and decoded.max() == 255
    pil = PILImage.new("RGB", (3, 2), (0, 128, 0))
    _, decoded, _ = _decoded(cairn.Image(pil))
    assert decoded[1, 2].tolist() == [0, 128, 0]
    path = tmp_path / "x.jpg"
    pil.save(path)
    meta, _, staged = _decoded(cairn.Image(path))
    assert meta["format"] == "jpeg" and staged[meta["blob"]] == path.read_bytes()


def test_data_is_copied_when_built() -> None:
    pixels = np.zeros((2, 2), dtype=np.uint8)
    image = cairn.Image(pixels)
    pixels[:] = 9
    _, decoded, _ = _decoded(image)
    assert decoded.max() == 0


def test_masks_are_staged_as_png_with_their_labels() -> None:
    mask = np.zeros((4, 4), dtype=np.int64)
    mask[1:3, 1:3] = 2
    image = cairn.Image(
        np.zeros((4, 4, 3)),
        masks={"predictions": {"mask_data": mask, "class_labels": {2: "spleen"}}},
    )
    meta, _, staged = _decoded(image)
    entry = meta["masks"]["predictions"]
    assert entry["class_labels"] == {"2": "spleen"}
    assert np.array_equal(np.array(PILImage.open(io.BytesIO(staged[entry["blob"]]))), mask)


def test_boxes_in_both_position_forms_become_pixels() -> None:
    boxes = {
        "predictions": {
            "box_data": [
                {
                    "position": {"minX": 0.1, "maxX": 0.5, "minY": 0.0, "maxY": 1.0},
                    "class_id": 1,
                    "box_caption": "cat 0.9",
                    "scores": {"score": 0.9},
                },
                {
                    "position": {"middle": [5, 5], "width": 4, "height": 2},
                    "domain": "pixel",
                    "class_id": 1,
                },
            ],
            "class_labels": {1: "cat"},
        }
    }
    meta, _, _ = _decoded(cairn.Image(np.zeros((10, 20)), boxes=boxes))
    first, second = meta["boxes"]["predictions"]["boxes"]
    assert first == {
        "minX": 2.0,
        "maxX": 10.0,
        "minY": 0.0,
        "maxY": 10.0,
        "class_id": 1,
        "caption": "cat 0.9",
        "scores": {"score": 0.9},
    }
    assert (second["minX"], second["maxX"], second["minY"], second["maxY"]) == (3, 7, 4, 6)
    assert meta["boxes"]["predictions"]["class_labels"] == {"1": "cat"}


def _box(**position: float) -> dict[str, Any]:
    return {"predictions": {"box_data": [{"position": position, "domain": "pixel"}]}}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"data": np.zeros((2, 2, 2, 2, 2))}, r"shape \(2, 2, 2, 2, 2\)"),
        ({"data": np.zeros((5, 4, 6))}, "with C of 1, 3 or 4"),
        ({"data": np.zeros((0, 4))}, "is empty"),
        ({"data": np.full((2, 2), 300, dtype=np.int32)}, "must be in 0..255"),
        ({"data": "/no/such/file.png"}, "cannot read"),
        ({"data": [["a"]]}, "not numeric"),
        (
            {"data": np.zeros((4, 4)), "masks": {"p": {"mask_data": np.zeros((3, 4))}}},
            r"shape \(3, 4\) but the image is 4x4",
        ),
        ({"data": np.zeros((4, 4)), "masks": {"p": {}}}, "mask_data"),
        (
            {"data": np.zeros((4, 4)), "masks": {"p": {"mask_data": np.zeros((4, 4, 1))}}},
            "must be 2-D",
        ),
        (
            {
                "data": np.zeros((4, 4)),
                "masks": {"p": {"mask_data": np.full((4, 4), 3), "class_labels": {1: "a"}}},
            },
            r"class ids \[3\] missing from its class_labels",
        ),
        ({"data": np.zeros((4, 4)), "boxes": _box(minX=0, maxX=1, minY=0)}, "misses 'maxY'"),
        (
            {"data": np.zeros((4, 4)), "boxes": _box(middle=1, width=1, height=1)},
            "must hold numbers",
        ),
        (
            {
                "data": np.zeros((4, 4)),
                "boxes": {
                    "p": {
                        "box_data": [
                            {
                                "position": {"minX": 0, "maxX": 1, "minY": 0, "maxY": 1},
                                "class_id": 7,
                            }
                        ],
                        "class_labels": {1: "cat"},
                    }
                },
            },
            "class_id 7, which is not in class_labels",
        ),
        (
            {
                "data": np.zeros((4, 4)),
                "boxes": {
                    "p": {
                        "box_data": [
                            {
                                "position": {"minX": 0, "maxX": 1, "minY": 0, "maxY": 1},
                                "domain": "mm",
                            }
                        ]
                    }
                },
            },
            "domain 'mm'",
        ),
        ({"data": np.zeros((4, 4)), "boxes": {"p": {}}}, "box_data"),
    ],
)
def test_bad_input_says_what_to_fix(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        cairn.Image(**kwargs)
