"""The fixed workspaces of the dashboard benchmark (bench_workspace.py), built into a store folder.

- ``demo_like``: 15 runs logged through the SDK as examples/digits.py logs them (no torch): 10
  metric keys, images with masks and boxes, histograms of 3 layers over the steps, one table with
  image cells and one confusion matrix.
- ``large``: 1,000 runs of 20 metric keys; 980 applied straight to the store (fast), the last 20
  logged through the SDK with the same metrics plus 6 media keys (two image keys, two histogram
  keys, a table, a confusion matrix).
- ``wide``: 20 runs of 2,000 metric names in 40 sections of 50 (``layer00/metric_00`` ...), 50
  steps each, applied straight to the store: issue 17's 2,000 metric names, with fewer runs than
  its 100,000 (the workspace draws the runs the table shows, 50 by default, whatever the project
  holds).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from bench_api import apply_many

import cairn
from cairn.journal.records import History, Record, RunFinish, RunStart
from cairn.store import Store


@dataclass(frozen=True)
class Workspace:
    """What a built workspace holds, for the benchmark's table and for tests."""

    project: str
    runs: int
    metric_keys: tuple[str, ...]
    media_keys: tuple[str, ...]
    media_runs: int
    """How many of the runs logged the media keys."""


DEMO = Workspace(
    project="bench-demo",
    runs=15,
    metric_keys=(
        "train/loss",
        "train/acc",
        "train/lr",
        "train/grad_norm",
        "val/loss",
        "val/acc",
        "val/f1",
        "val/precision",
        "val/recall",
        "epoch",
    ),
    media_keys=(
        "val/samples",
        "parameters/layer0.weight",
        "parameters/layer1.weight",
        "parameters/layer2.weight",
        "predictions",
        "val/confusion_matrix",
    ),
    media_runs=15,
)
DEMO_STEPS = 300

LARGE = Workspace(
    project="bench-large",
    runs=1_000,
    metric_keys=tuple(f"{section}/metric_{i}" for section in ("train", "val") for i in range(10)),
    media_keys=(
        "media/samples",
        "media/segmentation",
        "parameters/layer0.weight",
        "parameters/layer1.weight",
        "predictions",
        "val/confusion_matrix",
    ),
    media_runs=20,
)
LARGE_STEPS = 200

WIDE = Workspace(
    project="bench-wide",
    runs=20,
    metric_keys=tuple(f"layer{s:02d}/metric_{i:02d}" for s in range(40) for i in range(50)),
    media_keys=(),
    media_runs=0,
)
WIDE_STEPS = 50

CLASSES = [str(d) for d in range(10)]
_NO_CAPTURE = cairn.Settings(
    capture_git=False,
    save_code=False,
    capture_env=False,
    capture_console=False,
    system_metrics=False,
)


def _curve(step: int, run: int, k: int) -> float:
    """A decaying, slightly jagged curve, different for each run and key."""
    return math.exp(-step / (50 + run % 40)) + 0.01 * ((step * (k + 1) + run) % 7)


def _image(rng: np.random.Generator, masked: bool) -> cairn.Image:
    """A 32x32 digit-like image; with ``masked``, its ink masked by a class and boxed."""
    pixels = np.kron(rng.random((8, 8)), np.ones((4, 4)))
    if not masked:
        return cairn.Image(pixels, caption="sample")
    cls = int(rng.integers(1, 11))
    ink = pixels > 0.5
    labels = {c: CLASSES[c - 1] for c in range(1, 11)}
    box = {
        "position": {"minX": 4, "maxX": 28, "minY": 4, "maxY": 28},
        "domain": "pixel",
        "class_id": cls,
        "box_caption": f"{cls - 1}",
    }
    return cairn.Image(
        pixels,
        caption=f"predicted {cls - 1}",
        masks={"predictions": {"mask_data": ink * cls, "class_labels": labels}},
        boxes={"predictions": {"box_data": [box], "class_labels": labels}},
    )


