"""The demo project: an MLP trained on scikit-learn's digits at several learning rates and widths.

Run it with `make demo` (or `python examples/digits.py`); it logs into $CAIRN_DIR or ./.cairn.
Each run of the grid is trained by a process of its own (`digits.py --lr 0.1 --width 32`), so
`cairn reproduce` can re-run any one of them.
Every run logs per-batch training loss and accuracy and per-epoch validation curves, reads its
data from the `digits-split` dataset artifact and logs its weights as a `digits-mlp` model
artifact; the best model gets the alias `best`.
Media too: prediction images (digits upscaled, the ink masked by predicted class, a box with the
confidence), a histogram of confidences per epoch, gradient and parameter histograms
(`run.watch`), and at the end a predictions table with image cells, a confusion matrix and ROC/PR
curves.
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
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
GRID_RUNS = 'state == "finished" and "demo" in tags and reproduction_of is null'
"""The grid's runs, not the reproductions `cairn reproduce` made of them."""
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
    best = cairn.Api().runs(PROJECT, filter=GRID_RUNS, order="-summary.val/acc", limit=1)
    models = best[0].logged_artifacts() if best else []
    if models:
        models[0].set_aliases(["best"])


# ---- media: prediction images, a predictions table, charts ---------------------------------

CLASS_LABELS = {d + 1: str(d) for d in range(10)}  # mask/box class ids: digit + 1 (0 is background)
UPSCALE = 4


def digit_image(pixels: np.ndarray, probs: np.ndarray, label: int) -> cairn.Image:
    """A validation digit upscaled to 32x32, its ink masked by the predicted class, with a box."""
    image = np.kron(pixels.reshape(8, 8), np.ones((UPSCALE, UPSCALE)))
    pred = int(probs.argmax())
    ink = image > 0.3
    rows, cols = np.nonzero(ink)
    box = {
        "position": {
            "minX": int(cols.min()),
            "maxX": int(cols.max()) + 1,
            "minY": int(rows.min()),
            "maxY": int(rows.max()) + 1,
        },
        "domain": "pixel",
        "class_id": pred + 1,
        "box_caption": f"{pred} {probs[pred]:.2f}",
        "scores": {"confidence": float(probs[pred])},
    }
    return cairn.Image(
        image,
        caption=f"label {label}, predicted {pred}",
        masks={"predictions": {"mask_data": ink * (pred + 1), "class_labels": CLASS_LABELS}},
        boxes={"predictions": {"box_data": [box], "class_labels": CLASS_LABELS}},
    )


def log_predictions(
    run: cairn.Run, x_val: torch.Tensor, y_val: torch.Tensor, probs: torch.Tensor
) -> None:
    """The end of training: a predictions table with image cells, a confusion matrix, curves."""
    pixels, labels, p = x_val.numpy(), y_val.numpy(), probs.numpy()
    preds = p.argmax(1)
    table = cairn.Table(columns=["id", "image", "label", "prediction", "confidence", "correct"])
    for i in range(min(len(labels), 200)):
        image = cairn.Image(np.kron(pixels[i].reshape(8, 8), np.ones((UPSCALE, UPSCALE))))
        table.add_data(
            i, image, int(labels[i]), int(preds[i]), float(p[i].max()), bool(labels[i] == preds[i])
        )
    names = [str(d) for d in range(10)]
    run.log(
        {
            "predictions": table,
            "val/confusion_matrix": cairn.plot.confusion_matrix(labels, preds, names),
            "val/roc": cairn.plot.roc_curve(labels, p, names),
            "val/pr": cairn.plot.pr_curve(labels, p, names),
        }
    )


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
    run.watch(model, log="all", log_freq=50)  # gradient/parameter histograms, norms
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
            probs = logits.softmax(1)
        media: dict[str, object] = {"val/confidence": cairn.Histogram(probs.max(1).values)}
        if epoch % 10 == 0 or epoch == run.config["epochs"] - 1:
            media["val/samples"] = [
                digit_image(x_val[i].numpy(), probs[i].numpy(), int(y_val[i])) for i in range(8)
            ]
        run.log({"val/loss": val_loss, "val/acc": val_acc, "epoch": epoch, **media}, commit=False)
    log_predictions(run, x_val, y_val, probs)
    run.summary["params"] = sum(p.numel() for p in model.parameters())
    log_model(run, model, float(val_acc))


def train(lr: float, width: int, epochs: int, seed: int = 0) -> None:
    """One run: the MLP of width ``width`` at learning rate ``lr``."""
    seed = cairn.seed_everything(seed)  # recorded; `cairn reproduce` passes it back ($CAIRN_SEED)
    split = data(seed)
    config = base_config(epochs, seed, split)
    config["lr"] = lr
    config["model"] = {"width": width, "depth": 2, "activation": "relu"}
    tags = ["demo", "mlp", "baseline" if (lr, width) == (0.1, 32) else "sweep"]
    with cairn.init(project=PROJECT, config=config, tags=tags, group=f"width-{width}") as run:
        fit(run, used_dataset(run))


def train_grid(epochs: int) -> None:
    """Every run of the grid, each in a process of its own (``--lr LR --width W``), so that its
    recorded command re-runs that run alone (``cairn reproduce``)."""
    for lr, width in itertools.product(LEARNING_RATES, WIDTHS):
        one = ["--lr", str(lr), "--width", str(width), "--epochs", str(epochs)]
        subprocess.run([sys.executable, str(Path(__file__).resolve()), *one], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--force", action="store_true", help="log the runs even if present")
    parser.add_argument("--lr", type=float, help="with --width: train this one run")
    parser.add_argument("--width", type=int, help="with --lr: train this one run")
    args = parser.parse_args()
    if (args.lr is None) != (args.width is None):
        parser.error("give --lr and --width together (one run), or neither (the whole grid)")
    if args.lr is not None:
        try:
            cairn.Api().artifact(f"{PROJECT}/{DATASET}:latest")
        except cairn.StoreError:  # a fresh store: version the split first
            log_dataset()
        train(args.lr, args.width, args.epochs)
        return
    grid = list(itertools.product(LEARNING_RATES, WIDTHS))
    try:
        done = cairn.Api().runs(PROJECT, filter=GRID_RUNS)
    except cairn.StoreError:
        done = []
    if len(done) >= len(grid) and not args.force:
        print(f"the {PROJECT} demo is already logged ({len(done)} runs); --force logs it again")
        return
    log_dataset()
    train_grid(args.epochs)
    mark_best_model()
    print(f"logged {len(grid)} runs of project {PROJECT!r}", file=sys.stderr)
    base = (os.environ.get("CAIRN_UI_URL") or "http://127.0.0.1:8080").rstrip("/")
    print(f"which parameters matter: {base}/p/{PROJECT}?view=analysis", file=sys.stderr)


if __name__ == "__main__":
    main()
