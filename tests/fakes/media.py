"""Two runs that log some of every media kind, for the media API and dashboard tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

import cairn


@dataclass(frozen=True)
class MediaRuns:
    store_dir: Path
    first: str
    second: str


def _image(step: int, shift: int) -> cairn.Image:
    pixels = np.full((32, 32, 3), 40, dtype=np.uint8)
    pixels[8:24, 8 + shift : 24 + shift] = 220
    mask = np.zeros((32, 32), dtype=np.uint8)
    mask[8:24, 8 + shift : 24 + shift] = 1
    mask[0:4, 0:32] = 2
    return cairn.Image(
        pixels,
        caption=f"step {step}",
        masks={"predictions": {"mask_data": mask, "class_labels": {1: "ink", 2: "edge"}}},
        boxes={
            "predictions": {
                "box_data": [
                    {
                        "position": {"minX": 8 + shift, "maxX": 24 + shift, "minY": 8, "maxY": 24},
                        "domain": "pixel",
                        "class_id": 1,
                        "box_caption": "ink 0.90",
                        "scores": {"score": 0.9},
                    },
                    {
                        "position": {"middle": [0.5, 0.5], "width": 0.2, "height": 0.2},
                        "class_id": 2,
                        "box_caption": "edge 0.30",
                        "scores": {"score": 0.3},
                    },
                ],
                "class_labels": {1: "ink", 2: "edge"},
            }
        },
    )


def log_media_runs(store_dir: Path) -> MediaRuns:
    ids = []
    for index, name in enumerate(("media-a", "media-b")):
        run = cairn.init(project="media", dir=store_dir, name=name)
        rng = np.random.default_rng(index)
        for step in range(5):
            run.log(
                {
                    "loss": 1.0 / (step + 1),
                    "gradients/fc1": cairn.Histogram(rng.normal(0, 1 + step, 500)),
                    "gradients/fc1/norm": float(step + 1),
                    "samples": _image(step, step + index),
                }
            )
        table = cairn.Table(columns=["id", "label", "score", "img"])
        for i in range(6):
            pixels = np.full((8, 8), i * 40, dtype=np.uint8)
            table.add_data(
                i, ["cat", "dog"][i % 2], round(0.1 * i + 0.05 * index, 3), cairn.Image(pixels)
            )
        truth = np.array([0, 1, 2, 2, 1, 0])
        run.log(
            {
                "predictions": table,
                "confusion": cairn.plot.confusion_matrix(
                    truth, (truth + index) % 3, ["a", "b", "c"]
                ),
                "roc": cairn.plot.roc_curve(truth, np.eye(3)[truth] * 0.7 + 0.1),
                "gallery": [_image(0, 0), _image(1, 4)],
                "notes": cairn.Html("<b>bold</b><script>window.hacked = 1</script>"),
            }
        )
        run.finish(quiet=True)
        ids.append(run.id)
    return MediaRuns(store_dir, ids[0], ids[1])