def _log_run(
    store_dir: Path, workspace: Workspace, index: int, steps: int, rng: np.random.Generator
) -> None:
    """One run through the SDK: every metric key each step; histograms every 30 steps, images
    every 100 steps and at the end, a table and a confusion matrix at the end."""
    image_keys = [k for k in workspace.media_keys if k.endswith(("samples", "segmentation"))]
    layer_keys = [k for k in workspace.media_keys if k.startswith("parameters/")]
    config = {"lr": 10 ** -(1 + index % 4), "width": 32 * (1 + index % 8), "seed": index}
    with cairn.init(
        project=workspace.project,
        name=f"run-{index}",
        config=config,
        dir=store_dir,
        settings=_NO_CAPTURE,
    ) as run:
        for step in range(steps):
            values: dict[str, object] = {
                key: _curve(step, index, k) for k, key in enumerate(workspace.metric_keys)
            }
            if step % 30 == 0:
                for i, key in enumerate(layer_keys):
                    values[key] = cairn.Histogram(rng.normal(0, 1 / (1 + i + step / 100), 2_000))
            if step % 100 == 0 or step == steps - 1:
                for i, key in enumerate(image_keys):
                    values[key] = [_image(rng, masked=i == 0) for _ in range(8)]
            run.log(values, step=step)
        labels = rng.integers(0, 10, 200)
        preds = np.where(rng.random(200) < 0.8, labels, rng.integers(0, 10, 200))
        table = cairn.Table(columns=["id", "image", "label", "prediction", "correct"])
        for i in range(50):
            table.add_data(
                i,
                _image(rng, masked=False),
                int(labels[i]),
                int(preds[i]),
                bool(labels[i] == preds[i]),
            )
        run.log(
            {
                "predictions": table,
                "val/confusion_matrix": cairn.plot.confusion_matrix(labels, preds, CLASSES),
            },
            step=steps - 1,
        )


def _metric_records(
    workspace: Workspace, runs: range, steps: int
) -> Iterator[tuple[str, list[Record]]]:
    """Finished runs with every metric key at every step, as journal records."""
    t0 = 1_750_000_000.0
    for r in runs:
        run_id = f"run{r:05d}"
        records: list[Record] = [
            RunStart(
                seq=1,
                run_id=run_id,
                project=workspace.project,
                name=f"run-{r}",
                created_at=t0 + r,
                config={"lr": 10 ** -(1 + r % 4), "width": 32 * (1 + r % 8), "seed": r},
            )
        ]
        for step in range(steps):
            values = {key: _curve(step, r, k) for k, key in enumerate(workspace.metric_keys)}
            records.append(History(seq=step + 2, step=step, ts=t0 + r + step, values=values))
        records.append(RunFinish(seq=steps + 2, ts=t0 + r + steps))
        yield run_id, records


def build_demo_like(store_dir: Path) -> Workspace:
    """The demo-like workspace (DEMO), every run through the SDK."""
    rng = np.random.default_rng(0)
    for index in range(DEMO.runs):
        _log_run(store_dir, DEMO, index, DEMO_STEPS, rng)
    return DEMO


def build_large(store_dir: Path) -> Workspace:
    """The 1,000-run workspace (LARGE): metric-only runs straight into the store, the last
    ``media_runs`` through the SDK with the media keys too."""
    store = Store.local(store_dir)
    try:
        apply_many(
            store, _metric_records(LARGE, range(LARGE.runs - LARGE.media_runs), LARGE_STEPS), 100
        )
    finally:
        store.close()
    rng = np.random.default_rng(1)
    for index in range(LARGE.runs - LARGE.media_runs, LARGE.runs):
        _log_run(store_dir, LARGE, index, LARGE_STEPS, rng)
    return LARGE


def build_wide(store_dir: Path) -> Workspace:
    """The 2,000-metric workspace (WIDE), straight into the store."""
    store = Store.local(store_dir)
    try:
        apply_many(store, _metric_records(WIDE, range(WIDE.runs), WIDE_STEPS), 5)
    finally:
        store.close()
    return WIDE


def check_served(url: str, workspace: Workspace) -> None:
    """Raise unless the dashboard at ``url`` serves what ``workspace`` says it holds: its runs, its
    metric keys, and its media keys on the ``media_runs`` newest runs (the ones logged through
    the SDK)."""
    api = f"{url}/api/v1/projects/{workspace.project}"

    def answer(response: httpx.Response) -> Any:
        return response.raise_for_status().json()

    runs = answer(httpx.get(f"{api}/runs", params={"limit": max(1, workspace.media_runs)}))
    metric = answer(httpx.post(f"{api}/metric-keys", json={}))["keys"]
    ids = [run["id"] for run in runs["runs"]]
    media = answer(httpx.post(f"{api}/media-keys", json={"run_ids": ids}))["keys"]
    found = (runs["total"], set(workspace.metric_keys) <= set(metric), {m["key"] for m in media})
    wanted = (workspace.runs, True, set(workspace.media_keys))
    if found != wanted:
        raise RuntimeError(f"the {workspace.project} store holds {found}, not {wanted}")
