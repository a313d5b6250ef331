"""A segmentation script's media as W&B users log them: masks (one class id missing from
``class_labels``), boxes, a table of images, a histogram from ``np.histogram``, a video, a line
series."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from tests.compat.conftest import Script

import cairn

SEGMENT = """
import numpy as np
import cairn.compat.wandb as wandb

run = wandb.init(project="seg", config={"classes": 3})
labels = {0: "background", 1: "road", 2: "car"}
rng = np.random.default_rng(0)
table = wandb.Table(columns=["id", "image", "iou"])
for step in range(2):
    pixels = rng.integers(0, 255, (16, 24, 3), dtype=np.uint8)
    mask = np.zeros((16, 24), dtype=np.uint8)
    mask[2:8, 3:9] = 1
    mask[10:14, 10:20] = 7          # not in class_labels: W&B shows "class 7"
    image = wandb.Image(
        pixels,
        caption=f"sample {step}",
        masks={"predictions": {"mask_data": mask, "class_labels": labels},
               "ground_truth": {"mask_data": (mask > 0).astype(np.uint8), "class_labels": labels}},
        boxes={"predictions": {"box_data": [{"position": {"minX": 0.1, "maxX": 0.4, "minY": 0.1, "maxY": 0.5},
                                             "class_id": 2, "box_caption": "car", "scores": {"conf": 0.9}}],
                               "class_labels": labels}},
        grouping=3,
        file_type="jpg",
    )
    table.add_data(step, image, 0.5 + step / 10)
    wandb.log({"examples": image, "gallery": [image, image], "val/iou": 0.5 + step / 10})
counts, edges = np.histogram(rng.normal(size=500), bins=20)
frames = rng.integers(0, 255, (5, 3, 8, 8), dtype=np.uint8)
wandb.log({
    "samples": table,
    "logit_hist": wandb.Histogram(np_histogram=(counts, edges)),
    "seq_hist": wandb.Histogram(sequence=[1, 2, 2, 3, 3, 3], num_bins=3),
    "rollout": wandb.Video(frames, fps=2, format="mp4", caption="rollout"),
    "curves": wandb.plot.line_series(xs=[0, 1, 2], ys=[[1, 2, 3], [3, 2, 1]], keys=["up", "down"], title="c", xname="step"),
    "rows_table": wandb.Table(columns=["a", "b"], rows=[[1, "x"], [2, "y"]]),
})
wandb.finish()
print("RUN", run.id)
"""


def test_segmentation_media_are_kept(script: Script, store_dir: Path) -> None:
    run_id = script(SEGMENT).stdout.split("RUN ")[1].split()[0]
    run = cairn.Api().run(f"seg/{run_id}")

    images = run.media("examples")
    assert [m.step for m in images] == [0, 1]
    assert [m.caption for m in images] == ["sample 0", "sample 1"]
    first = images[0]
    assert first.image().size == (24, 16)
    predicted = first.mask("predictions")
    assert predicted[12, 15] == 7 and predicted[3, 4] == 1
    masks = first.meta["masks"]
    assert masks["predictions"]["class_labels"]["7"] == "class 7"
    assert masks["predictions"]["class_labels"]["2"] == "car"
    boxes = first.meta["boxes"]["predictions"]["boxes"]
    assert len(boxes) == 1
    assert len(run.media("gallery")) == 4

    samples = run.table("samples")
    assert list(samples["id"]) == [0, 1]
    assert list(samples["iou"]) == [0.5, 0.6]
    assert all(cell["_type"] == "image" for cell in samples["image"])
    rows = run.table("rows_table")
    assert list(rows["a"]) == [1, 2] and list(rows["b"]) == ["x", "y"]

    (hist,) = run.histograms("logit_hist")
    assert sum(hist.counts) == 500 and len(hist.edges) == 21
    (seq,) = run.histograms("seq_hist")
    assert seq.counts == [1.0, 2.0, 3.0]
    (video,) = run.media("rollout")
    assert video.kind == "video" and video.caption == "rollout"
    (curves,) = run.media("curves")
    assert curves.meta["spec"]["series"] == "key"
    assert np.allclose(run.history()["val/iou"].dropna(), [0.5, 0.6])
