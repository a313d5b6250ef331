"""The demo project: an MLP trained on scikit-learn's digits at several learning rates and widths.

Run it with `make demo` (or `python examples/digits.py`); it logs into $CAIRN_DIR or ./.cairn.
Every run logs per-batch training loss and accuracy and per-epoch validation curves, reads its
data from the `digits-split` dataset artifact and logs its weights as a `digits-mlp` model
artifact; the best model gets the alias `best`.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

import cairn

PROJECT = "digits"
LEARNING_RATES = (0.3, 0.1, 0.03)
WIDTHS = (32, 128)


def data(seed: int) -> tuple[torch.Tensor, ...]:
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    x_train, x_val, y_train, y_val = train_test_split(
        x, digits.target, test_size=0.2, random_state=seed, stratify=digits.target
    )
    return (
        torch.from_numpy(x_train),
        torch.from_numpy(x_val),
        torch.from_numpy(y_train),
        torch.from_numpy(y_val),
    )


# ---- artifacts: the dataset every run uses, the model each run logs ----------------------------

DATASET = "digits-split"
MODEL = "digits-mlp"


def log_dataset(seed: int = 0) -> None:
    """Version the train/val split once, from a small data-preparation run."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        cairn.init(
            project=PROJECT, name="prepare-data", job_type="data", tags=["demo-data"]
        ) as run,
    ):
        x_train, x_val, y_train, y_val = (t.numpy() for t in data(seed))
        np.savez(
            Path(tmp) / "split.npz", x_train=x_train, x_val=x_val, y_train=y_train, y_val=y_val
        )
        art = cairn.Artifact(
            DATASET,
            type="dataset",
            description="scikit-learn digits, scaled to [0, 1], stratified 80/20 split",
            metadata={"train": len(x_train), "val": len(x_val), "seed": seed},
        )
        art.add_file(Path(tmp) / "split.npz")
        run.log_artifact(art)


def used_dataset(run: cairn.Run) -> tuple[torch.Tensor, ...]:
    """The split, as this run's recorded input."""
    split = np.load(run.use_artifact(f"{DATASET}:latest").download() / "split.npz")
    return tuple(torch.from_numpy(split[k]) for k in ("x_train", "x_val", "y_train", "y_val"))


def log_model(run: cairn.Run, model: nn.Module, val_acc: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        torch.save(model.state_dict(), Path(tmp) / "model.pt")
        params = sum(p.numel() for p in model.parameters())
        art = cairn.Artifact(MODEL, type="model", metadata={"val/acc": val_acc, "params": params})
        art.add_file(Path(tmp) / "model.pt")
        run.log_artifact(art)


def mark_best_model() -> None:
    best = cairn.Api().runs(PROJECT, filter='"demo" in tags', order="-summary.val/acc", limit=1)
    models = best[0].logged_artifacts() if best else []
    if models:
        models[0].set_aliases(["best"])


# ---- training -------------------------------------------------------------------------------


def base_config(epochs: int, seed: int, data: tuple[torch.Tensor, ...]) -> dict[str, object]:
    """The config every run shares; a run adds ``lr`` and ``model.width`` (or a sweep does)."""
    return {
        "epochs": epochs,
        "batch_size": 64,
        "optimizer": "sgd",
        "momentum": 0.9,
        "seed": seed,
        "model": {"depth": 2, "activation": "relu"},
        "data": {"name": "sklearn-digits", "train": len(data[0]), "val": len(data[1])},
    }


def fit(run: cairn.Run, data: tuple[torch.Tensor, ...]) -> None:
    """Train the MLP that ``run.config`` describes, logging per-batch and per-epoch metrics."""
    x_train, x_val, y_train, y_val = data
    lr, width = run.config["lr"], run.config["model"]["width"]
    run.define_metric("val/acc", summary="max")
    run.define_metric("val/loss", summary="min")
    model = nn.Sequential(
        nn.Linear(64, width),
        nn.ReLU(),
        nn.Linear(width, width),
        nn.ReLU(),
        nn.Linear(width, 10),
    )
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=run.config["momentum"])
    loss_fn = nn.CrossEntropyLoss()
    batch = run.config["batch_size"]
    for epoch in range(run.config["epochs"]):
        model.train()
        order = torch.randperm(len(x_train))
        for start in range(0, len(order), batch):
            idx = order[start : start + batch]
            logits = model(x_train[idx])
            loss = loss_fn(logits, y_train[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            acc = (logits.argmax(1) == y_train[idx]).float().mean()
            run.log({"train/loss": loss, "train/acc": acc, "epoch": epoch})
        model.eval()
        with torch.no_grad():
            logits = model(x_val)
            val_loss = loss_fn(logits, y_val)
            val_acc = (logits.argmax(1) == y_val).float().mean()
        run.log({"val/loss": val_loss, "val/acc": val_acc, "epoch": epoch}, commit=False)
    run.summary["params"] = sum(p.numel() for p in model.parameters())
    log_model(run, model, float(val_acc))


def train(lr: float, width: int, epochs: int, seed: int = 0) -> None:
    torch.manual_seed(seed)
    split = data(seed)
    config = base_config(epochs, seed, split)
    config["lr"] = lr
    config["model"] = {"width": width, "depth": 2, "activation": "relu"}
    tags = ["demo", "mlp", "baseline" if (lr, width) == (0.1, 32) else "sweep"]
    with cairn.init(project=PROJECT, config=config, tags=tags, group=f"width-{width}") as run:
        fit(run, used_dataset(run))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--force", action="store_true", help="log the runs even if present")
    args = parser.parse_args()
    grid = list(itertools.product(LEARNING_RATES, WIDTHS))
    try:
        done = cairn.Api().runs(PROJECT, filter='state == "finished" and "demo" in tags')
    except cairn.StoreError:
        done = []
    if len(done) >= len(grid) and not args.force:
        print(f"the {PROJECT} demo is already logged ({len(done)} runs); --force logs it again")
        return
    log_dataset()
    for lr, width in grid:
        train(lr, width, args.epochs)
    mark_best_model()
    print(f"logged {len(grid)} runs of project {PROJECT!r}", file=sys.stderr)
    base = (os.environ.get("CAIRN_UI_URL") or "http://127.0.0.1:8080").rstrip("/")
    print(f"which parameters matter: {base}/p/{PROJECT}?view=analysis", file=sys.stderr)


if __name__ == "__main__":
    main()
