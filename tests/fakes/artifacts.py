"""A small lineage logged with the real SDK: a dataset made by one run, used by two training
runs that each log a model, the better one aliased ``best`` and used by an evaluation run."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from PIL import Image

import cairn


@dataclass(frozen=True)
class Lineage:
    store_dir: Path
    prepare: str
    train: list[str]
    evaluate: str


def log_lineage(store_dir: Path, project: str = "lineage") -> Lineage:
    files = store_dir.parent / "lineage-files"
    (files / "images").mkdir(parents=True, exist_ok=True)
    (files / "train.csv").write_text("pixel0,pixel1,label\n0,16,3\n5,9,7\n12,0,1\n")
    (files / "README.txt").write_text("Digits, 8x8, split 80/20.\n")
    pq.write_table(pa.table({"label": [3, 7, 1], "weight": [0.5, 1.0, 2.0]}), files / "val.parquet")
    image = io.BytesIO()
    Image.new("RGB", (16, 16), (30, 120, 200)).save(image, format="PNG")
    (files / "images" / "digit0.png").write_bytes(image.getvalue())

    with cairn.init(project=project, dir=store_dir, name="prepare-data", job_type="data") as prep:
        data = cairn.Artifact(
            "digits", type="dataset", description="train/val split", metadata={"rows": 3}
        )
        data.add_file(files / "train.csv")
        data.add_file(files / "val.parquet")
        data.add_file(files / "README.txt")
        data.add_dir(files / "images", name="images")
        prep.log_artifact(data)
    train = []
    for i, acc in enumerate((0.81, 0.93)):
        with cairn.init(project=project, dir=store_dir, name=f"train-{i}") as run:
            run.use_artifact("digits:latest")
            run.log({"acc": acc})
            weights = files / f"weights-{i}.bin"
            weights.write_bytes(bytes([i]) * 256)
            model = cairn.Artifact("mlp", type="model", metadata={"acc": acc})
            model.add_file(weights, name="model.pt")
            run.log_artifact(model, aliases=["best"] if i == 1 else [])
            train.append(run.id)
    with cairn.init(project=project, dir=store_dir, name="evaluate", job_type="eval") as ev:
        ev.use_artifact("mlp:best")
        ev.use_artifact("digits:v0")
    return Lineage(store_dir, prep.id, train, ev.id)
